"""Tag*/Untag*/List*Tags for every taggable IAM entity, through boto3: the same rules for all
(50 tags, key 128 / value 256 characters, reserved "aws:", paging), each entity's own
NoSuchEntity wording, and the few differences (users' and roles' keys ignore case, policies'
do not; policies list their tags shortest key first)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from tests.services.iam.helpers import ALLOW_S3, certificate_and_key, trust_of, unique_name
from tests.services.iam.test_saml_providers import metadata
from tests.support import refusal

ACCOUNT = "864286428642"


@dataclass(frozen=True)
class Entity:
    noun: str  # the operations' name: TagUser, UntagUser, ListUserTags
    member: str  # the request member naming one
    create: Callable[[Any], str]  # makes one, answers the member's value
    missing: str  # a value naming none
    message: str  # NoSuchEntity's message for it
    fold_case: bool = False  # a new "department" replaces "Department"

    def call(self, iam: Any, verb: str, value: str, **params: Any) -> Any:
        name = {"tag": f"tag_{self.noun}", "untag": f"untag_{self.noun}",
                "list": f"list_{self.noun}_tags"}[verb]
        return getattr(iam, name)(**{self.member: value}, **params)


def _server_certificate(iam: Any) -> str:
    body, key = certificate_and_key("tags.example.com")
    name = unique_name("cert")
    iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=body,
                                  PrivateKey=key)
    return name


def _role(iam: Any) -> str:
    name = unique_name("role")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_of(ACCOUNT))
    return name


def _profile(iam: Any) -> str:
    name = unique_name("profile")
    iam.create_instance_profile(InstanceProfileName=name)
    return name


def _user(iam: Any) -> str:
    name = unique_name("user")
    iam.create_user(UserName=name)
    return name


def _policy(iam: Any) -> str:
    made = iam.create_policy(PolicyName=unique_name("policy"), PolicyDocument=ALLOW_S3)
    return str(made["Policy"]["Arn"])


def _mfa(iam: Any) -> str:
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique_name("mfa"))
    return str(made["VirtualMFADevice"]["SerialNumber"])


def _oidc(iam: Any) -> str:
    made = iam.create_open_id_connect_provider(
        Url=f"https://tags-{uuid.uuid4().hex[:8]}.example.com", ThumbprintList=["c" * 40])
    return str(made["OpenIDConnectProviderArn"])


def _saml(iam: Any) -> str:
    made = iam.create_saml_provider(Name=unique_name("idp"), SAMLMetadataDocument=metadata())
    return str(made["SAMLProviderArn"])


_POLICY = f"arn:aws:iam::{ACCOUNT}:policy/none"
_MFA = f"arn:aws:iam::{ACCOUNT}:mfa/none"
_OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/none.example.com"
_SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/none"
ENTITIES = [
    Entity("user", "UserName", _user, "nobody",
           "The user with name nobody cannot be found.", fold_case=True),
    Entity("role", "RoleName", _role, "nobody",
           "The role with name nobody cannot be found.", fold_case=True),
    Entity("instance_profile", "InstanceProfileName", _profile, "nobody",
           "Instance Profile nobody cannot be found."),
    Entity("policy", "PolicyArn", _policy, _POLICY, f"Policy {_POLICY} was not found."),
    Entity("mfa_device", "SerialNumber", _mfa, _MFA,
           f"VirtualMFADevice with serial number {_MFA} doesn't exist."),
    Entity("open_id_connect_provider", "OpenIDConnectProviderArn", _oidc, _OIDC,
           f"OpenIDConnect Provider not found for arn {_OIDC}"),
    Entity("saml_provider", "SAMLProviderArn", _saml, _SAML,
           f"Manifest not found for arn {_SAML}"),
    Entity("server_certificate", "ServerCertificateName", _server_certificate, "nobody",
           "The Server Certificate with name nobody cannot be found."),
]


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


@pytest.fixture(params=ENTITIES, ids=[e.noun for e in ENTITIES])
def entity(request: pytest.FixtureRequest) -> Entity:
    value: Entity = request.param
    return value


def _tags(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs]


def test_tag_list_untag(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    value = entity.create(iam)
    assert entity.call(iam, "list", value)["Tags"] == []
    entity.call(iam, "tag", value, Tags=_tags(("team", "blue"), ("cost", "")))
    listed = entity.call(iam, "list", value)
    assert listed["IsTruncated"] is False and "Marker" not in listed
    assert sorted(listed["Tags"], key=lambda t: t["Key"]) == _tags(("cost", ""),
                                                                  ("team", "blue"))
    entity.call(iam, "tag", value, Tags=_tags(("team", "red")))
    assert {t["Key"]: t["Value"] for t in entity.call(iam, "list", value)["Tags"]} == {
        "team": "red", "cost": ""}
    entity.call(iam, "untag", value, TagKeys=["team", "absent"])
    assert entity.call(iam, "list", value)["Tags"] == _tags(("cost", ""))


def test_a_missing_entity_is_no_such_entity(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    for verb, params in (("tag", {"Tags": _tags(("k", "v"))}), ("untag", {"TagKeys": ["k"]}),
                         ("list", {})):
        code, message, status = refusal(entity.call, iam, verb, entity.missing, **params)
        if entity.noun == "policy" and verb == "list":  # ListPolicyTags words it as GetPolicy
            assert message == f"Policy {_POLICY} does not exist or is not attachable."
        else:
            assert message == entity.message
        assert (code, status) == ("NoSuchEntity", 404)



def test_model_constraints_come_before_the_lookup(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    """As AWS answers TagRole with 51 tags for a missing role (LocalStack's AWS-validated
    snapshot, test_role_tag_errors): ValidationError, not NoSuchEntity."""
    many = _tags(*((str(i), str(i)) for i in range(51)))
    assert refusal(entity.call, iam, "tag", entity.missing, Tags=many) == (
        "ValidationError", "1 validation error detected: Value at 'tags' failed to satisfy "
        "constraint: Member must have length less than or equal to 50", 400)
    code, message, _ = refusal(entity.call, iam, "tag", entity.missing,
                               Tags=_tags(("k" * 129, "v")))
    assert code == "ValidationError" and "'tags.1.member.key'" in message
    code, message, _ = refusal(entity.call, iam, "untag", entity.missing,
                               TagKeys=[f"k{i}" for i in range(51)])
    assert code == "ValidationError" and "'tagKeys'" in message
    # IAM's own rules are checked after the lookup (AWS's order there is not recorded)
    code, _, _ = refusal(entity.call, iam, "tag", entity.missing, Tags=_tags(("aws:k", "v")))
    assert code == "NoSuchEntity"


def test_paging(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    value = entity.create(iam)
    entity.call(iam, "tag", value, Tags=_tags(*((f"k{i}", str(i)) for i in range(5))))
    first = entity.call(iam, "list", value, MaxItems=2)
    assert first["Tags"] == _tags(("k0", "0"), ("k1", "1"))
    assert first["IsTruncated"] is True
    second = entity.call(iam, "list", value, MaxItems=2, Marker=first["Marker"])
    assert second["Tags"] == _tags(("k2", "2"), ("k3", "3")) and second["IsTruncated"]
    last = entity.call(iam, "list", value, MaxItems=2, Marker=second["Marker"])
    assert last["Tags"] == _tags(("k4", "4"))
    assert last["IsTruncated"] is False and "Marker" not in last
    code, message, _ = refusal(entity.call, iam, "list", value, Marker="not-a-marker")
    assert (code, message) == ("InvalidInput", "Invalid Marker.")
    code, message, _ = refusal(entity.call, iam, "list", value, MaxItems=1001)
    assert code == "ValidationError" and "less than or equal to 1000" in message


def test_fifty_tags_at_most(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    value = entity.create(iam)
    code, message, status = refusal(entity.call, iam, "tag", value,
                                    Tags=_tags(*((f"k{i}", "v") for i in range(51))))
    assert (code, status) == ("ValidationError", 400)
    assert "'tags'" in message and "less than or equal to 50" in message
    entity.call(iam, "tag", value, Tags=_tags(*((f"k{i}", "v") for i in range(30))))
    entity.call(iam, "tag", value, Tags=_tags(*((f"k{i}", "v") for i in range(30, 50))))
    code, message, status = refusal(entity.call, iam, "tag", value, Tags=_tags(("k50", "v")))
    assert (code, message, status) == (
        "LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    entity.call(iam, "tag", value, Tags=_tags(("k0", "changed")))  # a known key: no new tag
    listed = entity.call(iam, "list", value)["Tags"]
    assert len(listed) == 50 and {"Key": "k0", "Value": "changed"} in listed


def test_key_and_value_checks(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    value = entity.create(iam)
    code, message, _ = refusal(entity.call, iam, "tag", value, Tags=_tags(("k" * 129, "v")))
    assert code == "ValidationError" and "'tags.1.member.key'" in message
    code, message, _ = refusal(entity.call, iam, "tag", value,
                               Tags=_tags(("ok", "v"), ("long", "v" * 257)))
    assert code == "ValidationError" and "'tags.2.member.value'" in message
    code, message, _ = refusal(entity.call, iam, "tag", value, Tags=_tags(("k#", "v")))
    assert code == "ValidationError" and "regular expression pattern" in message
    code, message, _ = refusal(entity.call, iam, "tag", value, Tags=_tags(("aws:k", "v")))
    assert (code, message) == ("InvalidInput", "Tag keys and values cannot begin with 'aws:': "
                               "the prefix is reserved for AWS use.")
    code, message, _ = refusal(entity.call, iam, "untag", value, TagKeys=["k" * 129])
    assert code == "ValidationError" and "'tagKeys'" in message
    code, message, _ = refusal(entity.call, iam, "untag", value,
                               TagKeys=[f"k{i}" for i in range(51)])
    assert code == "ValidationError" and "'tagKeys'" in message
    entity.call(iam, "tag", value, Tags=_tags(("k" * 128, "v" * 256)))
    assert entity.call(iam, "list", value)["Tags"] == _tags(("k" * 128, "v" * 256))


def test_duplicate_keys_and_case(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    value = entity.create(iam)
    code, message, _ = refusal(entity.call, iam, "tag", value,
                               Tags=_tags(("Env", "a"), ("Env", "b")))
    assert code == "InvalidInput" and message.startswith("Duplicate tag keys found.")
    case_twins = _tags(("Env", "a"), ("env", "b"))
    if entity.noun == "policy":  # policies' keys are case sensitive within a request
        entity.call(iam, "tag", value, Tags=case_twins)
        assert entity.call(iam, "list", value)["Tags"] == case_twins
        return
    code, message, _ = refusal(entity.call, iam, "tag", value, Tags=case_twins)
    assert (code, message) == ("InvalidInput", "Duplicate tag keys found. Please note that "
                               "Tag keys are case insensitive.")
    entity.call(iam, "tag", value, Tags=_tags(("Env", "a")))
    entity.call(iam, "tag", value, Tags=_tags(("ENV", "b")))
    expected = _tags(("ENV", "b")) if entity.fold_case else _tags(("Env", "a"), ("ENV", "b"))
    assert entity.call(iam, "list", value)["Tags"] == expected
    entity.call(iam, "untag", value, TagKeys=["env"])
    assert entity.call(iam, "list", value)["Tags"] == ([] if entity.fold_case else expected)


def test_policy_tags_of_aws_managed_and_malformed_arns(iam) -> None:  # type: ignore[no-untyped-def]
    managed = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert iam.list_policy_tags(PolicyArn=managed)["Tags"] == []
    for call, params in ((iam.tag_policy, {"Tags": _tags(("k", "v"))}),
                         (iam.untag_policy, {"TagKeys": ["k"]})):
        assert refusal(call, PolicyArn=managed, **params)[:2] == (
            "InvalidInput", f"ARN {managed} is not valid for this operation: an AWS managed "
            "policy cannot be changed.")
    malformed = "arn:aws:iam::864286428642:user/not-a-policy"
    for call, params in ((iam.tag_policy, {"Tags": _tags(("k", "v"))}),
                         (iam.untag_policy, {"TagKeys": ["k"]}), (iam.list_policy_tags, {})):
        assert refusal(call, PolicyArn=malformed, **params)[:2] == (
            "InvalidInput", f"ARN {malformed} is not valid.")


def test_policy_tags_are_listed_shortest_key_first(iam) -> None:  # type: ignore[no-untyped-def]
    arn = _policy(iam)
    iam.tag_policy(PolicyArn=arn, Tags=_tags(("abc", "1"), ("b", "2"), ("z", "3"), ("a", "4")))
    assert [t["Key"] for t in iam.list_policy_tags(PolicyArn=arn)["Tags"]] == [
        "a", "b", "z", "abc"]
    page = iam.list_policy_tags(PolicyArn=arn, MaxItems=3)
    assert [t["Key"] for t in page["Tags"]] == ["a", "b", "z"] and page["IsTruncated"]


def test_mfa_serial_numbers_are_checked_before_they_are_looked_for(iam) -> None:  # type: ignore[no-untyped-def]
    for call, params in ((iam.tag_mfa_device, {"Tags": _tags(("k", "v"))}),
                         (iam.untag_mfa_device, {"TagKeys": ["k"]}),
                         (iam.list_mfa_device_tags, {})):
        code, message, _ = refusal(call, SerialNumber="bad serial!", **params)
        assert code == "ValidationError" and "'serialNumber'" in message


def test_a_retagged_key_keeps_its_place(iam, entity: Entity) -> None:  # type: ignore[no-untyped-def]
    """AWS recorded (LocalStack's snapshot, test_role_tag_operations): after TagRole gives
    "somekey" a new value, ListRoleTags still lists it before "someotherkey"."""
    value = entity.create(iam)
    entity.call(iam, "tag", value, Tags=_tags(("somekey", "somevalue"),
                                              ("someotherkey", "someothervalue")))
    entity.call(iam, "tag", value, Tags=_tags(("somekey", "updatedvalue")))
    assert entity.call(iam, "list", value)["Tags"] == _tags(
        ("somekey", "updatedvalue"), ("someotherkey", "someothervalue"))
    entity.call(iam, "tag", value, Tags=_tags(("somekey", "")))
    assert entity.call(iam, "list", value)["Tags"] == _tags(
        ("somekey", ""), ("someotherkey", "someothervalue"))

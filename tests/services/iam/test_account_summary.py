"""GetAccountSummary's keys and quota values as recorded against AWS, and how its counters
move when entities are created."""

from __future__ import annotations

import json
import uuid

from tests.support import refusal

ACCOUNT = "468146814681"
QUOTAS = {
    "AccessKeysPerUserQuota": 2, "AssumeRolePolicySizeQuota": 2048,
    "AttachedPoliciesPerGroupQuota": 10, "AttachedPoliciesPerRoleQuota": 10,
    "AttachedPoliciesPerUserQuota": 10, "GlobalEndpointTokenVersion": 1,
    "GroupPolicySizeQuota": 5120, "GroupsPerUserQuota": 10, "GroupsQuota": 300,
    "InstanceProfilesQuota": 1000, "PoliciesQuota": 1500, "PolicySizeQuota": 6144,
    "PolicyVersionsInUseQuota": 10000, "RolePolicySizeQuota": 10240, "RolesQuota": 1000,
    "ServerCertificatesQuota": 20, "SigningCertificatesPerUserQuota": 2,
    "UserPolicySizeQuota": 2048, "UsersQuota": 5000, "VersionsPerPolicyQuota": 5,
    "AccountAccessKeysPresent": 0, "AccountMFAEnabled": 0,
    "AccountSigningCertificatesPresent": 0,
}
COUNTERS = ("AccountPasswordPresent", "Groups", "InstanceProfiles", "MFADevices",
            "MFADevicesInUse", "Policies", "PolicyVersionsInUse", "Providers", "Roles",
            "ServerCertificates", "Users")
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Action": "s3:ListBucket", "Resource": "*", "Effect": "Allow"}]})


def test_summary_has_aws_keys_and_quotas(client) -> None:  # type: ignore[no-untyped-def]
    summary = client("iam", aws_access_key_id=ACCOUNT).get_account_summary()["SummaryMap"]
    assert set(summary) == set(QUOTAS) | set(COUNTERS)
    assert {key: summary[key] for key in QUOTAS} == QUOTAS


def test_counters_move_with_created_entities(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id="579257925792")
    before = iam.get_account_summary()["SummaryMap"]
    suffix = uuid.uuid4().hex[:8]
    iam.create_user(UserName=f"u{suffix}")
    iam.create_group(GroupName=f"g{suffix}")
    iam.create_role(RoleName=f"r{suffix}", AssumeRolePolicyDocument=TRUST)
    arn = iam.create_policy(PolicyName=f"p{suffix}", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=f"r{suffix}", PolicyArn=arn)
    iam.create_instance_profile(InstanceProfileName=f"i{suffix}")
    iam.create_open_id_connect_provider(Url=f"https://oidc-{suffix}.example.com",
                                        ThumbprintList=["a" * 40])
    after = iam.get_account_summary()["SummaryMap"]
    deltas = {key: after[key] - before[key] for key in COUNTERS}
    assert deltas == {"AccountPasswordPresent": 0, "Groups": 1, "InstanceProfiles": 1,
                      "MFADevices": 0, "MFADevicesInUse": 0, "Policies": 1,
                      "PolicyVersionsInUse": 1, "Providers": 1, "Roles": 1,
                      "ServerCertificates": 0, "Users": 1}


def test_token_version_preference_shows_in_the_summary(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id="913591359135")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    assert refusal(iam.set_security_token_service_preferences,
                   GlobalEndpointTokenVersion="v3Token")[:3:2] == ("ValidationError", 400)


def test_open_id_connect_provider_tags(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id=ACCOUNT)
    arn = iam.create_open_id_connect_provider(
        Url=f"https://tags-{uuid.uuid4().hex[:8]}.example.com", ThumbprintList=["b" * 40],
        Tags=[{"Key": "team", "Value": "id"}])["OpenIDConnectProviderArn"]
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn,
                                     Tags=[{"Key": "env", "Value": "dev"}])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "team", "Value": "id"}, {"Key": "env", "Value": "dev"}]
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["team"])
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}]
    missing = f"arn:aws:iam::{ACCOUNT}:oidc-provider/missing.example.com"
    assert refusal(iam.list_open_id_connect_provider_tags, OpenIDConnectProviderArn=missing) == (
        "NoSuchEntity", f"OpenIDConnect Provider not found for arn {missing}", 404)

"""A resource policy's RevisionId is the RevisionId of what it is attached to: AddPermission
and RemovePermission renew the function's (or the version's, or the alias's), GetPolicy shows
it, and PublishVersion renews $LATEST's."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import create
from tests.support import refusal

S3 = {"Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"}
ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
STALE = ("PreconditionFailedException", "The Revision Id provided does not match the latest "
         "Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _revision(lam, name: str, qualifier: str | None = None) -> str:  # type: ignore[no-untyped-def]
    extra = {"Qualifier": qualifier} if qualifier else {}
    return str(lam.get_function_configuration(FunctionName=name, **extra)["RevisionId"])


def test_permissions_renew_the_function_revision(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    before = _revision(lam, name)
    lam.add_permission(FunctionName=name, StatementId="one", RevisionId=before, **S3)
    added = _revision(lam, name)
    assert added != before
    assert lam.get_policy(FunctionName=name)["RevisionId"] == added
    assert lam.get_resource_policy(ResourceArn=f"{ARN}{name}")["RevisionId"] == added
    assert refusal(lam.add_permission, FunctionName=name, StatementId="two", RevisionId=before,
                   **S3)[:2] == STALE
    lam.remove_permission(FunctionName=name, StatementId="one", RevisionId=added)
    removed = _revision(lam, name)
    assert removed != added
    # an UpdateFunctionConfiguration precondition sees the policy change too
    assert refusal(lam.update_function_configuration, FunctionName=name, Description="x",
                   RevisionId=added)[0] == "PreconditionFailedException"
    lam.update_function_configuration(FunctionName=name, Description="x", RevisionId=removed)


def test_publish_version_and_version_policies(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.add_permission(FunctionName=name, StatementId="latest", **S3)
    latest = _revision(lam, name)
    published = lam.publish_version(FunctionName=name, RevisionId=latest)
    assert _revision(lam, name) != latest
    assert refusal(lam.remove_permission, FunctionName=name, StatementId="latest",
                   RevisionId=latest)[:2] == STALE
    version = published["Version"]
    version_revision = published["RevisionId"]
    lam.add_permission(FunctionName=name, Qualifier=version, StatementId="v",
                       RevisionId=version_revision, **S3)
    after = _revision(lam, name, version)
    assert after != version_revision
    assert lam.get_policy(FunctionName=name, Qualifier=version)["RevisionId"] == after
    latest_now = _revision(lam, name)
    assert lam.get_policy(FunctionName=name)["RevisionId"] == latest_now
    # nothing about the code or configuration changed, so no new version is published
    assert lam.publish_version(FunctionName=name)["Version"] == version


def test_alias_policy_has_the_alias_revision(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    version = lam.publish_version(FunctionName=name)["Version"]
    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    latest = _revision(lam, name)
    lam.add_permission(FunctionName=name, Qualifier="live", StatementId="a",
                       RevisionId=alias["RevisionId"], **S3)
    renewed = lam.get_alias(FunctionName=name, Name="live")["RevisionId"]
    assert renewed != alias["RevisionId"]
    assert lam.get_policy(FunctionName=name, Qualifier="live")["RevisionId"] == renewed
    assert _revision(lam, name) == latest
    assert refusal(lam.delete_resource_policy, ResourceArn=f"{ARN}{name}:live",
                   RevisionId=alias["RevisionId"])[0] == "PreconditionFailedException"
    lam.delete_resource_policy(ResourceArn=f"{ARN}{name}:live", RevisionId=renewed)
    assert lam.get_alias(FunctionName=name, Name="live")["RevisionId"] != renewed


def test_a_permission_or_tag_change_keeps_the_warm_workers(lam) -> None:  # type: ignore[no-untyped-def]
    """A renewed RevisionId alone (AddPermission, TagResource) does not start the function's
    execution environments anew: only code or configuration changes do, as in AWS."""
    import base64

    name = create(lam)

    def cold() -> bool:
        answer = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
        return "Init Duration" in base64.b64decode(answer["LogResult"]).decode()

    cold()
    assert not cold()  # warm
    lam.add_permission(FunctionName=name, StatementId="warm", **S3)
    lam.tag_resource(Resource=f"{ARN}{name}", Tags={"team": "a"})
    assert not cold()
    lam.update_function_configuration(FunctionName=name, Description="changed")
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert cold()

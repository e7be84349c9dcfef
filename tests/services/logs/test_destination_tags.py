"""Tags on CloudWatch Logs destinations: PutDestination's tags, and TagResource,
UntagResource and ListTagsForResource given a destination's ARN."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/r"
TARGET = "arn:aws:kinesis:us-east-1:000000000000:stream/s"


@pytest.fixture
def logs(client):  # type: ignore[no-untyped-def]
    return client("logs")


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_put_destination_tags_then_tag_and_untag(logs) -> None:  # type: ignore[no-untyped-def]
    name = f"dest-{uuid.uuid4().hex[:8]}"
    made = logs.put_destination(destinationName=name, targetArn=TARGET, roleArn=ROLE,
                                tags={"team": "core", "env": "dev"})["destination"]
    resource = made["arn"]
    assert logs.list_tags_for_resource(resourceArn=resource)["tags"] == {
        "team": "core", "env": "dev"}
    logs.tag_resource(resourceArn=resource, tags={"env": "prod", "owner": "me"})
    logs.untag_resource(resourceArn=resource, tagKeys=["team", "absent"])
    assert logs.list_tags_for_resource(resourceArn=resource)["tags"] == {
        "env": "prod", "owner": "me"}
    # updating the destination keeps its tags
    logs.put_destination(destinationName=name, targetArn=TARGET, roleArn=ROLE)
    assert logs.list_tags_for_resource(resourceArn=resource)["tags"] == {
        "env": "prod", "owner": "me"}
    logs.delete_destination(destinationName=name)
    with pytest.raises(ClientError) as gone:
        logs.list_tags_for_resource(resourceArn=resource)
    assert _code(gone) == "ResourceNotFoundException"


def test_destination_without_tags_lists_none(logs) -> None:  # type: ignore[no-untyped-def]
    name = f"dest-{uuid.uuid4().hex[:8]}"
    made = logs.put_destination(destinationName=name, targetArn=TARGET, roleArn=ROLE)
    assert logs.list_tags_for_resource(resourceArn=made["destination"]["arn"])["tags"] == {}


def test_destination_tag_errors(logs) -> None:  # type: ignore[no-untyped-def]
    missing = "arn:aws:logs:us-east-1:000000000000:destination:no-such-dest"
    with pytest.raises(ClientError) as absent:
        logs.tag_resource(resourceArn=missing, tags={"a": "b"})
    assert _code(absent) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as bad_arn:
        logs.list_tags_for_resource(resourceArn="arn:aws:logs:us-east-1:000000000000:thing:x")
    assert _code(bad_arn) == "InvalidParameterException"
    name = f"dest-{uuid.uuid4().hex[:8]}"
    resource = logs.put_destination(destinationName=name, targetArn=TARGET,
                                    roleArn=ROLE)["destination"]["arn"]
    with pytest.raises(ClientError) as reserved:
        logs.tag_resource(resourceArn=resource, tags={"aws:x": "y"})
    assert _code(reserved) in ("ValidationException", "InvalidParameterException")
    with pytest.raises(ClientError) as too_many:
        logs.tag_resource(resourceArn=resource, tags={f"k{i}": "v" for i in range(51)})
    assert _code(too_many) == "InvalidParameterException"
    with pytest.raises(ClientError) as reserved_at_put:
        logs.put_destination(destinationName=f"dest-{uuid.uuid4().hex[:8]}", targetArn=TARGET,
                             roleArn=ROLE, tags={"aws:x": "y"})
    assert _code(reserved_at_put) in ("ValidationException", "InvalidParameterException")
    assert logs.list_tags_for_resource(resourceArn=resource)["tags"] == {}

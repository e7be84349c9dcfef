"""Resource-based policies of tables and streams: the operations, and (under --iam enforce)
another account's access granted only by the table's policy, an explicit Deny winning."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.services.dynamodb.conftest import unique
from tests.support import Server, enforcing_client, refusal

OTHER_ACCOUNT = "111111111111"


def _policy(table_arn: str, principal: str, actions: list[str],
            effect: str = "Allow", extra: list[Any] | None = None) -> str:
    statement = {"Effect": effect, "Principal": {"AWS": principal}, "Action": actions,
                 "Resource": [table_arn, f"{table_arn}/index/*"]}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement, *(extra or [])]})


def test_put_get_delete_and_revisions(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    code, message, status = refusal(ddb.get_resource_policy, ResourceArn=arn)
    assert (code, status) == ("PolicyNotFoundException", 400) and arn in message
    text = _policy(arn, f"arn:aws:iam::{OTHER_ACCOUNT}:root", ["dynamodb:GetItem"])
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=text)["RevisionId"]
    assert first.isdigit()
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert (got["Policy"], got["RevisionId"]) == (text, first)
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=text)["RevisionId"] == first
    assert refusal(ddb.put_resource_policy, ResourceArn=arn, Policy=text,
                   ExpectedRevisionId="NO_POLICY")[0] == "PolicyNotFoundException"
    assert refusal(ddb.put_resource_policy, ResourceArn=arn, Policy=text.replace(
        "GetItem", "Query"), ExpectedRevisionId="123")[0] == "PolicyNotFoundException"
    second = ddb.put_resource_policy(ResourceArn=arn, Policy=text.replace("GetItem", "Query"),
                                     ExpectedRevisionId=first)["RevisionId"]
    assert second != first
    assert refusal(ddb.delete_resource_policy, ResourceArn=arn,
                   ExpectedRevisionId=first)[0] == "PolicyNotFoundException"
    assert ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"] == second
    assert refusal(ddb.delete_resource_policy, ResourceArn=arn)[0] == "PolicyNotFoundException"
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=text,
                                   ExpectedRevisionId="NO_POLICY")["RevisionId"]


def test_bad_policies_and_resources(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert refusal(ddb.put_resource_policy, ResourceArn=arn, Policy="{not json")[:3:2] == (
        "ValidationException", 400)
    no_principal = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": arn}]})
    assert refusal(ddb.put_resource_policy, ResourceArn=arn,
                   Policy=no_principal)[0] == "ValidationException"
    big = _policy(arn, "*", ["dynamodb:GetItem"], extra=[{
        "Sid": "x" * 21_000, "Effect": "Deny", "Principal": "*", "Action": "dynamodb:Scan",
        "Resource": arn}])
    code, message, _ = refusal(ddb.put_resource_policy, ResourceArn=arn, Policy=big)
    assert code == "ValidationException" and "20480" in message
    missing = arn.rsplit("/", 1)[0] + "/" + unique()
    text = _policy(missing, "*", ["dynamodb:GetItem"])
    assert refusal(ddb.put_resource_policy, ResourceArn=missing,
                   Policy=text)[0] == "ResourceNotFoundException"
    assert refusal(ddb.get_resource_policy, ResourceArn="arn:aws:s3:::bucket")[0] == (
        "ValidationException")


def test_stream_policy_and_create_table_policy(ddb: Any) -> None:
    name = unique()
    arn = f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    text = _policy(arn, f"arn:aws:iam::{OTHER_ACCOUNT}:root", ["dynamodb:GetItem"])
    table = ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", ResourcePolicy=text,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]
    assert ddb.get_resource_policy(ResourceArn=arn)["Policy"] == text
    stream = table["LatestStreamArn"]
    assert refusal(ddb.get_resource_policy, ResourceArn=stream)[0] == "PolicyNotFoundException"
    stream_text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
        "Action": ["dynamodb:GetRecords", "dynamodb:DescribeStream"], "Resource": stream}]})
    assert ddb.put_resource_policy(ResourceArn=stream, Policy=stream_text)["RevisionId"]
    assert ddb.get_resource_policy(ResourceArn=stream)["Policy"] == stream_text
    assert refusal(ddb.get_resource_policy, ResourceArn=stream[:-3] + "xyz")[0] == (
        "ResourceNotFoundException")
    ddb.delete_table(TableName=name)
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    assert refusal(ddb.get_resource_policy, ResourceArn=arn)[0] == "PolicyNotFoundException"


def test_removing_own_access_needs_confirmation(ddb: Any, make_table: Callable[..., str]) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    locked = _policy(arn, "arn:aws:iam::000000000000:root", ["dynamodb:PutResourcePolicy"],
                     effect="Deny")
    assert refusal(ddb.put_resource_policy, ResourceArn=arn, Policy=locked)[0] == (
        "ValidationException")
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=locked,
                                   ConfirmRemoveSelfResourceAccess=True)["RevisionId"]


def _table(client: Any) -> str:
    name = unique()
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "shared"}})
    return str(client.describe_table(TableName=name)["Table"]["TableArn"])


def test_cross_account_access_only_by_the_table_policy(enforcing: Server) -> None:
    owner = enforcing_client(enforcing, "dynamodb")
    other = enforcing_client(enforcing, "dynamodb", OTHER_ACCOUNT)
    arn = _table(owner)
    key = {"pk": {"S": "a"}}
    assert refusal(other.get_item, TableName=arn, Key=key)[0] == "AccessDeniedException"
    grantee = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
    owner.put_resource_policy(ResourceArn=arn, Policy=_policy(
        arn, grantee, ["dynamodb:GetItem", "dynamodb:Query"]))
    assert other.get_item(TableName=arn, Key=key)["Item"]["v"] == {"S": "shared"}
    assert other.query(TableName=arn, KeyConditionExpression="pk = :a",
                       ExpressionAttributeValues={":a": {"S": "a"}})["Count"] == 1
    assert refusal(other.put_item, TableName=arn, Item={"pk": {"S": "b"}})[0] == (
        "AccessDeniedException")
    assert refusal(other.get_item, TableName=arn.rsplit("/", 1)[1], Key=key)[0] == (
        "ResourceNotFoundException")  # by name: the other account's own (missing) table
    deny = {"Effect": "Deny", "Principal": {"AWS": grantee}, "Action": "dynamodb:GetItem",
            "Resource": arn}
    owner.put_resource_policy(ResourceArn=arn, Policy=_policy(
        arn, grantee, ["dynamodb:GetItem", "dynamodb:Query"], extra=[deny]))
    assert refusal(other.get_item, TableName=arn, Key=key)[0] == "AccessDeniedException"
    assert other.query(TableName=arn, KeyConditionExpression="pk = :a",
                       ExpressionAttributeValues={":a": {"S": "a"}})["Count"] == 1
    owner.delete_resource_policy(ResourceArn=arn)
    assert refusal(other.query, TableName=arn, KeyConditionExpression="pk = :a",
                   ExpressionAttributeValues={":a": {"S": "a"}})[0] == "AccessDeniedException"
    assert owner.get_item(TableName=arn, Key=key)["Item"]["v"] == {"S": "shared"}

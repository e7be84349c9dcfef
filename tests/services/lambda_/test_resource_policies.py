"""Get/Put/DeleteResourcePolicy by function ARN, sharing state with AddPermission/GetPolicy."""

from __future__ import annotations

import json

import pytest
from tests.services.lambda_.helpers import create
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
S3 = {"Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"}


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _policy(*sids: str, resource: str | None = None) -> str:
    statements = []
    for sid in sids:
        statement = {"Sid": sid, "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                     "Action": "lambda:InvokeFunction"}
        if resource:
            statement["Resource"] = resource
        statements.append(statement)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_put_replaces_add_permission_and_get_policy_sees_it(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    arn = f"{ARN}{name}"
    lam.add_permission(FunctionName=name, StatementId="from-s3", **S3)
    first = lam.get_resource_policy(ResourceArn=arn)
    assert [s["Sid"] for s in json.loads(first["Policy"])["Statement"]] == ["from-s3"]
    assert first["RevisionId"] == lam.get_policy(FunctionName=name)["RevisionId"]
    put = lam.put_resource_policy(ResourceArn=arn, Policy=_policy("a", "b"),
                                  RevisionId=first["RevisionId"])
    assert put["RevisionId"] != first["RevisionId"]
    statements = json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]
    assert [(s["Sid"], s["Resource"]) for s in statements] == [("a", arn), ("b", arn)]
    assert refusal(lam.put_resource_policy, ResourceArn=arn, Policy=_policy("c"),
                   RevisionId=first["RevisionId"])[:2] == (
        "PreconditionFailedException", "The Revision Id provided does not match the latest "
        "Revision Id. Call the GetResourcePolicy API to retrieve the latest Revision Id")
    lam.remove_permission(FunctionName=name, StatementId="a")
    after = lam.get_resource_policy(ResourceArn=arn)
    assert [s["Sid"] for s in json.loads(after["Policy"])["Statement"]] == ["b"]
    assert after["RevisionId"] != put["RevisionId"]
    assert refusal(lam.add_permission, FunctionName=name, StatementId="x",
                   RevisionId=put["RevisionId"], **S3)[0] == "PreconditionFailedException"
    lam.delete_resource_policy(ResourceArn=arn, RevisionId=after["RevisionId"])
    assert refusal(lam.get_policy, FunctionName=name) == (
        "ResourceNotFoundException", "The resource you requested does not exist.", 404)
    assert refusal(lam.delete_resource_policy, ResourceArn=arn) == (
        "ResourceNotFoundException", "No policy is associated with the given resource.", 404)


def test_a_policy_belongs_to_its_qualified_arn(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    lam.put_resource_policy(ResourceArn=f"{ARN}{name}:live", Policy=_policy("alias"))
    lam.put_resource_policy(ResourceArn=f"{ARN}{name}", Policy=_policy("plain"))
    alias = json.loads(lam.get_policy(FunctionName=name, Qualifier="live")["Policy"])
    assert [s["Resource"] for s in alias["Statement"]] == [f"{ARN}{name}:live"]
    assert refusal(lam.get_resource_policy, ResourceArn=f"{ARN}{name}:1")[0] == (
        "ResourceNotFoundException")
    assert refusal(lam.get_resource_policy, ResourceArn=f"{ARN}{name}:gone") == (
        "ResourceNotFoundException", f"Cannot find alias arn: {ARN}{name}:gone", 404)
    assert refusal(lam.get_resource_policy, ResourceArn=f"{ARN}{name}-x") == (
        "ResourceNotFoundException", f"Function not found: {ARN}{name}-x", 404)


def test_bad_policies_are_refused(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    arn = f"{ARN}{name}"
    for policy in ("{not json", "[]", json.dumps({"Statement": []}),
                   json.dumps({"Statement": [{"Effect": "Maybe"}]}),
                   _policy("a", resource=f"{arn}-other"), _policy("a", "a")):
        assert refusal(lam.put_resource_policy, ResourceArn=arn, Policy=policy)[0] == (
            "InvalidParameterValueException"), policy
    assert refusal(lam.put_resource_policy, ResourceArn=f"{arn}:$LATEST",
                   Policy=_policy("a")) == (
        "InvalidParameterValueException",
        "We currently do not support adding policies for $LATEST.", 400)
    assert refusal(lam.get_resource_policy, ResourceArn=f"{arn}*")[0] == "ValidationException"
    assert refusal(lam.put_resource_policy, ResourceArn=arn,
                   Policy=_policy(*(f"s{i:04d}" for i in range(200))))[0] == (
        "PolicyLengthExceededException")

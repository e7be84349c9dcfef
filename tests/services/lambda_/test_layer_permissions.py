"""Layer version policies: AddLayerVersionPermission, GetLayerVersionPolicy and
RemoveLayerVersionPermission, their shapes and their errors in AWS's words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import unique_name, zip_of

CONTENT = {"ZipFile": zip_of({"python/helper.py": "VALUE = 1\n"})}
GRANT = {"Action": "lambda:GetLayerVersion", "Principal": "123456789012"}
LAYER_ARN = "arn:aws:lambda:us-east-1:000000000000:layer:"


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


@pytest.fixture
def layer(lam) -> str:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    lam.publish_layer_version(LayerName=name, Content=CONTENT)
    return name


def _error(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    return {"Code": response["Error"]["Code"], "Message": response["Error"]["Message"],
            "Status": response["ResponseMetadata"]["HTTPStatusCode"],
            "Type": response.get("Type")}


def test_add_get_and_remove_a_permission(lam, layer) -> None:  # type: ignore[no-untyped-def]
    added = lam.add_layer_version_permission(LayerName=layer, VersionNumber=1,
                                             StatementId="xaccount", **GRANT)
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    statement = {"Sid": "xaccount", "Effect": "Allow",
                 "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                 "Action": "lambda:GetLayerVersion", "Resource": f"{LAYER_ARN}{layer}:1"}
    assert json.loads(added["Statement"]) == statement
    policy = lam.get_layer_version_policy(LayerName=layer, VersionNumber=1)
    assert policy["RevisionId"] == added["RevisionId"]
    assert json.loads(policy["Policy"]) == {"Version": "2012-10-17", "Id": "default",
                                            "Statement": [statement]}
    removed = lam.remove_layer_version_permission(LayerName=layer, VersionNumber=1,
                                                  StatementId="xaccount")
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _error(lam.get_layer_version_policy, LayerName=layer, VersionNumber=1) == {
        "Code": "ResourceNotFoundException", "Type": "User", "Status": 404,
        "Message": "No policy is associated with the given resource."}


def test_everyone_and_an_organization(lam, layer) -> None:  # type: ignore[no-untyped-def]
    added = lam.add_layer_version_permission(
        LayerName=f"{LAYER_ARN}{layer}", VersionNumber=1, StatementId="org",
        Action="lambda:GetLayerVersion", Principal="*", OrganizationId="o-abcdefghij")
    assert json.loads(added["Statement"])["Principal"] == "*"
    assert json.loads(added["Statement"])["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}


def test_statement_members_are_checked(lam, layer) -> None:  # type: ignore[no-untyped-def]
    def refused(**params: Any) -> dict[str, Any]:
        merged = {"LayerName": layer, "VersionNumber": 1, "StatementId": "s", **GRANT, **params}
        return _error(lam.add_layer_version_permission, **merged)

    wrong_action = refused(Action="lambda:GetFunction")
    assert (wrong_action["Code"], wrong_action["Status"]) == ("ValidationException", 400)
    assert wrong_action["Message"] == (
        "1 validation error detected: Value 'lambda:GetFunction' at 'action' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion")
    assert refused(StatementId="has space")["Message"].endswith(
        "at 'statementId' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: ([a-zA-Z0-9-_]+)")
    assert "at 'principal'" in refused(Principal="s3.amazonaws.com")["Message"]
    assert "at 'organizationId'" in refused(Principal="*", OrganizationId="org")["Message"]


def test_duplicate_statement_and_missing_things(lam, layer) -> None:  # type: ignore[no-untyped-def]
    lam.add_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="s", **GRANT)
    assert _error(lam.add_layer_version_permission, LayerName=layer, VersionNumber=1,
                  StatementId="s", **GRANT) == {
        "Code": "ResourceConflictException", "Type": "User", "Status": 409,
        "Message": "The statement id (s) provided already exists. Please provide a new "
                   "statement id, or remove the existing statement."}
    assert _error(lam.remove_layer_version_permission, LayerName=layer, VersionNumber=1,
                  StatementId="other") == {
        "Code": "ResourceNotFoundException", "Type": "User", "Status": 404,
        "Message": "Statement other is not found in resource policy."}
    missing = {"Code": "ResourceNotFoundException", "Type": "User", "Status": 404,
               "Message": f"Layer version {LAYER_ARN}{layer}:2 does not exist."}
    assert _error(lam.get_layer_version_policy, LayerName=layer, VersionNumber=2) == missing
    assert _error(lam.add_layer_version_permission, LayerName=layer, VersionNumber=2,
                  StatementId="s", **GRANT) == missing
    assert _error(lam.remove_layer_version_permission, LayerName=layer, VersionNumber=2,
                  StatementId="s") == missing


def test_revision_ids_guard_changes(lam, layer) -> None:  # type: ignore[no-untyped-def]
    stale = {"Code": "PreconditionFailedException", "Type": "User", "Status": 412,
             "Message": "The Revision Id provided does not match the latest Revision Id. "
                        "Call the GetLayerPolicy API to retrieve the latest Revision Id"}
    assert _error(lam.add_layer_version_permission, LayerName=layer, VersionNumber=1,
                  StatementId="a", RevisionId="nope", **GRANT) == stale
    first = lam.add_layer_version_permission(LayerName=layer, VersionNumber=1,
                                             StatementId="a", **GRANT)["RevisionId"]
    second = lam.add_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="b",
                                              RevisionId=first, **GRANT)["RevisionId"]
    assert second != first
    assert _error(lam.remove_layer_version_permission, LayerName=layer, VersionNumber=1,
                  StatementId="a", RevisionId=first) == stale
    lam.remove_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="a",
                                        RevisionId=second)
    sids = [s["Sid"] for s in json.loads(lam.get_layer_version_policy(
        LayerName=layer, VersionNumber=1)["Policy"])["Statement"]]
    assert sids == ["b"]


def test_each_version_has_its_own_policy(lam, layer) -> None:  # type: ignore[no-untyped-def]
    lam.publish_layer_version(LayerName=layer, Content=CONTENT)
    lam.add_layer_version_permission(LayerName=layer, VersionNumber=2, StatementId="s", **GRANT)
    assert _error(lam.get_layer_version_policy, LayerName=layer,
                  VersionNumber=1)["Code"] == "ResourceNotFoundException"
    lam.delete_layer_version(LayerName=layer, VersionNumber=2)
    assert _error(lam.get_layer_version_policy, LayerName=layer, VersionNumber=2)["Message"] == (
        f"Layer version {LAYER_ARN}{layer}:2 does not exist.")

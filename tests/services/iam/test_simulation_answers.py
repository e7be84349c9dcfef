"""SimulatePrincipalPolicy and SimulateCustomPolicy answer in IAM's shape: matched statements
with their source and position, missing context keys, per-resource results, the boundary's
part, paging and the errors."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "246802468024"
# AdministratorAccess as IAM stores it (two-space indent): IAM answers Line 3 Column 17 to
# Line 8 Column 6 for its one statement.
ADMIN_TEXT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, indent=2)
COMPACT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}, separators=(",", ":"))


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _error(call, **kwargs) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def test_matched_statement_positions_follow_iam(iam) -> None:  # type: ignore[no-untyped-def]
    result = iam.simulate_custom_policy(PolicyInputList=[ADMIN_TEXT],
                                        ActionNames=["s3:GetObject"])["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed" and result["EvalResourceName"] == "*"
    assert result["MatchedStatements"] == [{
        "SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": 3, "Column": 17}, "EndPosition": {"Line": 8, "Column": 6}}]
    assert result["MissingContextValues"] == []
    assert "ResourceSpecificResults" not in result and "EvalDecisionDetails" not in result


def test_explicit_deny_lists_only_the_denying_statement(iam) -> None:  # type: ignore[no-untyped-def]
    results = iam.simulate_custom_policy(
        PolicyInputList=[ADMIN_TEXT, COMPACT],
        ActionNames=["s3:DeleteObject", "sqs:SendMessage"])["EvaluationResults"]
    deny, other = results
    assert deny["EvalDecision"] == "explicitDeny"
    # '{"Version":"2012-10-17","Statement":[' is 37 characters, the first statement 49 and a
    # comma: the second starts at 88 and is 59 long
    assert deny["MatchedStatements"] == [{
        "SourcePolicyId": "PolicyInputList.2", "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": 1, "Column": 88}, "EndPosition": {"Line": 1, "Column": 147}}]
    assert [m["SourcePolicyId"] for m in other["MatchedStatements"]] == ["PolicyInputList.1"]


def test_implicit_deny_matches_nothing(iam) -> None:  # type: ignore[no-untyped-def]
    result = iam.simulate_custom_policy(PolicyInputList=[COMPACT],
                                        ActionNames=["sqs:SendMessage"])["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny" and result["MatchedStatements"] == []


def test_missing_context_values_name_the_keys_left_out(iam) -> None:  # type: ignore[no-untyped-def]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {
            "StringEquals": {"aws:RequestedRegion": "eu-west-1", "s3:prefix": "a/"}}},
        {"Effect": "Allow", "Action": "sqs:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})
    result = iam.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["s3:GetObject"],
        ContextEntries=[{"ContextKeyName": "s3:prefix", "ContextKeyValues": ["a/"],
                         "ContextKeyType": "string"}])["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["aws:RequestedRegion"]


def test_resource_arns_bring_resource_specific_results(iam) -> None:  # type: ignore[no-untyped-def]
    arns = ["arn:aws:s3:::b/one", "arn:aws:s3:::b/two"]
    results = iam.simulate_custom_policy(PolicyInputList=[COMPACT], ActionNames=["s3:GetObject"],
                                         ResourceArns=arns)["EvaluationResults"]
    assert [r["EvalResourceName"] for r in results] == arns
    for result, arn in zip(results, arns, strict=True):
        assert result["EvalDecisionDetails"] == {}
        specific = result["ResourceSpecificResults"]
        assert [(s["EvalResourceName"], s["EvalResourceDecision"]) for s in specific] == [
            (arn, "allowed")]
        assert specific[0]["MatchedStatements"] == result["MatchedStatements"]


def test_boundary_decision_detail(iam) -> None:  # type: ignore[no-untyped-def]
    boundary = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    results = iam.simulate_custom_policy(
        PolicyInputList=[COMPACT], PermissionsBoundaryPolicyInputList=[boundary],
        ActionNames=["s3:GetObject", "s3:PutObject"])["EvaluationResults"]
    assert [(r["EvalDecision"], r["PermissionsBoundaryDecisionDetail"]) for r in results] == [
        ("allowed", {"AllowedByPermissionsBoundary": True}),
        ("implicitDeny", {"AllowedByPermissionsBoundary": False})]
    plain = iam.simulate_custom_policy(PolicyInputList=[COMPACT], ActionNames=["s3:GetObject"])
    assert "PermissionsBoundaryDecisionDetail" not in plain["EvaluationResults"][0]


def test_principal_sources_are_named_as_iam_names_them(iam) -> None:  # type: ignore[no-untyped-def]
    user = _name("sim")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="reads", PolicyDocument=COMPACT)
    arn = iam.create_policy(PolicyName=_name("p"), PolicyDocument=ADMIN_TEXT)["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=arn)
    user_arn = iam.get_user(UserName=user)["User"]["Arn"]
    result = iam.simulate_principal_policy(PolicySourceArn=user_arn,
                                           ActionNames=["s3:GetObject"])["EvaluationResults"][0]
    assert sorted(m["SourcePolicyId"] for m in result["MatchedStatements"]) == sorted(
        [f"user_{user}_reads", arn.rsplit("/", 1)[-1]])
    assert {m["SourcePolicyType"] for m in result["MatchedStatements"]} == {"IAM Policy"}
    assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}


def test_paging(iam) -> None:  # type: ignore[no-untyped-def]
    actions = [f"s3:Get{n}" for n in range(5)]
    first = iam.simulate_custom_policy(PolicyInputList=[COMPACT], ActionNames=actions,
                                       MaxItems=2)
    assert first["IsTruncated"] and len(first["EvaluationResults"]) == 2
    pages = iam.get_paginator("simulate_custom_policy").paginate(
        PolicyInputList=[COMPACT], ActionNames=actions, PaginationConfig={"PageSize": 2})
    names = [r["EvalActionName"] for p in pages for r in p["EvaluationResults"]]
    assert names == actions


def test_unknown_policy_source_is_no_such_entity(iam) -> None:  # type: ignore[no-untyped-def]
    code, message = _error(iam.simulate_principal_policy,
                           PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:role/nobody",
                           ActionNames=["s3:GetObject"])
    assert code == "NoSuchEntity" and "nobody" in message


@pytest.mark.parametrize("params", [
    {"PolicyInputList": ["{not json"]},
    {"PolicyInputList": [COMPACT], "ContextEntries": [
        {"ContextKeyName": "aws:MultiFactorAuthAge", "ContextKeyValues": ["soon"],
         "ContextKeyType": "numeric"}]},
    {"PolicyInputList": [COMPACT], "ContextEntries": [
        {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.0.0.1"],
         "ContextKeyType": "address"}]},
    {"PolicyInputList": [COMPACT], "ContextEntries": [
        {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["maybe"],
         "ContextKeyType": "boolean"}]},
    {"PolicyInputList": [COMPACT], "ResourceArns": ["not-an-arn"]},
    {"PolicyInputList": [COMPACT], "ResourceOwner": "123456789012"},
    {"PolicyInputList": [COMPACT], "ResourcePolicy": COMPACT},
])
def test_invalid_input(iam, params) -> None:  # type: ignore[no-untyped-def]
    code, _ = _error(iam.simulate_custom_policy, ActionNames=["s3:GetObject"], **params)
    assert code == "InvalidInput"


def test_resource_policy_needs_a_user_caller(iam) -> None:  # type: ignore[no-untyped-def]
    bucket = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
    deny_all = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}]})
    base = {"PolicyInputList": [deny_all], "ActionNames": ["s3:GetObject"],
            "ResourceArns": ["arn:aws:s3:::b/k"], "ResourcePolicy": bucket}
    assert _error(iam.simulate_custom_policy, **base)[0] == "InvalidInput"
    assert _error(iam.simulate_custom_policy, CallerArn=f"arn:aws:iam::{ACCOUNT}:role/r",
                  **base)[0] == "InvalidInput"
    result = iam.simulate_custom_policy(CallerArn=f"arn:aws:iam::{ACCOUNT}:user/alice",
                                        **base)["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "ResourcePolicy"
    assert result["MatchedStatements"][0]["SourcePolicyType"] == "resource"
    other = iam.simulate_custom_policy(
        CallerArn=f"arn:aws:iam::{ACCOUNT}:user/alice", ResourceOwner="arn:aws:iam::"
        "111122223333:root", **base)["EvaluationResults"][0]
    assert other["EvalDecision"] == "implicitDeny"  # cross account: identity side must allow

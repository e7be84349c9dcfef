"""The decision tables again, end to end: through boto3's iam.simulate_custom_policy against a
running server, which answers from the same engine that enforces.

Every condition case runs. Evaluation cases run where SimulateCustomPolicy can express them:
an IAM user as the caller (alice or bob, no principal tags), identity policies, a permissions
boundary, a resource policy and its owner. Sessions, trust policies, service and anonymous
principals are the engine-level table's alone (the API has no way to name them).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.iam.test_decision_table import CONDITIONS, EVALUATION

A = "111111111111"
CALLERS = {"alice": f"arn:aws:iam::{A}:user/alice", "bob": f"arn:aws:iam::{A}:user/bob"}
OUTCOMES = {"allowed": "allowed", "explicit-deny": "explicitDeny"}


def _document(spec: Any) -> str:
    if isinstance(spec, dict) and "Statement" in spec:
        return json.dumps(spec)
    items = spec if isinstance(spec, list) else [spec]
    statements = [EVALUATION["statements"][s] if isinstance(s, str) else s for s in items]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _expressible(case: dict[str, Any]) -> bool:
    text = json.dumps(case) + "".join(
        json.dumps(EVALUATION["statements"].get(s, "")) for s in _names(case))
    return (case.get("principal", "alice") in CALLERS and "session" not in case
            and "trust" not in case and "PrincipalTag" not in text and "userid" not in text
            and "identity" in case and len(case.get("resources", [1])) == 1)


def _names(case: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key in ("identity", "boundary", "resource_policy"):
        value = case.get(key, [])
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, list):
                names += [s for s in item if isinstance(s, str)]
    return names


EXPRESSIBLE = [case for case in EVALUATION["cases"] if _expressible(case)]
# Keys the API cannot set: they come from the principal itself (tags, user id).
PRINCIPAL_DERIVED = ("aws:userid", "aws:PrincipalTag", "${aws:PrincipalTag")
CONDITION_CASES = [c for c in CONDITIONS if not any(k in json.dumps(c[1:3])
                                                    for k in PRINCIPAL_DERIVED)]


def _context_entries(context: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for name, value in context.items():
        values = value if isinstance(value, list) else [value]
        entries.append({"ContextKeyName": name, "ContextKeyValues": [str(v) for v in values],
                        "ContextKeyType": "stringList" if isinstance(value, list) else "string"})
    return entries


@pytest.fixture(scope="module")
def iam(endpoint: str):  # type: ignore[no-untyped-def]
    import boto3
    from botocore.config import Config

    return boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=A, aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def test_enough_cases_run_end_to_end() -> None:
    assert len(CONDITION_CASES) + len(EXPRESSIBLE) >= 200


@pytest.mark.parametrize("case", CONDITION_CASES, ids=[c[0] for c in CONDITION_CASES])
def test_condition_case_through_boto3(iam, case: list[Any]) -> None:  # type: ignore[no-untyped-def]
    _, condition, context, holds = case
    # the API's ContextKeyName needs 5+ characters: the table's bare "key" gets a namespace
    condition = json.loads(json.dumps(condition).replace('"key":', '"test:key":'))
    context = {("test:key" if name == "key" else name): value for name, value in context.items()}
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}]}
    answer = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(policy)], ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::b/k"], CallerArn=CALLERS["alice"],
        ContextEntries=_context_entries(context))
    decision = answer["EvaluationResults"][0]["EvalDecision"]
    assert decision == ("allowed" if holds else "implicitDeny")


@pytest.mark.parametrize("case", EXPRESSIBLE, ids=[c["name"] for c in EXPRESSIBLE])
def test_evaluation_case_through_boto3(iam, case: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    params: dict[str, Any] = {
        "PolicyInputList": [_document(p) for p in case.get("identity", [])],
        "ActionNames": [case.get("action", "s3:GetObject")],
        "ResourceArns": case.get("resources", ["arn:aws:s3:::b/k"]),
        "CallerArn": CALLERS[case.get("principal", "alice")],
        "ContextEntries": _context_entries(case.get("context", {})),
    }
    if "boundary" in case:
        params["PermissionsBoundaryPolicyInputList"] = [_document(case["boundary"])]
    if "resource_policy" in case:
        params["ResourcePolicy"] = _document(case["resource_policy"])
        owner = case.get("resource_account") or A
        params["ResourceOwner"] = f"arn:aws:iam::{owner}:root"
    results = iam.simulate_custom_policy(**params)["EvaluationResults"]
    expected = OUTCOMES.get(case["expect"], "implicitDeny")
    assert {r["EvalDecision"] for r in results} == {expected}

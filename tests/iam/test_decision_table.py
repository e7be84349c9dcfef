"""The evaluation engine against decision tables taken from the IAM User Guide's evaluation
logic and condition operator pages (evaluation_cases.json, condition_cases.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pocketcloud.iam import AuthorizationRequest, Policy, Principal, evaluate, parse_policy

HERE = Path(__file__).parent
EVALUATION = json.loads((HERE / "evaluation_cases.json").read_text())
CONDITIONS = json.loads((HERE / "condition_cases.json").read_text())["cases"]
A, B = "111111111111", "222222222222"

PRINCIPALS = {
    "alice": Principal(f"arn:aws:iam::{A}:user/alice", A, "user", {"team": "blue"},
                       user_id="AIDAALICEEXAMPLE", name="alice"),
    "bob": Principal(f"arn:aws:iam::{A}:user/bob", A, "user", name="bob"),
    "carol": Principal(f"arn:aws:iam::{B}:user/carol", B, "user", name="carol"),
    "session": Principal(f"arn:aws:sts::{A}:assumed-role/Dev/s1", A, "assumed-role",
                         role_arn=f"arn:aws:iam::{A}:role/Dev", user_id="AROADEV:s1"),
    "session-traced": Principal(f"arn:aws:sts::{A}:assumed-role/Dev/s3", A, "assumed-role",
                                role_arn=f"arn:aws:iam::{A}:role/Dev", user_id="AROADEV:s3",
                                tags={"team": "red"}, source_identity="alice"),
    "session222": Principal(f"arn:aws:sts::{B}:assumed-role/Ops/s2", B, "assumed-role",
                            role_arn=f"arn:aws:iam::{B}:role/Ops"),
    "federated": Principal(f"arn:aws:sts::{A}:federated-user/fed", A, "federated-user"),
    "root": Principal(f"arn:aws:iam::{A}:root", A, "root"),
    "root222": Principal(f"arn:aws:iam::{B}:root", B, "root"),
    "sns": Principal("sns.amazonaws.com", "", "service"),
    "sqs-service": Principal("sqs.amazonaws.com", "", "service"),
    "ec2": Principal("ec2.amazonaws.com", "", "service"),
    "oidc": Principal(f"arn:aws:iam::{A}:oidc-provider/id.example", "", "web-identity"),
    "anonymous": Principal("anonymous", "", "anonymous"),
}


def _policy(spec: Any, kind: str) -> Policy:
    if isinstance(spec, dict) and "Statement" in spec:
        return parse_policy(spec, kind, "test-policy")
    items = spec if isinstance(spec, list) else [spec]
    statements = [EVALUATION["statements"][s] if isinstance(s, str) else s for s in items]
    return parse_policy({"Version": "2012-10-17", "Statement": statements}, kind, "test-policy")


def _request(case: dict[str, Any]) -> AuthorizationRequest:
    resource_spec = case.get("trust") or case.get("resource_policy")
    kind = "trust" if "trust" in case else "resource"
    return AuthorizationRequest(
        principal=PRINCIPALS[case.get("principal", "alice")],
        action=case.get("action", "s3:GetObject"),
        resources=case.get("resources", ["arn:aws:s3:::b/k"]),
        context=case.get("context", {}),
        identity_policies=[_policy(p, "identity") for p in case.get("identity", [])],
        boundary=_policy(case["boundary"], "identity") if "boundary" in case else None,
        session_policies=[_policy(p, "identity") for p in case.get("session", [])],
        resource_policy=_policy(resource_spec, kind) if resource_spec else None,
        resource_account=case.get("resource_account"),
        resource_policy_required="trust" in case,
    )


@pytest.mark.parametrize("case", EVALUATION["cases"], ids=[c["name"] for c in EVALUATION["cases"]])
def test_evaluation(case: dict[str, Any]) -> None:
    decision = evaluate(_request(case))
    assert decision.reason == case["expect"], decision.message
    assert decision.allowed == (case["expect"] == "allowed")
    if "statement" in case:
        assert decision.statement == case["statement"]


@pytest.mark.parametrize(("name", "condition", "context", "holds"), CONDITIONS,
                         ids=[c[0] for c in CONDITIONS])
def test_condition(name: str, condition: dict[str, Any], context: dict[str, Any],
                   holds: bool) -> None:
    policy = _policy({"Effect": "Allow", "Action": "*", "Resource": "*",
                      "Condition": condition}, "identity")
    decision = evaluate(AuthorizationRequest(PRINCIPALS["alice"], "s3:GetObject", ["*"],
                                             context, [policy]))
    assert decision.allowed == holds, decision.reason


def test_at_least_two_hundred_cases() -> None:
    assert len(EVALUATION["cases"]) + len(CONDITIONS) >= 200

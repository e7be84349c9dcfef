"""Function policies (AddPermission, RemovePermission, GetPolicy) refused in AWS's words."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import create
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
S3 = {"Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"}


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_add_permission_checks_its_statement(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    code, message, _ = refusal(lam.add_permission, FunctionName=name, StatementId="example.com",
                               **S3)
    assert code == "ValidationException"
    assert message.endswith("at 'statementId' failed to satisfy constraint: Member must satisfy "
                            "regular expression pattern: ([a-zA-Z0-9-_]+)")
    assert refusal(lam.add_permission, FunctionName=name, Qualifier="$LATEST", StatementId="s",
                   **S3) == ("InvalidParameterValueException",
                             "We currently do not support adding policies for $LATEST.", 400)
    assert refusal(lam.add_permission, FunctionName=name, StatementId="s",
                   Action="lambda:InvokeFunction", Principal="not a principal") == (
        "InvalidParameterValueException",
        "The provided principal was invalid. Please check the principal and try again.", 400)
    for principal in ("*", "123456789012", "arn:aws:iam::123456789012:root", "sns.amazonaws.com"):
        lam.add_permission(FunctionName=name, StatementId=f"s{len(principal)}",
                           Action="lambda:InvokeFunction", Principal=principal)


def test_add_permission_to_a_missing_qualifier(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert refusal(lam.add_permission, FunctionName=name, Qualifier="nope", StatementId="s",
                   **S3) == ("ResourceNotFoundException",
                             f"Cannot find alias arn: {ARN}{name}:nope", 404)
    assert refusal(lam.add_permission, FunctionName=name, Qualifier="42", StatementId="s",
                   **S3) == ("ResourceNotFoundException", f"Function not found: {ARN}{name}:42",
                             404)
    # '$' is allowed by the model's qualifier pattern, so this is a missing version, not a typo
    assert refusal(lam.add_permission, FunctionName=name, Qualifier="with-$-sign", StatementId="s",
                   **S3)[1] == f"Function not found: {ARN}{name}:with-$-sign"


def test_remove_permission_and_get_policy_when_nothing_is_there(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert refusal(lam.remove_permission, FunctionName=name, StatementId="s") == (
        "ResourceNotFoundException", "No policy is associated with the given resource.", 404)
    assert refusal(lam.remove_permission, FunctionName="nope-fn", StatementId="s") == (
        "ResourceNotFoundException", f"No policy found for: {ARN}nope-fn", 404)
    assert refusal(lam.remove_permission, FunctionName=name, Qualifier="nope",
                   StatementId="s")[1] == f"Cannot find alias arn: {ARN}{name}:nope"
    assert refusal(lam.get_policy, FunctionName=name, Qualifier="42") == (
        "ResourceNotFoundException", "The resource you requested does not exist.", 404)
    lam.add_permission(FunctionName=name, StatementId="s", **S3)
    assert refusal(lam.remove_permission, FunctionName=name, StatementId="other")[0] == (
        "ResourceNotFoundException")


def test_list_functions_version_filter_is_an_enum(lam) -> None:  # type: ignore[no-untyped-def]
    code, message, _ = refusal(lam.list_functions, FunctionVersion="invalid")
    assert (code, message) == ("ValidationException", "1 validation error detected: Value "
                               "'invalid' at 'functionVersion' failed to satisfy constraint: "
                               "Member must satisfy enum value set: [ALL]")

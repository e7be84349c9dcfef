"""Lambda's control plane answers as AWS recorded them (LocalStack's AWS-validated snapshots of
test_lambda_api): messages, codes and which members a response shows."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import create
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_get_of_a_missing_function_names_the_qualifier_asked_for(lam) -> None:  # type: ignore[no-untyped-def]
    for get in (lam.get_function, lam.get_function_configuration):
        assert refusal(get, FunctionName="some-function:$LATEST") == (
            "ResourceNotFoundException", f"Function not found: {ARN}some-function:$LATEST", 404)
        assert refusal(get, FunctionName="some-function", Qualifier="3") == (
            "ResourceNotFoundException", f"Function not found: {ARN}some-function:3", 404)
    # DeleteFunction names the function alone.
    assert refusal(lam.delete_function, FunctionName="some-function", Qualifier="1") == (
        "ResourceNotFoundException", f"Function not found: {ARN}some-function", 404)


def test_a_description_update_is_published_as_a_new_version(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    first = lam.publish_version(FunctionName=name, Description="First version")
    assert (first["Version"], first["Description"]) == ("1", "First version")
    lam.update_function_configuration(FunctionName=name, Description="Second version")
    second = lam.publish_version(FunctionName=name)
    assert (second["Version"], second["Description"]) == ("2", "Second version")
    again = lam.publish_version(FunctionName=name)  # nothing changed: version 2 again, 201
    assert again["Version"] == "2" and again["RevisionId"] == second["RevisionId"]
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201

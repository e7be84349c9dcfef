"""Invoke's error payloads and refusals, shaped as AWS shapes them."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create

FAILING = '''
def handler(event, context):
    raise ValueError("boom")
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_unhandled_error_shows_only_the_handlers_frames(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, source=FAILING)
    response = lam.invoke(FunctionName=name, Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    body = json.loads(response["Payload"].read())
    assert set(body) == {"errorMessage", "errorType", "requestId", "stackTrace"}
    assert (body["errorMessage"], body["errorType"]) == ("boom", "ValueError")
    assert body["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert body["stackTrace"] == ['  File "/var/task/app.py", line 3, in handler\n'
                                  '    raise ValueError("boom")\n']


def test_invocation_and_log_types_are_enums(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    cases = (({"InvocationType": "Sync"}, "Value 'Sync' at 'invocationType' failed to satisfy "
              "constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"),
             ({"LogType": "Head"}, "Value 'Head' at 'logType' failed to satisfy constraint: "
              "Member must satisfy enum value set: [None, Tail]"))
    for params, wording in cases:
        with pytest.raises(ClientError) as raised:
            lam.invoke(FunctionName=name, Payload=b"{}", **params)
        assert raised.value.response["Error"] == {
            "Code": "ValidationException", "Message": f"1 validation error detected: {wording}"}
    assert lam.invoke(FunctionName=name, Payload=b"{}", LogType="None")["StatusCode"] == 200

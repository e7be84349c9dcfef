"""Malformed and hostile EventBridge requests get AWS's 4xx answers, never a 500 or a hang."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/events/aws4_request, "
        "SignedHeaders=host, Signature=x")


def call(endpoint: str, operation: str, body: object) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        endpoint + "/", data=json.dumps(body).encode(), method="POST",
        headers={"X-Amz-Target": f"AWSEvents.{operation}", "Authorization": AUTH,
                 "Content-Type": "application/x-amz-json-1.1"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(("operation", "body", "code"), [
    ("PutRule", {}, "ValidationException"),
    ("PutTargets", {"Rule": "x", "Targets": [{}]}, "ValidationException"),
    ("PutTargets", {"Rule": "x", "Targets": [{"Id": "a"}]}, "ValidationException"),
    ("PutEvents", {}, "ValidationException"),
    ("PutEvents", {"Entries": [5]}, "SerializationException"),
    ("TestEventPattern", {"EventPattern": "{}"}, "ValidationException"),
    ("ListRules", {"NextToken": "zz"}, "ValidationException"),
    ("DescribeRule", {"Name": "../../etc/passwd"}, "ValidationException"),
    ("PutRule", {"Name": "z", "EventPattern": "[" * 5000}, "InvalidEventPatternException"),
    ("PutRule", {"Name": "z", "EventPattern": "{" * 3000}, "InvalidEventPatternException"),
    ("PutRule", {"Name": "z", "ScheduleExpression": "cron(0/0 * * * ? *)"},
     "ValidationException"),
])
def test_refused_with_aws_errors(endpoint: str, operation: str, body: object, code: str) -> None:
    status, answer = call(endpoint, operation, body)
    assert status == 400 and answer["__type"] == code


def test_hostile_wildcard_matches_quickly(endpoint: str) -> None:
    pattern = json.dumps({"detail": {"v": [{"wildcard": "*a" * 400 + "*b"}]}})
    event = json.dumps({"id": "1", "account": "000000000000", "source": "s", "time": "t",
                        "region": "us-east-1", "detail-type": "d",
                        "detail": {"v": "a" * 200_000}})
    start = time.monotonic()
    status, answer = call(endpoint, "TestEventPattern", {"EventPattern": pattern,
                                                          "Event": event})
    assert status == 200 and answer["Result"] is False
    assert time.monotonic() - start < 5


def test_deeply_nested_detail_is_malformed(endpoint: str) -> None:
    detail = '{"a":' * 100_000 + "1" + "}" * 100_000
    status, answer = call(endpoint, "PutEvents", {"Entries": [
        {"Source": "s", "DetailType": "d", "Detail": detail[:200_000]}]})
    assert status == 200 and answer["Entries"][0]["ErrorCode"] == "MalformedDetail"
    nested = '{"a":' * 30_000 + "1" + "}" * 30_000
    status, answer = call(endpoint, "PutEvents", {"Entries": [
        {"Source": "s", "DetailType": "d", "Detail": nested}]})
    assert status == 200 and answer["Entries"][0]["ErrorCode"] == "MalformedDetail"

"""DynamoDB's error bodies on the wire: `__type` carries the Coral namespace DynamoDB sends."""

from __future__ import annotations

import json

import httpx

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/"
                     "aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
    "X-Amz-Date": "20260101T000000Z",
}


def _call(endpoint: str, operation: str, body: dict[str, object]) -> httpx.Response:
    headers = {**HEADERS, "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    return httpx.post(endpoint + "/", headers=headers, content=json.dumps(body), timeout=10)


def test_resource_not_found_type_has_the_dynamodb_namespace(endpoint: str) -> None:
    response = _call(endpoint, "DescribeTable", {"TableName": "no-such-table"})
    assert response.status_code == 400
    body = response.json()
    assert body["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    assert body["message"] == "Requested resource not found: Table: no-such-table not found"


def test_validation_exception_type_has_the_coral_namespace(endpoint: str) -> None:
    response = _call(endpoint, "ListTables", {"Limit": 1000})
    assert response.status_code == 400
    assert response.json()["__type"] == "com.amazon.coral.validate#ValidationException"

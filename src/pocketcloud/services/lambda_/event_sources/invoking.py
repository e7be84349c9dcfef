"""Running a batch on the mapped function, as Lambda's pollers do: a synchronous Invoke."""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services import internal

log = logging.getLogger("pocketcloud.lambda.event_sources")

PAYLOAD_BYTES_MAX = 6 * 1024 * 1024  # a batch is one synchronous invocation's payload


@dataclass(frozen=True)
class Result:
    ok: bool  # the function ran and returned without an error
    payload: bytes = b""
    function_error: str | None = None
    error: str | None = None  # why it did not run (throttled, not found...)
    executed_version: str = "$LATEST"


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime):
        return value.timestamp()
    return str(value)


def encode(event: dict[str, Any]) -> bytes:
    return json.dumps(event, default=_json_default, separators=(",", ":")).encode()


async def invoke(cloud: Any, function_arn: str, payload: bytes) -> Result:
    parts = function_arn.split(":")
    try:
        response = await internal.acall(
            cloud, "lambda", "Invoke",
            {"FunctionName": function_arn, "InvocationType": "RequestResponse",
             "Payload": payload}, account_id=parts[4], region=parts[3])
    except AwsError as error:
        log.info("event source batch for %s not run: %s", function_arn, error)
        return Result(False, error=error.code)
    body = response.get("Payload") or b""
    if not isinstance(body, (bytes, bytearray)):
        body = body.read() if hasattr(body, "read") else str(body).encode()
    function_error = response.get("FunctionError")
    return Result(function_error is None, bytes(body), function_error,
                  executed_version=response.get("ExecutedVersion") or "$LATEST")


def reported_failures(result: Result, known: list[str]) -> list[str] | None:
    """The item identifiers a ReportBatchItemFailures response names; None if the response
    is malformed (AWS then treats the whole batch as failed)."""
    try:
        answer = json.loads(result.payload or b"null")
    except ValueError:
        return []
    if answer is None or not isinstance(answer, dict):
        return []
    failures = answer.get("batchItemFailures")
    if failures is None:
        return []
    if not isinstance(failures, list):
        return None
    found: list[str] = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in known:
            return None
        found.append(identifier)
    return found

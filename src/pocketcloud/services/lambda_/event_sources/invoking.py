"""Running a batch on the mapped function, as Lambda's pollers do: a synchronous Invoke."""

from __future__ import annotations

import base64
import contextlib
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
    except (ValueError, RecursionError):
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


FILTERS_MAX = 5  # AWS's quota of filters per event source mapping


def check_filters(criteria: dict[str, Any] | None) -> None:
    """FilterCriteria as AWS validates it: up to 5 event patterns (EventBridge's syntax)."""
    from pocketcloud.services.events.patterns import parse_pattern

    filters = (criteria or {}).get("Filters") or []
    if len(filters) > FILTERS_MAX:
        raise AwsError("InvalidParameterValueException", "Too many filters: at most 5.")
    for found in filters:
        try:
            parse_pattern(found.get("Pattern") or "")
        except AwsError:
            raise AwsError("InvalidParameterValueException",
                           "Invalid filter pattern definition.") from None


def kept(config: dict[str, Any], records: list[dict[str, Any]],
         body_member: str | None = None) -> list[dict[str, Any]]:
    """The records any filter matches (all records without FilterCriteria). For SQS the body
    is matched as JSON when it is JSON, as AWS does."""
    from pocketcloud.services.events.patterns import matches, parse_pattern

    filters = ((config.get("FilterCriteria") or {}).get("Filters")) or []
    if not filters:
        return records
    patterns = [parse_pattern(f["Pattern"]) for f in filters if f.get("Pattern")]
    chosen = []
    for record in records:
        candidate = record
        if body_member and isinstance(record.get(body_member), str):
            with contextlib.suppress(ValueError, RecursionError):
                candidate = {**record, body_member: json.loads(record[body_member])}
        if any(matches(p, candidate) for p in patterns):
            chosen.append(record)
    return chosen

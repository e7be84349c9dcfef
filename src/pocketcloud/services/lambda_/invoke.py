"""Invoke: RequestResponse runs the handler now; Event queues it; DryRun only checks."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.runtime.lambda_.pool import ConcurrencyExceeded
from pocketcloud.runtime.lambda_.reports import log_tail_b64
from pocketcloud.runtime.lambda_.spec import Outcome
from pocketcloud.services.lambda_ import log_delivery, metering, payload_wording, records
from pocketcloud.services.lambda_.async_events import enqueue_event
from pocketcloud.services.lambda_.names import FunctionRef, parse_function_name, validation_error
from pocketcloud.services.lambda_.running import (
    check_runnable,
    choose_version,
    function_spec,
    reserved_concurrency,
    runtime_for,
)
from pocketcloud.services.lambda_.schema import store

MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024
MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024  # InvokeAsync's
MAX_EVENT_PAYLOAD_BYTES = 1024 * 1024  # Invoke's Event type, since AWS raised it to 1 MB
MAX_CLIENT_CONTEXT_BYTES = 3583
INVOCATION_TYPES = ("Event", "RequestResponse", "DryRun")
LOG_TYPES = ("None", "Tail")


async def invoke(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    invocation_type = params.get("InvocationType") or "RequestResponse"
    _check_enums(invocation_type, params.get("LogType"))
    payload = bytes(params.get("Payload") or b"")
    if len(payload) > MAX_SYNC_PAYLOAD_BYTES:
        raise AwsError("RequestEntityTooLargeException",
                       f"Request must be smaller than {MAX_SYNC_PAYLOAD_BYTES} bytes for the "
                       "InvokeFunction operation", 413, fields={"Type": "User"})
    if invocation_type == "Event" and len(payload) > MAX_EVENT_PAYLOAD_BYTES:
        raise AwsError("RequestEntityTooLargeException",
                       f"{len(payload)} byte payload is too large for the Event invocation type "
                       f"(limit {MAX_EVENT_PAYLOAD_BYTES} bytes)", 413, fields={"Type": "User"})
    check_json(payload)
    with store(ctx).read() as tx:
        version = choose_version(tx, ref)
        found = records.load_version(tx, ref, version)
    if found is None:
        raise AwsError("ResourceNotFoundException", f"Function not found: {ref.qualified_arn}",
                       404)
    if invocation_type == "DryRun":
        return {"StatusCode": 204}
    if invocation_type == "Event":
        enqueue_event(ctx, ref, payload)
        return {"StatusCode": 202}
    client_context = client_context_of(params.get("ClientContext"))
    outcome = await run_function(ctx, ref, version, found, payload, ctx.request_id,
                                 client_context)
    result: dict[str, Any] = {"StatusCode": 200, "Payload": outcome.payload,
                              "ExecutedVersion": version}
    if outcome.function_error:
        result["FunctionError"] = outcome.function_error
    if params.get("LogType") == "Tail":
        result["LogResult"] = log_tail_b64(outcome.log)
    return result


async def run_function(ctx: RequestContext, ref: FunctionRef, version: str,
                       found: tuple[dict[str, Any], str], payload: bytes, request_id: str,
                       client_context: str = "") -> Outcome:
    """Run one invocation on a worker (shared by Invoke and the asynchronous queue)."""
    config, blob_id = found
    runtime = runtime_for(ctx.cloud)
    spec = await function_spec(ctx, ref, version, config, blob_id)
    await check_runnable(runtime, spec)
    headers = {
        "Lambda-Runtime-Aws-Request-Id": request_id,
        "Lambda-Runtime-Invoked-Function-Arn": ref.qualified_arn,
        "Lambda-Runtime-Trace-Id": f"Root=1-{ctx.cloud.ids.hex(8)}-{ctx.cloud.ids.hex(24)};"
                                   f"Parent={ctx.cloud.ids.hex(16)};Sampled=0;Lineage=1",
        "Content-Type": "application/json",
    }
    if client_context:
        headers["Lambda-Runtime-Client-Context"] = client_context
    try:
        outcome = await runtime.invoke(spec, request_id, payload or b"{}", headers,
                                       reserved_concurrency(ctx, ref))
    except ConcurrencyExceeded as error:
        raise AwsError("TooManyRequestsException", "Rate Exceeded.", 429,
                       fields={"Reason": error.reason, "Type": "User"}) from None
    metering.record(ctx.cloud, ref.account_id, ref.region, ref.name, outcome.billed_ms,
                    spec.memory_mb)
    log_delivery.deliver(ctx.cloud, ref.account_id, ref.region,
                         spec.log_group or f"/aws/lambda/{ref.name}", outcome.log_stream,
                         outcome.init_start + outcome.log)
    return outcome


def _check_enums(invocation_type: str, log_type: str | None) -> None:
    """The model's enums, which Lambda checks before anything else."""
    if invocation_type not in INVOCATION_TYPES:
        raise validation_error(invocation_type, "invocationType",
                               "Member must satisfy enum value set: [Event, RequestResponse, "
                               "DryRun]")
    if log_type is not None and log_type not in LOG_TYPES:
        raise validation_error(log_type, "logType",
                               "Member must satisfy enum value set: [None, Tail]")


def check_json(payload: bytes) -> None:
    if not payload:
        return
    try:
        json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # too deep is no JSON
        raise AwsError("InvalidRequestContentException",
                       "Could not parse request body into json: Could not parse payload into "
                       f"json: {payload_wording.describe(payload, error)}", 400,
                       fields={"Type": "User"}) from None


def client_context_of(value: str | None) -> str:
    if not value:
        return ""
    try:
        decoded = base64.b64decode(value, validate=True)
        json.loads(decoded)
    except (binascii.Error, ValueError):
        raise AwsError("InvalidRequestContentException",
                       "Client context must be a valid Base64-encoded JSON object.",
                       400, fields={"Type": "User"}) from None
    if len(decoded) > MAX_CLIENT_CONTEXT_BYTES:
        raise AwsError("InvalidRequestContentException",
                       "Client context must be at most 3583 bytes once decoded.",
                       400, fields={"Type": "User"})
    return decoded.decode()

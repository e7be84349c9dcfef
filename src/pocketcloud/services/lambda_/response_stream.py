"""InvokeWithResponseStream, and the deprecated InvokeAsync.

The runtimes here run buffered handlers only (no ``awslambda.streamifyResponse``), so the
function runs to the end first and its result is then sent as AWS sends a non-streaming
function's: PayloadChunk events carrying the payload, then one InvokeComplete event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol import eventstream
from pocketcloud.protocol.streams import RequestBody, ResponseBody
from pocketcloud.runtime.lambda_.reports import log_tail_b64
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.async_events import enqueue_event
from pocketcloud.services.lambda_.invoke import (
    LOG_TYPES,
    MAX_ASYNC_PAYLOAD_BYTES,
    MAX_SYNC_PAYLOAD_BYTES,
    check_json,
    client_context_of,
    run_function,
)
from pocketcloud.services.lambda_.names import FunctionRef, parse_function_name, validation_error
from pocketcloud.services.lambda_.running import choose_version
from pocketcloud.services.lambda_.schema import store

STREAM_INVOCATION_TYPES = ("RequestResponse", "DryRun")
PAYLOAD_CHUNK_BYTES = 64 * 1024  # AWS's chunks are not fixed; this keeps each event small


async def invoke_with_response_stream(ctx: RequestContext,
                                      params: dict[str, Any]) -> dict[str, Any]:
    ref = parse_function_name(ctx, params["FunctionName"], params.get("Qualifier"))
    invocation_type = params.get("InvocationType") or "RequestResponse"
    _check_stream_enums(invocation_type, params.get("LogType"))
    payload = bytes(params.get("Payload") or b"")
    if len(payload) > MAX_SYNC_PAYLOAD_BYTES:
        raise AwsError("RequestEntityTooLargeException",
                       f"Request must be smaller than {MAX_SYNC_PAYLOAD_BYTES} bytes for the "
                       "InvokeWithResponseStream operation", 413, fields={"Type": "User"})
    check_json(payload)
    version, found = _target(ctx, ref)
    if invocation_type == "DryRun":
        return {"StatusCode": 204, "ExecutedVersion": version}
    client_context = client_context_of(params.get("ClientContext"))
    outcome = await run_function(ctx, ref, version, found, payload, ctx.request_id,
                                 client_context)
    complete: dict[str, Any] = {}
    chunks = outcome.payload
    if outcome.function_error:
        complete = {"ErrorCode": outcome.function_error,
                    "ErrorDetails": outcome.payload.decode("utf-8", "replace")}
        chunks = b""
    if params.get("LogType") == "Tail":
        complete["LogResult"] = log_tail_b64(outcome.log)
    return {"StatusCode": 200, "ExecutedVersion": version,
            "ResponseStreamContentType": eventstream.CONTENT_TYPE,
            "EventStream": EventStreamBody(chunks, complete)}


class EventStreamBody(ResponseBody):
    """A finished invocation's payload as PayloadChunk events, then InvokeComplete."""

    def __init__(self, payload: bytes, complete: dict[str, Any]) -> None:
        self._payload = payload
        self._complete = complete

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self._payload), PAYLOAD_CHUNK_BYTES):
            yield eventstream.event("PayloadChunk",
                                    self._payload[start:start + PAYLOAD_CHUNK_BYTES],
                                    "application/octet-stream")
        yield eventstream.json_event("InvokeComplete", self._complete)


async def invoke_async(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The deprecated InvokeAsync: queued like Invoke's Event type, answered 202."""
    ref = parse_function_name(ctx, params["FunctionName"])
    payload = await _read_args(params.get("InvokeArgs"))
    check_json(payload)
    _target(ctx, ref)
    enqueue_event(ctx, ref, payload)
    return {"Status": 202}


async def _read_args(body: RequestBody | None) -> bytes:
    """InvokeArgs, refused once past the asynchronous payload limit (bounded memory)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in body or _nothing():
        size += len(chunk)
        if size > MAX_ASYNC_PAYLOAD_BYTES:
            raise AwsError("RequestEntityTooLargeException",
                           f"Request must be smaller than {MAX_ASYNC_PAYLOAD_BYTES} bytes for "
                           "the InvokeAsync operation", 413, fields={"Type": "User"})
        parts.append(chunk)
    return b"".join(parts)


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # an empty async generator


def _target(ctx: RequestContext, ref: FunctionRef) -> tuple[str, tuple[dict[str, Any], str]]:
    with store(ctx).read() as tx:
        version = choose_version(tx, ref)
        found = records.load_version(tx, ref, version)
    if found is None:
        raise AwsError("ResourceNotFoundException", f"Function not found: {ref.qualified_arn}",
                       404)
    return version, found


def _check_stream_enums(invocation_type: str, log_type: str | None) -> None:
    if invocation_type not in STREAM_INVOCATION_TYPES:
        raise validation_error(invocation_type, "invocationType",
                               "Member must satisfy enum value set: [RequestResponse, DryRun]")
    if log_type is not None and log_type not in LOG_TYPES:
        raise validation_error(log_type, "logType",
                               "Member must satisfy enum value set: [None, Tail]")


"""The RPC protocols with a JSON-shaped body: json (1.0 and 1.1) and smithy-rpc-v2-cbor.

Both send every output member in the body (HTTP bindings do not apply), the request id in
``x-amzn-RequestId``, and errors as ``{"__type": ..., "message": ...}`` plus modeled fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from botocore.model import OperationModel, ServiceModel

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse
from pocketcloud.protocol.serializing import wire
from pocketcloud.protocol.serializing.error_shapes import (
    ErrorInfo,
    error_info,
    json_type,
    query_error_header,
)
from pocketcloud.protocol.serializing.jsonlike import Converter, compiler_for

CBOR_HEADERS = {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}


@cache
def _output_converter(operation_model: OperationModel, cbor: bool) -> Converter | None:
    shape = operation_model.output_shape
    if shape is None:
        return None
    return compiler_for(operation_model.service_model, cbor).converter(shape)


def _body(operation_model: OperationModel, result: dict[str, Any], cbor: bool) -> Any:
    convert = _output_converter(operation_model, cbor)
    return {} if convert is None else convert(result)


def json_response(
    operation_model: OperationModel, result: dict[str, Any], request_id: str
) -> HttpResponse:
    headers = {
        "x-amzn-RequestId": request_id,
        "Content-Type": _json_content_type(operation_model),
    }
    if isinstance(result, wire.PreEncodedJson):
        return HttpResponse(200, headers, result.body)
    return HttpResponse(200, headers, wire.json_bytes(_body(operation_model, result, False)))


@lru_cache(maxsize=4096)
def _json_content_type(operation_model: OperationModel) -> str:
    """Per operation (models live as long as the process): asked on every JSON answer."""
    return wire.json_content_type(operation_model.service_model)


def cbor_response(
    operation_model: OperationModel, result: dict[str, Any], request_id: str
) -> HttpResponse:
    headers = {"x-amzn-RequestId": request_id, **CBOR_HEADERS}
    return HttpResponse(200, headers, wire.cbor_bytes(_body(operation_model, result, True)))


@cache
def _error_fields_converter(
    service_model: ServiceModel, shape_name: str, cbor: bool
) -> Converter | None:
    return compiler_for(service_model, cbor).converter(service_model.shape_for(shape_name))


def error_body(
    service_model: ServiceModel, error: AwsError, info: ErrorInfo, cbor: bool
) -> dict[str, Any]:
    """``__type``, the message under the name the shape models it by, and the modeled fields."""
    body: dict[str, Any] = {}
    message_key = "message"
    if info.shape is not None:
        if error.fields:
            convert = _error_fields_converter(service_model, info.shape.name, cbor)
            if convert is not None:
                body.update(convert(info.fields_without_message(error.fields)))
        if info.message_member is not None:
            message_member = info.shape.members[info.message_member]  # type: ignore[attr-defined]
            message_key = compiler_for(service_model, cbor).wire_name(
                info.message_member, message_member
            )
    body["__type"] = json_type(service_model, info.type_name)
    body[message_key] = error.message or error.fields.get(info.message_member or "message", "")
    return body


def _error_response(
    service_model: ServiceModel, error: AwsError, request_id: str, cbor: bool,
    encode: Callable[[Any], bytes], headers: dict[str, str],
) -> HttpResponse:  # fmt: skip
    info = error_info(service_model, error.code)
    headers["x-amzn-RequestId"] = request_id
    query_error = query_error_header(service_model, info, error.sender_fault)
    if query_error is not None:
        headers["x-amzn-query-error"] = query_error
    headers.update(error.headers)
    body = encode(error_body(service_model, error, info, cbor))
    return HttpResponse(error.status_code, headers, body)


def json_error(service_model: ServiceModel, error: AwsError, request_id: str) -> HttpResponse:
    info = error_info(service_model, error.code)
    headers = {
        "Content-Type": wire.json_content_type(service_model),
        "x-amzn-ErrorType": info.type_name,
    }
    return _error_response(service_model, error, request_id, False, wire.json_bytes, headers)


def cbor_error(service_model: ServiceModel, error: AwsError, request_id: str) -> HttpResponse:
    return _error_response(
        service_model, error, request_id, True, wire.cbor_bytes, dict(CBOR_HEADERS)
    )

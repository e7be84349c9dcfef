"""Responses and errors on the wire, for all six protocols botocore speaks.

A provider returns a plain dict keyed by the output shape's member names; these functions
write it the way AWS does for the protocol the request used (``protocol``; None means the
service's own ``metadata['protocol']``). Services that answer several protocols (SQS: json
or query; CloudWatch: cbor, json or query) are served by passing the request's protocol.

Every response carries the protocol's request id: ``x-amzn-RequestId`` (json, rest-json,
cbor, query and ec2, which also put it in the body), or S3's ``x-amz-request-id`` and
``x-amz-id-2``. Per-shape and per-operation work is compiled once and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from botocore.model import OperationModel, ServiceModel

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse
from pocketcloud.protocol.serializing import query, rest, rpc

__all__ = ["PROTOCOLS", "serialize_error", "serialize_response"]

ResponseWriter = Callable[[OperationModel, dict[str, Any], str], HttpResponse]
ErrorWriter = Callable[[ServiceModel, AwsError, str], HttpResponse]

_RESPONSE_WRITERS: dict[str, ResponseWriter] = {
    "query": query.query_response,
    "ec2": query.ec2_response,
    "json": rpc.json_response,
    "rest-json": rest.rest_json_response,
    "rest-xml": rest.rest_xml_response,
    "smithy-rpc-v2-cbor": rpc.cbor_response,
}
_ERROR_WRITERS: dict[str, ErrorWriter] = {
    "query": query.query_error,
    "ec2": query.ec2_error,
    "json": rpc.json_error,
    "rest-json": rest.rest_json_error,
    "rest-xml": rest.rest_xml_error,
    "smithy-rpc-v2-cbor": rpc.cbor_error,
}
PROTOCOLS = frozenset(_RESPONSE_WRITERS)
_Writer = TypeVar("_Writer")


def serialize_response(
    operation_model: OperationModel,
    result: dict[str, Any],
    request_id: str,
    protocol: str | None = None,
) -> HttpResponse:
    """The HTTP response for a provider's ``result`` (members left out are simply absent).

    Streaming payloads (S3's ``Body``) are given as ``bytes``; timestamps as ``datetime`` or
    epoch seconds; blobs as ``bytes`` (or ``str``, sent as UTF-8).
    """
    name = protocol or operation_model.service_model.metadata["protocol"]
    return _writer(_RESPONSE_WRITERS, name)(operation_model, {} if result is None else result,
                                            request_id)


def serialize_error(
    service_model: ServiceModel,
    error: AwsError,
    request_id: str,
    protocol: str | None = None,
    operation_model: OperationModel | None = None,
) -> HttpResponse:
    """The HTTP response for ``error``, in AWS's error format for the protocol.

    ``error.code`` may name an error shape of the service or be a wire code; a modeled shape
    gets its wire code and its other members from ``error.fields``, an unknown code is sent
    as-is. ``operation_model`` is accepted for callers that have it; the shape lookup is
    service-wide because AWS raises some errors from every operation.
    """
    name = protocol or service_model.metadata["protocol"]
    return _writer(_ERROR_WRITERS, name)(service_model, error, request_id)


def _writer(writers: dict[str, _Writer], protocol: str) -> _Writer:
    writer = writers.get(protocol)
    if writer is None:
        raise ValueError(f"unknown protocol {protocol!r}; expected one of {sorted(PROTOCOLS)}")
    return writer

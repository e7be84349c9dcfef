"""Per-service wire facts shared by the serializers: encoders, namespaces, request-id headers."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import cbor2
from botocore.model import ServiceModel

from pocketcloud.protocol.serializing import values

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
# Services whose XML namespace is not https://{endpointPrefix}.amazonaws.com/doc/{apiVersion}/
_XML_NAMESPACES = {
    "s3": "http://s3.amazonaws.com/doc/2006-03-01/",
    "sqs": "http://queue.amazonaws.com/doc/2012-11-05/",
}
_S3_FAMILY = frozenset({"s3", "s3-control"})


class PreEncodedJson(dict[str, Any]):
    """A JSON body a provider encoded itself, for its hottest reads; sent as it is. (A dict, so
    code that expects a provider's result keeps working; always true, even when empty.)"""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body

    def __bool__(self) -> bool:
        return True


def json_bytes(data: Any) -> bytes:
    return _JSON_ENCODER.encode(data).encode("ascii")


def _json_default(value: Any) -> Any:
    """Values a provider may leave inside documents or untyped members."""
    if isinstance(value, (datetime, date)):
        return values.to_epoch(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return values.base64_text(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


_JSON_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_json_default)  # built once


def cbor_bytes(data: Any) -> bytes:
    return cbor2.dumps(data, datetime_as_timestamp=True, timezone=UTC, default=_cbor_default)


def _cbor_default(encoder: Any, value: Any) -> None:
    if isinstance(value, (set, frozenset)):
        encoder.encode(list(value))
    else:
        encoder.encode(str(value))


@cache
def xml_namespace(service_model: ServiceModel) -> str | None:
    metadata = service_model.metadata
    declared = metadata.get("xmlNamespace")
    if isinstance(declared, dict):
        declared = declared.get("uri")
    if declared:
        return str(declared)
    prefix = metadata.get("endpointPrefix")
    if not prefix:
        return None
    return _XML_NAMESPACES.get(
        prefix, f"https://{prefix}.amazonaws.com/doc/{metadata.get('apiVersion')}/"
    )


def namespace_attribute(service_model: ServiceModel) -> str:
    namespace = xml_namespace(service_model)
    return f' xmlns="{values.xml_attribute(namespace)}"' if namespace else ""


@cache
def json_content_type(service_model: ServiceModel) -> str:
    return f"application/x-amz-json-{service_model.metadata.get('jsonVersion', '1.0')}"


def is_s3_family(service_model: ServiceModel) -> bool:
    metadata = service_model.metadata
    return metadata.get("endpointPrefix") in _S3_FAMILY or metadata.get("signingName") == "s3"


def s3_request_id_headers(request_id: str) -> dict[str, str]:
    """S3's request id pair; x-amz-id-2 (the "host id") is derived so it is stable per request."""
    host_id = base64.b64encode(hashlib.sha256(request_id.encode()).digest()).decode("ascii")
    return {"x-amz-request-id": request_id, "x-amz-id-2": host_id}

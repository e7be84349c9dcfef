"""Every operation of real services, sent by botocore's own serializer, parses back intact.

For each operation we fill in every member (a few levels deep) with typed values, let
botocore build the HTTP request a boto3 client would send, route it (rest protocols) and
parse it with pocketcloud; the result must equal what the client was given.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.model import Shape
from botocore.serialize import create_serializer

from pocketcloud.protocol.http import HttpRequest
from pocketcloud.protocol.parsing import parse_request
from pocketcloud.protocol.rest_router import RestRouter
from pocketcloud.protocol.specs import service_model

SAMPLE_DEPTH = 4  # members below this depth are filled only when required
TEXT = "va l/\u00fc+1&="  # spaces, slashes, non-ASCII, and characters query strings escape

# Requests that carry too little to tell what was sent (documented per case).
AMBIGUOUS = {
    # Events (a flattened list named Event) and Event share one element name.
    ("s3", "PutBucketNotification"),
}

SERVICES = [
    ("sts", "query"),
    ("sns", "query"),
    ("iam", "query"),
    ("ec2", "ec2"),
    ("sqs", "json"),
    ("dynamodb", "json"),
    ("logs", "json"),
    ("cloudwatch", "smithy-rpc-v2-cbor"),
    ("cloudwatch", "json"),
    ("cloudwatch", "query"),
    ("s3", "rest-xml"),
    ("route53", "rest-xml"),
    ("s3control", "rest-xml"),
    ("lambda", "rest-json"),
    ("apigateway", "rest-json"),
    ("ebs", "rest-json"),
    ("amp", "rest-json"),
]


@pytest.mark.parametrize(
    ("service", "protocol"), [pytest.param(*pair, id="/".join(pair)) for pair in SERVICES]
)
def test_every_operation_round_trips(service: str, protocol: str) -> None:
    model = service_model(service)
    serializer = create_serializer(protocol, include_validation=False)
    router = RestRouter(model) if protocol.startswith("rest-") else None
    wrong: dict[str, Any] = {}
    for name in model.operation_names:
        operation = model.operation_model(name)
        if operation.has_event_stream_input or (service, name) in AMBIGUOUS:
            continue
        params = _sample(operation.input_shape, 0) if operation.input_shape else {}
        request = _http_request(serializer.serialize_to_request(params, operation))
        uri_params = None
        if router is not None:  # routing itself is tested in test_rest_router.py
            found = router.match(
                request.method, request.path, request.query_string, request.headers
            )
            if found is not None and found[0].name == name:
                uri_params = found[1]
        parsed = parse_request(operation, request, protocol, uri_params)
        expected = _wire_visible(params) if protocol in ("query", "ec2") else params
        if parsed != expected:
            wrong[name] = (parsed, expected)
    assert wrong == {}


def _http_request(serialized: dict[str, Any]) -> HttpRequest:
    body = serialized["body"]
    if isinstance(body, dict):
        body = urlencode(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    elif body is None:
        body = b""
    elif not isinstance(body, bytes):
        body = body.read()
    query = serialized["query_string"]
    query = urlencode(query, doseq=True) if isinstance(query, dict) else query
    path, _, literal_query = serialized["url_path"].partition("?")
    headers = {
        name.lower(): value.decode() if isinstance(value, bytes) else str(value)
        for name, value in serialized["headers"].items()
    }
    query_string = "&".join(part for part in (literal_query, query) if part)
    return HttpRequest(serialized["method"], path, query_string, headers, body)


def _sample(shape: Shape, depth: int) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _sample_structure(shape, depth)
    if kind == "list":
        return [_sample(shape.member, depth + 1) for _ in range(2)]  # type: ignore[attr-defined]
    if kind == "map":
        return {key: _sample(shape.value, depth + 1) for key in ("k1", "k2")}  # type: ignore[attr-defined]
    if kind == "string":
        return _sample_string(shape)
    return {
        "integer": 7,
        "long": 2**40,
        "float": 1.5,
        "double": -2.25,
        "boolean": True,
        "timestamp": datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
        "blob": b"\x00bytes\xff",
    }[kind]


def _sample_structure(shape: Shape, depth: int) -> dict[str, Any]:
    if shape.metadata.get("document"):
        return {"doc": [1, "two", {"three": None}]}
    members = shape.members  # type: ignore[attr-defined]
    if shape.metadata.get("union"):
        name, member = next(iter(members.items()))
        return {name: _sample(member, depth + 1)}
    names = list(members) if depth < SAMPLE_DEPTH else shape.required_members
    return {
        name: _sample(members[name], depth + 1)
        for name in names
        if not members[name].serialization.get("eventstream")
    }


def _sample_string(shape: Shape) -> Any:
    if shape.serialization.get("jsonvalue"):
        # botocore sends a jsonvalue header as base64 JSON of any value, a body one as text
        in_header = shape.serialization.get("location") == "header"
        return {"json": [1, True]} if in_header else '{"json": [1, true]}'
    if shape.serialization.get("hostLabel"):
        return "label-1"  # becomes part of the host name
    enum = shape.enum  # type: ignore[attr-defined]
    return enum[0] if enum else TEXT


def _wire_visible(value: Any) -> Any:
    """Query requests carry no bytes for empty structures, lists or maps."""
    if isinstance(value, dict):
        pruned = {key: _wire_visible(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item not in ({}, [])}
    if isinstance(value, list):
        return [item for item in map(_wire_visible, value) if item not in ({}, [])]
    return value

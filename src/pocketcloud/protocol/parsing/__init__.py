"""Request parsing for the six protocols botocore speaks, driven by the service spec.

`parse_request` turns an HTTP request into the operation's input: a dict keyed by the spec's
member names, typed the way a boto3 user would have passed it (int, float, bool, str,
datetime, bytes, lists, dicts). Bad input becomes the protocol's own 4xx `AwsError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import OperationModel

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpRequest
from pocketcloud.protocol.parsing.cbor import parse_cbor_body
from pocketcloud.protocol.parsing.failures import ParseFailure, error_code, to_aws_error
from pocketcloud.protocol.parsing.json import parse_json_body
from pocketcloud.protocol.parsing.query import parse_query_request
from pocketcloud.protocol.parsing.rest import parse_rest_request

__all__ = ["parse_request", "PROTOCOLS"]

_Parser = Callable[[OperationModel, HttpRequest, dict[str, str] | None], dict[str, Any]]


def _query(op: OperationModel, request: HttpRequest, _: dict[str, str] | None) -> dict[str, Any]:
    return parse_query_request(op.input_shape, request.query_string, request.body)


def _ec2(op: OperationModel, request: HttpRequest, _: dict[str, str] | None) -> dict[str, Any]:
    return parse_query_request(op.input_shape, request.query_string, request.body, ec2=True)


def _json(op: OperationModel, request: HttpRequest, _: dict[str, str] | None) -> dict[str, Any]:
    return parse_json_body(op.input_shape, request.body)


def _cbor(op: OperationModel, request: HttpRequest, _: dict[str, str] | None) -> dict[str, Any]:
    return parse_cbor_body(op.input_shape, request.body)


def _rest_json(
    op: OperationModel, request: HttpRequest, uri_params: dict[str, str] | None
) -> dict[str, Any]:
    return parse_rest_request(op, request, uri_params, xml=False)


def _rest_xml(
    op: OperationModel, request: HttpRequest, uri_params: dict[str, str] | None
) -> dict[str, Any]:
    return parse_rest_request(op, request, uri_params, xml=True)


_PARSERS: dict[str, _Parser] = {
    "query": _query,
    "ec2": _ec2,
    "json": _json,
    "rest-json": _rest_json,
    "rest-xml": _rest_xml,
    "smithy-rpc-v2-cbor": _cbor,
}
PROTOCOLS = frozenset(_PARSERS)

# Anything a hostile body can still provoke in library code we call; it is the client's
# mistake (a 400), never a crash.
_CLIENT_MISTAKES = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    RecursionError,
    UnicodeError,
    LookupError,  # an XML declaration naming an encoding Python does not know
)


def parse_request(
    operation_model: OperationModel,
    request: HttpRequest,
    protocol: str | None = None,
    uri_params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The operation's input from `request`, sent in `protocol` (default: the service's).

    `uri_params` are the decoded URI labels a `RestRouter` matched; without them the rest
    protocols match the operation's requestUri themselves.
    """
    protocol = protocol or operation_model.service_model.metadata.get("protocol", "json")
    parser = _PARSERS.get(protocol)
    if parser is None:
        raise AwsError("InternalFailure", f"Unknown protocol {protocol}", 500, sender_fault=False)
    try:
        return parser(operation_model, request, uri_params)
    except ParseFailure as failure:
        raise to_aws_error(protocol, failure) from None
    except _CLIENT_MISTAKES:
        raise AwsError(
            error_code(protocol, "malformed"), "The request could not be parsed", 400
        ) from None

"""Why a request could not be parsed, and which AWS error each protocol answers with.

Parsers raise `ParseFailure` (cheap, no protocol knowledge); `parse_request` turns it into
the `AwsError` the request's own protocol uses, so a JSON client sees a
`SerializationException` and an S3 client a `MalformedXML` for the same kind of mistake.
"""

from __future__ import annotations

from typing import Literal

from pocketcloud.errors import AwsError

# malformed: the body or query string cannot be read at all (bad JSON, XML, CBOR, encoding).
# value: a value in the body has the wrong type or format for its member.
# http: a URI label, query parameter or header has the wrong type or format.
FailureKind = Literal["malformed", "value", "http"]


class ParseFailure(Exception):
    """A client mistake found while parsing; `where` is the member path, outermost first."""

    def __init__(self, message: str, kind: FailureKind = "value") -> None:
        super().__init__(message)
        self.message = message
        self.kind: FailureKind = kind
        self.where: list[str] = []

    def inside(self, name: str) -> ParseFailure:
        """Record that the failure happened under member (or index) `name`."""
        self.where.insert(0, name)
        return self

    def describe(self) -> str:
        if not self.where:
            return self.message
        return f"{self.message} (at {'.'.join(self.where)})"


def malformed(message: str) -> ParseFailure:
    return ParseFailure(message, "malformed")


def invalid(message: str) -> ParseFailure:
    return ParseFailure(message, "value")


# protocol -> AWS error code for each kind of failure (all HTTP 400).
_CODES: dict[str, dict[FailureKind, str]] = {
    "query": {
        "malformed": "MalformedQueryString",
        "value": "InvalidParameterValue",
        "http": "InvalidParameterValue",
    },
    "ec2": {
        "malformed": "MalformedQueryString",
        "value": "InvalidParameterValue",
        "http": "InvalidParameterValue",
    },
    "json": {
        "malformed": "SerializationException",
        "value": "SerializationException",
        "http": "SerializationException",
    },
    "rest-json": {
        "malformed": "SerializationException",
        "value": "SerializationException",
        "http": "SerializationException",
    },
    "smithy-rpc-v2-cbor": {
        "malformed": "SerializationException",
        "value": "SerializationException",
        "http": "SerializationException",
    },
    "rest-xml": {
        "malformed": "MalformedXML",
        "value": "MalformedXML",
        "http": "InvalidArgument",
    },
}


def error_code(protocol: str, kind: FailureKind) -> str:
    return _CODES.get(protocol, _CODES["json"])[kind]


def to_aws_error(protocol: str, failure: ParseFailure) -> AwsError:
    return AwsError(error_code(protocol, failure.kind), failure.describe(), 400)

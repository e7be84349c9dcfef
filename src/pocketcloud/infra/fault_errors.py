"""The errors a degraded service answers with: AWS's own throttling and 5xx shapes.

A service's spec names its throttling and internal-error shapes where it has them
(DynamoDB ThrottlingException / InternalServerError, Lambda TooManyRequestsException /
ServiceException, SQS RequestThrottled, SNS Throttled / InternalError...); the serializer then
writes them in the protocol's wire format. A service without modeled shapes gets the protocol
family's common errors (EC2 RequestLimitExceeded, S3 SlowDown, query Throttling...). All of them
are errors botocore retries: throttling codes by name, the rest by their 5xx status.
"""

from __future__ import annotations

from functools import cache

from pocketcloud.errors import AwsError
from pocketcloud.protocol.specs import service_model

# Modeled shapes to prefer, in order, when the service's spec has them.
_THROTTLING_SHAPES = ("ThrottlingException", "TooManyRequestsException", "RequestThrottled",
                      "ThrottledException")
_SERVER_SHAPES = ("InternalServerError", "ServiceException", "InternalErrorException",
                  "InternalFailureException", "InternalException")

# Per protocol family: (code, message, status) when no modeled shape fits.
_THROTTLING_DEFAULT = {
    "ec2": ("RequestLimitExceeded", "Request limit exceeded.", 503),
    "query": ("Throttling", "Rate exceeded", 400),
    "rest-xml": ("SlowDown", "Please reduce your request rate.", 503),
}
_THROTTLING_JSON = ("ThrottlingException", "Rate exceeded", 400)
_SERVER_DEFAULT = {
    "ec2": ("InternalError", "An internal error has occurred.", 500),
    "rest-xml": ("InternalError", "We encountered an internal error. Please try again.", 500),
}
_SERVER_OTHER = ("InternalFailure", "The request processing has failed because of an unknown "
                 "error, exception or failure.", 500)
_UNAVAILABLE = ("ServiceUnavailable", "The service is unavailable. Please try again later.", 503)
_UNAVAILABLE_EC2 = ("Unavailable", "The server is overloaded and can't handle the request.", 503)


def injected_error(service: str, protocol: str, kind: str, pick: float) -> AwsError:
    """The error a degraded `service` sends; `kind` is 'throttling' or 'server', `pick` a
    number in [0, 1) that chooses among the server errors (500 or 503)."""
    if kind == "throttling":
        return _make(*_throttling(service, protocol), sender_fault=True)
    code, message, status = _server(service, protocol) if pick < 0.5 else _unavailable(protocol)
    return _make(code, message, status, sender_fault=False)


def _make(code: str, message: str, status: int, *, sender_fault: bool) -> AwsError:
    return AwsError(code, message, status, sender_fault=sender_fault)


@cache
def _throttling(service: str, protocol: str) -> tuple[str, str, int]:
    modeled = _modeled(service, _THROTTLING_SHAPES)
    if modeled is not None:
        return modeled[0], "Rate exceeded", modeled[1] or 400
    return _THROTTLING_DEFAULT.get(protocol, _THROTTLING_JSON)


@cache
def _server(service: str, protocol: str) -> tuple[str, str, int]:
    modeled = _modeled(service, _SERVER_SHAPES)
    if modeled is not None:
        return modeled[0], _SERVER_OTHER[1], modeled[1] or 500
    return _SERVER_DEFAULT.get(protocol, _SERVER_OTHER)


def _unavailable(protocol: str) -> tuple[str, str, int]:
    return _UNAVAILABLE_EC2 if protocol == "ec2" else _UNAVAILABLE


def _modeled(service: str, names: tuple[str, ...]) -> tuple[str, int] | None:
    """(shape name, its HTTP status or 0) for the first of `names` the service models."""
    try:
        model = service_model(service)
    except Exception:  # an unknown service: the protocol defaults will do
        return None
    available = set(model.shape_names)
    for name in names:
        if name in available:
            status = model.shape_for(name).metadata.get("error", {}).get("httpStatusCode", 0)
            return name, int(status)
    return None

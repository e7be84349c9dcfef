"""The one exception type every layer raises to answer a client with AWS's error."""

from __future__ import annotations

from typing import Any


class AwsError(Exception):
    """An error AWS would send: its code, message and HTTP status.

    `code` is the error shape's name in the service spec (e.g. ``NoSuchBucket``,
    ``QueueDoesNotExist``) or AWS's wire code where no shape exists. The serializer maps a
    shape name to the wire code the protocol uses (e.g. query's
    ``AWS.SimpleQueueService.NonExistentQueue``). `fields` carries the error shape's extra
    members (e.g. ``CancellationReasons``), keyed by the spec's member names.
    """

    def __init__(
        self,
        code: str,
        message: str = "",
        status_code: int = 400,
        *,
        sender_fault: bool = True,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status_code = status_code
        self.sender_fault = sender_fault
        self.fields = fields or {}
        self.headers = headers or {}


def not_implemented(service: str, operation: str) -> AwsError:
    return AwsError(
        "NotImplemented",
        f"pocketcloud does not implement {service}.{operation} yet. "
        "See the feature table in the README for what works today.",
        501,
        sender_fault=False,
    )


def internal_error(request_id: str) -> AwsError:
    return AwsError(
        "InternalError",
        f"We encountered an internal error. Please try again. (request id {request_id})",
        500,
        sender_fault=False,
    )

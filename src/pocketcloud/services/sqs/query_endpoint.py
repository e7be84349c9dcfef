"""Query-protocol requests sent to a queue's own URL (``GET https://.../<account>/<name>?Action=
SendMessage&MessageBody=...``), as older SDKs and hand-signed scripts do: the path names the
queue unless a QueueUrl parameter names another, and AWS answers in its query-era words."""

from __future__ import annotations

import re
from typing import Any

from botocore.model import OperationModel

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpRequest

_QUEUE_PATH = re.compile(r"/\d{12}/[\w.-]{1,80}/?")


def is_queue_path(path: str) -> bool:
    return _QUEUE_PATH.fullmatch(path) is not None


def prepare(operation: OperationModel, request: HttpRequest, params: dict[str, Any]) -> None:
    """Fills QueueUrl from the path; refuses calls a queue URL cannot take (CreateQueue,
    ListQueues); names a missing top-level parameter as AWS's query front end does."""
    shape = operation.input_shape
    members = shape.members if shape is not None else {}
    if is_queue_path(request.path):
        if "QueueUrl" in members:
            params.setdefault("QueueUrl", request.path)
        elif operation.name != "GetQueueUrl":  # AWS resolves any name at a queue's URL
            raise AwsError("InvalidAction",
                           f"The action {operation.name} is not valid for this endpoint.")
    for name in getattr(shape, "required_members", ()):
        if params.get(name) is None:
            raise AwsError("MissingParameter", f"The request must contain the parameter {name}.")

"""Errors for requests that never reached a known service: AWS's generic XML error shape."""

from __future__ import annotations

from xml.sax.saxutils import escape

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse


def fallback_error_response(error: AwsError, request_id: str) -> HttpResponse:
    kind = "Sender" if error.sender_fault else "Receiver"
    body = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<ErrorResponse><Error><Type>{kind}</Type><Code>{escape(error.code)}</Code>"
        f"<Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    headers = {"content-type": "text/xml", "x-amzn-requestid": request_id, **error.headers}
    return HttpResponse(error.status_code, headers, body.encode("utf-8"))

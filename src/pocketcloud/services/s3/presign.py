"""Presigned URLs (SigV4 query auth): expiry is enforced here; signatures are checked by the
gateway's signature verification when it exists."""

from __future__ import annotations

import calendar
import re
import time
from functools import lru_cache
from urllib.parse import unquote

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError

EXPIRES_MAX_S = 7 * 24 * 3600
_PARAMETERS = ("X-Amz-Expires", "X-Amz-Date", "Expires")
_AMZ_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")


def check_presigned_expiry(ctx: RequestContext) -> None:
    request = ctx.request
    if request is None or "Expires=" not in request.query_string:
        return
    query = _parameters(request.query_string)
    if "X-Amz-Expires" not in query:
        _check_sigv2_expiry(ctx, query.get("Expires", ""))
        return
    expires_text, date_text = query.get("X-Amz-Expires", ""), query.get("X-Amz-Date", "")
    try:
        expires_s = int(expires_text)
        signed_s = _amz_date_s(date_text)
    except ValueError:
        raise AwsError(
            "AuthorizationQueryParametersError",
            "X-Amz-Expires should be a number and X-Amz-Date a date like 20130524T000000Z",
        ) from None
    if expires_s < 0:
        raise AwsError("AuthorizationQueryParametersError", "X-Amz-Expires must be non-negative")
    if expires_s > EXPIRES_MAX_S:
        raise AwsError(
            "AuthorizationQueryParametersError",
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        )
    now_s = ctx.cloud.clock.now()
    if now_s > signed_s + expires_s:
        raise AwsError(
            "AccessDenied",
            "Request has expired",
            403,
            fields={
                "X-Amz-Expires": str(expires_s),
                "Expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(signed_s + expires_s)),
                "ServerTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now_s)),
            },
        )


def _parameters(query_string: str) -> dict[str, str]:
    """The three parameters that matter here, found by `str.rfind` rather than decoding the
    whole query (credential, signature, ...) on every presigned request; the last one wins."""
    found: dict[str, str] = {}
    for name in _PARAMETERS:
        wanted = name + "="
        at = query_string.rfind(wanted)
        while at > 0 and query_string[at - 1] != "&":
            at = query_string.rfind(wanted, 0, at)
        if at == -1:
            continue
        end = query_string.find("&", at)
        value = query_string[at + len(wanted) : end if end != -1 else len(query_string)]
        found[name] = unquote(value) if "%" in value else value
    return found


@lru_cache(maxsize=1024)  # a presigned URL is often replayed: its date is parsed once
def _amz_date_s(text: str) -> int:
    """20130524T000000Z -> epoch seconds (strptime costs ~10x more)."""
    match = _AMZ_DATE_RE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    year, month, day, hour, minute, second = map(int, match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 62):
        raise ValueError(text)
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


def _check_sigv2_expiry(ctx: RequestContext, expires_text: str) -> None:
    """A SigV2 presigned URL (`Expires=<epoch seconds>`, what boto3 makes by default)."""
    if not expires_text.isdigit():
        raise AwsError("AccessDenied", "Invalid date (should be seconds since epoch)", 403)
    now_s = ctx.cloud.clock.now()
    if now_s > int(expires_text):
        raise AwsError(
            "AccessDenied",
            "Request has expired",
            403,
            fields={
                "Expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(expires_text))),
                "ServerTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now_s)),
            },
        )

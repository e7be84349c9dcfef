"""Opaque paging tokens: the position to continue after, encoded so clients cannot forge
positions by accident (a bad token is AWS's InvalidParameterException)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pocketcloud.errors import AwsError


def encode(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode(token: str | None) -> Any:
    if token is None:
        return None
    if not token:
        raise empty_token()
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise AwsError("InvalidParameterException",
                       "The specified nextToken is invalid.") from None


def empty_token() -> AwsError:
    """Every nextToken has the model's minimum length 1, and AWS checks it."""
    return AwsError("InvalidParameterException", "1 validation error detected: Value '' at "
                    "'nextToken' failed to satisfy constraint: Member must have length greater "
                    "than or equal to 1")

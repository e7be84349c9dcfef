"""Encoded authorization failure messages: what EC2's UnauthorizedOperation carries and STS's
DecodeAuthorizationMessage turns back into AWS's JSON (allowed, explicitDeny,
matchedStatements, failures, context).

AWS encrypts the message; here it is the JSON, compressed, with an HMAC-SHA256 tag under a
key kept in the store (made once), so only messages this cloud issued decode, also after a
restart. matchedStatements names the deciding statement by its Sid (or position) and effect;
the statement's own elements are not repeated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import weakref
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pocketcloud.errors import AwsError
from pocketcloud.iam import Decision, Principal

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.context import RequestContext

TAG_BYTES = 16
MAX_DECODED_BYTES = 64 * 1024  # a bound for decompressing what a caller sends
_KEY_SETTING = "authorization-message-key"
_keys: weakref.WeakKeyDictionary[object, bytes] = weakref.WeakKeyDictionary()


def encode(
    cloud: Cloud, decision: Decision, principal: Principal, action: str, resource: str,
    conditions: Mapping[str, Sequence[str] | str],
) -> str:
    message = {
        "allowed": decision.allowed,
        "explicitDeny": decision.reason == "explicit-deny",
        "matchedStatements": {"items": _matched(decision)},
        "failures": {"items": []},
        "context": {
            "principal": _principal(principal),
            "action": action,
            "resource": resource,
            "conditions": {"items": [
                {"key": key, "values": {"items": [{"value": v} for v in (
                    [value] if isinstance(value, str) else value)]}}
                for key, value in conditions.items()]},
        },
    }
    payload = zlib.compress(json.dumps(message, separators=(",", ":")).encode())
    tag = hmac.new(_key(cloud), payload, hashlib.sha256).digest()[:TAG_BYTES]
    return base64.urlsafe_b64encode(payload + tag).decode().rstrip("=")


def decode_authorization_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    encoded = params["EncodedMessage"]
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise _invalid() from None
    if len(raw) <= TAG_BYTES:
        raise _invalid()
    payload, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    expected = hmac.new(_key(ctx.cloud), payload, hashlib.sha256).digest()[:TAG_BYTES]
    if not hmac.compare_digest(tag, expected):
        raise _invalid()
    try:
        decoded = zlib.decompressobj().decompress(payload, MAX_DECODED_BYTES)
    except zlib.error:
        raise _invalid() from None
    return {"DecodedMessage": decoded.decode()}


def _invalid() -> AwsError:
    return AwsError("InvalidAuthorizationMessageException",
                    "Message is not valid", 400)


def _matched(decision: Decision) -> list[dict[str, Any]]:
    if not decision.statement:
        return []
    effect = "DENY" if decision.reason == "explicit-deny" else "ALLOW"
    return [{"statementId": decision.statement, "effect": effect}]


def _principal(principal: Principal) -> dict[str, str]:
    shape = {"id": principal.user_id or principal.account_id, "arn": principal.arn}
    if principal.name:
        shape["name"] = principal.name
    return shape


def _key(cloud: Cloud) -> bytes:
    """The cloud's message key: read once per store, made (and kept) on first use."""
    found = _keys.get(cloud.store)
    if found is not None:
        return found
    from pocketcloud.services.iam.schema import store_of

    with store_of(cloud).write() as tx:
        stored = tx.fetchvalue("SELECT value FROM iam_account_settings WHERE account_id = '' "
                               "AND name = ?", (_KEY_SETTING,))
        if stored is None:
            stored = cloud.ids.hex(64)
            tx.execute("INSERT INTO iam_account_settings (account_id, name, value) VALUES "
                       "('', ?, ?)", (_KEY_SETTING, stored))
    key = _keys[cloud.store] = bytes.fromhex(stored)
    return key

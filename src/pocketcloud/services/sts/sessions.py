"""Temporary credentials: ASIA... keys with a session token, expiring on the cloud clock.

Sessions live in IAM's store (``iam_sessions``) so that one lookup (iam/credentials.py)
answers for every access key."""

from __future__ import annotations

import base64
import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.iam.access_keys import new_key_pair
from pocketcloud.services.iam.common import timestamp
from pocketcloud.services.iam.schema import writing

EXPIRED_KEPT_S = 24 * 3600  # expired sessions linger a day (ExpiredToken, not unknown key)
SESSION_TOKEN_BYTES = 192


def issue(
    ctx: RequestContext,
    *,
    account_id: str,
    principal_arn: str,
    principal_type: str,
    user_id: str,
    duration_s: int,
    role_arn: str = "",
    session_policies: list[str] | None = None,
    source_identity: str | None = None,
    tags: dict[str, str] | None = None,
    chained: bool = False,
    transitive_keys: list[str] | None = None,
    mfa_at: float | None = None,
    source_user_arn: str = "",
) -> dict[str, Any]:
    """Store a session and return its Credentials member."""
    key_id, secret = new_key_pair(ctx, "ASIA")
    raw_token = bytes.fromhex(ctx.cloud.ids.hex(SESSION_TOKEN_BYTES * 2))
    token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(raw_token).decode()
    now_s = ctx.cloud.clock.now()
    expires_at = now_s + duration_s
    with writing(ctx.cloud) as tx:
        tx.execute("DELETE FROM iam_sessions WHERE expires_at < ?", (now_s - EXPIRED_KEPT_S,))
        tx.execute(
            "INSERT INTO iam_sessions (access_key_id, account_id, secret, session_token, "
            "principal_arn, principal_type, role_arn, user_id, expires_at, session_policies, "
            "source_identity, tags, chained, transitive_keys, mfa_at, source_user_arn) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key_id, account_id, secret, token, principal_arn, principal_type, role_arn, user_id,
             expires_at, json.dumps(session_policies or []), source_identity,
             json.dumps(tags or {}), int(chained), json.dumps(transitive_keys or []), mfa_at,
             source_user_arn),
        )
    return {"AccessKeyId": key_id, "SecretAccessKey": secret, "SessionToken": token,
            "Expiration": timestamp(expires_at)}

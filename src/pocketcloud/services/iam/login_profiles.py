"""A user's console password (login profile): whether one is set, when, and whether the user
must change it at next sign-in. The password is kept only as a hash (passwords.py)."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.access_keys import _user_name
from pocketcloud.services.iam.common import already_exists, no_such_entity, timestamp
from pocketcloud.services.iam.passwords import checked_password, store_password
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.services.iam.users import user_row
from pocketcloud.store import Tx


def create_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("UserName")
    if not name or not params.get("Password"):
        raise AwsError("ValidationError", "UserName and Password are required.")
    reset = bool(params.get("PasswordResetRequired"))
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        if _profile(tx, ctx.account_id, name) is not None:
            raise already_exists(f"Login Profile for user {name} already exists.")
        password = checked_password(ctx, tx, params["Password"])
        now = ctx.cloud.clock.now()
        tx.execute("UPDATE iam_users SET password_set = ?, password_reset = ?, "
                   "password_hash = NULL WHERE account_id = ? AND name = ?",
                   (now, int(reset), ctx.account_id, name))
        store_password(ctx, tx, name, password, [])
    return {"LoginProfile": _shape(name, now, reset)}


def get_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """UserName is optional here: without it, the caller's own user (as for access keys)."""
    name = _user_name(ctx, params)
    with reading(ctx.cloud) as tx:
        created, reset = _required(tx, ctx.account_id, name)
    return {"LoginProfile": _shape(name, created, reset)}


def update_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    with writing(ctx.cloud) as tx:
        _, reset = _required(tx, ctx.account_id, name)
        if params.get("PasswordResetRequired") is not None:
            reset = bool(params["PasswordResetRequired"])
        if params.get("Password"):
            store_password(ctx, tx, name, checked_password(ctx, tx, params["Password"]))
        tx.execute("UPDATE iam_users SET password_reset = ? WHERE account_id = ? AND name = ?",
                   (int(reset), ctx.account_id, name))
    return {}


def delete_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    with writing(ctx.cloud) as tx:
        _required(tx, ctx.account_id, name)
        tx.execute("UPDATE iam_users SET password_set = NULL, password_reset = 0, "
                   "password_hash = NULL WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    return {}


def _profile(tx: Tx, account_id: str, name: str) -> tuple[float, bool] | None:
    row = tx.fetchone("SELECT password_set, password_reset FROM iam_users WHERE "
                      "account_id = ? AND name = ?", (account_id, name))
    return None if row is None or row[0] is None else (row[0], bool(row[1]))


def _required(tx: Tx, account_id: str, name: str) -> tuple[float, bool]:
    user_row(tx, account_id, name)
    found = _profile(tx, account_id, name)
    if found is None:
        raise no_such_entity(f"Login Profile for User {name} cannot be found.")
    return found


def _shape(name: str, created: float, reset: bool) -> dict[str, Any]:
    return {"UserName": name, "CreateDate": timestamp(created), "PasswordResetRequired": reset}

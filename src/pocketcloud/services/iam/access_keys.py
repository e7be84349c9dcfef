"""Access keys of IAM users: AKIA... ids, 40-character secrets, at most two per user."""

from __future__ import annotations

import base64
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import last_access
from pocketcloud.services.iam.common import no_such_entity, page, timestamp
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.services.iam.users import user_row

MAX_KEYS_PER_USER = 2
STATUSES = ("Active", "Inactive")


def new_key_pair(ctx: RequestContext, prefix: str) -> tuple[str, str]:
    """An access key id (AKIA for users, ASIA for sessions) and its 40-character secret."""
    key_id = prefix + ctx.cloud.ids.upper_alnum(16)
    secret = base64.b64encode(bytes.fromhex(ctx.cloud.ids.hex(60))).decode()
    return key_id, secret


def create_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    key_id, secret = new_key_pair(ctx, "AKIA")
    now = ctx.cloud.clock.now()
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        count = tx.fetchvalue("SELECT COUNT(*) FROM iam_access_keys WHERE account_id = ? AND "
                              "user_name = ?", (ctx.account_id, name))
        if count >= MAX_KEYS_PER_USER:
            raise AwsError("LimitExceededException",
                           f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}", 409)
        tx.execute("INSERT INTO iam_access_keys (access_key_id, account_id, user_name, secret, "
                   "status, create_date) VALUES (?, ?, ?, ?, 'Active', ?)",
                   (key_id, ctx.account_id, name, secret, now))
    return {"AccessKey": {"UserName": name, "AccessKeyId": key_id, "Status": "Active",
                          "SecretAccessKey": secret, "CreateDate": timestamp(now)}}


def list_access_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    with reading(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        rows = tx.fetchall("SELECT access_key_id, status, create_date FROM iam_access_keys "
                           "WHERE account_id = ? AND user_name = ? ORDER BY create_date",
                           (ctx.account_id, name))
    keys = [{"UserName": name, "AccessKeyId": k, "Status": s, "CreateDate": timestamp(c)}
            for k, s, c in rows]
    return page(keys, params, "AccessKeyMetadata")


def update_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    status = params["Status"]
    if status not in STATUSES:
        raise AwsError("ValidationError", f"1 validation error detected: Value '{status}' at "
                       "'status' failed to satisfy constraint: Member must satisfy enum value "
                       "set: [Active, Inactive]")
    name = _user_name(ctx, params)
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        changed = tx.execute("UPDATE iam_access_keys SET status = ? WHERE access_key_id = ? AND "
                             "account_id = ? AND user_name = ?",
                             (status, params["AccessKeyId"], ctx.account_id, name))
    if not changed:
        raise _no_such_key(params["AccessKeyId"])
    return {}


def delete_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _user_name(ctx, params)
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        deleted = tx.execute("DELETE FROM iam_access_keys WHERE access_key_id = ? AND "
                             "account_id = ? AND user_name = ?",
                             (params["AccessKeyId"], ctx.account_id, name))
    if not deleted:
        raise _no_such_key(params["AccessKeyId"])
    return {}


def get_access_key_last_used(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key_id = params["AccessKeyId"]
    last_access.flush(ctx.cloud)
    with reading(ctx.cloud) as tx:
        row = tx.fetchone("SELECT user_name, last_used, last_used_service, last_used_region "
                          "FROM iam_access_keys WHERE access_key_id = ? AND account_id = ?",
                          (key_id, ctx.account_id))
    if row is None:  # IAM does not say whether a key exists outside the caller's account
        from pocketcloud.services.iam.credentials import caller_of

        raise AwsError("AccessDenied", f"User: {caller_of(ctx).principal_arn} is not "
                       "authorized to perform iam:GetAccessKeyLastUsed on resource: access key "
                       f"{key_id}", 403)
    name, last_used, service, region = row
    last: dict[str, Any] = {"ServiceName": service or "N/A", "Region": region or "N/A"}
    if last_used:
        last["LastUsedDate"] = timestamp(last_used)
    return {"UserName": name, "AccessKeyLastUsed": last}


def _user_name(ctx: RequestContext, params: dict[str, Any]) -> str:
    """Without UserName, the caller's own user (AWS's rule for access key operations)."""
    if params.get("UserName"):
        return str(params["UserName"])
    from pocketcloud.services.iam.credentials import caller_of

    caller = caller_of(ctx)
    if caller.principal_type != "user":
        raise AwsError("ValidationError",
                       "Must specify userName when calling with non-User credentials")
    return caller.principal_arn.rsplit("/", 1)[1]


def _no_such_key(key_id: str) -> AwsError:
    return no_such_entity(f"The Access Key with id {key_id} cannot be found.")

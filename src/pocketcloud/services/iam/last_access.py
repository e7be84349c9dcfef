"""When IAM's principals last used what: the data behind GetAccessKeyLastUsed, RoleLastUsed,
the credential report and the service-last-accessed reports.

What is tracked: every request signed by an IAM user's access key or by a role session (the
gateway calls ``record`` once per request, after authentication, whether or not policy then
allows it, as AWS counts attempts). Per request that is one dict update in memory; a
background job (and every reader, first) flushes the pending entries to the store in one
transaction, so nothing is written per request. What is not tracked: the root user, federated
users, web-identity sessions, and a console password's use (pocketcloud has no console
sign-in), so ``password_last_used`` stays ``no_information``. Entries recorded in the seconds
before a crash are lost, as AWS's own data lags by up to hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.iam.actions import action_name
from pocketcloud.services.iam.schema import store_of

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.context import RequestContext

FLUSH_INTERVAL_S = 5.0
MAX_PENDING = 10_000  # beyond this a request flushes inline (bounded memory)

# (account, entity ARN, access key id or "", action) -> (when, region)
Pending = dict[tuple[str, str, str, str], tuple[float, str]]
_pending: dict[int, Pending] = {}  # by id(store): stores live as long as the process


def record(ctx: RequestContext) -> None:
    """Note that the request's caller used the operation's action (a dict update; the
    gateway calls this on every request, so the root user's requests return at once)."""
    caller = ctx.caller
    if caller is None or caller.principal_type not in _TRACKED:
        return
    if caller.principal_type == "user":
        entity, key = caller.principal_arn, caller.access_key_id
    else:
        entity, key = _role_of(ctx), ""
        if not entity:
            return
    store_id = id(ctx.cloud.store)
    pending = _pending.get(store_id)
    if pending is None:
        pending = _pending[store_id] = {}
    pending[(caller.account_id, entity, key, action_name(ctx.service, ctx.operation))] = (
        ctx.cloud.clock.now(), ctx.region)
    if len(pending) >= MAX_PENDING:
        flush(ctx.cloud)


_TRACKED = frozenset({"user", "assumed-role"})


def _role_of(ctx: RequestContext) -> str:
    """The role (with its path) a session's key was issued for."""
    from pocketcloud.services.iam.credentials import lookup_access_key

    credential = lookup_access_key(ctx.cloud, ctx.access_key_id)
    return credential.role_arn if credential is not None else ""


def tick(cloud: Cloud) -> None:
    """The background job: flush what the last seconds' requests recorded."""
    flush(cloud)


def flush(cloud: Cloud) -> None:
    """Write the pending entries in one transaction. Not through schema.writing: last-use
    data is in no cache, so IAM's caches need not start over."""
    pending = _pending.pop(id(cloud.store), None)
    if not pending:
        return
    with store_of(cloud).write() as tx:
        for (account_id, entity, key, action), (when, region) in pending.items():
            tx.execute(
                "INSERT INTO iam_last_access (account_id, entity_arn, action, last_at, region) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, entity_arn, action) DO UPDATE "
                "SET last_at = excluded.last_at, region = excluded.region "
                "WHERE excluded.last_at >= last_at", (account_id, entity, action, when, region))
            if key:
                tx.execute(
                    "UPDATE iam_access_keys SET last_used = ?, last_used_service = ?, "
                    "last_used_region = ? WHERE access_key_id = ? AND "
                    "(last_used IS NULL OR last_used <= ?)",
                    (when, action.split(":", 1)[0], region, key, when))
            elif ":role/" in entity:
                tx.execute("UPDATE iam_roles SET last_used = ?, last_used_region = ? WHERE "
                           "account_id = ? AND name = ? AND (last_used IS NULL OR "
                           "last_used <= ?)",
                           (when, region, account_id, entity.rsplit("/", 1)[1], when))

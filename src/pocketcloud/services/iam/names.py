"""IAM names are not distinguished by case: ``bob`` finds the user created as ``Bob``.

Operations store and compare names exactly; ``as_stored`` rewrites a request's entity names to
the stored spelling once, at the operation's door, so no query needs to care."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.services.iam.schema import reading

# request member -> the table whose entities it names
_MEMBERS = {"UserName": "iam_users", "GroupName": "iam_groups", "RoleName": "iam_roles",
            "ServerCertificateName": "iam_server_certificates"}
# these name a new entity: a clash is theirs to report, in the requested spelling
_CREATING = frozenset({"create_user", "create_group", "create_role",
                       "upload_server_certificate"})


def as_stored(ctx: RequestContext, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    wanted = {member: table for member, table in _MEMBERS.items()
              if isinstance(params.get(member), str) and params[member]}
    if not wanted or operation in _CREATING:
        return params
    stored = dict(params)
    with reading(ctx.cloud) as tx:
        for member, table in wanted.items():
            found = tx.fetchvalue(f"SELECT name FROM {table} WHERE account_id = ? AND "
                                  "lower(name) = lower(?)", (ctx.account_id, params[member]))
            if found is not None:
                stored[member] = found
    return stored

"""The stored descriptions of exports and imports (dynamodb_exports / dynamodb_imports rows
share their shape): one read by ARN and one page of a listing, for both."""

from __future__ import annotations

import json
from typing import Any, Literal

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import storage

Kind = Literal["export", "import"]


def description(ctx: RequestContext, kind: Kind, arn: str) -> dict[str, Any]:
    """The export's or import's description, or DynamoDB's not-found error for it."""
    with storage.store(ctx).read() as tx:
        raw = tx.fetchvalue(
            f"SELECT meta FROM dynamodb_{kind}s WHERE account_id = ? AND region = ? AND "
            f"{kind}_arn = ?", (ctx.account_id, ctx.region, arn))
    if raw is None:
        noun = kind.capitalize()
        raise AwsError(f"{noun}NotFoundException", f"{noun} not found: {arn}")
    return json.loads(raw)["description"]  # type: ignore[no-any-return]


def page(ctx: RequestContext, kind: Kind, after: str, limit: int,
         table_arn: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` descriptions in ARN order after `after`, and the ARN to resume after
    (None on the last page)."""
    sql = (f"SELECT {kind}_arn, meta FROM dynamodb_{kind}s WHERE account_id = ? AND "
           f"region = ? AND {kind}_arn > ?")
    args: list[Any] = [ctx.account_id, ctx.region, after]
    if table_arn:
        sql += " AND table_arn = ?"
        args.append(table_arn)
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(sql + f" ORDER BY {kind}_arn LIMIT ?", (*args, limit + 1))
    found = [json.loads(raw)["description"] for _, raw in rows[:limit]]
    return found, rows[limit - 1][0] if len(rows) > limit else None

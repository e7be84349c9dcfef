"""Time to Live: UpdateTimeToLive, DescribeTimeToLive, and the background job that deletes
expired items.

A TTL-enabled table keeps, per item whose TTL attribute is a number, when it expires
(`dynamodb_ttl`), maintained with every write. The job (on the cloud's clock, so tests can
advance it) settles ENABLING/DISABLING and deletes expired items as the service principal, so
each deletion is a stream REMOVE record with userIdentity dynamodb.amazonaws.com. As in
DynamoDB, reads keep returning an expired item until the job has deleted it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import replicas, storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import Item, invalid
from pocketcloud.store import Tx

log = logging.getLogger(__name__)

MODIFY_INTERVAL_S = 3600.0  # one change per table per hour, as DynamoDB allows
PAST_LIMIT_S = 5 * 365 * 24 * 3600.0  # expiry more than five years ago: never deleted
DELETES_PER_TICK_MAX = 1000  # per table per run: a run stays short; the next one goes on
TICK_INTERVAL_S = 1.0
# ENABLING/DISABLING settle after this much cloud-clock time (DynamoDB: "up to one hour"),
# so a client sees the transition however fast or slow the machine is
SETTLE_S = 60.0
_ON = ("ENABLING", "ENABLED")


def settings(table: TableMeta) -> dict[str, Any]:
    return table.meta.get("ttl") or {}


def active(table: TableMeta) -> bool:
    return settings(table).get("Status") in _ON


def expiry_s(item: Item | None, attribute: str) -> float | None:
    value = None if item is None else item.get(attribute)
    if value is None or "N" not in value:
        return None
    try:
        return float(value["N"])
    except (OverflowError, ValueError):
        return None


def schedule(tx: Tx, table: TableMeta, key: tuple[bytes, bytes], new: Item | None) -> None:
    expires = expiry_s(new, settings(table)["AttributeName"])
    if expires is None:
        tx.execute(
            "DELETE FROM dynamodb_ttl WHERE table_id = ? AND pk = ? AND sk = ?",
            (table.table_id, *key),
        )
        return
    tx.execute(
        "INSERT INTO dynamodb_ttl (table_id, pk, sk, expires_s) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (table_id, pk, sk) DO UPDATE SET expires_s = excluded.expires_s",
        (table.table_id, *key, expires),
    )


def _backfill(tx: Tx, table_id: int, attribute: str) -> None:
    tx.execute("DELETE FROM dynamodb_ttl WHERE table_id = ?", (table_id,))
    rows = tx.fetchall("SELECT pk, sk, item FROM dynamodb_items WHERE table_id = ?", (table_id,))
    for pk, sk, raw in rows:
        expires = expiry_s(storage.decode_item(raw), attribute)
        if expires is not None:
            tx.execute(
                "INSERT INTO dynamodb_ttl (table_id, pk, sk, expires_s) VALUES (?, ?, ?, ?)",
                (table_id, pk, sk, expires),
            )


def table_deleted(tx: Tx, table_id: int) -> None:
    tx.execute("DELETE FROM dynamodb_ttl WHERE table_id = ?", (table_id,))


# -- the operations ---------------------------------------------------------------------


def update_time_to_live(
    ctx: RequestContext, params: dict[str, Any], *, propagate: bool = True
) -> dict[str, Any]:
    """On a global table the setting applies to every replica, as DynamoDB keeps it in sync."""
    table = storage.table_meta(ctx, params["TableName"], named=True)
    answer = _update_one(ctx, table, params)
    if propagate:
        for region in replicas.synced_regions(table):
            if region != ctx.region:
                with contextlib.suppress(AwsError):  # a replica already in that state
                    there = dataclasses.replace(ctx, region=region)
                    update_time_to_live(there, params, propagate=False)
    return answer


def _update_one(ctx: RequestContext, table: TableMeta, params: dict[str, Any]) -> dict[str, Any]:
    spec = params["TimeToLiveSpecification"]
    enabling, attribute = bool(spec["Enabled"]), spec["AttributeName"]
    current = settings(table)
    is_on = current.get("Status") in _ON
    if enabling and is_on:
        raise invalid("TimeToLive is already enabled")
    if not enabling and not is_on:
        raise invalid("TimeToLive is already disabled")
    if not enabling and attribute != current.get("AttributeName"):
        raise invalid(
            "TimeToLive is active on a different AttributeName: current AttributeName is "
            f"{current.get('AttributeName')}"
        )
    now = ctx.cloud.clock.now()
    if now - current.get("ModifiedAt", -MODIFY_INTERVAL_S) < MODIFY_INTERVAL_S:
        raise invalid("Time to live has been modified multiple times within a fixed interval")
    meta = json.loads(json.dumps(table.meta))
    meta["ttl"] = {
        "Status": "ENABLING" if enabling else "DISABLING",
        "AttributeName": attribute,
        "ModifiedAt": now,
    }
    with storage.store(ctx).write() as tx:
        changed = tx.execute(
            "UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
            (json.dumps(meta), table.table_id),
        )
        if not changed:
            raise AwsError("ResourceNotFoundException", storage.RESOURCE_NOT_FOUND)
        if enabling:
            _backfill(tx, table.table_id, attribute)
        else:
            table_deleted(tx, table.table_id)
    storage.forget(ctx, table.name)
    return {"TimeToLiveSpecification": {"Enabled": enabling, "AttributeName": attribute}}


def describe_time_to_live(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    current = settings(storage.table_meta(ctx, params["TableName"], named=True))
    status = current.get("Status", "DISABLED")
    description: dict[str, Any] = {"TimeToLiveStatus": status}
    if status != "DISABLED":
        description["AttributeName"] = current["AttributeName"]
    return {"TimeToLiveDescription": description}


# -- the background job -----------------------------------------------------------------


def tick(cloud: Any) -> None:
    """Settle status changes, then delete what has expired, a bounded batch per table."""
    the_store = storage.store_of(cloud)
    now = cloud.clock.now()
    with the_store.read() as tx:
        rows = tx.fetchall(
            "SELECT account_id, region, name, table_id, meta FROM dynamodb_tables "
            "WHERE json_extract(meta, '$.ttl.Status') IS NOT NULL "
            "AND json_extract(meta, '$.ttl.Status') != 'DISABLED'"
        )
    for account_id, region, name, table_id, raw in rows:
        meta = json.loads(raw)
        status = meta["ttl"]["Status"]
        if status in ("ENABLING", "DISABLING") and now - meta["ttl"].get(
                "ModifiedAt", 0.0) >= SETTLE_S:
            meta["ttl"]["Status"] = "ENABLED" if status == "ENABLING" else "DISABLED"
            with the_store.write() as tx:
                tx.execute(
                    "UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
                    (json.dumps(meta), table_id),
                )
            storage.forget_in(cloud, account_id, region, name)
        if meta["ttl"]["Status"] == "ENABLED":
            delete_expired(cloud, storage.build_meta(name, table_id, meta), now)


def delete_expired(cloud: Any, table: TableMeta, now: float) -> int:
    from pocketcloud.services.dynamodb import changes  # changes imports this module

    deleted = 0
    the_store = storage.store_of(cloud)
    if (
        the_store.read_value(  # nothing due: no write transaction (it would queue behind writers)
            "SELECT 1 FROM dynamodb_ttl WHERE table_id = ? AND expires_s <= ? LIMIT 1",
            (table.table_id, now),
        )
        is None
    ):
        return 0
    with the_store.write() as tx:
        due = tx.fetchall(
            "SELECT pk, sk, expires_s FROM dynamodb_ttl WHERE table_id = ? AND expires_s <= ? "
            "ORDER BY expires_s LIMIT ?",
            (table.table_id, now, DELETES_PER_TICK_MAX),
        )
        for pk, sk, expires in due:
            item = storage.read_item(tx, table, pk, sk)
            if item is None or expires < now - PAST_LIMIT_S:
                schedule(tx, table, (pk, sk), None)  # gone, or too old for TTL to act on
                continue
            changes.remove(tx, table, (pk, sk), item, now, by_service=True)
            deleted += 1
    return deleted

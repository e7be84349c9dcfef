"""DynamoDB Streams, the writing side: a stream record per item change, in the same
transaction as the change itself. The `dynamodbstreams` service reads them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import cbor2

from pocketcloud.context import RequestContext
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.values import Item, item_size_bytes
from pocketcloud.store import Tx

STREAM_RETENTION_S = 24 * 3600


def stream_label(now: float) -> str:
    moment = datetime.fromtimestamp(now, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def enable(
    ctx: RequestContext, description: dict[str, Any], spec: dict[str, Any], now: float
) -> None:
    label = stream_label(now)
    description["StreamSpecification"] = {
        "StreamEnabled": True,
        "StreamViewType": spec["StreamViewType"],
    }
    description["LatestStreamLabel"] = label
    description["LatestStreamArn"] = f"{description['TableArn']}/stream/{label}"


def disable(description: dict[str, Any]) -> None:
    description["StreamSpecification"] = {"StreamEnabled": False}


def record_change(
    tx: Tx,
    table: TableMeta,
    old: Item | None,
    new: Item | None,
    now: float,
    *,
    by_service: bool = False,
) -> None:
    """Append the stream record for one item change (no-op without an enabled stream, and, as
    in DynamoDB, for a write that leaves the item as it was)."""
    view = table.stream_view_type
    if view is None or old == new:
        return
    event = "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY")
    source = new if new is not None else old
    assert source is not None
    change = {"Keys": table.key_of(source)}
    if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and new is not None:
        change["NewImage"] = new
    if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and old is not None:
        change["OldImage"] = old
    record: dict[str, Any] = {
        "eventName": event,
        "stream": table.description["LatestStreamArn"],
        "dynamodb": {
            "ApproximateCreationDateTime": float(int(now)),  # whole seconds, rounded down
            **change,
            # the size of what the record carries: keys and the images its view includes
            "SizeBytes": sum(item_size_bytes(part) for part in change.values()),
            "StreamViewType": view,
        },
    }
    if by_service:
        record["userIdentity"] = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    sequence = tx.fetchvalue(
        "SELECT COALESCE(MAX(sequence), 0) + 1 FROM dynamodb_stream_records WHERE table_id = ?",
        (table.table_id,),
    )
    tx.execute(
        "INSERT INTO dynamodb_stream_records (table_id, sequence, created_s, record) "
        "VALUES (?, ?, ?, ?)",
        (table.table_id, sequence, now, cbor2.dumps(record)),
    )
    if sequence % 1000 == 0:  # trim records past the 24-hour retention now and then
        tx.execute(
            "DELETE FROM dynamodb_stream_records WHERE table_id = ? AND created_s < ?",
            (table.table_id, now - STREAM_RETENTION_S),
        )


def table_deleted(tx: Tx, table: TableMeta) -> None:
    tx.execute("DELETE FROM dynamodb_stream_records WHERE table_id = ?", (table.table_id,))

"""ConsumedCapacity as DynamoDB accounts it: a write unit per 1 KB written, a read unit per
4 KB read (half for an eventually consistent read), doubled inside transactions."""

from __future__ import annotations

from typing import Any

from pocketcloud.services.dynamodb.storage import TableMeta

WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096


def write_units(size_bytes: int) -> float:
    return float(max(1, -(-size_bytes // WRITE_UNIT_BYTES)))


def read_units(size_bytes: int, consistent: bool) -> float:
    units = max(1, -(-size_bytes // READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def consumed(
    mode: str | None,
    table: TableMeta,
    units: float,
    *,
    reading: bool,
    index_name: str | None = None,
    indexes_written: tuple[str, ...] = (),
) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity `mode` (None when not asked)."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    kind = "ReadCapacityUnits" if reading else "WriteCapacityUnits"
    total = units * (1 + len(indexes_written))
    result: dict[str, Any] = {"TableName": table.name, "CapacityUnits": total, kind: total}
    if mode == "INDEXES":
        on_table = 0.0 if index_name else units
        result["Table"] = {"CapacityUnits": on_table, kind: on_table}
        written = list(indexes_written) + ([index_name] if index_name else [])
        for name in written:
            member = (
                "GlobalSecondaryIndexes"
                if table.indexes[name].is_global
                else "LocalSecondaryIndexes"
            )
            result.setdefault(member, {})[name] = {"CapacityUnits": units, kind: units}
    return result

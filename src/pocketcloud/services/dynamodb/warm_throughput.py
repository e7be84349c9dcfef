"""WarmThroughput in table descriptions: what a table and each global index can serve at once.

DynamoDB reports it for every table and global index: the provisioned capacity, or 12,000 reads
and 4,000 writes a second on demand, raised to any higher value the user asked for."""

from __future__ import annotations

from typing import Any

ON_DEMAND_READS_PER_S = 12000
ON_DEMAND_WRITES_PER_S = 4000


def requested(spec: dict[str, Any] | None) -> dict[str, int]:
    """The units a CreateTable/UpdateTable WarmThroughput asks for, as kept in the description."""
    spec = spec or {}
    return {
        name: int(spec[name])
        for name in ("ReadUnitsPerSecond", "WriteUnitsPerSecond")
        if spec.get(name) is not None
    }


def show(shown: dict[str, Any]) -> None:
    """Fill in the WarmThroughput of a description (and of its global indexes) being shown."""
    on_demand = (shown.get("BillingModeSummary") or {}).get("BillingMode") == "PAY_PER_REQUEST"
    for part in (shown, *shown.get("GlobalSecondaryIndexes", ())):
        part["WarmThroughput"] = _warm(part, on_demand)


def _warm(part: dict[str, Any], on_demand: bool) -> dict[str, Any]:
    if on_demand:
        reads, writes = ON_DEMAND_READS_PER_S, ON_DEMAND_WRITES_PER_S
    else:
        throughput = part.get("ProvisionedThroughput") or {}
        reads = throughput.get("ReadCapacityUnits", 0)
        writes = throughput.get("WriteCapacityUnits", 0)
    asked = part.get("WarmThroughput") or {}
    return {
        "ReadUnitsPerSecond": max(reads, asked.get("ReadUnitsPerSecond", 0)),
        "WriteUnitsPerSecond": max(writes, asked.get("WriteUnitsPerSecond", 0)),
        "Status": "ACTIVE",
    }


def mark(part: dict[str, Any], status: str) -> None:
    """Set the status shown for a table's or an index's warm throughput (in a shown copy)."""
    part["WarmThroughput"]["Status"] = status

"""On-demand backups (CreateBackup, DescribeBackup, ListBackups, DeleteBackup,
RestoreTableFromBackup) and point-in-time recovery (UpdateContinuousBackups,
DescribeContinuousBackups, RestoreTableToPointInTime).

A backup is a copy of the table's items and description, taken in one store transaction, so
it is the table as of one instant. Point-in-time restores read history.py's item versions.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import history, restore, storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.tables import described, table_arn
from pocketcloud.services.dynamodb.values import invalid

MAX_LIST_BACKUPS = 100
_BACKUP_TYPES = {"USER": ("USER",), "SYSTEM": ("SYSTEM",), "AWS_BACKUP": ("AWS_BACKUP",),
                 "ALL": ("USER", "SYSTEM", "AWS_BACKUP")}  # fmt: skip


def _table(ctx: RequestContext, name: str, code: str = "TableNotFoundException") -> TableMeta:
    try:
        return storage.table_meta(ctx, name)
    except AwsError:
        raise AwsError(code, f"Table not found: {name}") from None


# -- on-demand backups -------------------------------------------------------------------


def create_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"BackupDetails": take_backup(ctx, params["TableName"], params["BackupName"], "USER")}


def take_backup(ctx: RequestContext, name: str, backup_name: str, kind: str) -> dict[str, Any]:
    table = _table(ctx, name)
    millis = int(ctx.cloud.clock.now() * 1000)
    now = millis / 1000  # as clients see it (milliseconds), so time-range filters agree
    suffix = ctx.cloud.ids.uuid4().replace("-", "")[:8]
    backup_arn = f"{table_arn(ctx, name)}/backup/{millis:014d}-{suffix}"
    with storage.store(ctx).write() as tx:
        counts = storage.table_counts(tx, table.table_id)
        details = {
            "BackupArn": backup_arn,
            "BackupName": backup_name,
            "BackupSizeBytes": counts[1],
            "BackupStatus": "AVAILABLE",
            "BackupType": kind,
            "BackupCreationDateTime": now,
        }
        if kind == "SYSTEM":
            details["BackupExpiryDateTime"] = now + history.RECOVERY_DAYS_MAX * history.DAY_S
        meta = {
            "details": details,
            "source": described(table, counts, {}),
            "ttl": table.meta.get("ttl"),
        }
        tx.execute(
            "INSERT INTO dynamodb_backups (account_id, region, backup_arn, table_name, created_s, "
            "meta) VALUES (?, ?, ?, ?, ?, ?)",
            (ctx.account_id, ctx.region, backup_arn, name, now, json.dumps(meta)),
        )
        tx.execute(
            "INSERT INTO dynamodb_backup_items (backup_arn, pk, sk, item, size_bytes) "
            "SELECT ?, pk, sk, item, size_bytes FROM dynamodb_items WHERE table_id = ?",
            (backup_arn, table.table_id),
        )
    return details


def _backup(ctx: RequestContext, backup_arn: str) -> dict[str, Any]:
    with storage.store(ctx).read() as tx:
        raw = tx.fetchvalue(
            "SELECT meta FROM dynamodb_backups WHERE account_id = ? AND region = ? "
            "AND backup_arn = ?",
            (ctx.account_id, ctx.region, backup_arn),
        )
    if raw is None:
        raise AwsError("BackupNotFoundException", f"Backup not found: {backup_arn}")
    return json.loads(raw)  # type: ignore[no-any-return]


def _description(meta: dict[str, Any]) -> dict[str, Any]:
    source = meta["source"]
    billing = (source.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    throughput = source.get("ProvisionedThroughput") or {}
    features: dict[str, Any] = {}
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if source.get(member):
            features[member] = [
                {name: index[name] for name in ("IndexName", "KeySchema", "Projection")}
                for index in source[member]
            ]
    if (source.get("StreamSpecification") or {}).get("StreamEnabled"):
        features["StreamDescription"] = source["StreamSpecification"]
    ttl = meta.get("ttl") or {}
    if ttl.get("Status") in ("ENABLING", "ENABLED"):
        features["TimeToLiveDescription"] = {
            "TimeToLiveStatus": ttl["Status"], "AttributeName": ttl["AttributeName"]
        }  # fmt: skip
    if source.get("SSEDescription"):
        features["SSEDescription"] = source["SSEDescription"]
    return {
        "BackupDetails": meta["details"],
        "SourceTableDetails": {
            "TableName": source["TableName"],
            "TableId": source["TableId"],
            "TableArn": source["TableArn"],
            "TableSizeBytes": source["TableSizeBytes"],
            "KeySchema": source["KeySchema"],
            "TableCreationDateTime": source["CreationDateTime"],
            "ProvisionedThroughput": {
                "ReadCapacityUnits": throughput.get("ReadCapacityUnits", 0),
                "WriteCapacityUnits": throughput.get("WriteCapacityUnits", 0),
            },
            "ItemCount": source["ItemCount"],
            "BillingMode": billing,
        },
        "SourceTableFeatureDetails": features,
    }


def describe_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"BackupDescription": _description(_backup(ctx, params["BackupArn"]))}


def delete_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    backup_arn = params["BackupArn"]
    meta = _backup(ctx, backup_arn)
    with storage.store(ctx).write() as tx:
        tx.execute("DELETE FROM dynamodb_backups WHERE backup_arn = ?", (backup_arn,))
        tx.execute("DELETE FROM dynamodb_backup_items WHERE backup_arn = ?", (backup_arn,))
    shown = _description(meta)
    shown["BackupDetails"]["BackupStatus"] = "DELETED"
    return {"BackupDescription": shown}


def list_backups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("Limit", MAX_LIST_BACKUPS)
    if not 1 <= limit <= MAX_LIST_BACKUPS:
        raise invalid(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value less than or equal to 100"
        )
    kind = params.get("BackupType") or "USER"
    if kind not in _BACKUP_TYPES:
        raise invalid(f"1 validation error detected: Value '{kind}' at 'backupType' failed to "
                      "satisfy constraint: Member must satisfy enum value set: "
                      "[USER, SYSTEM, AWS_BACKUP, ALL]")
    kinds = _BACKUP_TYPES[kind]
    lower = _seconds(params.get("TimeRangeLowerBound", 0.0))
    upper = _seconds(params.get("TimeRangeUpperBound", float("inf")))
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT backup_arn, table_name, meta FROM dynamodb_backups "
            "WHERE account_id = ? AND region = ? ORDER BY created_s, backup_arn",
            (ctx.account_id, ctx.region),
        )
    summaries = []
    for _arn, table_name, raw in rows:
        meta = json.loads(raw)
        details = meta["details"]
        wanted = params.get("TableName")
        if wanted is not None and wanted not in (table_name, table_arn(ctx, table_name)):
            continue
        if details["BackupType"] not in kinds:
            continue
        if not lower <= details["BackupCreationDateTime"] < upper:  # the upper bound excluded
            continue
        summaries.append(_summary(meta))
    start = params.get("ExclusiveStartBackupArn")
    if start is not None:
        arns = [s["BackupArn"] for s in summaries]
        summaries = summaries[arns.index(start) + 1 :] if start in arns else []
    result: dict[str, Any] = {"BackupSummaries": summaries[:limit]}
    if len(summaries) > limit:
        result["LastEvaluatedBackupArn"] = summaries[limit - 1]["BackupArn"]
    return result


def _summary(meta: dict[str, Any]) -> dict[str, Any]:
    details, source = meta["details"], meta["source"]
    summary = {
        "TableName": source["TableName"],
        "TableId": source["TableId"],
        "TableArn": source["TableArn"],
        **{k: v for k, v in details.items()},
    }
    return summary


def restore_table_from_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    backup_arn = params["BackupArn"]
    meta = _backup(ctx, backup_arn)
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT pk, sk, item FROM dynamodb_backup_items WHERE backup_arn = ?", (backup_arn,)
        )
    source = meta["source"]
    create = restore.restored_params(source, params["TargetTableName"], params)
    summary = {
        "SourceBackupArn": backup_arn,
        "SourceTableArn": source["TableArn"],
        "RestoreDateTime": meta["details"]["BackupCreationDateTime"],
    }
    return restore.restore_table(ctx, create, [tuple(r) for r in rows], summary)


# -- point-in-time recovery ----------------------------------------------------------------


def _continuous(table: TableMeta, now: float) -> dict[str, Any]:
    pitr = history.settings(table)
    if not pitr.get("Enabled"):
        recovery: dict[str, Any] = {"PointInTimeRecoveryStatus": "DISABLED"}
    else:
        days = pitr.get("RecoveryPeriodInDays", history.RECOVERY_DAYS_MAX)
        recovery = {
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": days,
            "EarliestRestorableDateTime": max(pitr["EnabledAt"], now - days * history.DAY_S),
            "LatestRestorableDateTime": now,
        }
    return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": recovery}


def update_continuous_backups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, params["TableName"])
    spec = params["PointInTimeRecoverySpecification"]
    enabled = bool(spec["PointInTimeRecoveryEnabled"])
    days = spec.get("RecoveryPeriodInDays")
    if days is not None and not 1 <= days <= history.RECOVERY_DAYS_MAX:
        raise invalid(
            "1 validation error detected: Value at 'pointInTimeRecoverySpecification."
            "recoveryPeriodInDays' failed to satisfy constraint: Member must have value between "
            f"1 and {history.RECOVERY_DAYS_MAX}"
        )
    if days is not None and not enabled:  # as AWS answers it, recorded by ACK's DynamoDB probes
        raise invalid("Invalid Request: Cannot specify RecoveryPeriodInDays when disabling "
                      "point-in-time recovery.")
    now = ctx.cloud.clock.now()
    current = history.settings(table)
    meta = json.loads(json.dumps(table.meta))
    if enabled:
        meta["pitr"] = {
            "Enabled": True,
            "EnabledAt": current.get("EnabledAt", now) if current.get("Enabled") else now,
            "RecoveryPeriodInDays": days or current.get("RecoveryPeriodInDays")
            or history.RECOVERY_DAYS_MAX,
        }  # fmt: skip
    else:
        meta.pop("pitr", None)
    with storage.store(ctx).write() as tx:
        tx.execute(
            "UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
            (json.dumps(meta), table.table_id),
        )
        if enabled and not current.get("Enabled"):
            history.start(tx, table.table_id, now)
        elif not enabled:
            history.drop(tx, table.table_id)
    storage.forget(ctx, table.name)
    updated = storage.build_meta(table.name, table.table_id, meta)
    return {"ContinuousBackupsDescription": _continuous(updated, now)}


def describe_continuous_backups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = _table(ctx, params["TableName"])
    return {"ContinuousBackupsDescription": _continuous(table, ctx.cloud.clock.now())}


def restore_table_to_point_in_time(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("SourceTableName")
    source_arn = params.get("SourceTableArn")
    if (name is None) == (source_arn is None):
        raise invalid("Exactly one of SourceTableArn or SourceTableName must be specified")
    if source_arn is not None:
        prefix = table_arn(ctx, "")
        if not source_arn.startswith(prefix):
            raise invalid(f"Invalid SourceTableArn: {source_arn}")
        name = source_arn[len(prefix) :]
    assert name is not None
    table = _table(ctx, name, "SourceTableNotFoundException")
    pitr = history.settings(table)
    if not pitr.get("Enabled"):
        raise AwsError(
            "PointInTimeRecoveryUnavailableException",
            f"Point in time recovery is not enabled for table '{name}'",
        )
    now = ctx.cloud.clock.now()
    recovery = _continuous(table, now)["PointInTimeRecoveryDescription"]
    earliest, latest = recovery["EarliestRestorableDateTime"], recovery["LatestRestorableDateTime"]
    at = _restore_time(params, earliest, latest)
    with storage.store(ctx).read() as tx:
        rows = history.items_at(tx, table.table_id, at)
    create = restore.restored_params(table.description, params["TargetTableName"], params)
    summary = {"SourceTableArn": table.description["TableArn"], "RestoreDateTime": at}
    return restore.restore_table(ctx, create, rows, summary)


def _restore_time(params: dict[str, Any], earliest: float, latest: float) -> float:
    use_latest = params.get("UseLatestRestorableTime")
    at = params.get("RestoreDateTime")
    if use_latest and at is not None:
        raise invalid("Only one of RestoreDateTime or UseLatestRestorableTime can be specified")
    if not use_latest and at is None:
        raise invalid("Either RestoreDateTime or UseLatestRestorableTime must be specified")
    if use_latest:
        return latest
    at = _seconds(at)
    if not earliest <= at <= latest:
        raise AwsError(
            "InvalidRestoreTimeException",
            f"Only a restore time between {_iso(earliest)} and {_iso(latest)} is allowed",
        )
    return at


def _seconds(moment: Any) -> float:
    """A parsed timestamp (datetime) as epoch seconds."""
    return float(moment.timestamp() if hasattr(moment, "timestamp") else moment)


def _iso(moment: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def compact_tick(cloud: Any) -> None:
    """Drop item versions older than each table's recovery window (bounded: per table)."""
    now = cloud.clock.now()
    the_store = storage.store_of(cloud)
    with the_store.read() as tx:
        rows = tx.fetchall(
            "SELECT table_id, json_extract(meta, '$.pitr.RecoveryPeriodInDays') "
            "FROM dynamodb_tables WHERE json_extract(meta, '$.pitr.Enabled')"
        )
    for table_id, days in rows:
        with the_store.write() as tx:
            history.compact(tx, table_id, now - float(days or 35) * history.DAY_S)

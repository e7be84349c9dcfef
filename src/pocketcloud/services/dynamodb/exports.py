"""Exports to S3: ExportTableToPointInTime, DescribeExport, ListExports.

An export reads point-in-time recovery's item versions (history.py) as of the export time, so
it needs recovery enabled, as in AWS. The request records the export IN_PROGRESS; the
background job writes what DynamoDB writes under <S3Prefix>/AWSDynamoDB/<ExportId>/ (_started,
data/*.json.gz with one {"Item": ...} per line, manifest-files.json, manifest-summary.json and
their .md5 files) through S3's own PutObject, then marks it COMPLETED (or FAILED with S3's
error). Items are read a page at a time and each data file is streamed, never whole.
ION output and export filters (FilterSpecification) are not built: such requests are refused.
An export a restart interrupted is written again from the start (with new data file names).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import history, storage, transfer_records
from pocketcloud.services.dynamodb.s3_transfer import Bucket
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.tables import table_arn
from pocketcloud.services.dynamodb.values import invalid

log = logging.getLogger("pocketcloud.dynamodb")

LIST_EXPORTS_MAX = 25
EXPORTS_IN_PROGRESS_MAX = 300  # DynamoDB's quota of concurrent exports per account
PAGE_ITEMS = 100  # items read per store transaction
FILE_ITEMS_MAX = 10_000  # items per data file
INCREMENTAL_MIN_S = 15 * 60  # an incremental export spans 15 minutes to 24 hours
INCREMENTAL_MAX_S = 24 * 3600
CLIENT_TOKEN_S = 8 * 3600  # how long a ClientToken names the same export


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _seconds(moment: Any) -> float:
    return float(moment.timestamp() if hasattr(moment, "timestamp") else moment)


def _table(ctx: RequestContext, arn: str) -> TableMeta:
    prefix = table_arn(ctx, "")
    name = arn[len(prefix):] if arn.startswith(prefix) else ""
    if not name or "/" in name:
        if not arn.startswith("arn:"):
            raise invalid(f"Invalid TableArn: {arn}")
        raise AwsError("TableNotFoundException", f"Table not found: {arn}")
    try:
        return storage.table_meta(ctx, name)
    except AwsError:
        raise AwsError("TableNotFoundException", f"Table not found: {arn}") from None


def _window(table: TableMeta, now: float) -> tuple[float, float]:
    pitr = history.settings(table)
    if not pitr.get("Enabled"):
        raise AwsError("PointInTimeRecoveryUnavailableException",
                       f"Point in time recovery is not enabled for table '{table.name}'")
    days = pitr.get("RecoveryPeriodInDays", history.RECOVERY_DAYS_MAX)
    return max(pitr["EnabledAt"], now - days * history.DAY_S), now


def _times(params: dict[str, Any], earliest: float, now: float) -> dict[str, Any]:
    """ExportTime, or the incremental export's From/To, checked against the window."""
    kind = params.get("ExportType") or "FULL_EXPORT"
    shown = math.floor(earliest * 1000) / 1000  # in milliseconds, as clients see it
    if kind == "FULL_EXPORT":
        if params.get("IncrementalExportSpecification"):
            raise invalid("IncrementalExportSpecification is only valid for INCREMENTAL_EXPORT")
        at = _seconds(params["ExportTime"]) if params.get("ExportTime") else now
        if not shown <= at <= now:
            raise AwsError("InvalidExportTimeException",
                           f"Export time must be between {iso(earliest)} and {iso(now)}")
        return {"ExportTime": max(at, earliest)}
    if params.get("ExportTime"):
        raise invalid("ExportTime is not valid for INCREMENTAL_EXPORT; use "
                      "IncrementalExportSpecification")
    spec = params.get("IncrementalExportSpecification") or {}
    if not spec.get("ExportFromTime") or not spec.get("ExportToTime"):
        raise invalid("IncrementalExportSpecification needs ExportFromTime and ExportToTime")
    start, end = _seconds(spec["ExportFromTime"]), _seconds(spec["ExportToTime"])
    if not shown <= start < end <= now:
        raise AwsError("InvalidExportTimeException",
                       f"Incremental export period must be between {iso(earliest)} and "
                       f"{iso(now)}")
    if not INCREMENTAL_MIN_S <= end - start <= INCREMENTAL_MAX_S:
        raise AwsError("InvalidExportTimeException",
                       "Incremental export period must be between 15 minutes and 24 hours")
    return {"IncrementalExportSpecification": {
        "ExportFromTime": max(start, earliest),  # not the enabling copy of the items
        "ExportToTime": end,
        "ExportViewType": spec.get("ExportViewType") or "NEW_AND_OLD_IMAGES"}}


def _request_key(params: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in params.items() if k != "ClientToken"}, sort_keys=True,
                      default=str)


def export_table_to_point_in_time(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if (params.get("ExportFormat") or "DYNAMODB_JSON") == "ION":
        raise invalid("pocketcloud writes DYNAMODB_JSON exports only; ION is not supported")
    if params.get("FilterSpecification"):
        raise invalid("pocketcloud does not support FilterSpecification on exports")
    table = _table(ctx, params["TableArn"])
    now = ctx.cloud.clock.now()
    earliest, _ = _window(table, now)
    token = params.get("ClientToken")
    if token:
        found = _by_token(ctx, token, _request_key(params), now)
        if found is not None:
            return {"ExportDescription": found}
    description = _new_description(ctx, table, params, _times(params, earliest, now), now)
    with storage.store(ctx).write() as tx:
        running = tx.fetchvalue(
            "SELECT COUNT(*) FROM dynamodb_exports WHERE account_id = ? AND "
            "json_extract(meta, '$.description.ExportStatus') = 'IN_PROGRESS'", (ctx.account_id,))
        if running >= EXPORTS_IN_PROGRESS_MAX:
            raise AwsError("LimitExceededException",
                           f"There are already {running} exports in progress")
        tx.execute(
            "INSERT INTO dynamodb_exports (export_arn, account_id, region, table_arn, "
            "client_token, created_s, meta) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (description["ExportArn"], ctx.account_id, ctx.region, description["TableArn"],
             token, now, json.dumps({"description": description,
                                     "request": _request_key(params),
                                     "table_id": table.table_id,
                                     "keys": list(table.key_names())})))
    ctx.cloud.background.wake(JOB_NAME)
    return {"ExportDescription": description}


def _by_token(ctx: RequestContext, token: str, request: str, now: float) -> Any:
    with storage.store(ctx).read() as tx:
        raw = tx.fetchvalue(
            "SELECT meta FROM dynamodb_exports WHERE account_id = ? AND region = ? AND "
            "client_token = ? AND created_s > ? ORDER BY created_s DESC LIMIT 1",
            (ctx.account_id, ctx.region, token, now - CLIENT_TOKEN_S))
    if raw is None:
        return None
    meta = json.loads(raw)
    if meta["request"] != request:
        raise AwsError("ExportConflictException",
                       f"ClientToken {token} was used for a different export request")
    return meta["description"]


def _new_description(ctx: RequestContext, table: TableMeta, params: dict[str, Any],
                     times: dict[str, Any], now: float) -> dict[str, Any]:
    arn = table.description["TableArn"]
    export_id = f"{int(now * 1000):014d}-{ctx.cloud.ids.hex(8)}"
    description: dict[str, Any] = {
        "ExportArn": f"{arn}/export/{export_id}",
        "ExportStatus": "IN_PROGRESS",
        "StartTime": now,
        "TableArn": arn,
        "TableId": table.description["TableId"],
        "S3Bucket": params["S3Bucket"],
        "S3SseAlgorithm": params.get("S3SseAlgorithm") or "AES256",
        "ExportFormat": params.get("ExportFormat") or "DYNAMODB_JSON",
        "ExportType": params.get("ExportType") or "FULL_EXPORT",
        **times,
    }
    for member in ("ClientToken", "S3BucketOwner", "S3Prefix", "S3SseKmsKeyId"):
        if params.get(member):
            description[member] = params[member]
    return description


def describe_export(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"ExportDescription": transfer_records.description(ctx, "export", params["ExportArn"])}


def list_exports(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, last = transfer_records.page(ctx, "export", params.get("NextToken") or "",
                                        params.get("MaxResults") or LIST_EXPORTS_MAX,
                                        params.get("TableArn"))
    summaries = [{k: shown[k] for k in ("ExportArn", "ExportStatus", "ExportType")}
                 for shown in found]
    answer: dict[str, Any] = {"ExportSummaries": summaries}
    if last is not None:
        answer["NextToken"] = last
    return answer


# -- the background job ----------------------------------------------------------------------

JOB_NAME = "dynamodb-transfers"


async def run_pending(cloud: Any) -> None:
    """Write every export still IN_PROGRESS (one at a time; each streams in pages)."""
    the_store = storage.store_of(cloud)
    with the_store.read() as tx:
        rows = tx.fetchall(
            "SELECT export_arn, account_id, region, meta FROM dynamodb_exports WHERE "
            "json_extract(meta, '$.description.ExportStatus') = 'IN_PROGRESS' "
            "ORDER BY created_s LIMIT 10")
    for export_arn, account_id, region, raw in rows:
        meta = json.loads(raw)
        description = meta["description"]
        bucket = Bucket(cloud, account_id, region, description["S3Bucket"],
                        description.get("S3BucketOwner"))
        try:
            outcome = await _write(cloud, bucket, meta)
        except AwsError as error:
            outcome = {"ExportStatus": "FAILED", "FailureCode": error.code,
                       "FailureMessage": error.message}
        except Exception:  # a bug: fail this export rather than retry it forever
            log.exception("export %s failed", export_arn)
            outcome = {"ExportStatus": "FAILED", "FailureCode": "InternalFailure",
                       "FailureMessage": "The export failed unexpectedly"}
        outcome.setdefault("EndTime", cloud.clock.now())
        description.update(outcome)
        with the_store.write() as tx:
            tx.execute("UPDATE dynamodb_exports SET meta = ? WHERE export_arn = ?",
                       (json.dumps(meta), export_arn))


async def _write(cloud: Any, bucket: Bucket, meta: dict[str, Any]) -> dict[str, Any]:
    description = meta["description"]
    export_id = description["ExportArn"].rsplit("/", 1)[1]
    prefix = (description.get("S3Prefix") or "").rstrip("/")
    base = f"{prefix}/AWSDynamoDB/{export_id}" if prefix else f"AWSDynamoDB/{export_id}"
    await bucket.put(f"{base}/_started", b"")
    files: list[dict[str, Any]] = []
    totals = [0, 0]  # items, bytes
    pages = _pages(storage.store_of(cloud), meta)
    page = next(pages, None)
    while page is not None:
        writer = _DataFile(pages, page)
        key = f"{base}/data/{cloud.ids.hex(26)}.json.gz"
        etag = await bucket.put(key, writer.chunks())
        files.append({"itemCount": writer.items, "md5Checksum": writer.md5(),
                      "etag": etag, "dataFileS3Key": key})
        totals[0] += writer.items
        totals[1] += writer.size_bytes
        page = writer.rest
    listing = "".join(json.dumps(f) + "\n" for f in files).encode()
    await bucket.put(f"{base}/manifest-files.json", listing)
    await bucket.put(f"{base}/manifest-files.md5", _md5_hex(listing).encode())
    end = cloud.clock.now()
    summary = _summary(description, base, totals, end)
    await bucket.put(f"{base}/manifest-summary.json", summary)
    await bucket.put(f"{base}/manifest-summary.md5", _md5_hex(summary).encode())
    return {"ExportStatus": "COMPLETED", "EndTime": end, "ItemCount": totals[0],
            "BilledSizeBytes": totals[1], "ExportManifest": f"{base}/manifest-summary.json"}


def _md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _summary(description: dict[str, Any], base: str, totals: list[int], end: float) -> bytes:
    incremental = description.get("IncrementalExportSpecification")
    summary: dict[str, Any] = {
        "version": "2023-08-01" if incremental else "2020-06-30",
        "exportArn": description["ExportArn"], "startTime": iso(description["StartTime"]),
        "endTime": iso(end), "tableArn": description["TableArn"],
        "tableId": description["TableId"], "s3Bucket": description["S3Bucket"],
        "s3Prefix": description.get("S3Prefix"),
        "s3SseAlgorithm": description["S3SseAlgorithm"],
        "s3SseKmsKeyId": description.get("S3SseKmsKeyId"),
        "manifestFilesS3Key": f"{base}/manifest-files.json",
        "billedSizeBytes": totals[1], "itemCount": totals[0],
        "outputFormat": description["ExportFormat"], "exportType": description["ExportType"],
    }
    if incremental:
        summary["exportFromTime"] = iso(incremental["ExportFromTime"])
        summary["exportToTime"] = iso(incremental["ExportToTime"])
        summary["outputView"] = incremental["ExportViewType"]
    else:
        summary["exportTime"] = iso(description["ExportTime"])
    return json.dumps(summary).encode()


class _DataFile:
    """One data file's gzip bytes, streamed page by page from the shared page iterator; the
    first page that did not fit is left in `rest`."""

    def __init__(self, pages: Any, first: list[tuple[bytes, int]]) -> None:
        self._pages = pages
        self._hash = hashlib.md5(usedforsecurity=False)
        self.items = 0
        self.size_bytes = 0
        self.rest: list[tuple[bytes, int]] | None = first

    async def chunks(self) -> AsyncIterator[bytes]:
        deflate = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip wrapper
        page, self.rest = self.rest, None
        while page is not None:
            for line, size in page:
                self.items += 1
                self.size_bytes += size
                compressed = deflate.compress(line)
                if compressed:
                    yield self._hashed(compressed)
            page = next(self._pages, None)
            if self.items >= FILE_ITEMS_MAX:
                self.rest = page
                break
        yield self._hashed(deflate.flush())

    def _hashed(self, data: bytes) -> bytes:
        self._hash.update(data)
        return data

    def md5(self) -> str:
        return base64.b64encode(self._hash.digest()).decode()


def _pages(the_store: Any, meta: dict[str, Any]) -> Any:
    """Pages of (line, item size) in key order, one store read per page."""
    description = meta["description"]
    incremental = description.get("IncrementalExportSpecification")
    after: history.Key | None = (b"", b"")
    while after is not None:
        with the_store.read() as tx:
            if incremental:
                rows, after = history.changes_page(
                    tx, meta["table_id"], incremental["ExportFromTime"],
                    incremental["ExportToTime"], after, PAGE_ITEMS)
                page = [(_change_line(row, meta["keys"], incremental["ExportViewType"]),
                         len(row[1] or b"")) for row in rows]
            else:
                found, after = history.versions_page(
                    tx, meta["table_id"], description["ExportTime"], after, PAGE_ITEMS)
                page = [(b'{"Item":' + storage.raw_json(raw) + b"}\n", len(raw))
                        for raw in found]
        yield page


def _change_line(row: tuple[Any, ...], keys: list[str], view: str) -> bytes:
    """An incremental export's line: the write time, keys and images (the new image absent
    for a deletion, the old one only with NEW_AND_OLD_IMAGES)."""
    changed_s, new, old, holder = row
    held = json.loads(storage.raw_json(holder))
    line: dict[str, Any] = {
        "Metadata": {"WriteTimestampMicros": {"N": str(int(changed_s * 1_000_000))}},
        "Keys": {name: held[name] for name in keys},
    }
    if new is not None:
        line["NewImage"] = json.loads(storage.raw_json(new))
    if old is not None and view == "NEW_AND_OLD_IMAGES":
        line["OldImage"] = json.loads(storage.raw_json(old))
    return json.dumps(line, separators=(",", ":")).encode() + b"\n"

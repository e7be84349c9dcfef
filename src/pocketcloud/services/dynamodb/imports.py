"""Imports from S3: ImportTable, DescribeImport, ListImports.

ImportTable creates the table at once (CREATING, so the name is taken) and records the import
IN_PROGRESS; the background job reads every object under the S3 key prefix through S3's own
GetObject, a chunk at a time (GZIP or uncompressed), parses it line by line (DYNAMODB_JSON:
one {"Item": ...} per line; CSV: a header line or CsvOptions.HeaderList, then one item per
record) and writes the items in batches. A line that is not a valid item counts in ErrorCount
and is skipped, as in AWS (which also logs it to CloudWatch Logs; pocketcloud does not). The
table becomes ACTIVE when the import completes. Not built, and refused when asked for: ION
input, ZSTD compression (no zstd decoder among pocketcloud's dependencies), vector indexes.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import storage, transfer_records
from pocketcloud.services.dynamodb import table_validation as check
from pocketcloud.services.dynamodb.import_items import CsvItems, JsonItems
from pocketcloud.services.dynamodb.s3_transfer import Bucket, lines
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.tables import insert_table, new_description
from pocketcloud.services.dynamodb.values import invalid

log = logging.getLogger("pocketcloud.dynamodb")

LIST_IMPORTS_MAX = 25
OBJECTS_MAX = 50_000  # DynamoDB's quota of source objects per import
IMPORTS_IN_PROGRESS_MAX = 50  # DynamoDB's quota of concurrent imports per account
BATCH_ITEMS = 100  # items written per store transaction
CLIENT_TOKEN_S = 8 * 3600
JOB_NAME = "dynamodb-transfers"  # the job exports.py runs too


def _request_key(params: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in params.items() if k != "ClientToken"}, sort_keys=True,
                      default=str)


def _check_request(params: dict[str, Any]) -> dict[str, Any]:
    """The table's CreateTable parameters, after AWS's checks of the import request."""
    fmt = params["InputFormat"]
    if fmt == "ION":
        raise invalid("pocketcloud imports DYNAMODB_JSON and CSV only; ION is not supported")
    if params.get("InputCompressionType") == "ZSTD":
        raise invalid("pocketcloud imports GZIP or uncompressed (NONE) objects; ZSTD is not "
                      "supported")
    csv_options = (params.get("InputFormatOptions") or {}).get("Csv")
    if csv_options and fmt != "CSV":
        raise invalid("InputFormatOptions.Csv can only be specified for InputFormat CSV")
    _check_csv_options(csv_options or {})
    create = dict(params["TableCreationParameters"])
    if create.get("VectorIndexes"):
        raise invalid("pocketcloud does not support vector indexes")
    check.check_table_name(create["TableName"])
    types = check.attribute_types(create.setdefault("AttributeDefinitions", []))
    check.check_key_schema(create.setdefault("KeySchema", []), types, "table")
    mode = check.check_billing(create)
    check.check_indexes(create, types, mode)
    check.check_defined_attributes_used(create, types)
    return create


CSV_DELIMITERS = ",;:|\t "
CSV_HEADERS_MAX = 255


def _check_csv_options(options: dict[str, Any]) -> None:
    delimiter = options.get("Delimiter")
    if delimiter is not None and (len(delimiter) != 1 or delimiter not in CSV_DELIMITERS):
        raise invalid(f"1 validation error detected: Value '{delimiter}' at "
                      "'inputFormatOptions.csv.delimiter' failed to satisfy constraint: Member "
                      "must satisfy regular expression pattern: [,;:|\\t ]")
    headers = options.get("HeaderList")
    if headers is not None and not 1 <= len(headers) <= CSV_HEADERS_MAX:
        raise invalid("1 validation error detected: Value at 'inputFormatOptions.csv.headerList' "
                      "failed to satisfy constraint: Member must have length between 1 and "
                      f"{CSV_HEADERS_MAX}")


def import_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    create = _check_request(params)
    now = ctx.cloud.clock.now()
    token = params.get("ClientToken")
    if token:
        found = _by_token(ctx, token, _request_key(params), now)
        if found is not None:
            return {"ImportTableDescription": found}
    mode = check.check_billing(create)
    table_description = new_description(ctx, create, mode, now)
    table_description["TableStatus"] = "CREATING"
    for index in table_description.get("GlobalSecondaryIndexes", ()):
        index["IndexStatus"] = "CREATING"
    name = create["TableName"]
    description = _new_description(ctx, params, table_description, now)
    meta = {"description": table_description, "tags": [], storage.JSON_ITEMS: True}
    with storage.store(ctx).write() as tx:
        running = tx.fetchvalue(
            "SELECT COUNT(*) FROM dynamodb_imports WHERE account_id = ? AND "
            "json_extract(meta, '$.description.ImportStatus') = 'IN_PROGRESS'", (ctx.account_id,))
        if running >= IMPORTS_IN_PROGRESS_MAX:
            raise AwsError("LimitExceededException",
                           f"There are already {running} imports in progress")
        table_id = insert_table(tx, ctx.account_id, ctx.region, name, meta)
        tx.execute(
            "INSERT INTO dynamodb_imports (import_arn, account_id, region, table_arn, "
            "client_token, created_s, meta) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (description["ImportArn"], ctx.account_id, ctx.region, description["TableArn"],
             token, now, json.dumps({"description": description, "table_id": table_id,
                                     "request": _request_key(params)})))
    storage.forget(ctx, name)
    ctx.cloud.background.wake(JOB_NAME)
    return {"ImportTableDescription": description}


def _by_token(ctx: RequestContext, token: str, request: str, now: float) -> Any:
    with storage.store(ctx).read() as tx:
        raw = tx.fetchvalue(
            "SELECT meta FROM dynamodb_imports WHERE account_id = ? AND region = ? AND "
            "client_token = ? AND created_s > ? ORDER BY created_s DESC LIMIT 1",
            (ctx.account_id, ctx.region, token, now - CLIENT_TOKEN_S))
    if raw is None:
        return None
    meta = json.loads(raw)
    if meta["request"] != request:
        raise AwsError("ImportConflictException",
                       f"There was a conflict when importing from the specified S3 source: "
                       f"ClientToken {token} was used for a different import request")
    return meta["description"]


def _new_description(ctx: RequestContext, params: dict[str, Any], table: dict[str, Any],
                     now: float) -> dict[str, Any]:
    import_id = f"{int(now * 1000):014d}-{ctx.cloud.ids.hex(8)}"
    description: dict[str, Any] = {
        "ImportArn": f"{table['TableArn']}/import/{import_id}",
        "ImportStatus": "IN_PROGRESS",
        "TableArn": table["TableArn"],
        "TableId": table["TableId"],
        "S3BucketSource": params["S3BucketSource"],
        "ErrorCount": 0,
        "InputFormat": params["InputFormat"],
        "InputCompressionType": params.get("InputCompressionType") or "NONE",
        "TableCreationParameters": params["TableCreationParameters"],
        "StartTime": now,
        "ProcessedSizeBytes": 0,
        "ProcessedItemCount": 0,
        "ImportedItemCount": 0,
    }
    for member in ("ClientToken", "InputFormatOptions"):
        if params.get(member):
            description[member] = params[member]
    return description


def describe_import(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"ImportTableDescription": transfer_records.description(ctx, "import",
                                                                   params["ImportArn"])}


_SUMMARY = ("ImportArn", "ImportStatus", "TableArn", "S3BucketSource", "InputFormat",
            "StartTime", "EndTime")


def list_imports(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found, last = transfer_records.page(ctx, "import", _after(params.get("NextToken")),
                                        params.get("PageSize") or LIST_IMPORTS_MAX,
                                        params.get("TableArn"))
    summaries = [{k: shown[k] for k in _SUMMARY if k in shown} for shown in found]
    answer: dict[str, Any] = {"ImportSummaryList": summaries}
    if last is not None:  # hex, as the spec's pattern for this token asks
        answer["NextToken"] = last.encode().hex()
    return answer


def _after(token: str | None) -> str:
    if not token:
        return ""
    try:
        return bytes.fromhex(token).decode()
    except ValueError:  # UnicodeDecodeError too
        raise invalid("Invalid NextToken") from None


# -- the background job ----------------------------------------------------------------------


async def run_pending(cloud: Any) -> None:
    the_store = storage.store_of(cloud)
    with the_store.read() as tx:
        rows = tx.fetchall(
            "SELECT import_arn, account_id, region, meta FROM dynamodb_imports WHERE "
            "json_extract(meta, '$.description.ImportStatus') = 'IN_PROGRESS' "
            "ORDER BY created_s LIMIT 10")
    for import_arn, account_id, region, raw in rows:
        job = _Job(cloud, import_arn, account_id, region, json.loads(raw))
        await job.run()


class _Job:
    """One import: its counters, saved after every object, and its table."""

    def __init__(self, cloud: Any, arn: str, account_id: str, region: str,
                 meta: dict[str, Any]) -> None:
        self.cloud, self.arn, self.meta = cloud, arn, meta
        self.description = meta["description"]
        source = self.description["S3BucketSource"]
        self.bucket = Bucket(cloud, account_id, region, source["S3Bucket"],
                             source.get("S3BucketOwner"))
        self.prefix = source.get("S3KeyPrefix") or ""
        self.store = storage.store_of(cloud)
        for counter in ("ErrorCount", "ProcessedItemCount", "ImportedItemCount",
                        "ProcessedSizeBytes"):
            self.description[counter] = 0  # a restarted import starts over

    def _table(self) -> TableMeta:
        with self.store.read() as tx:
            row = tx.fetchone("SELECT name, meta FROM dynamodb_tables WHERE table_id = ?",
                              (self.meta["table_id"],))
        if row is None:
            raise AwsError("ResourceNotFoundException",
                           "The table being imported into was deleted")
        return storage.build_meta(row[0], self.meta["table_id"], json.loads(row[1]))

    async def run(self) -> None:
        try:
            table = self._table()
            async for key, size in self.bucket.keys(self.prefix, OBJECTS_MAX):
                await self._object(table, key)
                self.description["ProcessedSizeBytes"] += size
                self._save()
        except AwsError as error:
            self._finish("FAILED", {"FailureCode": error.code,
                                    "FailureMessage": error.message})
            return
        except Exception:  # a bug: fail this import rather than retry it forever
            log.exception("import %s failed", self.arn)
            self._finish("FAILED", {"FailureCode": "InternalFailure",
                                    "FailureMessage": "The import failed unexpectedly"})
            return
        self._finish("COMPLETED", {})

    async def _object(self, table: TableMeta, key: str) -> None:
        compression = self.description["InputCompressionType"]
        parse = self._parser(table)
        batch: list[tuple[dict[str, Any], int]] = []
        try:
            async for line in lines(self.bucket.chunks(key), compression):
                for item in parse(line):
                    self.description["ProcessedItemCount"] += 1
                    if item is None:
                        self.description["ErrorCount"] += 1
                        continue
                    batch.append(item)
                    if len(batch) >= BATCH_ITEMS:
                        self._write(table, batch)
                        batch = []
        except (ValueError, OSError):  # not gzip, or a decompression bomb: the object errs
            self.description["ErrorCount"] += 1
        if batch:
            self._write(table, batch)

    def _parser(self, table: TableMeta) -> Any:
        if self.description["InputFormat"] == "CSV":
            options = (self.description.get("InputFormatOptions") or {}).get("Csv") or {}
            return CsvItems(table, options).feed
        return JsonItems(table).feed

    def _write(self, table: TableMeta, batch: list[tuple[dict[str, Any], int]]) -> None:
        with self.store.write() as tx:
            for item, size in batch:
                key = table.primary_key(item)
                old = storage.read_item(tx, table, *key) if table.indexes else None
                storage.write_item(tx, table, key, old, item, size)
        self.description["ImportedItemCount"] += len(batch)

    def _save(self) -> None:
        with self.store.write() as tx:
            tx.execute("UPDATE dynamodb_imports SET meta = ? WHERE import_arn = ?",
                       (json.dumps(self.meta), self.arn))

    def _finish(self, status: str, extra: dict[str, Any]) -> None:
        self.description.update(ImportStatus=status, EndTime=self.cloud.clock.now(), **extra)
        self._save()
        with self.store.write() as tx:
            raw = tx.fetchvalue("SELECT meta FROM dynamodb_tables WHERE table_id = ?",
                                (self.meta["table_id"],))
            if raw is None:
                return
            meta = json.loads(raw)
            meta["description"]["TableStatus"] = "ACTIVE"
            for index in meta["description"].get("GlobalSecondaryIndexes", ()):
                index["IndexStatus"] = "ACTIVE"
            tx.execute("UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
                       (json.dumps(meta), self.meta["table_id"]))
        account, region = self.bucket.account_id, self.bucket.region
        storage.forget_in(self.cloud, account, region, meta["description"]["TableName"])

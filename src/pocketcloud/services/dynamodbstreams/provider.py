"""Amazon DynamoDB Streams: reading the change records DynamoDB writes with each item change.

Each stream has one shard; a shard iterator is, as in AWS, the stream ARN, `|1|` and a token
(here the next sequence number), so iterators survive restarts like the records do. A client's
token also carries when it was issued (`<sequence>T<issued_s>`): it expires 15 minutes later on
the cloud clock. The cloud's own pollers (event source mappings) keep theirs as durable
checkpoints, never expired and never refused for trimmed records: they move on past them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import cbor2

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.dynamodb import storage
from pocketcloud.services.dynamodb.storage import TableMeta
from pocketcloud.services.dynamodb.wire import register as register_wire

register_wire()  # before the first response is serialized

MAX_GET_RECORDS = 1000
MAX_LIST_STREAMS = 100
SEQUENCE_DIGITS = 21
ITERATOR_VERSION = "1"
ITERATOR_LIFETIME_S = 15 * 60  # AWS: "A shard iterator expires 15 minutes after it is retrieved"
TRIMMED_MESSAGE = "The data you are trying to access has been trimmed"


def _table_for(ctx: RequestContext, stream_arn: str) -> TableMeta:
    prefix = f"arn:aws:dynamodb:{ctx.region}:{ctx.account_id}:table/"
    name, marker, _ = stream_arn[len(prefix) :].partition("/stream/")
    if not stream_arn.startswith(prefix) or not marker:
        raise AwsError("ValidationException", f"Invalid StreamArn: {stream_arn}")
    try:
        table = storage.table_meta(ctx, name)
    except AwsError:
        raise AwsError(
            "ResourceNotFoundException",
            f"Requested resource not found: Stream: {stream_arn} not found",
        ) from None
    if table.description.get("LatestStreamArn") != stream_arn:
        raise AwsError(
            "ResourceNotFoundException",
            f"Requested resource not found: Stream: {stream_arn} not found",
        )
    return table


def _shard_id(stream_arn: str) -> str:
    """AWS's shape, `shardId-` 20 digits `-` 8 hex digits, fixed per stream."""
    digest = hashlib.sha256(stream_arn.encode()).hexdigest()
    return f"shardId-{int(digest[8:24], 16) % 10**20:020d}-{digest[:8]}"


def _sequence_text(sequence: int) -> str:
    return str(sequence).zfill(SEQUENCE_DIGITS)


def list_streams(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("Limit")
    if limit is not None and limit < 1:  # AWS's model: 1 or more (a 0 once indexed found[-1])
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        )
    limit = min(limit or MAX_LIST_STREAMS, MAX_LIST_STREAMS)
    start = params.get("ExclusiveStartStreamArn", "")
    wanted = params.get("TableName")
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT name, meta FROM dynamodb_tables WHERE account_id = ? AND region = ? "
            "ORDER BY name",
            (ctx.account_id, ctx.region),
        )
    found = []
    for name, meta in rows:
        description = json.loads(meta)["description"]
        arn = description.get("LatestStreamArn")
        if arn and (wanted is None or wanted == name) and arn > start:
            found.append({"StreamArn": arn, "TableName": name,
                          "StreamLabel": description["LatestStreamLabel"]})  # fmt: skip
    result: dict[str, Any] = {"Streams": found[:limit]}
    if len(found) > limit:
        result["LastEvaluatedStreamArn"] = found[limit - 1]["StreamArn"]
    return result


def describe_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["StreamArn"]
    table = _table_for(ctx, arn)
    description = table.description
    spec = description.get("StreamSpecification") or {}
    shards = [{"ShardId": _shard_id(arn),
               "SequenceNumberRange": {"StartingSequenceNumber": _sequence_text(1)}}]  # fmt: skip
    after = params.get("ExclusiveStartShardId")  # shards listed after this one
    return {
        "StreamDescription": {
            "StreamArn": arn,
            "StreamLabel": description["LatestStreamLabel"],
            "StreamStatus": "ENABLED" if spec.get("StreamEnabled") else "DISABLED",
            "StreamViewType": spec.get("StreamViewType") or description.get("StreamViewType"),
            "CreationRequestDateTime": description["CreationDateTime"],
            "TableName": table.name,
            "KeySchema": description["KeySchema"],
            "Shards": [one for one in shards if after is None or one["ShardId"] > after],
        }
    }


def get_shard_iterator(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["StreamArn"]
    table = _table_for(ctx, arn)
    if params["ShardId"] != _shard_id(arn):
        raise AwsError(
            "ResourceNotFoundException",
            f"Requested resource not found: Shard does not exist: {params['ShardId']}",
        )
    kind = params["ShardIteratorType"]
    if kind == "TRIM_HORIZON":  # the oldest record still kept
        with storage.store(ctx).read() as tx:
            position = _oldest_kept(tx, table)
    elif kind == "LATEST":
        with storage.store(ctx).read() as tx:
            position = 1 + tx.fetchvalue(
                "SELECT COALESCE(MAX(sequence), 0) FROM dynamodb_stream_records WHERE table_id = ?",
                (table.table_id,),
            )
    else:
        number = params.get("SequenceNumber")
        if not number or not number.isdigit():
            raise AwsError(
                "ValidationException",
                "SequenceNumber is required for AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER",
            )
        position = int(number) + (1 if kind == "AFTER_SEQUENCE_NUMBER" else 0)
        if not _internal(ctx) and int(number) >= 1:
            with storage.store(ctx).read() as tx:
                if int(number) < _oldest_kept(tx, table):  # older than the trim point
                    raise AwsError("TrimmedDataAccessException", TRIMMED_MESSAGE)
    return {"ShardIterator": _iterator(ctx, arn, position)}


def _internal(ctx: RequestContext) -> bool:
    return ctx.protocol == "internal"


def _oldest_kept(tx: Any, table: TableMeta) -> int:
    """The first sequence number still kept (records are only ever removed oldest first)."""
    return int(tx.fetchvalue(
        "SELECT COALESCE(MIN(sequence), 1) FROM dynamodb_stream_records WHERE table_id = ?",
        (table.table_id,)))  # fmt: skip


def _iterator(ctx: RequestContext, arn: str, position: int) -> str:
    if _internal(ctx):
        return f"{arn}|{ITERATOR_VERSION}|{_sequence_text(position)}"
    issued_s = int(ctx.cloud.clock.now())
    return f"{arn}|{ITERATOR_VERSION}|{_sequence_text(position)}T{issued_s}"


def _parse_iterator(iterator: str) -> tuple[str, int, int | None]:
    """(stream ARN, position, when it was issued: None for an iterator that never expires)."""
    arn, _, rest = iterator.partition("|")
    version, _, token = rest.partition("|")
    if version == ITERATOR_VERSION and token.isdigit():
        return arn, int(token), None
    position, _, issued = token.partition("T")
    if version == ITERATOR_VERSION and position.isdigit() and issued.isdigit():
        return arn, int(position), int(issued)
    try:  # the base64 form of earlier versions, still held by event source mappings
        arn, _, position = base64.urlsafe_b64decode(iterator.encode()).decode().rpartition("|")
        return arn, int(position), None
    except (ValueError, UnicodeDecodeError):
        raise AwsError("ValidationException", "Invalid ShardIterator") from None


def get_records(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, position, issued_s = _parse_iterator(params["ShardIterator"])
    table = _table_for(ctx, arn)
    limit = params.get("Limit") or MAX_GET_RECORDS
    if not 1 <= limit <= MAX_GET_RECORDS:
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value less than or equal to 1000",
        )
    with storage.store(ctx).read() as tx:
        rows = tx.fetchall(
            "SELECT sequence, record FROM dynamodb_stream_records "
            "WHERE table_id = ? AND sequence >= ? ORDER BY sequence LIMIT ?",
            (table.table_id, position, limit),
        )
    if issued_s is not None and ctx.cloud.clock.now() - issued_s > ITERATOR_LIFETIME_S:
        raise AwsError("ExpiredIteratorException",
                       "The provided iterator exceeds the maximum age allowed.")  # fmt: skip
    # Sequence numbers have no gaps, so a first record past the iterator's position means the
    # records it pointed at were trimmed since (AWS's second case of TrimmedDataAccessException).
    if rows and rows[0][0] > max(position, 1) and not _internal(ctx):
        raise AwsError("TrimmedDataAccessException", TRIMMED_MESSAGE)
    records = []
    for sequence, raw in rows:
        record = cbor2.loads(raw)
        if record.pop("stream") != arn:
            continue
        record["dynamodb"]["SequenceNumber"] = _sequence_text(sequence)
        records.append(
            {
                "eventID": hashlib.md5(f"{arn}{sequence}".encode()).hexdigest(),
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": ctx.region,
                **record,
            }
        )
        position = sequence + 1
    if rows:
        position = rows[-1][0] + 1
    return {"Records": records, "NextShardIterator": _iterator(ctx, arn, position)}

"""Pages bigger than one SQL chunk: a page sent from the stored bytes (no filter) must equal
the page built item by item (a filter that keeps everything), at every Limit, in both orders,
on the table and on its indexes, up to and across the 1 MB page boundary."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import boto3
import pytest
from tests.services.dynamodb.conftest import unique
from tests.support import start_server

from pocketcloud.services.dynamodb import rows, storage

ITEMS = 700  # more than two chunks of rows; ~1.1 MB in all, so a full page stops at 1 MB
PAD = "x" * 1500


@pytest.fixture(scope="module")
def big(ddb_module: Any) -> str:
    name = unique("pages")
    ddb_module.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                              for n, t in (("pk", "S"), ("sk", "N"), ("g", "S"), ("r", "N"))],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                          {"AttributeName": "r", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}],
        LocalSecondaryIndexes=[{
            "IndexName": "by-r",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "r", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST")
    for start in range(0, ITEMS, 25):
        writes = [{"PutRequest": {"Item": {
            "pk": {"S": "p"}, "sk": {"N": str(n)}, "g": {"S": "g"},
            "r": {"N": str(n % 50)},  # index order differs from the table's; ties broken by key
            "d": {"S": PAD}}}} for n in range(start, min(ITEMS, start + 25))]
        ddb_module.batch_write_item(RequestItems={name: writes})
    return name


@pytest.fixture(scope="module")
def ddb_module(endpoint: str) -> Any:
    import boto3

    return boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test")


def _pages(
    ddb: Any, args: dict[str, Any], filtered: bool, count: bool = False
) -> list[dict[str, Any]]:
    if filtered:  # keeps every item, but makes the server look at each one
        args = {**args, "FilterExpression": "attribute_exists(d)"}  # not a key: those are refused
    if count:
        args = {**args, "Select": "COUNT"}
    pages = []
    while True:
        page = ddb.query(**args, ReturnConsumedCapacity="TOTAL")
        page.pop("ResponseMetadata")
        pages.append(page)
        if "LastEvaluatedKey" not in page or len(pages) > ITEMS:
            return pages
        args = {**args, "ExclusiveStartKey": page["LastEvaluatedKey"]}


@pytest.mark.parametrize("index", [None, "by-g", "by-r"])
@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [None, 1, 255, 256, 257, 699, 700])
def test_spliced_pages_equal_pages_built_item_by_item(
    ddb_module: Any, big: str, index: str | None, forward: bool, limit: int | None
) -> None:
    hash_name = "g" if index == "by-g" else "pk"
    args: dict[str, Any] = {
        "TableName": big, "KeyConditionExpression": f"{hash_name} = :h",
        "ExpressionAttributeValues": {":h": {"S": "g" if index == "by-g" else "p"}},
        "ScanIndexForward": forward}
    if index:
        args["IndexName"] = index
    if limit is not None:
        args["Limit"] = limit
    spliced = _pages(ddb_module, args, filtered=False)
    assert spliced == _pages(ddb_module, args, filtered=True)
    counted = [{**page, "Items": []} for page in _pages(ddb_module, args, False, count=True)]
    assert counted == [{**page, "Items": []} for page in spliced]
    keys = [int(item["sk"]["N"]) for page in spliced for item in page["Items"]]
    assert sorted(keys) == list(range(ITEMS))
    if index is None:
        assert keys == sorted(keys, reverse=not forward)
    if limit is None:  # 1 MB pages: the first stops at the item that reaches 1 MB
        assert len(spliced) == 2 and 600 < spliced[0]["Count"] < ITEMS


def test_scans_bigger_than_a_chunk(ddb_module: Any, big: str) -> None:
    for args in ({}, {"IndexName": "by-g"}, {"Limit": 300}):
        items = []
        start: dict[str, Any] = {}
        while True:
            page = ddb_module.scan(TableName=big, **args, **start)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        assert sorted(int(i["sk"]["N"]) for i in items) == list(range(ITEMS))
    seen = []
    for segment in range(3):
        seen += [int(i["sk"]["N"]) for p in ddb_module.get_paginator("scan").paginate(
            TableName=big, Segment=segment, TotalSegments=3, Limit=100) for i in p["Items"]]
    assert sorted(seen) == list(range(ITEMS))


def test_a_chunk_with_an_older_cbor_row_is_converted() -> None:
    import cbor2

    old = {"pk": {"S": "p"}, "b": {"B": b"\x00"}}
    chunk = [(storage.encode_item({"pk": {"S": "a"}}), 10), (cbor2.dumps(old), 10)]
    items, scanned, size_read, last = rows.raw_page(iter([chunk]), None)
    assert items == [storage.encode_item({"pk": {"S": "a"}}), storage.encode_item(old)]
    assert (scanned, size_read, last) == (2, 20, None)


def test_a_table_from_before_the_json_mark_still_pages(tmp_path: Path) -> None:
    """A data directory written by an older pocketcloud: the table lacks the mark that all
    its rows are JSON, and some rows are CBOR. Its pages are built row by row, converted."""
    import cbor2

    server = start_server(tmp_path / "data")
    try:
        ddb = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=server.endpoint,
                           aws_access_key_id="test", aws_secret_access_key="test")
        ddb.create_table(
            TableName="old-table", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"}])
        for start in range(0, 600, 25):
            ddb.batch_write_item(RequestItems={"old-table": [
                {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(n)},
                                         "b": {"B": bytes([n % 256])}}}}
                for n in range(start, start + 25)]})
    finally:
        server.stop()
    with sqlite3.connect(tmp_path / "data" / "state.db") as db:
        table_id, meta = db.execute(
            "SELECT table_id, meta FROM dynamodb_tables WHERE name = 'old-table'").fetchone()
        db.execute("UPDATE dynamodb_tables SET meta = ? WHERE table_id = ?",
                   (json.dumps({k: v for k, v in json.loads(meta).items()
                                if k != storage.JSON_ITEMS}), table_id))
        for raw, sk in db.execute("SELECT item, sk FROM dynamodb_items WHERE table_id = ?",
                                  (table_id,)).fetchall()[::7]:
            db.execute("UPDATE dynamodb_items SET item = ? WHERE table_id = ? AND sk = ?",
                       (cbor2.dumps(storage.decode_item(raw)), table_id, sk))
    server = start_server(tmp_path / "data")
    try:
        ddb = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=server.endpoint,
                           aws_access_key_id="test", aws_secret_access_key="test")
        args = {"TableName": "old-table", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "p"}}}
        for limit in ({}, {"Limit": 300}):
            items = [item for page in ddb.get_paginator("query").paginate(**args, **limit)
                     for item in page["Items"]]
            assert [int(i["sk"]["N"]) for i in items] == list(range(600))
            assert all(i["b"]["B"] == bytes([n % 256]) for n, i in enumerate(items))
    finally:
        server.stop()

"""Query and Scan through boto3: key conditions, order, paging, filters, Select, indexes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _fill(ddb: Any, name: str, count: int, kind: str = "N") -> None:
    for i in range(count):
        ddb.put_item(
            TableName=name,
            Item={
                "pk": {"S": "p"},
                "sk": {kind: str(i)},
                "odd": {"BOOL": i % 2 == 1},
            },
        )


def test_query_orders_numbers_numerically_both_ways(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    for n in ["10", "-2.5", "3", "0", "-100", "1e3", "0.001"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": n}})
    args = {
        "TableName": name,
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "p"}},
    }
    forward = [i["sk"]["N"] for i in ddb.query(**args)["Items"]]
    assert forward == ["-100", "-2.5", "0", "0.001", "3", "10", "1000"]
    backward = [i["sk"]["N"] for i in ddb.query(ScanIndexForward=False, **args)["Items"]]
    assert backward == forward[::-1]


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("sk BETWEEN :a AND :b", {":a": {"N": "3"}, ":b": {"N": "5"}}, [3, 4, 5]),
        ("sk < :a", {":a": {"N": "2"}}, [0, 1]),
        ("sk >= :a", {":a": {"N": "8"}}, [8, 9]),
        ("sk = :a", {":a": {"N": "4"}}, [4]),
    ],
)
def test_sort_key_conditions(
    ddb: Any, make_table: Any, condition: str, values: dict[str, Any], expected: list[int]
) -> None:
    name = make_table(range=("sk", "N"))
    _fill(ddb, name, 10)
    items = ddb.query(
        TableName=name,
        KeyConditionExpression=f"pk = :p AND {condition}",
        ExpressionAttributeValues={":p": {"S": "p"}, **values},
    )["Items"]
    assert [int(i["sk"]["N"]) for i in items] == expected


def test_begins_with_on_strings(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for sk in ["order#1", "order#2", "orders", "profile", "order\xff"]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    items = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p AND begins_with(sk, :prefix)",
        ExpressionAttributeValues={":p": {"S": "u"}, ":prefix": {"S": "order#"}},
    )
    assert [i["sk"]["S"] for i in items["Items"]] == ["order#1", "order#2"]


def test_limit_counts_before_filter_and_pages_resume(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    _fill(ddb, name, 10)
    args = {
        "TableName": name,
        "KeyConditionExpression": "pk = :p",
        "FilterExpression": "odd = :t",
        "ExpressionAttributeValues": {":p": {"S": "p"}, ":t": {"BOOL": True}},
        "Limit": 3,
    }
    page = ddb.query(**args)
    assert page["ScannedCount"] == 3 and page["Count"] == 1
    assert page["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "2"}}
    seen = []
    for page in ddb.get_paginator("query").paginate(**args):
        seen += [int(i["sk"]["N"]) for i in page["Items"]]
    assert seen == [1, 3, 5, 7, 9]


def test_one_megabyte_pages(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    blob = "x" * 100_000
    for i in range(25):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "d": {"S": blob}})
    first = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )
    assert 10 <= first["Count"] <= 11 and "LastEvaluatedKey" in first
    total = sum(p["Count"] for p in ddb.get_paginator("scan").paginate(TableName=name))
    assert total == 25


def test_select_count_and_projection(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    _fill(ddb, name, 4)
    counted = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p",
        Select="COUNT",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )
    assert counted["Count"] == 4 and "Items" not in counted
    projected = ddb.scan(TableName=name, ProjectionExpression="sk")["Items"]
    assert sorted(int(i["sk"]["N"]) for i in projected) == [0, 1, 2, 3]
    assert all(set(i) == {"sk"} for i in projected)


def test_key_condition_errors(ddb: Any, make_table: Any) -> None:
    name = make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName=name,
            KeyConditionExpression="sk = :s",
            ExpressionAttributeValues={":s": {"S": "a"}},
        )
    assert excinfo.value.response["Error"]["Message"] == (
        "Query condition missed key schema element: pk"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.query(
            TableName=name,
            KeyConditionExpression="pk = :s OR sk = :s",
            ExpressionAttributeValues={":s": {"S": "a"}},
        )
    assert "Invalid operator used in KeyConditionExpression: OR" in str(excinfo.value)


def test_parallel_scan_segments_partition_the_table(ddb: Any, make_table: Any) -> None:
    name = make_table(range=None)
    for i in range(40):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}})
    seen: list[str] = []
    for segment in range(4):
        items = ddb.scan(TableName=name, Segment=segment, TotalSegments=4)["Items"]
        seen += [i["pk"]["S"] for i in items]
    assert sorted(seen) == sorted(f"k{i}" for i in range(40))


def test_global_and_local_secondary_indexes(ddb: Any, make_table: Any) -> None:
    name = make_table(
        more_attributes={"email": "S", "rank": "N"},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-email",
                "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-rank",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "rank", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    ddb.put_item(
        TableName=name,
        Item={
            "pk": {"S": "u"},
            "sk": {"S": "1"},
            "email": {"S": "a@x"},
            "rank": {"N": "3"},
            "v": {"S": "x"},
        },
    )
    ddb.put_item(TableName=name, Item={"pk": {"S": "u"}, "sk": {"S": "2"}, "rank": {"N": "1"}})
    by_email = ddb.query(
        TableName=name,
        IndexName="by-email",
        KeyConditionExpression="email = :e",
        ExpressionAttributeValues={":e": {"S": "a@x"}},
    )["Items"]
    assert by_email == [{"pk": {"S": "u"}, "sk": {"S": "1"}, "email": {"S": "a@x"}}]
    by_rank = ddb.query(
        TableName=name,
        IndexName="by-rank",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "u"}},
    )["Items"]
    assert [i["sk"]["S"] for i in by_rank] == ["2", "1"]
    assert len(ddb.scan(TableName=name, IndexName="by-email")["Items"]) == 1
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["GlobalSecondaryIndexes"][0]["ItemCount"] == 1
    assert described["LocalSecondaryIndexes"][0]["ItemCount"] == 2
    ddb.delete_item(TableName=name, Key={"pk": {"S": "u"}, "sk": {"S": "1"}})
    assert ddb.scan(TableName=name, IndexName="by-email")["Items"] == []


def test_resource_query_with_key_builder(resource: Any, make_table: Any) -> None:
    from boto3.dynamodb.conditions import Attr, Key

    table = resource.Table(make_table())
    with table.batch_writer() as batch:
        for i in range(30):
            batch.put_item(Item={"pk": "a", "sk": f"item#{i:03d}", "n": i})
    found = table.query(
        KeyConditionExpression=Key("pk").eq("a") & Key("sk").begins_with("item#00"),
        FilterExpression=Attr("n").gt(3),
    )["Items"]
    assert [i["n"] for i in found] == [4, 5, 6, 7, 8, 9]

"""CreateTable's key-schema and index refusals, worded and ordered as DynamoDB answers them
(dynalite's test/createTable.js, recorded against DynamoDB)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

THROUGHPUT = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
A_B = [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}]
HASH_A = [{"KeyType": "HASH", "AttributeName": "a"}]
A_THEN_B = HASH_A + [{"KeyType": "RANGE", "AttributeName": "b"}]
PREFIX = "One or more parameter values were invalid: "


def _index(name: str, **extra: Any) -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": A_THEN_B, "Projection": {"ProjectionType": "ALL"},
            **extra}


def _keys(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"AttributeName": name, "KeyType": kind} for name, kind in pairs]


CASES = [
    ("two keys, one undefined",
     {"AttributeDefinitions": A_B[1:], "KeySchema": _keys(("a", "HASH"), ("b", "RANGE"))},
     "Invalid KeySchema: Some index key attribute have no definition"),
    ("two same keys, one definition",
     {"AttributeDefinitions": A_B[:1], "KeySchema": _keys(("a", "HASH"), ("a", "HASH"))},
     "Invalid KeySchema: Some index key attribute have no definition"),
    ("two same keys",
     {"AttributeDefinitions": A_B, "KeySchema": _keys(("a", "HASH"), ("a", "HASH"))},
     "Both the Hash Key and the Range Key element in the KeySchema have the same name"),
    ("two HASH keys",
     {"AttributeDefinitions": A_B, "KeySchema": _keys(("a", "HASH"), ("b", "HASH"))},
     "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"),
    ("empty local list",
     {"AttributeDefinitions": A_B, "KeySchema": HASH_A, "LocalSecondaryIndexes": []},
     PREFIX + "List of LocalSecondaryIndexes is empty"),
    ("empty global list",
     {"AttributeDefinitions": A_B, "KeySchema": HASH_A, "GlobalSecondaryIndexes": []},
     PREFIX + "List of GlobalSecondaryIndexes is empty"),
    ("local index, table without range key",
     {"AttributeDefinitions": A_B, "KeySchema": HASH_A,
      "LocalSecondaryIndexes": [_index("abc", KeySchema=_keys(("c", "RANGE")), Projection={})]},
     PREFIX + "Table KeySchema does not have a range key, which is required when specifying "
     "a LocalSecondaryIndex"),
    ("local index keys undefined before their types",
     {"AttributeDefinitions": A_B, "KeySchema": A_THEN_B,
      "LocalSecondaryIndexes": [
          _index("abc", KeySchema=_keys(("c", "RANGE"), ("d", "RANGE")), Projection={})]},
     PREFIX + "Some index key attributes are not defined in AttributeDefinitions. "
     "Keys: [c, d], AttributeDefinitions: [a, b]"),
    ("global index names every key when one is undefined",
     {"AttributeDefinitions": A_B, "KeySchema": A_THEN_B,
      "GlobalSecondaryIndexes": [_index("abc", KeySchema=_keys(("a", "HASH"), ("c", "RANGE")),
                                        ProvisionedThroughput=THROUGHPUT)]},
     PREFIX + "Some index key attributes are not defined in AttributeDefinitions. "
     "Keys: [a, c], AttributeDefinitions: [a, b]"),
    ("local index hash key before its projection",
     {"AttributeDefinitions": A_B, "KeySchema": A_THEN_B,
      "LocalSecondaryIndexes": [_index("abc", KeySchema=_keys(("b", "HASH"), ("a", "RANGE")),
                                       Projection={})]},
     PREFIX + "Index KeySchema does not have the same leading hash key as table KeySchema for "
     "index: abc. index hash key: b, table hash key: a"),
    ("six local indexes",
     {"AttributeDefinitions": A_B, "KeySchema": A_THEN_B,
      "LocalSecondaryIndexes": [_index(f"ab{i}") for i in range(6)]},
     PREFIX + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"),
    ("an invalid local index before the count",
     {"AttributeDefinitions": A_B, "KeySchema": A_THEN_B,
      "LocalSecondaryIndexes": [_index(f"ab{i}") for i in range(5)]
      + [_index("abz", Projection={})]},
     PREFIX + "Unknown ProjectionType: null"),
    ("twenty-one global indexes",
     {"AttributeDefinitions": A_B, "KeySchema": A_THEN_B,
      "GlobalSecondaryIndexes": [_index(f"ab{i}", ProvisionedThroughput=THROUGHPUT)
                                 for i in range(21)]},
     PREFIX + "GlobalSecondaryIndex count exceeds the per-table limit of 20"),
    ("a name shared by a local and a global index",
     {"AttributeDefinitions": A_B, "KeySchema": A_THEN_B,
      "LocalSecondaryIndexes": [_index("abc")],
      "GlobalSecondaryIndexes": [_index("abc", ProvisionedThroughput=THROUGHPUT)]},
     PREFIX + "Duplicate index name: abc"),
]


@pytest.mark.parametrize(("params", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_create_table_refusal(raw_ddb: Any, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as caught:
        raw_ddb.create_table(TableName="abc", ProvisionedThroughput=THROUGHPUT, **params)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationException", message)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_disabling_point_in_time_recovery_refuses_a_period(ddb: Any, make_table: Any) -> None:
    """AWS refuses RecoveryPeriodInDays beside PointInTimeRecoveryEnabled false (recorded by
    the ACK DynamoDB controller's probes of UpdateContinuousBackups)."""
    name = make_table()
    ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True,
                                                          "RecoveryPeriodInDays": 7})
    with pytest.raises(ClientError) as caught:
        ddb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False,
                                                              "RecoveryPeriodInDays": 7})
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time "
        "recovery.")
    described = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    recovery = described["PointInTimeRecoveryDescription"]
    assert (recovery["PointInTimeRecoveryStatus"], recovery["RecoveryPeriodInDays"]) == (
        "ENABLED", 7)

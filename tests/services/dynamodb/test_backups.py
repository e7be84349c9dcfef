"""On-demand backups and point-in-time recovery, end to end: real restores of the data as of
the backup or the chosen time. Own server: the PITR tests move the cloud clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import unique
from tests.support import Server, advance_clock, start_server


@pytest.fixture(scope="module")
def own() -> Iterator[Server]:
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def ddb(own: Server) -> Any:
    return boto3.client("dynamodb", region_name="us-east-1", endpoint_url=own.endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test")


def _table(ddb: Any) -> str:
    name = unique()
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-g",
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    return name


def _put(ddb: Any, name: str, key: str, value: str) -> None:
    ddb.put_item(TableName=name, Item={"pk": {"S": key}, "v": {"S": value}, "g": {"S": "x"}})


def _contents(ddb: Any, name: str) -> dict[str, str]:
    return {i["pk"]["S"]: i["v"]["S"] for i in ddb.scan(TableName=name)["Items"]}


def _code(info: Any) -> str:
    return str(info.value.response["Error"]["Code"])


def test_backup_restore_list_describe_delete(ddb: Any) -> None:
    name = _table(ddb)
    _put(ddb, name, "a", "1")
    _put(ddb, name, "b", "2")
    details = ddb.create_backup(TableName=name, BackupName="nightly")["BackupDetails"]
    assert details["BackupStatus"] == "AVAILABLE" and details["BackupType"] == "USER"
    assert f":table/{name}/backup/" in details["BackupArn"]
    _put(ddb, name, "a", "changed")
    ddb.delete_item(TableName=name, Key={"pk": {"S": "b"}})

    described = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert described["SourceTableDetails"]["TableName"] == name
    assert described["SourceTableDetails"]["ItemCount"] == 2
    features = described["SourceTableFeatureDetails"]
    assert features["GlobalSecondaryIndexes"][0]["IndexName"] == "by-g"
    listed = ddb.list_backups(TableName=name)["BackupSummaries"]
    assert [b["BackupArn"] for b in listed] == [details["BackupArn"]]
    table_arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert len(ddb.list_backups(TableName=table_arn)["BackupSummaries"]) == 1
    created = details["BackupCreationDateTime"]
    assert ddb.list_backups(TableName=name, TimeRangeUpperBound=created)["BackupSummaries"] == []
    assert len(ddb.list_backups(TableName=name, TimeRangeLowerBound=created)[
        "BackupSummaries"]) == 1

    target = unique("restored")
    restored = ddb.restore_table_from_backup(TargetTableName=target,
                                             BackupArn=details["BackupArn"])
    summary = restored["TableDescription"]["RestoreSummary"]
    assert summary["SourceBackupArn"] == details["BackupArn"]
    ddb.get_waiter("table_exists").wait(TableName=target)
    assert _contents(ddb, target) == {"a": "1", "b": "2"}
    by_index = ddb.query(TableName=target, IndexName="by-g", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "x"}})
    assert by_index["Count"] == 2
    assert ddb.describe_table(TableName=target)["Table"]["ItemCount"] == 2

    with pytest.raises(ClientError) as info:
        ddb.restore_table_from_backup(TargetTableName=target, BackupArn=details["BackupArn"])
    assert _code(info) == "TableAlreadyExistsException"
    deleted = ddb.delete_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    with pytest.raises(ClientError) as info:
        ddb.describe_backup(BackupArn=details["BackupArn"])
    assert _code(info) == "BackupNotFoundException"


def test_backup_of_missing_table(ddb: Any) -> None:
    with pytest.raises(ClientError) as info:
        ddb.create_backup(TableName="no-such-table", BackupName="backup")
    assert _code(info) == "TableNotFoundException"


def test_point_in_time_restore_returns_the_data_as_of_that_time(ddb: Any, own: Server) -> None:
    name = _table(ddb)
    _put(ddb, name, "early", "1")
    with pytest.raises(ClientError) as info:
        ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=unique(),
                                           UseLatestRestorableTime=True)
    assert _code(info) == "PointInTimeRecoveryUnavailableException"
    answer = ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    recovery = answer["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    assert recovery["RecoveryPeriodInDays"] == 35
    advance_clock(own.endpoint, 60)
    _put(ddb, name, "early", "2")
    _put(ddb, name, "middle", "1")
    advance_clock(own.endpoint, 60)
    moment = advance_clock(own.endpoint, 0)["now"]
    advance_clock(own.endpoint, 60)
    ddb.delete_item(TableName=name, Key={"pk": {"S": "middle"}})
    _put(ddb, name, "late", "1")

    at_moment = unique("pitr")
    ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=at_moment,
                                       RestoreDateTime=moment)
    assert _contents(ddb, at_moment) == {"early": "2", "middle": "1"}
    latest = unique("pitr")
    ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=latest,
                                       UseLatestRestorableTime=True)
    assert _contents(ddb, latest) == {"early": "2", "late": "1"}

    described = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    window = described["PointInTimeRecoveryDescription"]
    with pytest.raises(ClientError) as info:
        ddb.restore_table_to_point_in_time(
            SourceTableName=name, TargetTableName=unique(),
            RestoreDateTime=window["EarliestRestorableDateTime"].timestamp() - 3600)
    assert _code(info) == "InvalidRestoreTimeException"


def test_old_versions_leave_the_35_day_window(ddb: Any, own: Server) -> None:
    name = _table(ddb)
    ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True,
                                                          "RecoveryPeriodInDays": 1})
    _put(ddb, name, "a", "1")
    advance_clock(own.endpoint, 3 * 86400)
    _put(ddb, name, "b", "1")
    window = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    now = advance_clock(own.endpoint, 0)["now"]
    assert abs(window["EarliestRestorableDateTime"].timestamp() - (now - 86400)) < 5
    target = unique("pitr")
    ddb.restore_table_to_point_in_time(
        SourceTableName=name, TargetTableName=target,
        RestoreDateTime=window["EarliestRestorableDateTime"].timestamp() + 1)
    assert _contents(ddb, target) == {"a": "1"}


def test_deleting_a_table_with_pitr_keeps_a_system_backup(ddb: Any) -> None:
    name = _table(ddb)
    _put(ddb, name, "a", "1")
    ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    ddb.delete_table(TableName=name)
    system = ddb.list_backups(TableName=name, BackupType="SYSTEM")["BackupSummaries"]
    assert len(system) == 1 and system[0]["BackupName"] == f"{name}$DeletedTableBackup"
    assert ddb.list_backups(TableName=name)["BackupSummaries"] == []  # USER is the default
    target = unique("back")
    ddb.restore_table_from_backup(TargetTableName=target, BackupArn=system[0]["BackupArn"])
    assert _contents(ddb, target) == {"a": "1"}

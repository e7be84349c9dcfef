"""Exports to S3 and imports from S3, end to end: the files an export writes, read back with
S3's client, and imported again into a new table. Own server: some tests move the clock."""

from __future__ import annotations

import base64
import gzip
import json
import time
from datetime import timedelta
from typing import Any

import boto3
import pytest
from tests.services.dynamodb.conftest import unique
from tests.support import advance_clock, refusal

KEYS = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}]}


def _client(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def ddb(own_endpoint: str) -> Any:
    return _client(own_endpoint, "dynamodb")


@pytest.fixture
def s3(own_endpoint: str) -> Any:
    return _client(own_endpoint, "s3")


def _source(ddb: Any, count: int) -> tuple[str, str]:
    name = unique()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    for i in range(count):
        ddb.put_item(TableName=name, Item={
            "pk": {"S": f"p{i % 7}"}, "sk": {"N": str(i)}, "blob": {"B": bytes([i % 256, 0])},
            "tags": {"SS": ["a", f"t{i}"]}, "doc": {"M": {"n": {"N": "1.5"}, "l": {"L": [
                {"BOOL": True}, {"NULL": True}]}}}})
    ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    return name, ddb.describe_table(TableName=name)["Table"]["TableArn"]


def _bucket(s3: Any) -> str:
    name = unique("bkt")
    s3.create_bucket(Bucket=name)
    return name


def _settled(describe: Any, status_key: str) -> dict[str, Any]:
    for _ in range(100):
        shown: dict[str, Any] = describe()
        if shown[status_key] != "IN_PROGRESS":
            return shown
        time.sleep(0.1)
    raise AssertionError("still IN_PROGRESS")


def _export(ddb: Any, **params: Any) -> dict[str, Any]:
    started = ddb.export_table_to_point_in_time(**params)["ExportDescription"]
    assert started["ExportStatus"] == "IN_PROGRESS"
    return _settled(lambda: ddb.describe_export(ExportArn=started["ExportArn"])[
        "ExportDescription"], "ExportStatus")


def _scan(ddb: Any, name: str) -> list[Any]:
    items = ddb.scan(TableName=name)["Items"]
    return sorted(items, key=lambda i: (i["pk"]["S"], int(i["sk"]["N"])))


def test_export_writes_the_files_s3_holds(ddb: Any, s3: Any) -> None:
    name, arn = _source(ddb, 40)
    bucket = _bucket(s3)
    done = _export(ddb, TableArn=arn, S3Bucket=bucket, S3Prefix="backups/nightly")
    assert done["ExportStatus"] == "COMPLETED" and done["ItemCount"] == 40
    export_id = done["ExportArn"].rsplit("/", 1)[1]
    base = f"backups/nightly/AWSDynamoDB/{export_id}"
    assert done["ExportManifest"] == f"{base}/manifest-summary.json"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {f"{base}/_started", f"{base}/manifest-files.json",
            f"{base}/manifest-summary.json"} <= keys
    summary = json.loads(s3.get_object(Bucket=bucket, Key=done["ExportManifest"])["Body"].read())
    assert summary["itemCount"] == 40 and summary["exportType"] == "FULL_EXPORT"
    assert summary["outputFormat"] == "DYNAMODB_JSON" and summary["tableArn"] == arn
    files = [json.loads(line) for line in s3.get_object(
        Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().splitlines()]
    exported = []
    for entry in files:
        data = s3.get_object(Bucket=bucket, Key=entry["dataFileS3Key"])
        assert data["ETag"].strip('"') == entry["etag"]
        lines = gzip.decompress(data["Body"].read()).splitlines()
        assert len(lines) == entry["itemCount"]
        exported += [json.loads(line)["Item"] for line in lines]
    assert _comparable(exported) == _comparable(_scan(ddb, name))


def _comparable(items: list[Any]) -> list[Any]:
    """Items in key order, binary as base64 text and string sets sorted, as JSON shows them."""
    def shown(value: dict[str, Any]) -> dict[str, Any]:
        if "B" in value and isinstance(value["B"], bytes):
            return {"B": base64.b64encode(value["B"]).decode()}
        return {"SS": sorted(value["SS"])} if "SS" in value else value

    ordered = sorted(items, key=lambda i: (i["pk"]["S"], int(i["sk"]["N"])))
    return [{name: shown(value) for name, value in item.items()} for item in ordered]


def test_import_an_export_into_a_new_table(ddb: Any, s3: Any) -> None:
    name, arn = _source(ddb, 25)
    bucket = _bucket(s3)
    done = _export(ddb, TableArn=arn, S3Bucket=bucket)
    export_id = done["ExportArn"].rsplit("/", 1)[1]
    target = unique()
    creation = {"TableName": target, "BillingMode": "PAY_PER_REQUEST", **KEYS}
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": f"AWSDynamoDB/{export_id}/data/"},
        InputFormat="DYNAMODB_JSON", InputCompressionType="GZIP",
        TableCreationParameters=creation)["ImportTableDescription"]
    assert started["ImportStatus"] == "IN_PROGRESS"
    assert started["TableArn"].endswith(f":table/{target}")
    finished = _settled(lambda: ddb.describe_import(ImportArn=started["ImportArn"])[
        "ImportTableDescription"], "ImportStatus")
    assert finished["ImportStatus"] == "COMPLETED"
    assert (finished["ProcessedItemCount"], finished["ImportedItemCount"],
            finished["ErrorCount"]) == (25, 25, 0)
    assert ddb.describe_table(TableName=target)["Table"]["TableStatus"] == "ACTIVE"
    assert _scan(ddb, target) == _scan(ddb, name)
    again = {"TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS}
    assert refusal(ddb.import_table, S3BucketSource={"S3Bucket": bucket},
                   InputFormat="DYNAMODB_JSON", TableCreationParameters=again)[0] == (
        "ResourceInUseException")
    listed = ddb.list_imports(TableArn=started["TableArn"])["ImportSummaryList"]
    assert [s["ImportArn"] for s in listed] == [started["ImportArn"]]


def test_import_csv_counts_bad_lines(ddb: Any, s3: Any) -> None:
    bucket = _bucket(s3)
    s3.put_object(Bucket=bucket, Key="csv/one.csv",
                  Body=b'pk,sk,note\na,1,"hello, world"\nb,2,"two\nlines"\n,3,no key\nc,x,bad n\n')
    s3.put_object(Bucket=bucket, Key="csv/two.csv.gz",
                  Body=gzip.compress(b"d;4;plain\ne;5;\n"))
    target = unique()
    creation = {"TableName": target, "BillingMode": "PAY_PER_REQUEST", **KEYS}
    first = ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "csv/one"},
                             InputFormat="CSV", TableCreationParameters=creation)
    done = _settled(lambda: ddb.describe_import(ImportArn=first["ImportTableDescription"][
        "ImportArn"])["ImportTableDescription"], "ImportStatus")
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (
        4, 2, 2)
    items = {i["pk"]["S"]: i for i in ddb.scan(TableName=target)["Items"]}
    assert items["a"] == {"pk": {"S": "a"}, "sk": {"N": "1"}, "note": {"S": "hello, world"}}
    assert items["b"]["note"] == {"S": "two\nlines"}
    second = unique()
    creation["TableName"] = second
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "csv/two"}, InputFormat="CSV",
        InputCompressionType="GZIP", TableCreationParameters=creation,
        InputFormatOptions={"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk", "note"]}})
    done = _settled(lambda: ddb.describe_import(ImportArn=started["ImportTableDescription"][
        "ImportArn"])["ImportTableDescription"], "ImportStatus")
    assert (done["ImportedItemCount"], done["ErrorCount"]) == (2, 0)
    items = {i["pk"]["S"]: i for i in ddb.scan(TableName=second)["Items"]}
    assert items["e"] == {"pk": {"S": "e"}, "sk": {"N": "5"}}  # an empty value: no attribute


def test_import_json_errors_and_refusals(ddb: Any, s3: Any) -> None:
    bucket = _bucket(s3)
    lines = [b'{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}', b"not json", b'{"Item":{"pk":{"S":"b"}}}',
             b'{"Item":{"pk":{"N":"1"},"sk":{"N":"1"}}}', b'{"Item":{"pk":{"S":"c"},"sk":{"N":"2"},'
             b'"x":{"B":"@@"}}}', b"", b'{"Item":{"pk":{"S":"d"},"sk":{"N":"3"}}}']
    s3.put_object(Bucket=bucket, Key="in/data.json", Body=b"\n".join(lines))
    creation = {"TableName": unique(), "BillingMode": "PAY_PER_REQUEST", **KEYS}
    started = ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "in/"},
                               InputFormat="DYNAMODB_JSON", TableCreationParameters=creation)
    done = _settled(lambda: ddb.describe_import(ImportArn=started["ImportTableDescription"][
        "ImportArn"])["ImportTableDescription"], "ImportStatus")
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (
        6, 2, 4)
    fresh = {"TableName": unique(), "BillingMode": "PAY_PER_REQUEST", **KEYS}
    source = {"S3Bucket": bucket}
    for refused in ({"InputFormat": "ION"}, {"InputFormat": "DYNAMODB_JSON",
                                             "InputCompressionType": "ZSTD"},
                    {"InputFormat": "DYNAMODB_JSON", "InputFormatOptions": {"Csv": {
                        "Delimiter": ","}}},
                    {"InputFormat": "CSV", "InputFormatOptions": {"Csv": {"Delimiter": "#"}}}):
        assert refusal(ddb.import_table, S3BucketSource=source, TableCreationParameters=fresh,
                       **refused)[0] == "ValidationException"
    bad_keys = {**fresh, "KeySchema": [{"AttributeName": "nope", "KeyType": "HASH"}]}
    assert refusal(ddb.import_table, S3BucketSource=source, InputFormat="CSV",
                   TableCreationParameters=bad_keys)[0] == "ValidationException"
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName=fresh["TableName"])  # nothing was created
    assert refusal(ddb.describe_import, ImportArn=done["ImportArn"][:-8] + "deadbeef")[0] == (
        "ImportNotFoundException")
    missing = {**fresh, "TableName": unique()}
    started = ddb.import_table(S3BucketSource={"S3Bucket": unique("gone")},
                               InputFormat="CSV", TableCreationParameters=missing)
    failed = _settled(lambda: ddb.describe_import(ImportArn=started["ImportTableDescription"][
        "ImportArn"])["ImportTableDescription"], "ImportStatus")
    assert (failed["ImportStatus"], failed["FailureCode"]) == ("FAILED", "NoSuchBucket")


def test_export_refusals_and_listing(ddb: Any, s3: Any) -> None:
    name = unique()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **KEYS)
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    bucket = _bucket(s3)
    assert refusal(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket)[0] == (
        "PointInTimeRecoveryUnavailableException")
    assert refusal(ddb.export_table_to_point_in_time, TableArn=arn + "x",
                   S3Bucket=bucket)[0] == "TableNotFoundException"
    ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    assert refusal(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket,
                   ExportFormat="ION")[0] == "ValidationException"
    assert refusal(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket,
                   FilterSpecification={"FilterExpression": "attribute_exists(v)"})[0] == (
        "ValidationException")
    earlier = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"] - timedelta(hours=1)
    assert refusal(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket,
                   ExportTime=earlier)[0] == "InvalidExportTimeException"
    arns = [_export(ddb, TableArn=arn, S3Bucket=bucket)["ExportArn"] for _ in range(3)]
    seen, token = [], None
    while True:
        page = ddb.list_exports(TableArn=arn, MaxResults=2, **({"NextToken": token}
                                                                if token else {}))
        seen += [s["ExportArn"] for s in page["ExportSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == sorted(arns)
    assert refusal(ddb.describe_export, ExportArn=arns[0][:-8] + "deadbeef")[0] == (
        "ExportNotFoundException")
    failed = _export(ddb, TableArn=arn, S3Bucket=unique("gone"))
    assert (failed["ExportStatus"], failed["FailureCode"]) == ("FAILED", "NoSuchBucket")
    same = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, ClientToken="tok")
    again = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, ClientToken="tok")
    assert same["ExportDescription"]["ExportArn"] == again["ExportDescription"]["ExportArn"]
    assert refusal(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket,
                   S3Prefix="other", ClientToken="tok")[0] == "ExportConflictException"


def test_incremental_export(ddb: Any, s3: Any, own_endpoint: str) -> None:
    name, arn = _source(ddb, 3)
    start = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"]
    advance_clock(own_endpoint, 60)
    ddb.put_item(TableName=name, Item={"pk": {"S": "p0"}, "sk": {"N": "0"}, "v": {"S": "new"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "p1"}, "sk": {"N": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "zz"}, "sk": {"N": "9"}})
    advance_clock(own_endpoint, 20 * 60)
    bucket = _bucket(s3)
    end = start + timedelta(minutes=20)
    assert refusal(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket,
                   ExportType="INCREMENTAL_EXPORT", IncrementalExportSpecification={
                       "ExportFromTime": start, "ExportToTime": start + timedelta(minutes=5)})[
        0] == "InvalidExportTimeException"
    done = _export(ddb, TableArn=arn, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT",
                   IncrementalExportSpecification={"ExportFromTime": start, "ExportToTime": end})
    assert done["ExportStatus"] == "COMPLETED" and done["ItemCount"] == 3
    summary = json.loads(s3.get_object(Bucket=bucket, Key=done["ExportManifest"])["Body"].read())
    files = [json.loads(line) for line in s3.get_object(
        Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().splitlines()]
    lines = [json.loads(line) for entry in files for line in gzip.decompress(s3.get_object(
        Bucket=bucket, Key=entry["dataFileS3Key"])["Body"].read()).splitlines()]
    by_key = {line["Keys"]["pk"]["S"]: line for line in lines}
    assert by_key["p0"]["NewImage"]["v"] == {"S": "new"} and "OldImage" in by_key["p0"]
    assert "NewImage" not in by_key["p1"] and by_key["p1"]["OldImage"]["sk"] == {"N": "1"}
    assert "OldImage" not in by_key["zz"]
    assert all("WriteTimestampMicros" in line["Metadata"] for line in lines)

"""Lifecycle configuration (validated as S3 does) and expiration that really deletes,
on the cloud clock moved forward through POST /_pocketcloud/clock. Each test runs its own
server: moving the clock is global."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import Server, advance_clock, start_server

DAY_S = 86_400


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    running = start_server()
    yield running
    running.stop()


@pytest.fixture
def s3(own_server: Server) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=own_server.endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _keys(s3: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


RULES = [
    {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 1}},
    {
        "ID": "temp",
        "Status": "Enabled",
        "Filter": {
            "And": {
                "Prefix": "tmp/",
                "Tags": [{"Key": "kind", "Value": "scratch"}],
                "ObjectSizeGreaterThan": 1,
            }
        },
        "Expiration": {"Days": 3},
    },
    {
        "ID": "uploads",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    },
    {"ID": "off", "Status": "Disabled", "Filter": {"Prefix": "keep/"}, "Expiration": {"Days": 1}},
]


def test_configuration_round_trip(s3: Any, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as missing:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert _code(missing) == "NoSuchLifecycleConfiguration"
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": RULES})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in got] == ["logs", "temp", "uploads", "off"]
    assert got[1]["Filter"] == RULES[1]["Filter"]
    date = datetime(2030, 1, 1, tzinfo=UTC)
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [{"ID": "d", "Status": "Enabled", "Filter": {}, "Expiration": {"Date": date}}]
        },
    )
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got[0]["Expiration"]["Date"] == date
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ({"Status": "Enabled", "Filter": {"Prefix": "a"}}, "InvalidRequest"),
        (
            {"Status": "Enabled", "Filter": {"Prefix": "a"}, "Expiration": {"Days": 0}},
            "InvalidArgument",
        ),
        (
            {
                "Status": "Enabled",
                "Filter": {"Prefix": "a"},
                "Expiration": {"Date": datetime(2030, 1, 1, 12, tzinfo=UTC)},
            },
            "InvalidArgument",
        ),
        (
            {
                "Status": "Enabled",
                "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            },
            "InvalidRequest",
        ),
        (
            {
                "Status": "Enabled",
                "Filter": {"Prefix": "a", "Tag": {"Key": "k", "Value": "v"}},
                "Expiration": {"Days": 1},
            },
            "MalformedXML",
        ),
        (
            {
                "Status": "Enabled",
                "Filter": {"Prefix": "a"},
                "Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True},
            },
            "MalformedXML",  # AWS, recorded in LocalStack's test_put_bucket_lifecycle_conf_exc
        ),
        (
            {"ID": "x" * 256, "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}},
            "InvalidArgument",
        ),
    ],
)
def test_invalid_rules(s3: Any, bucket_name: Any, rule: dict[str, Any], code: str) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": [rule]}
        )
    assert _code(error) == code


def test_duplicate_rule_ids(s3: Any, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    rule = {"ID": "same", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}
    with pytest.raises(ClientError) as error:
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": [rule, rule]}
        )
    assert _code(error) == "InvalidArgument"


def test_expiration_on_the_cloud_clock(s3: Any, own_server: Server, bucket_name: Any) -> None:
    bucket = bucket_name()
    now = float(advance_clock(own_server.endpoint, 0)["now"])
    advance_clock(own_server.endpoint, DAY_S - now % DAY_S + 3600)  # 01:00 UTC: no day flips
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": RULES})
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="keep/a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="tmp/big", Body=b"abc", Tagging="kind=scratch")
    s3.put_object(Bucket=bucket, Key="tmp/tiny", Body=b"a", Tagging="kind=scratch")
    s3.put_object(Bucket=bucket, Key="tmp/untagged", Body=b"abc")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big-upload")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="big-upload", UploadId=upload, PartNumber=1, Body=b"p")
    advance_clock(own_server.endpoint, 0.5 * DAY_S)
    assert "logs/a" in _keys(s3, bucket)  # not yet: a day, rounded up to midnight UTC
    advance_clock(own_server.endpoint, 2 * DAY_S)
    assert _keys(s3, bucket) == ["keep/a", "tmp/big", "tmp/tiny", "tmp/untagged"]
    assert len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 1  # 2 days
    advance_clock(own_server.endpoint, 2 * DAY_S)
    assert _keys(s3, bucket) == ["keep/a", "tmp/tiny", "tmp/untagged"]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_date_expiration(s3: Any, own_server: Server, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    now = float(advance_clock(own_server.endpoint, 0)["now"])
    tomorrow = datetime.fromtimestamp((now // DAY_S + 1) * DAY_S, UTC)
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "d",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Date": tomorrow},
                }
            ]
        },
    )
    s3.put_object(Bucket=bucket, Key="doomed", Body=b"x")
    advance_clock(own_server.endpoint, 1)
    assert _keys(s3, bucket) == ["doomed"]
    advance_clock(own_server.endpoint, DAY_S)
    assert _keys(s3, bucket) == []


def test_transitions(s3: Any, own_server: Server, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "ia",
                        "Status": "Enabled",
                        "Filter": {},
                        "Transitions": [{"Days": 5, "StorageClass": "STANDARD_IA"}],
                    }
                ]
            },
        )
    assert _code(error) == "InvalidArgument"
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "cold",
                    "Status": "Enabled",
                    "Filter": {},
                    "Transitions": [
                        {"Days": 1, "StorageClass": "GLACIER"},
                        {"Days": 3, "StorageClass": "DEEP_ARCHIVE"},
                    ],
                }
            ]
        },
    )
    s3.put_object(Bucket=bucket, Key="big", Body=b"x" * 200 * 1024)
    s3.put_object(Bucket=bucket, Key="small", Body=b"x")  # under 128 KiB: never moves
    advance_clock(own_server.endpoint, 2 * DAY_S + 1)
    assert s3.head_object(Bucket=bucket, Key="big")["StorageClass"] == "GLACIER"
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="small")
    advance_clock(own_server.endpoint, 2 * DAY_S)
    assert s3.head_object(Bucket=bucket, Key="big")["StorageClass"] == "DEEP_ARCHIVE"


def test_old_api_rule_expires_its_prefix(s3: Any, own_server: Server, bucket_name: Any) -> None:
    """A rule written by the deprecated PutBucketLifecycle (rule-level Prefix) applies."""
    bucket = bucket_name()
    now = float(advance_clock(own_server.endpoint, 0)["now"])
    advance_clock(own_server.endpoint, DAY_S - now % DAY_S + 3600)  # 01:00 UTC: no day flips
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "old", "Prefix": "logs/", "Status": "Enabled", "Expiration": {"Days": 1}}]})
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="keep/a", Body=b"a")
    advance_clock(own_server.endpoint, 2 * DAY_S)
    assert _keys(s3, bucket) == ["keep/a"]

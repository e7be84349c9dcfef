"""Archived storage classes and RestoreObject on the cloud clock (a server of this module's
own: moving the clock is global)."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from tests.support import advance_clock, start_server

HOUR_S = 3600
DAY_S = 86_400


def _client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip


@pytest.fixture
def s3(own_endpoint: str) -> Any:
    return _client(own_endpoint)


@pytest.fixture
def archived(s3: Any, bucket_name: Any) -> tuple[str, str]:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen bytes", StorageClass="GLACIER")
    return bucket, "cold"


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _restore(s3: Any, bucket: str, key: str, days: int = 2, tier: str = "Standard") -> int:
    answer = s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={
        "Days": days, "GlacierJobParameters": {"Tier": tier}})
    return int(answer["ResponseMetadata"]["HTTPStatusCode"])


def test_archived_object_is_not_readable(s3: Any, archived: tuple[str, str]) -> None:
    bucket, key = archived
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key=key)
    assert _error(caught) == ("InvalidObjectState", 403)
    assert caught.value.response["Error"]["Message"] == (
        "The operation is not valid for the object's storage class")
    head = s3.head_object(Bucket=bucket, Key=key)  # metadata stays readable
    assert head["StorageClass"] == "GLACIER" and "Restore" not in head
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/{key}")
    assert _error(caught) == ("InvalidObjectState", 403)


def test_glacier_ir_is_read_directly(s3: Any, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="ir", Body=b"instant", StorageClass="GLACIER_IR")
    assert s3.get_object(Bucket=bucket, Key="ir")["Body"].read() == b"instant"
    with pytest.raises(ClientError) as caught:
        _restore(s3, bucket, "ir")
    assert _error(caught) == ("InvalidObjectState", 403)


def test_restore_lifecycle(s3: Any, own_endpoint: str, archived: tuple[str, str]) -> None:
    bucket, key = archived
    assert _restore(s3, bucket, key) == 202
    assert s3.head_object(Bucket=bucket, Key=key)["Restore"] == 'ongoing-request="true"'
    with pytest.raises(ClientError) as caught:
        _restore(s3, bucket, key)
    assert _error(caught) == ("RestoreAlreadyInProgress", 409)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key=key)
    assert _error(caught) == ("InvalidObjectState", 403)

    advance_clock(own_endpoint, 5 * HOUR_S + 1)  # Standard: within 5 hours
    head = s3.head_object(Bucket=bucket, Key=key)
    found = re.fullmatch(r'ongoing-request="false", expiry-date="(.+)"', head["Restore"])
    assert found, head["Restore"]
    expiry = parsedate_to_datetime(found.group(1))
    assert expiry.hour == expiry.minute == expiry.second == 0  # midnight UTC
    assert head["StorageClass"] == "GLACIER"
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == b"frozen bytes"
    assert got["Restore"] == head["Restore"]
    copied = s3.copy_object(Bucket=bucket, Key="warm", CopySource=f"{bucket}/{key}",
                            StorageClass="STANDARD")  # fmt: skip
    assert copied["CopyObjectResult"]["ETag"]
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="warm")

    assert _restore(s3, bucket, key, days=1) == 200  # a restored copy exists

    advance_clock(own_endpoint, 3 * DAY_S)  # the copy expired
    assert "Restore" not in s3.head_object(Bucket=bucket, Key=key)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key=key)
    assert _error(caught) == ("InvalidObjectState", 403)


def test_tiers_take_their_time(s3: Any, own_endpoint: str, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="fast", Body=b"f", StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="deep", Body=b"d", StorageClass="DEEP_ARCHIVE")
    assert _restore(s3, bucket, "fast", tier="Expedited") == 202
    assert _restore(s3, bucket, "deep", tier="Standard") == 202
    advance_clock(own_endpoint, 5 * 60 + 1)
    assert s3.get_object(Bucket=bucket, Key="fast")["Body"].read() == b"f"
    assert s3.head_object(Bucket=bucket, Key="deep")["Restore"] == 'ongoing-request="true"'
    advance_clock(own_endpoint, 12 * HOUR_S)
    assert s3.get_object(Bucket=bucket, Key="deep")["Body"].read() == b"d"


@pytest.mark.parametrize("request_body, code, status", [
    ({"GlacierJobParameters": {"Tier": "Standard"}}, "MalformedXML", 400),
    ({"Days": 0}, "InvalidArgument", 400),
])  # fmt: skip
def test_invalid_requests(s3: Any, archived: tuple[str, str], request_body: dict[str, Any],
                          code: str, status: int) -> None:  # fmt: skip
    bucket, key = archived
    with pytest.raises(ClientError) as caught:
        s3.restore_object(Bucket=bucket, Key=key, RestoreRequest=request_body)
    assert _error(caught) == (code, status)


def test_deep_archive_has_no_expedited_tier(s3: Any, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="deep", Body=b"d", StorageClass="DEEP_ARCHIVE")
    with pytest.raises(ClientError) as caught:
        _restore(s3, bucket, "deep", tier="Expedited")
    assert _error(caught) == ("InvalidArgument", 400)


def test_restore_of_missing_or_standard_objects(s3: Any, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as caught:
        _restore(s3, bucket, "missing")
    assert _error(caught) == ("NoSuchKey", 404)
    s3.put_object(Bucket=bucket, Key="hot", Body=b"h")
    with pytest.raises(ClientError) as caught:
        _restore(s3, bucket, "hot")
    assert _error(caught) == ("InvalidObjectState", 403)


def test_restore_by_version(s3: Any, own_endpoint: str, bucket_name: Any) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket=bucket, Key="k", Body=b"old", StorageClass="GLACIER")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"new", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="k", VersionId=old,
                      RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Bulk"}})
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="k")
    advance_clock(own_endpoint, 12 * HOUR_S + 1)
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=old)["Body"].read() == b"old"
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="k")


def test_restore_survives_a_restart(tmp_path: Path, bucket_name: Any) -> None:
    server = start_server(tmp_path)
    try:
        s3 = _client(server.endpoint)
        bucket = bucket_name()
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="cold", Body=b"c", StorageClass="DEEP_ARCHIVE")
        assert _restore(s3, bucket, "cold", tier="Bulk") == 202
        server.kill()
        server = start_server(tmp_path)
        s3 = _client(server.endpoint)
        assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    finally:
        server.stop()

"""GET/HEAD conditions and parts, and lock requests on delete markers, as AWS recorded them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_future_if_modified_since_is_ignored(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="obj", Body=b"data")
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    got = s3.get_object(Bucket=bucket, Key="obj", IfModifiedSince=tomorrow)
    assert got["Body"].read() == b"data"
    head = s3.head_object(Bucket=bucket, Key="obj", IfModifiedSince=tomorrow)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as excinfo:  # a past date still answers 304
        s3.get_object(Bucket=bucket, Key="obj", IfModifiedSince=datetime.now(UTC))
    assert excinfo.value.response["Error"]["Code"] == "304"


def test_part_number_with_range_is_refused(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="obj", Body=b"test-123")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="obj", PartNumber=1, Range="bytes=0-1")
    error = excinfo.value.response["Error"]
    assert error["Code"] == "InvalidRequest"
    assert error["Message"] == "Cannot specify both Range header and partNumber query parameter"
    whole = s3.get_object(Bucket=bucket, Key="obj", PartNumber=1)
    assert whole["ContentRange"] == "bytes 0-7/8"


def _method_refused(call: Any, method: str, **params: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    error = excinfo.value.response["Error"]
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    assert (error["Code"], error["Method"], error["ResourceType"]) == (
        "MethodNotAllowed",
        method,
        "DeleteMarker",
    )


def test_retention_and_legal_hold_on_delete_marker_are_405(s3: Any, bucket_name: Any) -> None:
    name = bucket_name()
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object(Bucket=name, Key="obj", Body=b"test")
    marker = s3.delete_object(Bucket=name, Key="obj")["VersionId"]
    retention = {"Mode": "GOVERNANCE", "RetainUntilDate": datetime.now(UTC) + timedelta(days=1)}
    for version in ({}, {"VersionId": marker}):
        where = {"Bucket": name, "Key": "obj", **version}
        _method_refused(s3.put_object_retention, "PUT", Retention=retention, **where)
        _method_refused(s3.get_object_retention, "GET", **where)
        _method_refused(s3.put_object_legal_hold, "PUT", LegalHold={"Status": "ON"}, **where)
        _method_refused(s3.get_object_legal_hold, "GET", **where)

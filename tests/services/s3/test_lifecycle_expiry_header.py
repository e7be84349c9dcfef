"""x-amz-expiration: S3 tells a writer and a reader when a lifecycle rule will expire an
object (`expiry-date="<midnight GMT>", rule-id="<ID>"`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

_HEADER = re.compile(r'expiry-date="([^"]+)", rule-id="([^"]*)"')


def _rules(s3: Any, bucket: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})


def _parsed(expiration: str) -> tuple[datetime, str]:
    match = _HEADER.fullmatch(expiration)
    assert match is not None, expiration
    return parsedate_to_datetime(match[1]), match[2]


def test_days_rule_expiry_is_the_midnight_after_creation_plus_days(s3: Any, bucket: str) -> None:
    _rules(s3, bucket, {"ID": "logs-1d", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                        "Expiration": {"Days": 1}})  # fmt: skip
    put = s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")
    when, rule = _parsed(put["Expiration"])
    created = s3.head_object(Bucket=bucket, Key="logs/a")["LastModified"]
    assert rule == "logs-1d"
    assert (when.hour, when.minute, when.second) == (0, 0, 0)
    assert created + timedelta(days=1) <= when < created + timedelta(days=2)
    assert s3.head_object(Bucket=bucket, Key="logs/a")["Expiration"] == put["Expiration"]
    assert s3.get_object(Bucket=bucket, Key="logs/a")["Expiration"] == put["Expiration"]
    outside = s3.put_object(Bucket=bucket, Key="other", Body=b"x")
    assert "Expiration" not in outside
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="other")


def test_earliest_enabled_matching_rule_is_named(s3: Any, bucket: str) -> None:
    date = datetime(2031, 1, 1, tzinfo=UTC)
    every = {"Prefix": ""}
    _rules(
        s3, bucket,
        {"ID": "later", "Status": "Enabled", "Filter": every, "Expiration": {"Days": 3650}},
        {"ID": "dated", "Status": "Enabled", "Filter": every, "Expiration": {"Date": date}},
        {"ID": "off", "Status": "Disabled", "Filter": every, "Expiration": {"Days": 1}},
        {"ID": "tagged", "Status": "Enabled", "Filter": {"Tag": {"Key": "tmp", "Value": "yes"}},
         "Expiration": {"Days": 2}},
    )  # fmt: skip
    plain = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert _parsed(plain["Expiration"]) == (date, "dated")
    tagged = s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="tmp=yes")
    assert _parsed(tagged["Expiration"])[1] == "tagged"


def test_copy_and_completed_upload_report_expiration(s3: Any, bucket: str) -> None:
    _rules(s3, bucket, {"ID": "all", "Status": "Enabled", "Filter": {"Prefix": ""},
                        "Expiration": {"Days": 7}})  # fmt: skip
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    assert _parsed(copied["Expiration"])[1] == "all"
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload_id, PartNumber=1,
                          Body=b"x")["ETag"]  # fmt: skip
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )  # fmt: skip
    assert _parsed(done["Expiration"])[1] == "all"


def test_no_lifecycle_no_expiration(s3: Any, bucket: str) -> None:
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "Expiration" not in s3.get_object(Bucket=bucket, Key="k")

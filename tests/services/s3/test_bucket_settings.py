"""Server access logging and Requester Pays settings: stored, answered, validated as S3 does."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_logging_off_by_default(s3: Any, bucket: str) -> None:
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_logging_round_trip_and_off(s3: Any, bucket: str, bucket_name: Any) -> None:
    target = bucket_name()
    s3.create_bucket(Bucket=target)
    enabled = {"TargetBucket": target, "TargetPrefix": "logs/"}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": enabled})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == enabled
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_logging_to_itself_with_grants_and_key_format(s3: Any, bucket: str) -> None:
    enabled = {
        "TargetBucket": bucket, "TargetPrefix": "",
        "TargetGrants": [{"Grantee": {"Type": "Group",
                                      "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                          "Permission": "READ"}],
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}},
    }  # fmt: skip
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": enabled})
    found = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert found["TargetObjectKeyFormat"] == enabled["TargetObjectKeyFormat"]
    assert found["TargetGrants"][0]["Permission"] == "READ"


def test_logging_target_must_exist(s3: Any, bucket: str, bucket_name: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": bucket_name(), "TargetPrefix": "x"}})
    assert _error(caught) == ("InvalidTargetBucketForLogging", 400)
    assert caught.value.response["Error"]["Message"] == (
        "The target bucket for logging does not exist")


def test_logging_target_of_another_account(client: Any, s3: Any, bucket: str,
                                           bucket_name: Any) -> None:  # fmt: skip
    other = client("s3", aws_access_key_id="111111111111")
    target = bucket_name()
    other.create_bucket(Bucket=target)
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": target, "TargetPrefix": "x"}})
    assert _error(caught) == ("InvalidTargetBucketForLogging", 400)
    assert "must be the same" in caught.value.response["Error"]["Message"]


def test_logging_target_in_another_region(s3: Any, bucket: str, bucket_name: Any) -> None:
    target = bucket_name()
    s3.create_bucket(Bucket=target,
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": target, "TargetPrefix": "x"}})
    assert _error(caught) == ("CrossLocationLoggingProhibited", 403)


def test_request_payment(s3: Any, bucket: str) -> None:
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket,
                                  RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    s3.put_bucket_request_payment(Bucket=bucket,
                                  RequestPaymentConfiguration={"Payer": "BucketOwner"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"


def test_request_payment_invalid_payer(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_request_payment(Bucket=bucket,
                                      RequestPaymentConfiguration={"Payer": "Nobody"})
    assert _error(caught) == ("MalformedXML", 400)


def test_settings_of_a_missing_bucket(s3: Any, bucket_name: Any) -> None:
    for call in (s3.get_bucket_logging, s3.get_bucket_request_payment):
        with pytest.raises(ClientError) as caught:
            call(Bucket=bucket_name())
        assert _error(caught) == ("NoSuchBucket", 404)

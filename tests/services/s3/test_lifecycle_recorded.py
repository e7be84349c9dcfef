"""Lifecycle answers held to AWS's own, as recorded in LocalStack's AWS-validated snapshots
(tests/aws/services/s3/test_s3.snapshot.json, class TestS3BucketLifecycle):
test_put_bucket_lifecycle_conf_exc, test_bucket_lifecycle_configuration_date,
test_bucket_lifecycle_configuration_object_expiry_versioned,
test_lifecycle_expired_object_delete_marker, test_bucket_lifecycle_object_size_rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

_MALFORMED = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def _put(s3: Any, bucket: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return s3.put_bucket_lifecycle_configuration(  # type: ignore[no-any-return]
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}
    )


def _refusal(s3: Any, bucket: str, *rules: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        _put(s3, bucket, *rules)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return caught.value.response["Error"]  # type: ignore[no-any-return]


def _rule(**members: Any) -> dict[str, Any]:
    return {"ID": "r", "Status": "Enabled", "Filter": {}, **members}


def test_empty_noncurrent_version_expiration_is_malformed(s3: Any, bucket: str) -> None:
    error = _refusal(s3, bucket, _rule(NoncurrentVersionExpiration={}))
    assert (error["Code"], error["Message"]) == ("MalformedXML", _MALFORMED)


def test_filter_with_two_members_is_malformed(s3: Any, bucket: str) -> None:
    for rule_filter in (
        {"Prefix": "a", "And": {"Prefix": "b", "ObjectSizeGreaterThan": 1}},
        {"ObjectSizeGreaterThan": 1, "And": {"Prefix": "b", "ObjectSizeLessThan": 9}},
    ):
        error = _refusal(s3, bucket, _rule(Filter=rule_filter, Expiration={"Days": 1}))
        assert (error["Code"], error["Message"]) == ("MalformedXML", _MALFORMED)


def test_date_not_at_midnight_names_the_argument(s3: Any, bucket: str) -> None:
    when = datetime(2031, 1, 2, 12, tzinfo=UTC)
    error = _refusal(s3, bucket, _rule(Expiration={"Date": when}))
    assert (error["Code"], error["Message"]) == (
        "InvalidArgument",
        "'Date' must be at midnight GMT",
    )
    assert error["ArgumentName"] == "Date"
    assert error["ArgumentValue"]


def test_duplicate_tag_keys_are_refused(s3: Any, bucket: str) -> None:
    tags = [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]
    error = _refusal(
        s3, bucket, _rule(Filter={"And": {"Prefix": "", "Tags": tags}}, Expiration={"Days": 1})
    )
    assert (error["Code"], error["Message"]) == (
        "InvalidRequest",
        "Duplicate Tag Keys are not allowed.",
    )


def test_expired_delete_marker_with_days_is_malformed(s3: Any, bucket: str) -> None:
    error = _refusal(s3, bucket, _rule(Expiration={"Days": 1, "ExpiredObjectDeleteMarker": True}))
    assert (error["Code"], error["Message"]) == ("MalformedXML", _MALFORMED)


def test_configuration_answers_as_given(s3: Any, bucket: str) -> None:
    date = datetime(2031, 1, 1, tzinfo=UTC)
    _put(
        s3,
        bucket,
        _rule(ID="dated", Expiration={"Date": date}),
        _rule(ID="big", Filter={"ObjectSizeGreaterThan": 20}, Expiration={"Days": 3}),
    )
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["Rules"] == [
        {"Expiration": {"Date": date}, "Filter": {}, "ID": "dated", "Status": "Enabled"},
        {
            "Expiration": {"Days": 3},
            "Filter": {"ObjectSizeGreaterThan": 20},
            "ID": "big",
            "Status": "Enabled",
        },
    ]
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"


def test_size_rules_pick_the_objects_they_name(s3: Any, bucket: str) -> None:
    _put(
        s3,
        bucket,
        _rule(ID="one", Filter={"ObjectSizeGreaterThan": 20}, Expiration={"Days": 1}),
        _rule(ID="two", Filter={"ObjectSizeLessThan": 10}, Expiration={"Days": 1}),
    )
    assert 'rule-id="one"' in s3.put_object(Bucket=bucket, Key="a", Body=b"x" * 30)["Expiration"]
    assert 'rule-id="two"' in s3.put_object(Bucket=bucket, Key="b", Body=b"x")["Expiration"]
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="c", Body=b"x" * 15)


def test_expired_delete_marker_rule_sets_no_expiration(s3: Any, bucket: str) -> None:
    _put(s3, bucket, _rule(ID="rule-marker", Expiration={"ExpiredObjectDeleteMarker": True}))
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got[0]["Expiration"] == {"ExpiredObjectDeleteMarker": True}
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="k", Body=b"test")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="k")


def test_versioned_only_the_unaddressed_current_version_reports_expiration(
    s3: Any, bucket: str
) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    _put(
        s3,
        bucket,
        _rule(
            ID="rule2", Expiration={"Days": 2}, NoncurrentVersionExpiration={"NoncurrentDays": 1}
        ),
    )
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"test")
    assert "Expiration" in s3.head_object(Bucket=bucket, Key="k")
    second = s3.put_object(Bucket=bucket, Key="k", Body=b"test")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="k", VersionId=first["VersionId"])
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="k", VersionId=second["VersionId"])
    assert "Expiration" in s3.head_object(Bucket=bucket, Key="k")
    assert "Expiration" not in s3.get_object(Bucket=bucket, Key="k", VersionId=second["VersionId"])

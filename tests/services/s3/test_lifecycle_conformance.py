"""Lifecycle, test by test against what ceph/s3-tests expects of S3 (its `lifecycle` group):
rule validation (status, IDs, Days, Date, filter forms) and rules that act on the cloud clock:
noncurrent-version expiration, abort of incomplete multipart uploads, and removal of expired
delete markers. The clock moves, so the module runs its own server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.support import advance_clock, refusal

DAY_S = 86_400


@pytest.fixture
def endpoint(own_endpoint: str) -> str:
    return own_endpoint


def _put(s3: Any, bucket: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                          LifecycleConfiguration={"Rules": list(rules)})


def _rule(**fields: Any) -> dict[str, Any]:
    return {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": ""}, **fields}


@pytest.mark.parametrize("status", ["enabled", "disabled", "invalid"])
def test_status_is_case_sensitive(s3: Any, bucket: str, status: str) -> None:
    code, _, http = refusal(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                            LifecycleConfiguration={"Rules": [
                                _rule(Status=status, Expiration={"Days": 1})]})
    assert (code, http) == ("MalformedXML", 400)


@pytest.mark.parametrize("expiration", [{"Days": 0}, {"Days": -1}])
def test_days_must_be_positive(s3: Any, bucket: str, expiration: dict[str, int]) -> None:
    code, _, http = refusal(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                            LifecycleConfiguration={"Rules": [_rule(Expiration=expiration)]})
    assert (code, http) == ("InvalidArgument", 400)


def test_accepted_forms(s3: Any, bucket: str) -> None:
    forms = [
        _rule(Expiration={"ExpiredObjectDeleteMarker": True}),
        _rule(Filter={}, Expiration={"Days": 1}),
        _rule(Filter={"Prefix": "test1/"}, NoncurrentVersionExpiration={"NoncurrentDays": 2}),
        _rule(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2}),
        _rule(Filter={"And": {"Prefix": "p/", "Tags": [{"Key": "a", "Value": "b"}],
                              "ObjectSizeGreaterThan": 10}}, Expiration={"Days": 3}),
        _rule(Filter={"ObjectSizeGreaterThan": 10}, Expiration={"Days": 3}),
        _rule(Filter={"Tag": {"Key": "a", "Value": "b"}}, Expiration={"Days": 3}),
    ]
    for form in forms:
        _put(s3, bucket, form)
        assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == [form]


def test_rule_without_id_gets_one(s3: Any, bucket: str) -> None:
    _put(s3, bucket, {"Status": "Enabled", "Filter": {"Prefix": "a/"}, "Expiration": {"Days": 1}},
         {"Status": "Enabled", "Filter": {"Prefix": "b/"}, "Expiration": {"Days": 2}})
    ids = [r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]]
    assert all(ids) and len(set(ids)) == 2


def test_noncurrent_versions_expire_on_the_clock(
    s3: Any, bucket_name: Callable[[], str], endpoint: str
) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    _put(s3, bucket, _rule(Filter={"Prefix": "test1/"},
                           NoncurrentVersionExpiration={"NoncurrentDays": 2}))
    for key in ("test1/a", "test1/b", "keep/a"):
        for _ in range(3):
            s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    advance_clock(endpoint, 1 * DAY_S)
    assert len(s3.list_object_versions(Bucket=bucket)["Versions"]) == 9
    advance_clock(endpoint, 2 * DAY_S)
    left = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert sorted(v["Key"] for v in left) == ["keep/a"] * 3 + ["test1/a", "test1/b"]
    assert all(v["IsLatest"] for v in left if v["Key"].startswith("test1/"))


def test_incomplete_uploads_are_aborted_on_the_clock(
    s3: Any, bucket_name: Callable[[], str], endpoint: str
) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    _put(s3, bucket, _rule(Filter={"Prefix": "mp/"},
                           AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2}))
    for key in ("mp/one", "other/two"):
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    advance_clock(endpoint, 1 * DAY_S)
    assert len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 2
    advance_clock(endpoint, 2 * DAY_S)
    uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [u["Key"] for u in uploads] == ["other/two"]


def test_expired_delete_markers_are_removed(
    s3: Any, bucket_name: Callable[[], str], endpoint: str
) -> None:
    bucket = bucket_name()
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    _put(s3, bucket, _rule(Expiration={"ExpiredObjectDeleteMarker": True},
                           NoncurrentVersionExpiration={"NoncurrentDays": 1}))
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="gone")
    s3.put_object(Bucket=bucket, Key="kept", Body=b"x")
    advance_clock(endpoint, 2 * DAY_S)  # the noncurrent version expires first...
    advance_clock(endpoint, 1 * DAY_S)  # ...then its marker, now alone, is removed
    listed = s3.list_object_versions(Bucket=bucket)
    assert "DeleteMarkers" not in listed
    assert [v["Key"] for v in listed["Versions"]] == ["kept"]

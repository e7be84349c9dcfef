"""Object Lock, test by test against what ceph/s3-tests expects of S3 (its `object-lock`
group): bucket configuration, retention and legal hold per version, deletes refused while
locked, lock headers on multipart uploads, and the governance bypass."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.support import refusal

GOVERNANCE_DAY = {"ObjectLockEnabled": "Enabled",
                  "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}


def _until(days: float = 365) -> datetime:
    """A retain-until date in the future, whole seconds (S3 keeps seconds)."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def locked(s3: Any, bucket_name: Callable[[], str]) -> str:
    name = bucket_name()
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def _code(call: Any, *args: Any, **params: Any) -> tuple[str, int]:
    code, _, status = refusal(call, *args, **params)
    return code, status


def test_configuration_round_trip(s3: Any, locked: str) -> None:
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=GOVERNANCE_DAY)
    got = s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert got == GOVERNANCE_DAY
    compliance = {"ObjectLockEnabled": "Enabled",
                  "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}}
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=compliance)
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"


@pytest.mark.parametrize("retention", [
    {"Mode": "abc", "Years": 1}, {"Mode": "governance", "Years": 1},
    {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}, {"Mode": "GOVERNANCE"},
])
def test_configuration_malformed(s3: Any, locked: str, retention: dict[str, Any]) -> None:
    configuration = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}}
    assert _code(s3.put_object_lock_configuration, Bucket=locked,
                 ObjectLockConfiguration=configuration) == ("MalformedXML", 400)


def test_configuration_disabled_status_is_malformed(s3: Any, locked: str) -> None:
    configuration = {**GOVERNANCE_DAY, "ObjectLockEnabled": "Disabled"}
    assert _code(s3.put_object_lock_configuration, Bucket=locked,
                 ObjectLockConfiguration=configuration) == ("MalformedXML", 400)


@pytest.mark.parametrize("period", [{"Days": 0}, {"Years": -1}])
def test_configuration_period_must_be_positive(
    s3: Any, locked: str, period: dict[str, int]
) -> None:
    # ceph expects InvalidRetentionPeriod (RGW's code); S3 answers InvalidArgument with
    # "Default retention period must be a positive integer value."
    configuration = {"ObjectLockEnabled": "Enabled",
                     "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", **period}}}
    code, message, status = refusal(s3.put_object_lock_configuration, Bucket=locked,
                                    ObjectLockConfiguration=configuration)
    assert (code, status) == ("InvalidArgument", 400)
    assert message == "Default retention period must be a positive integer value."


def test_configuration_needs_lock_or_versioning(s3: Any, bucket: str) -> None:
    assert _code(s3.put_object_lock_configuration, Bucket=bucket,
                 ObjectLockConfiguration=GOVERNANCE_DAY) == ("InvalidBucketState", 409)
    assert _code(s3.get_object_lock_configuration, Bucket=bucket) == (
        "ObjectLockConfigurationNotFoundError", 404)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=GOVERNANCE_DAY)
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == (
        GOVERNANCE_DAY)


def test_versioning_cannot_be_suspended(s3: Any, locked: str) -> None:
    assert _code(s3.put_bucket_versioning, Bucket=locked,
                 VersioningConfiguration={"Status": "Suspended"}) == ("InvalidBucketState", 409)


def test_lock_requests_on_a_bucket_without_lock(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="file1", Body=b"abc")
    retention = {"Mode": "GOVERNANCE", "RetainUntilDate": _until()}
    for call, params in ((s3.put_object_retention, {"Retention": retention}),
                         (s3.get_object_retention, {}),
                         (s3.put_object_legal_hold, {"LegalHold": {"Status": "ON"}}),
                         (s3.get_object_legal_hold, {})):
        assert _code(call, Bucket=bucket, Key="file1", **params) == ("InvalidRequest", 400)


@pytest.mark.parametrize("mode", ["governance", "abc"])
def test_retention_mode_malformed(s3: Any, locked: str, mode: str) -> None:
    s3.put_object(Bucket=locked, Key="file1", Body=b"abc")
    assert _code(s3.put_object_retention, Bucket=locked, Key="file1",
                 Retention={"Mode": mode, "RetainUntilDate": _until()}) == ("MalformedXML", 400)


def test_retention_round_trip_and_headers(s3: Any, locked: str) -> None:
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=GOVERNANCE_DAY)
    s3.put_object(Bucket=locked, Key="file1", Body=b"abc")
    version = s3.put_object(Bucket=locked, Key="file1", Body=b"abc")["VersionId"]
    retention = {"Mode": "GOVERNANCE", "RetainUntilDate": _until(400)}  # overrides the default
    s3.put_object_retention(Bucket=locked, Key="file1", VersionId=version, Retention=retention)
    assert s3.get_object_retention(Bucket=locked, Key="file1", VersionId=version)[
        "Retention"] == retention
    s3.put_object_legal_hold(Bucket=locked, Key="file1", LegalHold={"Status": "ON"})
    head = s3.head_object(Bucket=locked, Key="file1")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"],
            head["ObjectLockLegalHoldStatus"]) == ("GOVERNANCE", retention["RetainUntilDate"], "ON")
    raw = head["ResponseMetadata"]["HTTPHeaders"]["x-amz-object-lock-retain-until-date"]
    assert datetime.fromisoformat(raw.replace("Z", "+00:00")) == retention["RetainUntilDate"]


def test_retention_may_grow_not_shrink_without_bypass(s3: Any, locked: str) -> None:
    s3.put_object(Bucket=locked, Key="file1", Body=b"abc")
    later = {"Mode": "GOVERNANCE", "RetainUntilDate": _until(400)}
    s3.put_object_retention(Bucket=locked, Key="file1",
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": _until(300)})
    s3.put_object_retention(Bucket=locked, Key="file1", Retention=later)
    assert s3.get_object_retention(Bucket=locked, Key="file1")["Retention"] == later
    sooner = {"Mode": "GOVERNANCE", "RetainUntilDate": _until(200)}
    assert _code(s3.put_object_retention, Bucket=locked, Key="file1",
                 Retention=sooner) == ("AccessDenied", 403)
    s3.put_object_retention(Bucket=locked, Key="file1", Retention=sooner,
                            BypassGovernanceRetention=True)
    assert s3.get_object_retention(Bucket=locked, Key="file1")["Retention"] == sooner


def test_mode_changes(s3: Any, locked: str) -> None:
    until = _until(10)
    s3.put_object(Bucket=locked, Key="gov", Body=b"abc", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until)
    compliance = {"Mode": "COMPLIANCE", "RetainUntilDate": until}
    # GOVERNANCE to COMPLIANCE is an alteration of a governance lock: it needs the bypass
    assert _code(s3.put_object_retention, Bucket=locked, Key="gov",
                 Retention=compliance) == ("AccessDenied", 403)
    s3.put_object_retention(Bucket=locked, Key="gov", Retention=compliance,
                            BypassGovernanceRetention=True)
    s3.put_object(Bucket=locked, Key="comp", Body=b"abc", ObjectLockMode="COMPLIANCE",
                  ObjectLockRetainUntilDate=until)
    governance = {"Mode": "GOVERNANCE", "RetainUntilDate": until}
    for bypass in (False, True):
        assert _code(s3.put_object_retention, Bucket=locked, Key="comp", Retention=governance,
                     BypassGovernanceRetention=bypass) == ("AccessDenied", 403)


def test_delete_under_retention(s3: Any, locked: str) -> None:
    version = s3.put_object(Bucket=locked, Key="file1", Body=b"abc")["VersionId"]
    s3.put_object_retention(Bucket=locked, Key="file1",
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": _until()})
    code, message, status = refusal(s3.delete_object, Bucket=locked, Key="file1",
                                    VersionId=version)
    assert (code, message, status) == ("AccessDenied", "Access Denied", 403)
    marker = s3.delete_object(Bucket=locked, Key="file1")  # a delete marker is always allowed
    assert marker["DeleteMarker"] is True
    gone = s3.delete_object(Bucket=locked, Key="file1", VersionId=marker["VersionId"])
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _code(s3.delete_object, Bucket=locked, Key="file1",
                 VersionId=version) == ("AccessDenied", 403)
    answer = s3.delete_object(Bucket=locked, Key="file1", VersionId=version,
                              BypassGovernanceRetention=True)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects_under_retention(s3: Any, locked: str) -> None:
    first = s3.put_object(Bucket=locked, Key="file1", Body=b"abc")["VersionId"]
    second = s3.put_object(Bucket=locked, Key="file2", Body=b"abc")["VersionId"]
    s3.put_object_retention(Bucket=locked, Key="file1",
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": _until()})
    objects = [{"Key": "file1", "VersionId": first}, {"Key": "file2", "VersionId": second}]
    answer = s3.delete_objects(Bucket=locked, Delete={"Objects": objects})
    assert [(d["Key"], d["VersionId"]) for d in answer["Deleted"]] == [("file2", second)]
    assert [(e["Key"], e["VersionId"], e["Code"]) for e in answer["Errors"]] == [
        ("file1", first, "AccessDenied")]
    answer = s3.delete_objects(Bucket=locked, Delete={"Objects": objects[:1]},
                               BypassGovernanceRetention=True)
    assert not answer.get("Errors")
    assert [(d["Key"], d["VersionId"]) for d in answer["Deleted"]] == [("file1", first)]


def test_legal_hold(s3: Any, locked: str) -> None:
    version = s3.put_object(Bucket=locked, Key="file1", Body=b"abc")["VersionId"]
    assert _code(s3.put_object_legal_hold, Bucket=locked, Key="file1",
                 LegalHold={"Status": "abc"}) == ("MalformedXML", 400)
    s3.put_object_legal_hold(Bucket=locked, Key="file1", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="file1")["LegalHold"] == {"Status": "ON"}
    assert _code(s3.delete_object, Bucket=locked, Key="file1",
                 VersionId=version) == ("AccessDenied", 403)
    s3.put_object_legal_hold(Bucket=locked, Key="file1", LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="file1")["LegalHold"] == {"Status": "OFF"}
    answer = s3.delete_object(Bucket=locked, Key="file1", VersionId=version)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_upload_with_lock_headers(s3: Any, locked: str) -> None:
    until = _until()
    s3.put_object(Bucket=locked, Key="file1", Body=b"abc", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")
    head = s3.head_object(Bucket=locked, Key="file1")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"],
            head["ObjectLockLegalHoldStatus"]) == ("GOVERNANCE", until, "ON")


@pytest.mark.parametrize("lock", [
    {"ObjectLockMode": "GOVERNANCE"}, {"ObjectLockLegalHoldStatus": "ON"},
])
def test_multipart_upload_with_lock(s3: Any, locked: str, lock: dict[str, Any]) -> None:
    if "ObjectLockMode" in lock:
        lock = {**lock, "ObjectLockRetainUntilDate": _until()}
    upload = s3.create_multipart_upload(Bucket=locked, Key="big", **lock)["UploadId"]
    part = s3.upload_part(Bucket=locked, Key="big", UploadId=upload, PartNumber=1, Body=b"x")
    done = s3.complete_multipart_upload(
        Bucket=locked, Key="big", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    head = s3.head_object(Bucket=locked, Key="big")
    for name, value in lock.items():
        assert head[name] == value
    assert _code(s3.delete_object, Bucket=locked, Key="big",
                 VersionId=done["VersionId"]) == ("AccessDenied", 403)


def test_copy_onto_a_lock_bucket(s3: Any, locked: str) -> None:
    until = _until()
    s3.put_object(Bucket=locked, Key="src", Body=b"abc", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until)
    s3.copy_object(Bucket=locked, Key="plain", CopySource={"Bucket": locked, "Key": "src"})
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked, Key="plain")
    s3.copy_object(Bucket=locked, Key="held", CopySource={"Bucket": locked, "Key": "src"},
                   ObjectLockLegalHoldStatus="ON")
    assert s3.head_object(Bucket=locked, Key="held")["ObjectLockLegalHoldStatus"] == "ON"

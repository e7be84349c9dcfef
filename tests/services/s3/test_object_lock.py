"""Object Lock end to end: bucket configuration, default and explicit retention, legal hold,
and deletes of locked versions refused (DeleteObject and DeleteObjects) until the retention
ends on the cloud clock. This module moves the clock, so it runs on a server of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import advance_clock, start_server


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    own = start_server()  # advancing the clock must not age other modules' objects
    yield own.endpoint
    own.stop()


@pytest.fixture
def locked(s3: Any, bucket_name: Callable[[], str]) -> str:
    name = bucket_name()
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def _later(endpoint: str, days: float) -> datetime:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{endpoint}/_pocketcloud/clock") as answer:
        now = json.load(answer)["now"]
    return datetime.fromtimestamp(now, UTC) + timedelta(days=days)


def test_lock_configuration(s3: Any, locked: str, bucket: str) -> None:
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    got = s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert got == {"ObjectLockEnabled": "Enabled"}
    rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2}}
    s3.put_object_lock_configuration(
        Bucket=locked, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule}
    )
    got = s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert got["Rule"] == rule
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Suspended"})
    assert _error(excinfo) == ("InvalidBucketState", 409)
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}},
        })  # fmt: skip
    assert _error(excinfo) == ("MalformedXML", 400)

    with pytest.raises(ClientError) as excinfo:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert _error(excinfo) == ("ObjectLockConfigurationNotFoundError", 404)
    with pytest.raises(ClientError) as excinfo:  # needs versioning first
        s3.put_object_lock_configuration(
            Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
        )
    assert _error(excinfo) == ("InvalidBucketState", 409)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(
        Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
    )
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]


def test_default_retention_blocks_version_delete_until_it_ends(
    s3: Any, locked: str, endpoint: str
) -> None:
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}},
    })  # fmt: skip
    version = s3.put_object(Bucket=locked, Key="k", Body=b"keep")["VersionId"]
    head = s3.head_object(Bucket=locked, Key="k")
    assert head["ObjectLockMode"] == "COMPLIANCE"
    retention = s3.get_object_retention(Bucket=locked, Key="k")["Retention"]
    assert retention["Mode"] == "COMPLIANCE"
    assert retention["RetainUntilDate"] > _later(endpoint, 0.99)

    with pytest.raises(ClientError) as excinfo:
        s3.delete_object(Bucket=locked, Key="k", VersionId=version)
    assert _error(excinfo) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as excinfo:  # compliance cannot be bypassed
        s3.delete_object(Bucket=locked, Key="k", VersionId=version, BypassGovernanceRetention=True)
    assert _error(excinfo) == ("AccessDenied", 403)
    objects = [{"Key": "k", "VersionId": version}]
    batch = s3.delete_objects(Bucket=locked, Delete={"Objects": objects})
    assert [(e["Code"], e["VersionId"]) for e in batch["Errors"]] == [("AccessDenied", version)]
    with pytest.raises(ClientError) as excinfo:  # nor shortened
        s3.put_object_retention(Bucket=locked, Key="k", Retention={
            "Mode": "COMPLIANCE", "RetainUntilDate": _later(endpoint, 0.5)})  # fmt: skip
    assert _error(excinfo) == ("AccessDenied", 403)

    marker = s3.delete_object(Bucket=locked, Key="k")  # a delete marker is always allowed
    assert marker["DeleteMarker"] is True
    advance_clock(endpoint, 2 * 86_400)
    s3.delete_object(Bucket=locked, Key="k", VersionId=version)
    s3.delete_object(Bucket=locked, Key="k", VersionId=marker["VersionId"])
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_governance_retention_and_bypass(s3: Any, locked: str, endpoint: str) -> None:
    until = _later(endpoint, 3)
    version = s3.put_object(
        Bucket=locked, Key="g", Body=b"x", ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
    )["VersionId"]  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        s3.delete_object(Bucket=locked, Key="g", VersionId=version)
    assert _error(excinfo) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as excinfo:  # shortening governance needs the bypass
        s3.put_object_retention(Bucket=locked, Key="g", VersionId=version, Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": _later(endpoint, 1)})  # fmt: skip
    assert _error(excinfo) == ("AccessDenied", 403)
    s3.put_object_retention(Bucket=locked, Key="g", VersionId=version, Retention={
        "Mode": "GOVERNANCE", "RetainUntilDate": _later(endpoint, 1)},
        BypassGovernanceRetention=True)  # fmt: skip
    s3.delete_object(Bucket=locked, Key="g", VersionId=version, BypassGovernanceRetention=True)
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=locked, Key="g", VersionId=version)
    assert _error(excinfo)[1] == 404


def test_legal_hold(s3: Any, locked: str, bucket: str) -> None:
    version = s3.put_object(Bucket=locked, Key="h", Body=b"x")["VersionId"]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_legal_hold(Bucket=locked, Key="h")
    assert _error(excinfo) == ("NoSuchObjectLockConfiguration", 404)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_retention(Bucket=locked, Key="h")
    assert _error(excinfo) == ("NoSuchObjectLockConfiguration", 404)
    s3.put_object_legal_hold(Bucket=locked, Key="h", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"] == {"Status": "ON"}
    assert s3.head_object(Bucket=locked, Key="h")["ObjectLockLegalHoldStatus"] == "ON"
    with pytest.raises(ClientError) as excinfo:
        s3.delete_object(Bucket=locked, Key="h", VersionId=version, BypassGovernanceRetention=True)
    assert _error(excinfo) == ("AccessDenied", 403)
    s3.put_object_legal_hold(Bucket=locked, Key="h", VersionId=version, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="h", VersionId=version)

    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_legal_hold(Bucket=bucket, Key="plain", LegalHold={"Status": "ON"})
    assert _error(excinfo) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="plain", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert _error(excinfo) == ("InvalidRequest", 400)


def test_lock_parameters_need_a_body_digest(locked: str, endpoint: str) -> None:
    import boto3
    from botocore.config import Config

    bare = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(request_checksum_calculation="when_required"))  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        bare.put_object(Bucket=locked, Key="d", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert _error(excinfo) == ("InvalidRequest", 400)
    bare.put_object(Bucket=locked, Key="d", Body=b"x")  # no lock parameters: no digest needed
    bare.put_object(Bucket=locked, Key="d", Body=b"x", ObjectLockLegalHoldStatus="ON",
                    ContentMD5="ndTkYSaMgDT1yFZOFVxnpg==")  # fmt: skip


def test_bad_retention_requests(s3: Any, locked: str, endpoint: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=locked, Key="p", Body=b"x", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=_later(endpoint, -1))  # fmt: skip
    assert _error(excinfo) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=locked, Key="p", Body=b"x", ObjectLockMode="GOVERNANCE")
    assert _error(excinfo) == ("InvalidArgument", 400)
    s3.put_object(Bucket=locked, Key="p", Body=b"x")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_retention(Bucket=locked, Key="p", Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": _later(endpoint, -1)})  # fmt: skip
    assert _error(excinfo) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_retention(Bucket=locked, Key="nope", Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": _later(endpoint, 1)})  # fmt: skip
    assert _error(excinfo) == ("NoSuchKey", 404)


def test_lifecycle_spares_locked_noncurrent_versions(s3: Any, locked: str, endpoint: str) -> None:
    s3.put_bucket_lifecycle_configuration(Bucket=locked, LifecycleConfiguration={"Rules": [{
        "ID": "old", "Status": "Enabled", "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
    }]})  # fmt: skip
    kept = s3.put_object(Bucket=locked, Key="l", Body=b"old", ObjectLockMode="GOVERNANCE",
                         ObjectLockRetainUntilDate=_later(endpoint, 5))["VersionId"]  # fmt: skip
    free = s3.put_object(Bucket=locked, Key="l", Body=b"mid")["VersionId"]
    s3.put_object(Bucket=locked, Key="l", Body=b"new")

    def versions() -> set[str]:
        listed = s3.list_object_versions(Bucket=locked, Prefix="l")
        return {v["VersionId"] for v in listed.get("Versions", [])}

    advance_clock(endpoint, 3 * 86_400)
    left = versions()
    assert kept in left and free not in left  # the locked one outlives its lifecycle rule
    advance_clock(endpoint, 3 * 86_400)
    assert kept not in versions()

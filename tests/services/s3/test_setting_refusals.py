"""Refusals S3 recorded for bucket settings and deletes: an empty versioning document, a bad
x-amz-object-ownership at creation, a policy without Statement, Object Lock's bypass header
on a bucket without Object Lock, and DeleteObjects naming a version that cannot exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    response = excinfo.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


def test_versioning_document_without_status(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={})
    error = _error(excinfo)
    assert (error["Code"], error["Status"]) == ("IllegalVersioningConfigurationException", 400)
    assert error["Message"] == "The Versioning element must be specified"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "enabled"})
    assert _error(excinfo)["Code"] == "MalformedXML"


def test_unknown_object_ownership_at_creation(
    s3: Any, bucket_name: Callable[[], str]
) -> None:
    name = bucket_name()
    with pytest.raises(ClientError) as excinfo:
        s3.create_bucket(Bucket=name, ObjectOwnership="RandomValue")
    error = _error(excinfo)
    assert (error["Code"], error["ArgumentName"]) == ("InvalidArgument", "x-amz-object-ownership")
    assert error["Message"] == "Invalid x-amz-object-ownership header: RandomValue"
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_policy_without_statement(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_policy(Bucket=bucket, Policy="{}")
    error = _error(excinfo)
    assert (error["Code"], error["Message"]) == (
        "MalformedPolicy", "Missing required field Statement",
    )  # fmt: skip


def test_bypass_governance_needs_an_object_lock_bucket(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    message = (
        "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets."
    )
    calls = [
        lambda: s3.delete_object(Bucket=bucket, Key="k", BypassGovernanceRetention=True),
        lambda: s3.delete_object(Bucket=bucket, Key="k", BypassGovernanceRetention=False),
        lambda: s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": "k"}]}, BypassGovernanceRetention=True
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        error = _error(excinfo)
        assert (error["Code"], error["Message"]) == ("InvalidArgument", message)
        assert error["ArgumentName"] == "x-amz-bypass-governance-retention"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"  # nothing deleted


def test_delete_objects_names_an_impossible_version_no_such_version(
    s3: Any, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    version = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"
    answer = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": version}, {"Key": "other"}]}
    )
    assert answer["Errors"] == [{
        "Key": "k", "VersionId": version, "Code": "NoSuchVersion",
        "Message": "The specified version does not exist.",
    }]  # fmt: skip
    assert answer["Deleted"] == [{"Key": "other"}]
    with pytest.raises(ClientError) as excinfo:  # DeleteObject refuses the same id as invalid
        s3.delete_object(Bucket=bucket, Key="k", VersionId=version)
    assert (_error(excinfo)["Code"], _error(excinfo)["ArgumentName"]) == (
        "InvalidArgument", "versionId",
    )  # fmt: skip


def _versioned(s3: Any, bucket_name: Callable[[], str]) -> str:
    name = bucket_name()
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def test_replication_without_rules_and_rule_ids(s3: Any, bucket_name: Callable[[], str]) -> None:
    """No Rules is S3's plain MalformedXML; a rule sent without ID is given one."""
    source, target = _versioned(s3, bucket_name), _versioned(s3, bucket_name)
    role = "arn:aws:iam::000000000000:role/replication"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_replication(Bucket=source,
                                  ReplicationConfiguration={"Role": role, "Rules": []})
    error = _error(excinfo)
    assert (error["Code"], error["Status"]) == ("MalformedXML", 400)
    assert error["Message"] == ("The XML you provided was not well-formed or did not validate "
                                "against our published schema")
    rule = {"Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "Tax"},
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{target}"}}  # fmt: skip
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={"Role": role,
                                                                       "Rules": [rule]})
    stored = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"][0]
    assert stored["ID"] and stored["Filter"] == {"Prefix": "Tax"}

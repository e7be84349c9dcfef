"""Cross-region replication and Transfer Acceleration, end to end through boto3."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/replication"


def _versioned(client: Callable[..., Any], name: str, region: str) -> Any:
    s3 = client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return s3


def _rule(destination: str, **extra: Any) -> dict[str, Any]:
    return {"ID": extra.pop("ID", "all"), "Status": "Enabled", "Priority": 1,
            "Filter": extra.pop("Filter", {}),
            "DeleteMarkerReplication": {"Status": extra.pop("markers", "Disabled")},
            "Destination": {"Bucket": f"arn:aws:s3:::{destination}", **extra}}


def _replicating(client: Callable[..., Any], bucket_name: Callable[[], str],
                 **rule: Any) -> tuple[Any, str, Any, str]:
    source, destination = bucket_name(), bucket_name()
    src = _versioned(client, source, "us-east-1")
    dst = _versioned(client, destination, "eu-west-1")
    src.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": ROLE, "Rules": [_rule(destination, **rule)]})
    return src, source, dst, destination


def _status(s3: Any, bucket: str, key: str, version_id: str, want: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while True:
        try:
            head = s3.head_object(Bucket=bucket, Key=key, VersionId=version_id)
        except ClientError:  # the replica is not there yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
            continue
        if head.get("ReplicationStatus") == want or time.monotonic() > deadline:
            assert head.get("ReplicationStatus") == want
            return head  # type: ignore[no-any-return]
        time.sleep(0.05)


def test_new_versions_are_copied_to_the_other_region(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    src, source, dst, destination = _replicating(client, bucket_name)
    put = src.put_object(Bucket=source, Key="docs/a.txt", Body=b"hello", ContentType="text/x",
                         Metadata={"colour": "blue"}, Tagging="team=red")
    assert put.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get(
        "x-amz-replication-status") in (None, "PENDING")
    source_head = _status(src, source, "docs/a.txt", put["VersionId"], "COMPLETED")
    replica = _status(dst, destination, "docs/a.txt", put["VersionId"], "REPLICA")
    assert replica["ETag"] == source_head["ETag"] == put["ETag"]
    assert replica["LastModified"] == source_head["LastModified"]
    assert replica["ContentType"] == "text/x" and replica["Metadata"] == {"colour": "blue"}
    body = dst.get_object(Bucket=destination, Key="docs/a.txt")
    assert body["Body"].read() == b"hello" and body["VersionId"] == put["VersionId"]
    tags = dst.get_object_tagging(Bucket=destination, Key="docs/a.txt")["TagSet"]
    assert tags == [{"Key": "team", "Value": "red"}]
    assert dst.get_bucket_location(Bucket=destination)["LocationConstraint"] == "eu-west-1"


def test_multipart_objects_keep_their_etag_and_parts(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    src, source, dst, destination = _replicating(client, bucket_name)
    upload = src.create_multipart_upload(Bucket=source, Key="big")["UploadId"]
    parts = []
    for number, fill in ((1, b"a"), (2, b"b")):
        size = 5 * 1024 * 1024 if number == 1 else 1024
        etag = src.upload_part(Bucket=source, Key="big", UploadId=upload, PartNumber=number,
                               Body=fill * size)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    done = src.complete_multipart_upload(Bucket=source, Key="big", UploadId=upload,
                                         MultipartUpload={"Parts": parts})
    replica = _status(dst, destination, "big", done["VersionId"], "REPLICA")
    assert replica["ETag"] == done["ETag"] and replica["ETag"].endswith('-2"')
    second = dst.get_object(Bucket=destination, Key="big", PartNumber=2)
    assert second["Body"].read() == b"b" * 1024


def test_filters_storage_class_and_replicas_not_replicated_again(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    src, source, dst, destination = _replicating(
        client, bucket_name, Filter={"Prefix": "logs/"}, StorageClass="STANDARD_IA")
    kept = src.put_object(Bucket=source, Key="logs/1", Body=b"1")
    skipped = src.put_object(Bucket=source, Key="other/1", Body=b"2")
    replica = _status(dst, destination, "logs/1", kept["VersionId"], "REPLICA")
    assert replica["StorageClass"] == "STANDARD_IA"
    assert "ReplicationStatus" not in src.head_object(Bucket=source, Key="other/1",
                                                      VersionId=skipped["VersionId"])
    with pytest.raises(ClientError) as caught:
        dst.head_object(Bucket=destination, Key="other/1")
    assert caught.value.response["Error"]["Code"] == "404"


def test_delete_markers_replicate_only_when_the_rule_says(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    src, source, dst, destination = _replicating(client, bucket_name, markers="Enabled")
    put = src.put_object(Bucket=source, Key="k", Body=b"x")
    _status(dst, destination, "k", put["VersionId"], "REPLICA")
    marker = src.delete_object(Bucket=source, Key="k")
    assert marker["DeleteMarker"]
    deadline = time.monotonic() + 10
    while True:
        versions = dst.list_object_versions(Bucket=destination).get("DeleteMarkers", [])
        if versions or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert [m["VersionId"] for m in versions] == [marker["VersionId"]]
    # deleting a version by id is never replicated
    src.delete_object(Bucket=source, Key="k", VersionId=put["VersionId"])
    assert dst.head_object(Bucket=destination, Key="k", VersionId=put["VersionId"])


def test_configuration_is_validated_as_s3_does(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    s3 = client("s3")
    plain, other = bucket_name(), bucket_name()
    s3.create_bucket(Bucket=plain)
    config = {"Role": ROLE, "Rules": [_rule(other)]}

    def error(bucket: str, configuration: dict[str, Any]) -> tuple[str, str]:
        with pytest.raises(ClientError) as caught:
            s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=configuration)
        return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]

    assert error(plain, config) == ("InvalidRequest", "Versioning must be 'Enabled' on the "
                                    "bucket to apply a replication configuration")
    s3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    assert error(plain, config) == ("InvalidRequest", "Destination bucket must exist.")
    s3.create_bucket(Bucket=other)
    assert error(plain, config) == ("InvalidRequest",
                                    "Destination bucket must have versioning enabled.")
    s3.put_bucket_versioning(Bucket=other, VersioningConfiguration={"Status": "Enabled"})
    no_markers = {"Role": ROLE, "Rules": [{k: v for k, v in _rule(other).items()
                                           if k != "DeleteMarkerReplication"}]}
    assert error(plain, no_markers)[0] == "InvalidRequest"
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_replication(Bucket=plain)
    assert caught.value.response["Error"]["Code"] == "ReplicationConfigurationNotFoundError"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.put_bucket_replication(Bucket=plain, ReplicationConfiguration=config)
    stored = s3.get_bucket_replication(Bucket=plain)["ReplicationConfiguration"]
    assert stored["Role"] == ROLE and stored["Rules"][0]["ID"] == "all"
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Suspended"})
    assert caught.value.response["Error"]["Code"] == "InvalidBucketState"
    s3.delete_bucket_replication(Bucket=plain)
    with pytest.raises(ClientError):
        s3.get_bucket_replication(Bucket=plain)


def test_a_copy_is_replicated_afresh(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    src, source, dst, destination = _replicating(client, bucket_name)
    first = src.put_object(Bucket=source, Key="a", Body=b"x")
    _status(src, source, "a", first["VersionId"], "COMPLETED")
    copy = src.copy_object(Bucket=source, Key="b", CopySource={"Bucket": source, "Key": "a"})
    _status(dst, destination, "b", copy["VersionId"], "REPLICA")


def test_transfer_acceleration_setting_and_endpoint(
        client: Callable[..., Any], bucket_name: Callable[[], str], endpoint: str) -> None:
    s3 = client("s3")
    name = bucket_name()
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"fast")
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=name)
    accelerated = _accelerate_client(endpoint)
    with pytest.raises(ClientError) as caught:
        accelerated.get_object(Bucket=name, Key="k")
    assert caught.value.response["Error"]["Message"] == \
        "S3 Transfer Acceleration is not configured on this bucket"
    s3.put_bucket_accelerate_configuration(Bucket=name,
                                           AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=name)["Status"] == "Enabled"
    assert accelerated.get_object(Bucket=name, Key="k")["Body"].read() == b"fast"
    dotted = f"{bucket_name()}.with.dots"
    s3.create_bucket(Bucket=dotted)
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_accelerate_configuration(Bucket=dotted,
                                               AccelerateConfiguration={"Status": "Enabled"})
    assert caught.value.response["Error"]["Code"] == "InvalidRequest"


def _accelerate_client(endpoint: str) -> Any:
    """A client of the accelerate endpoint style (Host <bucket>.s3-accelerate.localhost),
    connecting to 127.0.0.1: *.localhost names need not resolve on every machine."""
    port = endpoint.rsplit(":", 1)[1]
    accelerated = boto3.client(
        "s3", region_name="us-east-1", endpoint_url=f"http://s3-accelerate.localhost:{port}",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "virtual"}, retries={"max_attempts": 1}))

    def to_loopback(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        request.headers["Host"] = parts.netloc
        request.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))

    accelerated.meta.events.register("before-send.s3", to_loopback)
    return accelerated


def _markers(s3: Any, bucket: str, want: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    while True:
        markers = s3.list_object_versions(Bucket=bucket).get("DeleteMarkers", [])
        if len(markers) >= want or time.monotonic() > deadline:
            return markers  # type: ignore[no-any-return]
        time.sleep(0.05)


def test_a_v1_configuration_replicates_delete_markers(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    """A rule without Filter is the V1 schema, where S3 replicates the delete markers that
    users' deletes make (V2 does only with DeleteMarkerReplication)."""
    source, destination = bucket_name(), bucket_name()
    src = _versioned(client, source, "us-east-1")
    dst = _versioned(client, destination, "eu-west-1")
    src.put_bucket_replication(Bucket=source, ReplicationConfiguration={"Role": ROLE, "Rules": [
        {"ID": "v1", "Status": "Enabled", "Prefix": "",
         "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})
    put = src.put_object(Bucket=source, Key="k", Body=b"x")
    _status(dst, destination, "k", put["VersionId"], "REPLICA")
    marker = src.delete_object(Bucket=source, Key="k")
    assert [m["VersionId"] for m in _markers(dst, destination, 1)] == [marker["VersionId"]]


def test_a_legal_hold_put_while_the_copy_runs_is_kept(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    """Marking the source COMPLETED must not write back the headers read before the copy:
    a legal hold placed meanwhile stays (it protects the version from deletion)."""
    source, destination = bucket_name(), bucket_name()
    src = client("s3")
    src.create_bucket(Bucket=source, ObjectLockEnabledForBucket=True)
    client("s3", region_name="eu-west-1").create_bucket(
        Bucket=destination, ObjectLockEnabledForBucket=True,
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    src.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": ROLE, "Rules": [_rule(destination)]})
    put = src.put_object(Bucket=source, Key="big", Body=b"z" * (48 * 1024 * 1024))
    src.put_object_legal_hold(Bucket=source, Key="big", VersionId=put["VersionId"],
                              LegalHold={"Status": "ON"})
    _status(src, source, "big", put["VersionId"], "COMPLETED")
    hold = src.get_object_legal_hold(Bucket=source, Key="big", VersionId=put["VersionId"])
    assert hold["LegalHold"]["Status"] == "ON"


def test_another_accounts_bucket_receives_replicas_only_when_its_policy_allows(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    """Bucket names are global: a rule may name another account's bucket, but S3 writes
    there only as the rule's role, which that bucket's policy must allow
    (s3:ReplicateObject); otherwise the source version is FAILED and nothing arrives."""
    source, destination = bucket_name(), bucket_name()
    src = _versioned(client, source, "us-east-1")
    theirs = client("s3", region_name="eu-west-1", aws_access_key_id="222222222222")
    theirs.create_bucket(Bucket=destination,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    theirs.put_bucket_versioning(Bucket=destination,
                                 VersioningConfiguration={"Status": "Enabled"})
    src.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": ROLE, "Rules": [_rule(destination)]})
    refused = src.put_object(Bucket=source, Key="secret", Body=b"mine")
    _status(src, source, "secret", refused["VersionId"], "FAILED")
    assert "Versions" not in theirs.list_object_versions(Bucket=destination)
    theirs.put_bucket_policy(Bucket=destination, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": ROLE},
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"],
            "Resource": f"arn:aws:s3:::{destination}/*"}]}))
    allowed = src.put_object(Bucket=source, Key="shared", Body=b"ours")
    _status(src, source, "shared", allowed["VersionId"], "COMPLETED")
    assert theirs.get_object(Bucket=destination, Key="shared")["Body"].read() == b"ours"


def test_an_object_lock_source_needs_an_object_lock_destination(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    """S3 fails such a replication (DstBucketObjectLockConfigMissing): a replica claiming a
    COMPLIANCE retention in a bucket without Object Lock could be deleted all the same."""
    source, plain, locked = bucket_name(), bucket_name(), bucket_name()
    src = client("s3")
    src.create_bucket(Bucket=source, ObjectLockEnabledForBucket=True)
    _versioned(client, plain, "eu-west-1")
    dst = client("s3", region_name="eu-west-1")
    dst.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True,
                      CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    src.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": ROLE, "Rules": [_rule(plain, ID="plain", Filter={"Prefix": "p/"}),
                                {**_rule(locked, ID="locked", Filter={"Prefix": "l/"}),
                                 "Priority": 2}]})
    until = datetime.now(UTC) + timedelta(days=3)
    refused = src.put_object(Bucket=source, Key="p/k", Body=b"1", ObjectLockMode="COMPLIANCE",
                             ObjectLockRetainUntilDate=until)
    _status(src, source, "p/k", refused["VersionId"], "FAILED")
    assert "Versions" not in dst.list_object_versions(Bucket=plain)
    kept = src.put_object(Bucket=source, Key="l/k", Body=b"1", ObjectLockMode="COMPLIANCE",
                          ObjectLockRetainUntilDate=until)
    replica = _status(dst, locked, "l/k", kept["VersionId"], "REPLICA")
    assert replica["ObjectLockMode"] == "COMPLIANCE"


def test_the_accelerate_endpoint_is_told_by_s3s_label_in_any_case(
        client: Callable[..., Any], bucket_name: Callable[[], str], endpoint: str) -> None:
    """Host names are case-insensitive, and a bucket may have "s3-accelerate" as a label of
    its own name: what counts is the label after the bucket."""
    s3 = client("s3")
    name = bucket_name()
    dotted = f"{name}.s3-accelerate.logs"
    for bucket in (name, dotted):
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    port = int(endpoint.rsplit(":", 1)[1])

    def get(host: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/k", headers={"Host": f"{host}:{port}"})
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    status, body = get(f"{name.upper()}.S3-ACCELERATE.localhost")
    assert status == 400 and b"Transfer Acceleration is not configured" in body
    assert get(f"{dotted}.s3.localhost") == (200, b"v")


def test_with_several_destinations_one_failure_makes_the_source_failed(
        client: Callable[..., Any], bucket_name: Callable[[], str]) -> None:
    """S3: COMPLETED only once every destination has its replica; FAILED if any failed,
    whichever destination finished last."""
    source, gone, kept = bucket_name(), bucket_name(), bucket_name()
    src = _versioned(client, source, "us-east-1")
    _versioned(client, gone, "eu-west-1")
    dst = _versioned(client, kept, "eu-west-1")
    src.put_bucket_replication(Bucket=source, ReplicationConfiguration={"Role": ROLE, "Rules": [
        {**_rule(gone, ID="gone"), "Priority": 2}, _rule(kept, ID="kept")]})
    gone_client = client("s3", region_name="eu-west-1")
    gone_client.put_bucket_versioning(Bucket=gone,
                                      VersioningConfiguration={"Status": "Suspended"})
    put = src.put_object(Bucket=source, Key="k", Body=b"x")
    _status(dst, kept, "k", put["VersionId"], "REPLICA")
    _status(src, source, "k", put["VersionId"], "FAILED")
    time.sleep(1.5)  # both jobs are done well before: the status stays
    head = src.head_object(Bucket=source, Key="k", VersionId=put["VersionId"])
    assert head["ReplicationStatus"] == "FAILED"

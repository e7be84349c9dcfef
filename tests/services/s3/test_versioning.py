"""Versioning end to end with boto3: states, version ids, delete markers, reads and deletes by
version, the "null" version, copies and batch deletes by version."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def _enable(s3: Any, bucket: str, status: str = "Enabled") -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_versioning_states(s3: Any, bucket: str) -> None:
    got = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in got and "MFADelete" not in got
    _enable(s3, bucket)
    got = s3.get_bucket_versioning(Bucket=bucket)
    assert (got["Status"], got["MFADelete"]) == ("Enabled", "Disabled")
    _enable(s3, bucket, "Suspended")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    with pytest.raises(ClientError) as excinfo:
        _enable(s3, bucket, "Off")
    assert _error(excinfo) == ("MalformedXML", 400)
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_versioning(Bucket="pc-no-such-bucket-for-versioning")
    assert _error(excinfo) == ("NoSuchBucket", 404)


def test_unversioned_bucket_has_no_version_ids(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    assert "VersionId" not in put
    assert "VersionId" not in s3.get_object(Bucket=bucket, Key="k")
    got = s3.get_object(Bucket=bucket, Key="k", VersionId="null")
    assert got["Body"].read() == b"1"
    listed = s3.list_object_versions(Bucket=bucket)
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [
        ("k", "null", True)
    ]
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert "DeleteMarker" not in deleted
    assert "Versions" not in s3.list_object_versions(Bucket=bucket)


def test_versions_and_delete_markers(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
    assert v1 != v2 and "null" not in (v1, v2)
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"two"
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)["Body"].read() == b"one"
    head = s3.head_object(Bucket=bucket, Key="doc", VersionId=v1)
    assert (head["VersionId"], head["ContentLength"]) == (v1, 3)

    marker = s3.delete_object(Bucket=bucket, Key="doc")
    assert marker["DeleteMarker"] is True
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="doc")
    assert _error(excinfo) == ("NoSuchKey", 404)
    headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    assert headers["x-amz-version-id"] == marker["VersionId"]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="doc", VersionId=marker["VersionId"])
    assert _error(excinfo) == ("MethodNotAllowed", 405)
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key="doc", VersionId=marker["VersionId"])
    assert _error(excinfo)[1] == 405
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=v2)["Body"].read() == b"two"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)

    # deleting the marker brings the newest version back
    removed = s3.delete_object(Bucket=bucket, Key="doc", VersionId=marker["VersionId"])
    assert removed["DeleteMarker"] is True and removed["VersionId"] == marker["VersionId"]
    assert s3.get_object(Bucket=bucket, Key="doc")["VersionId"] == v2
    # deleting the current version promotes the previous one
    s3.delete_object(Bucket=bucket, Key="doc", VersionId=v2)
    got = s3.get_object(Bucket=bucket, Key="doc")
    assert (got["VersionId"], got["Body"].read()) == (v1, b"one")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="doc", VersionId=v2)
    assert _error(excinfo) == ("NoSuchVersion", 404)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="doc", VersionId="not-a-version")
    assert _error(excinfo) == ("InvalidArgument", 400)


def test_suspended_writes_the_null_version(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")  # the null version
    _enable(s3, bucket)
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"enabled")["VersionId"]
    _enable(s3, bucket, "Suspended")
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"suspended")
    assert "VersionId" not in put  # AWS's suspended-bucket PutObject example has no version id
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    # the first null version was replaced by the new one; the Enabled version stays
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [("null", True), (kept, False)]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"suspended"
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert (marker["DeleteMarker"], marker["VersionId"]) == (True, "null")
    listed = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listed["Versions"]] == [kept]
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [("null", True)]


def test_copy_from_a_version_and_batch_delete_by_version(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="src", Body=b"old")["VersionId"]
    s3.put_object(Bucket=bucket, Key="src", Body=b"new")
    copied = s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src", "VersionId": v1}
    )
    assert copied["CopySourceVersionId"] == v1 and copied["VersionId"]
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"old"

    marker = s3.delete_object(Bucket=bucket, Key="src")["VersionId"]
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "src"})
    assert _error(excinfo) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(
            Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "src", "VersionId": marker}
        )
    assert _error(excinfo) == ("InvalidRequest", 400)

    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "src", "VersionId": v1}, {"Key": "src", "VersionId": marker}, {"Key": "dst"},
    ]})  # fmt: skip
    by_version = {d.get("VersionId"): d for d in answer["Deleted"]}
    assert by_version[v1] == {"Key": "src", "VersionId": v1}
    assert by_version[marker]["DeleteMarker"] is True
    assert by_version[marker]["DeleteMarkerVersionId"] == marker
    dst = by_version[None]
    assert dst["DeleteMarker"] is True and dst["DeleteMarkerVersionId"]


def test_multipart_completion_gets_a_version(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"x" * 10)
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )  # fmt: skip
    assert done["VersionId"]
    assert s3.head_object(Bucket=bucket, Key="mp")["VersionId"] == done["VersionId"]


def test_list_object_versions_order_and_paging(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    keys = ["b", "a/1", "a/2", "é", "z", "\u00ff", "A"]
    made: dict[str, list[str]] = {}
    for key in keys:
        for n in range(3 if key == "b" else 1):
            made.setdefault(key, []).append(
                s3.put_object(Bucket=bucket, Key=key, Body=str(n).encode())["VersionId"]
            )
    s3.delete_object(Bucket=bucket, Key="z")
    listed = s3.list_object_versions(Bucket=bucket)
    order = sorted(keys, key=lambda k: k.encode())
    assert [v["Key"] for v in listed["Versions"]] == [
        k for k in order for _ in made[k][::-1]
    ]
    b_versions = [v for v in listed["Versions"] if v["Key"] == "b"]
    assert [v["VersionId"] for v in b_versions] == made["b"][::-1]
    assert [v["IsLatest"] for v in b_versions] == [True, False, False]
    z = [v for v in listed["Versions"] if v["Key"] == "z"][0]
    assert z["IsLatest"] is False
    assert [(m["Key"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [("z", True)]
    assert listed["IsTruncated"] is False

    # page through two at a time: same entries, same order
    seen: list[tuple[str, str]] = []
    kwargs: dict[str, Any] = {"Bucket": bucket, "MaxKeys": 2}
    for _ in range(20):
        page = s3.list_object_versions(**kwargs)
        entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
        assert len(entries) <= 2
        seen += [(e["Key"], e["VersionId"]) for e in entries]
        if not page["IsTruncated"]:
            break
        kwargs.update(KeyMarker=page["NextKeyMarker"], VersionIdMarker=page["NextVersionIdMarker"])
    everything = listed["Versions"] + listed["DeleteMarkers"]
    assert len(seen) == len(set(seen)) == len(everything)
    assert set(seen) == {(e["Key"], e["VersionId"]) for e in everything}

    rolled = s3.list_object_versions(Bucket=bucket, Delimiter="/", Prefix="")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["a/"]
    only_a = s3.list_object_versions(Bucket=bucket, Prefix="a/")
    assert [v["Key"] for v in only_a["Versions"]] == ["a/1", "a/2"]
    after_b = s3.list_object_versions(Bucket=bucket, KeyMarker="b")
    assert all(v["Key"].encode() > b"b" for v in after_b["Versions"])
    mid_b = s3.list_object_versions(Bucket=bucket, KeyMarker="b", VersionIdMarker=made["b"][2])
    assert [v["VersionId"] for v in mid_b["Versions"]][:2] == [made["b"][1], made["b"][0]]


def test_list_object_versions_errors(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.list_object_versions(Bucket=bucket, VersionIdMarker="null")
    assert _error(excinfo) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as excinfo:
        s3.list_object_versions(Bucket=bucket, KeyMarker="k", VersionIdMarker="bogus!")
    assert _error(excinfo) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as excinfo:
        s3.list_object_versions(Bucket=bucket, MaxKeys=-1)
    assert _error(excinfo) == ("InvalidArgument", 400)


def test_an_overwritten_version_keeps_everything_it_had(s3: Any, bucket: str) -> None:
    """The version an overwrite makes noncurrent keeps its bytes, headers, metadata, tags,
    checksum, storage class and last-modified time, read back by its version id."""
    _enable(s3, bucket)
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"first", ContentType="text/plain",
                          CacheControl="max-age=60", Metadata={"colour": "blue"},
                          Tagging="a=1", ChecksumAlgorithm="SHA256",
                          StorageClass="STANDARD_IA")  # fmt: skip
    before = s3.head_object(Bucket=bucket, Key="k", VersionId=first["VersionId"],
                            ChecksumMode="ENABLED")  # fmt: skip
    s3.put_object(Bucket=bucket, Key="k", Body=b"second")
    old = s3.get_object(Bucket=bucket, Key="k", VersionId=first["VersionId"],
                        ChecksumMode="ENABLED")  # fmt: skip
    assert old["Body"].read() == b"first"
    for name in ("ContentType", "CacheControl", "Metadata", "ETag", "ChecksumSHA256",
                 "StorageClass", "LastModified", "TagCount"):  # fmt: skip
        assert old[name] == before[name], name
    assert (old["ContentType"], old["Metadata"], old["TagCount"]) == ("text/plain",
                                                                      {"colour": "blue"}, 1)
    tags = s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=first["VersionId"])
    assert tags["TagSet"] == [{"Key": "a", "Value": "1"}]
    current = s3.get_object(Bucket=bucket, Key="k")
    assert (current["Body"].read(), current["ContentType"]) == (b"second", "binary/octet-stream")
    assert "Metadata" not in current or current["Metadata"] == {}

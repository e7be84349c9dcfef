"""Versioning edge cases, test by test against what ceph/s3-tests expects of S3 (its
`versioning` group): the "null" version of suspended and never-versioned writes, delete
markers in listings and on reads, ListObjectVersions paging, and versions made at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from tests.support import refusal


def _enable(s3: Any, bucket: str, status: str = "Enabled") -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def _versions(s3: Any, bucket: str, **params: Any) -> list[tuple[str, str, bool]]:
    """(key, version, is-latest) for versions, then ("marker", ...) for delete markers."""
    answer = s3.list_object_versions(Bucket=bucket, **params)
    return ([(v["Key"], v["VersionId"], v["IsLatest"]) for v in answer.get("Versions", [])]
            + [("marker:" + m["Key"], m["VersionId"], m["IsLatest"])
               for m in answer.get("DeleteMarkers", [])])


def _body(s3: Any, bucket: str, key: str, **params: Any) -> bytes:
    return bytes(s3.get_object(Bucket=bucket, Key=key, **params)["Body"].read())


def test_status_round_trip(s3: Any, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    for status in ("Enabled", "Suspended", "Enabled", "Suspended"):
        _enable(s3, bucket, status)
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == status


def test_null_version_not_there_until_written(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    s3.put_object(Bucket=bucket, Key="testobj", Body=b"fooz")
    code, _, status = refusal(s3.get_object, Bucket=bucket, Key="testobj", VersionId="null")
    assert (code, status) == ("NoSuchVersion", 404)


def test_plain_null_version_removal(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="testobjfoo", Body=b"fooz")
    _enable(s3, bucket)
    answer = s3.delete_object(Bucket=bucket, Key="testobjfoo", VersionId="null")
    assert answer["VersionId"] == "null"
    assert refusal(s3.get_object, Bucket=bucket, Key="testobjfoo")[0] == "NoSuchKey"
    assert _versions(s3, bucket) == []


def test_plain_null_version_overwrite(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="testobjfoo", Body=b"fooz")
    _enable(s3, bucket)
    version = s3.put_object(Bucket=bucket, Key="testobjfoo", Body=b"zzz")["VersionId"]
    assert _body(s3, bucket, "testobjfoo") == b"zzz"
    s3.delete_object(Bucket=bucket, Key="testobjfoo", VersionId=version)
    assert _body(s3, bucket, "testobjfoo") == b"fooz"
    s3.delete_object(Bucket=bucket, Key="testobjfoo", VersionId="null")
    assert refusal(s3.get_object, Bucket=bucket, Key="testobjfoo")[0] == "NoSuchKey"
    assert _versions(s3, bucket) == []


def test_plain_null_version_overwrite_suspended(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="testobjbar", Body=b"foooz")
    _enable(s3, bucket)
    _enable(s3, bucket, "Suspended")
    s3.put_object(Bucket=bucket, Key="testobjbar", Body=b"zzz")
    assert _body(s3, bucket, "testobjbar") == b"zzz"
    assert _versions(s3, bucket) == [("testobjbar", "null", True)]


def test_suspended_writes_replace_the_null_version(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    kept = [s3.put_object(Bucket=bucket, Key="k", Body=b"v%d" % i)["VersionId"]
            for i in range(2)]
    _enable(s3, bucket, "Suspended")
    for body in (b"s1", b"s2"):
        s3.put_object(Bucket=bucket, Key="k", Body=body)
    assert _versions(s3, bucket) == [("k", "null", True), ("k", kept[1], False),
                                     ("k", kept[0], False)]
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert (marker["DeleteMarker"], marker["VersionId"]) == (True, "null")
    assert _versions(s3, bucket) == [("k", kept[1], False), ("k", kept[0], False),
                                     ("marker:k", "null", True)]


def test_suspended_put_answers_no_version_id(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    assert s3.put_object(Bucket=bucket, Key="a", Body=b"x")["VersionId"]
    _enable(s3, bucket, "Suspended")
    # AWS's PutObject example for a suspended bucket has no x-amz-version-id: the write is
    # the "null" version, which only reads and listings name
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    copied = s3.copy_object(Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "a"})
    assert "VersionId" not in copied
    upload = s3.create_multipart_upload(Bucket=bucket, Key="c")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="c", UploadId=upload, PartNumber=1, Body=b"x")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="c", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert "VersionId" not in done
    assert s3.head_object(Bucket=bucket, Key="c")["VersionId"] == "null"


def test_delete_marker_reads(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    for call in (s3.get_object, s3.head_object):
        with pytest.raises(Exception) as latest:
            call(Bucket=bucket, Key="k")
        response = latest.value.response  # type: ignore[attr-defined]
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
        with pytest.raises(Exception) as by_id:
            call(Bucket=bucket, Key="k", VersionId=marker)
        response = by_id.value.response  # type: ignore[attr-defined]
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 405
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert (headers["x-amz-delete-marker"], headers["x-amz-version-id"]) == ("true", marker)


def test_delete_objects_of_versions_and_markers(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    versions = [s3.put_object(Bucket=bucket, Key="key", Body=b"x")["VersionId"]
                for _ in range(2)]
    objects = [{"Key": "key", "VersionId": v} for v in versions]
    for _ in range(2):  # deleting what is gone is still a success
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
        assert sorted(d["VersionId"] for d in answer["Deleted"]) == sorted(versions)
    assert _versions(s3, bucket) == []
    s3.put_object(Bucket=bucket, Key="key", Body=b"x")
    marker = s3.delete_object(Bucket=bucket, Key="key")["VersionId"]
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "key", "VersionId": marker}]})
    deleted = answer["Deleted"][0]
    assert (deleted["DeleteMarker"], deleted["DeleteMarkerVersionId"]) == (True, marker)
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "key"}]})
    assert answer["Deleted"][0]["DeleteMarker"] is True
    assert answer["Deleted"][0]["DeleteMarkerVersionId"]


def test_list_versions_paging(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    made = {key: [s3.put_object(Bucket=bucket, Key=key, Body=b"x")["VersionId"]
                  for _ in range(3)] for key in ("a/1", "a/2", "b/1")}
    everything = _versions(s3, bucket)
    assert [v[1] for v in everything] == [*made["a/1"][::-1], *made["a/2"][::-1],
                                          *made["b/1"][::-1]]
    page = s3.list_object_versions(Bucket=bucket, MaxKeys=4)
    assert page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("a/2", made["a/2"][2])
    rest = _versions(s3, bucket, KeyMarker="a/2", VersionIdMarker=made["a/2"][2])
    assert [v[1] for v in rest] == [*made["a/2"][1::-1], *made["b/1"][::-1]]
    after_key = _versions(s3, bucket, KeyMarker="a/2")
    assert [v[0] for v in after_key] == ["b/1"] * 3
    grouped = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/", "b/"]
    assert "Versions" not in grouped
    prefixed = _versions(s3, bucket, Prefix="a/2")
    assert [v[1] for v in prefixed] == made["a/2"][::-1]


def test_version_id_marker_needs_key_marker(s3: Any, bucket: str) -> None:
    code, _, status = refusal(s3.list_object_versions, Bucket=bucket, VersionIdMarker="null")
    assert (code, status) == ("InvalidArgument", 400)


def test_remove_latest_reveals_previous(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    versions = [s3.put_object(Bucket=bucket, Key="k", Body=b"%d" % i)["VersionId"]
                for i in range(3)]
    s3.delete_object(Bucket=bucket, Key="k", VersionId=versions[2])
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["VersionId"] == versions[1]
    assert _body(s3, bucket, "k") == b"1"
    assert _versions(s3, bucket)[0] == ("k", versions[1], True)


def test_copy_of_a_version(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    old = s3.put_object(Bucket=bucket, Key="src", Body=b"old")["VersionId"]
    s3.put_object(Bucket=bucket, Key="src", Body=b"new")
    copied = s3.copy_object(Bucket=bucket, Key="dst",
                            CopySource={"Bucket": bucket, "Key": "src", "VersionId": old})
    assert copied["CopySourceVersionId"] == old
    assert _body(s3, bucket, "dst") == b"old"


def test_concurrent_versions_are_all_kept(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    made: list[str] = []

    def put(i: int) -> None:
        made.append(s3.put_object(Bucket=bucket, Key="k", Body=b"%d" % i)["VersionId"])

    threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    listed = _versions(s3, bucket)
    assert sorted(v[1] for v in listed) == sorted(made)
    assert [v[2] for v in listed] == [True] + [False] * 7  # newest first, one latest
    latest = s3.head_object(Bucket=bucket, Key="k")["VersionId"]
    assert listed[0][1] == latest

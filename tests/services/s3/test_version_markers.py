"""ListObjectVersions paging from a VersionIdMarker, as AWS answered LocalStack's recorded
test_list_objects_versions_with_prefix_only_and_pagination: a marker whose version has been
deleted since still says where to go on from; a delete marker is a marker like any other;
NextVersionIdMarker names the last version the page showed."""

from __future__ import annotations

from typing import Any


def _enable(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def test_a_deleted_marker_version_still_pages_on(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    made = [s3.put_object(Bucket=bucket, Key="prefixed_key")["VersionId"] for _ in range(5)]
    s3.put_object(Bucket=bucket, Key="non_prefixed_key")
    newest_first = made[::-1]
    page = s3.list_object_versions(Bucket=bucket, Prefix="prefix", MaxKeys=3)
    assert page["IsTruncated"] is True
    assert page["NextKeyMarker"] == "prefixed_key"
    assert page["NextVersionIdMarker"] == newest_first[2]  # the last one shown
    for version_id in newest_first[:3]:
        s3.delete_object(Bucket=bucket, Key="prefixed_key", VersionId=version_id)
    rest = s3.list_object_versions(Bucket=bucket, Prefix="prefix", MaxKeys=5,
                                   KeyMarker="prefixed_key", VersionIdMarker=newest_first[2])
    assert rest["VersionIdMarker"] == newest_first[2]
    assert rest["IsTruncated"] is False
    assert [(v["VersionId"], v["IsLatest"]) for v in rest["Versions"]] == [
        (newest_first[3], True), (newest_first[4], False)]


def test_a_delete_marker_as_the_version_marker(s3: Any, bucket: str) -> None:
    _enable(s3, bucket)
    first = s3.put_object(Bucket=bucket, Key="k")["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="k")["VersionId"]
    s3.put_object(Bucket=bucket, Key="z")
    page = s3.list_object_versions(Bucket=bucket, MaxKeys=2)
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("k", marker)
    rest = s3.list_object_versions(Bucket=bucket, KeyMarker="k", VersionIdMarker=marker)
    assert [(v["Key"], v["VersionId"]) for v in rest["Versions"]][0] == ("k", first)
    assert "DeleteMarkers" not in rest
    s3.delete_object(Bucket=bucket, Key="k", VersionId=marker)  # the marker, deleted since
    again = s3.list_object_versions(Bucket=bucket, KeyMarker="k", VersionIdMarker=marker)
    assert [v["VersionId"] for v in again["Versions"]][0] == first
    assert second not in [v["VersionId"] for v in again["Versions"]]


def test_null_version_names_null_as_the_next_marker(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a")  # before versioning: the "null" version
    _enable(s3, bucket)
    newer = s3.put_object(Bucket=bucket, Key="a")["VersionId"]
    s3.put_object(Bucket=bucket, Key="b")
    page = s3.list_object_versions(Bucket=bucket, MaxKeys=2)
    assert [v["VersionId"] for v in page["Versions"]] == [newer, "null"]
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("a", "null")
    rest = s3.list_object_versions(Bucket=bucket, KeyMarker="a", VersionIdMarker="null")
    assert [v["Key"] for v in rest["Versions"]] == ["b"]

"""ListMultipartUploads and ListParts: delimiter roll-up, markers, URL encoding, page sizes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def start(s3: Any, bucket: str, *keys: str) -> dict[str, str]:
    return {key: s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"] for key in keys}


def test_uploads_roll_up_under_a_delimiter(s3: Any, bucket: str) -> None:
    start(s3, bucket, "logs/a", "logs/b", "photos/2024/x", "photos/y", "top")
    page = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [u["Key"] for u in page["Uploads"]] == ["top"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["logs/", "photos/"]
    assert page["Delimiter"] == "/"
    nested = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", Prefix="photos/")
    assert [u["Key"] for u in nested["Uploads"]] == ["photos/y"]
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["photos/2024/"]


def test_upload_pages_count_prefixes_and_resume_after_them(s3: Any, bucket: str) -> None:
    start(s3, bucket, "a/1", "a/2", "b", "c/1")
    first = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", MaxUploads=2)
    assert first["IsTruncated"] is True
    assert [p["Prefix"] for p in first["CommonPrefixes"]] == ["a/"]
    assert [u["Key"] for u in first["Uploads"]] == ["b"]
    rest = s3.list_multipart_uploads(
        Bucket=bucket, Delimiter="/", MaxUploads=2, KeyMarker=first["NextKeyMarker"],
        UploadIdMarker=first["NextUploadIdMarker"],
    )  # fmt: skip
    assert rest["IsTruncated"] is False
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["c/"]
    assert "Uploads" not in rest or rest["Uploads"] == []


def test_key_marker_alone_skips_that_keys_uploads(s3: Any, bucket: str) -> None:
    ids = start(s3, bucket, "k")
    second = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    start(s3, bucket, "z")
    after_key = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="k")
    assert [u["Key"] for u in after_key["Uploads"]] == ["z"]
    # a key's uploads are listed as they were initiated (recorded), not by upload id
    after_id = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="k", UploadIdMarker=ids["k"])
    assert [(u["Key"], u["UploadId"]) for u in after_id["Uploads"]] == [
        ("k", second), ("z", after_id["Uploads"][1]["UploadId"])
    ]  # fmt: skip


def test_upload_listing_url_encodes_keys(s3: Any, bucket: str) -> None:
    start(s3, bucket, "a+b c", "dir one/x")
    page = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", EncodingType="url")
    assert page["EncodingType"] == "url"
    assert [u["Key"] for u in page["Uploads"]] == ["a%2Bb+c"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["dir+one/"]


def test_negative_max_uploads_is_invalid_argument(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.list_multipart_uploads(Bucket=bucket, MaxUploads=-1)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "InvalidArgument" and error["ArgumentName"] == "max-uploads"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_negative_max_parts_is_invalid_argument(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")["k"]
    with pytest.raises(ClientError) as excinfo:
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=-1)
    error = excinfo.value.response["Error"]
    assert error["Code"] == "InvalidArgument" and error["ArgumentName"] == "max-parts"


def test_zero_page_sizes_answer_empty_pages(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")["k"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x")
    uploads = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=0)
    assert uploads["MaxUploads"] == 0 and uploads.get("Uploads", []) == []
    parts = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=0)
    assert parts["MaxParts"] == 0 and parts.get("Parts", []) == []


def test_upload_pages_always_name_the_next_markers(s3: Any, bucket: str) -> None:
    ids = start(s3, bucket, "a", "b")
    start(s3, bucket, "dir/x")
    page = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert page["IsTruncated"] is False
    # The last upload listed, not the common prefix after it.
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == ("b", ids["b"])
    past_all = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="z")
    assert (past_all["NextKeyMarker"], past_all["NextUploadIdMarker"]) == ("", "")


def test_upload_id_marker_alone_is_ignored(s3: Any, bucket: str) -> None:
    ids = start(s3, bucket, "a", "b")
    page = s3.list_multipart_uploads(Bucket=bucket, UploadIdMarker=ids["a"])
    assert page["UploadIdMarker"] == ""
    assert [u["Key"] for u in page["Uploads"]] == ["a", "b"]


def test_upload_id_marker_of_another_key_is_refused(s3: Any, bucket: str) -> None:
    ids = start(s3, bucket, "a", "b")
    with pytest.raises(ClientError) as caught:
        s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a", UploadIdMarker=ids["b"])
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidArgument", "Invalid uploadId marker")
    assert error["ArgumentName"] == "upload-id-marker" and error["ArgumentValue"] == ids["b"]


def test_list_parts_without_parts_names_marker_zero(s3: Any, bucket: str) -> None:
    upload_id = start(s3, bucket, "k")["k"]
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert page["NextPartNumberMarker"] == 0 and "Parts" not in page
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"part")
    beyond = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, PartNumberMarker=5)
    assert beyond["NextPartNumberMarker"] == 0

"""ListObjects (v1) and ListObjectsV2: order, prefixes, delimiters, pages, url encoding."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote_plus

import pytest
from botocore.exceptions import ClientError

KEYS = [
    "a.txt", "a/1", "a/2", "a/b/3", "b", "b/x", "c/d/e", "é", "z", "Z", "~", "\u4e2d", "a b",
    "\U0001f600", "ab", "a+b", "a%b",
]  # fmt: skip


@pytest.fixture
def filled(s3: Any, bucket: str) -> str:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=k.encode()), KEYS))
    return bucket


def utf8_sorted(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda k: k.encode("utf-8"))


def all_keys_v2(s3: Any, bucket: str, **kwargs: Any) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    prefixes: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, **kwargs):
        keys += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        assert page["KeyCount"] == len(page.get("Contents", [])) + len(
            page.get("CommonPrefixes", [])
        )
    return keys, prefixes


def test_v2_lists_in_utf8_binary_order(s3: Any, filled: str) -> None:
    page = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in page["Contents"]] == utf8_sorted(KEYS)
    first = page["Contents"][0]
    assert first["Size"] == len(first["Key"].encode()) and first["ETag"].startswith('"')
    assert first["StorageClass"] == "STANDARD" and "Owner" not in first
    assert page["KeyCount"] == len(KEYS) and page["IsTruncated"] is False
    assert page["MaxKeys"] == 1000


@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_v2_pages_with_and_without_delimiter(s3: Any, filled: str, page_size: int) -> None:
    keys, prefixes = all_keys_v2(s3, filled, PaginationConfig={"PageSize": page_size})
    assert keys == utf8_sorted(KEYS) and prefixes == []
    keys, prefixes = all_keys_v2(
        s3, filled, Delimiter="/", PaginationConfig={"PageSize": page_size}
    )
    assert prefixes == ["a/", "b/", "c/"]
    assert keys == utf8_sorted([k for k in KEYS if "/" not in k])
    keys, prefixes = all_keys_v2(
        s3, filled, Prefix="a/", Delimiter="/", PaginationConfig={"PageSize": page_size}
    )
    assert keys == ["a/1", "a/2"] and prefixes == ["a/b/"]


def test_v2_start_after_fetch_owner_and_max_keys(s3: Any, filled: str) -> None:
    page = s3.list_objects_v2(Bucket=filled, StartAfter="b", FetchOwner=True, MaxKeys=2)
    assert [o["Key"] for o in page["Contents"]] == ["b/x", "c/d/e"]
    assert page["IsTruncated"] is True and page["StartAfter"] == "b"
    assert len(page["Contents"][0]["Owner"]["ID"]) == 64
    empty = s3.list_objects_v2(Bucket=filled, MaxKeys=0)
    assert empty["KeyCount"] == 0 and "Contents" not in empty


def test_v2_bad_continuation_token(s3: Any, filled: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.list_objects_v2(Bucket=filled, ContinuationToken="!!not a token!!")
    assert excinfo.value.response["Error"]["Code"] == "InvalidArgument"


def test_url_encoding_type(s3: Any, filled: str) -> None:
    # botocore asks for url encoding itself and decodes; a caller who asks gets it raw
    page = s3.list_objects_v2(Bucket=filled, EncodingType="url", Prefix="a")
    assert [o["Key"] for o in page["Contents"]] == [
        quote_plus(k, safe="/") for k in utf8_sorted([k for k in KEYS if k.startswith("a")])
    ]
    assert page["EncodingType"] == "url"


def test_v1_markers(s3: Any, filled: str) -> None:
    keys: list[str] = []
    prefixes: list[str] = []
    for page in s3.get_paginator("list_objects").paginate(
        Bucket=filled, Delimiter="/", PaginationConfig={"PageSize": 2}
    ):
        keys += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if page["IsTruncated"]:
            assert page["NextMarker"]
    assert prefixes == ["a/", "b/", "c/"]
    assert keys == utf8_sorted([k for k in KEYS if "/" not in k])
    page = s3.list_objects(Bucket=filled, MaxKeys=3)
    assert page["IsTruncated"] is True and "NextMarker" not in page
    assert "Owner" in page["Contents"][0]
    after = s3.list_objects(Bucket=filled, Marker=page["Contents"][-1]["Key"])
    assert [o["Key"] for o in page["Contents"] + after["Contents"]] == utf8_sorted(KEYS)


def test_a_query_value_that_is_not_utf8_is_a_400(endpoint: str, s3: Any, bucket: str) -> None:
    """Routing leaves values it never compares undecoded; the parser still refuses them."""
    import urllib.error
    import urllib.request

    url = f"{endpoint}/{bucket}?list-type=2&prefix=%ff%fe"
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(url, timeout=10)
    assert excinfo.value.code == 400
    assert b"not valid UTF-8" in excinfo.value.read()


def test_listings_name_each_objects_checksum(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="crc", Body=b"x")  # botocore sends CRC32 by default
    s3.put_object(Bucket=bucket, Key="sha", Body=b"x", ChecksumAlgorithm="SHA256")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts", ChecksumAlgorithm="CRC32",
                                        ChecksumType="COMPOSITE")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="parts", UploadId=upload, PartNumber=1, Body=b"p",
                          ChecksumAlgorithm="CRC32")
    s3.complete_multipart_upload(Bucket=bucket, Key="parts", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]}]})
    listed = {o["Key"]: (o.get("ChecksumAlgorithm"), o.get("ChecksumType"))
              for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed["crc"] == (["CRC32"], "FULL_OBJECT")
    assert listed["sha"] == (["SHA256"], "FULL_OBJECT")
    assert listed["parts"] == (["CRC32"], "COMPOSITE")

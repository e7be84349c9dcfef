"""Object headers as S3 answers them (its user guide and API reference, and the SDKs'
handling of what it sends): an Expires that is no date kept verbatim, non-ASCII metadata
RFC 2047 encoded, unprintable metadata counted in x-amz-missing-meta, the 2 KB metadata
limit in UTF-8 bytes, and response-* overrides refused on an anonymous GET."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest


def _error(answer: httpx.Response) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(answer.content)}


def test_an_expires_that_is_no_date_is_kept_verbatim(s3: Any, bucket: str, endpoint: str) -> None:
    put = httpx.put(f"{endpoint}/{bucket}/k", content=b"x", headers={"Expires": "not a date"})
    assert put.status_code == 200
    head = httpx.head(f"{endpoint}/{bucket}/k")
    assert head.headers["expires"] == "not a date"
    answer = s3.get_object(Bucket=bucket, Key="k")
    assert answer["ExpiresString"] == "not a date"  # botocore's home for an unparsable one


def test_a_valid_expires_goes_out_as_an_http_date(s3: Any, bucket: str, endpoint: str) -> None:
    httpx.put(f"{endpoint}/{bucket}/k", content=b"x",
              headers={"Expires": "Wed, 01 Jan 2031 00:00:00 GMT", "Cache-Control": "no-cache",
                       "Content-Disposition": 'attachment; filename="a.txt"',
                       "Content-Language": "de", "Content-Encoding": "gzip"})  # fmt: skip
    headers = httpx.head(f"{endpoint}/{bucket}/k").headers
    assert headers["expires"] == "Wed, 01 Jan 2031 00:00:00 GMT"
    assert (headers["cache-control"], headers["content-language"]) == ("no-cache", "de")
    assert headers["content-disposition"] == 'attachment; filename="a.txt"'
    assert headers["content-encoding"] == "gzip"


def test_non_ascii_metadata_is_answered_rfc_2047_encoded(bucket: str, endpoint: str) -> None:
    put = httpx.put(
        f"{endpoint}/{bucket}/k",
        content=b"x",
        headers=[("x-amz-meta-name", "héllo".encode()), ("x-amz-meta-plain", "ok")],
    )
    assert put.status_code == 200
    head = httpx.head(f"{endpoint}/{bucket}/k")
    assert head.headers["x-amz-meta-name"] == "=?UTF-8?B?aMOpbGxv?="
    assert head.headers["x-amz-meta-plain"] == "ok"
    assert "x-amz-missing-meta" not in head.headers


def test_unprintable_metadata_is_left_out_and_counted(bucket: str, endpoint: str) -> None:
    posted = httpx.post(f"{endpoint}/{bucket}",
                        data={"key": "k", "x-amz-meta-bad": "a\x01b", "x-amz-meta-ok": "fine"},
                        files={"file": ("f", b"x")})  # fmt: skip
    assert posted.status_code == 204
    for answer in (httpx.head(f"{endpoint}/{bucket}/k"), httpx.get(f"{endpoint}/{bucket}/k")):
        assert answer.status_code == 200
        assert answer.headers["x-amz-missing-meta"] == "1"
        assert answer.headers["x-amz-meta-ok"] == "fine"
        assert "x-amz-meta-bad" not in answer.headers


def test_metadata_size_counts_utf8_bytes(bucket: str, endpoint: str) -> None:
    value = ("é" * 1023).encode()  # 2046 bytes, 1023 characters
    answer = httpx.put(f"{endpoint}/{bucket}/k", content=b"x", headers={"x-amz-meta-abc": value})
    error = _error(answer)
    assert (answer.status_code, error["Code"]) == (400, "MetadataTooLarge")
    assert error["Message"] == "Your metadata headers exceed the maximum allowed metadata size"
    assert (error["Size"], error["MaxSizeAllowed"]) == ("2049", "2048")


def test_metadata_keys_are_lower_cased(bucket: str, endpoint: str) -> None:
    httpx.put(f"{endpoint}/{bucket}/k", content=b"x", headers={"X-Amz-Meta-MyKey": "V"})
    assert httpx.head(f"{endpoint}/{bucket}/k").headers.raw[-1] == (b"x-amz-meta-mykey", b"V")


def test_response_overrides_are_refused_anonymously(s3: Any, bucket: str, endpoint: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    answer = httpx.get(f"{endpoint}/{bucket}/k", params={"response-content-type": "text/x"})
    error = _error(answer)
    assert (answer.status_code, error["Code"]) == (400, "InvalidRequest")
    assert error["Message"] == (
        "Request specific response headers cannot be used for anonymous GET requests."
    )
    signed = s3.get_object(
        Bucket=bucket,
        Key="k",
        ResponseContentType="text/x",
        ResponseCacheControl="no-store",
        ResponseContentLanguage="fr",
    )
    assert (signed["ContentType"], signed["CacheControl"]) == ("text/x", "no-store")
    assert signed["ContentLanguage"] == "fr"


def test_an_override_replaces_a_verbatim_expires(s3: Any, bucket: str, endpoint: str) -> None:
    httpx.put(f"{endpoint}/{bucket}/k", content=b"x", headers={"Expires": "soon"})
    url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": "k", "ResponseExpires": "Wed, 01 Jan 2031 00:00:00 GMT"},
    )
    assert httpx.get(url).headers["expires"] == "Wed, 01 Jan 2031 00:00:00 GMT"


@pytest.mark.parametrize("part", [None, 1])
def test_parts_count_only_with_a_part_number(s3: Any, bucket: str, part: int | None) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                          Body=b"a")["ETag"]  # fmt: skip
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]},
    )
    head = s3.head_object(Bucket=bucket, Key="mp", **({"PartNumber": part} if part else {}))
    assert head.get("PartsCount") == part

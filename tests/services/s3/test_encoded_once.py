"""encoding-type=url: each listing names its request values (StartAfter, Prefix, Delimiter,
Marker, KeyMarker) and its keys url-encoded exactly once, as S3 does (AWS's ListObjectsV2
reference: EncodingType applies to Delimiter, Prefix, Key and StartAfter). Read off the wire:
boto3 would hide a second encoding only where it decodes, and it does not decode every field."""

from __future__ import annotations

from typing import Any

KEY = "a b+c%d/é=x"
ENCODED = "a+b%2Bc%25d/%C3%A9%3Dx"


def _raw(s3: Any, operation: str, **params: Any) -> str:
    bodies: list[bytes] = []
    s3.meta.events.register(f"after-call.s3.{operation}",
                            lambda http_response, **_: bodies.append(http_response.content))
    getattr(s3, "".join("_" + c.lower() if c.isupper() else c for c in operation)[1:])(
        EncodingType="url", **params)
    return bodies[-1].decode()


def test_every_listing_encodes_its_values_once(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key=KEY + "2", Body=b"x")
    s3.put_object(Bucket=bucket, Key="a b=ü/x", Body=b"x")
    s3.create_multipart_upload(Bucket=bucket, Key=KEY + "2")
    v2 = _raw(s3, "ListObjectsV2", Bucket=bucket, StartAfter=KEY, Prefix="a b", Delimiter="ü")
    assert f"<StartAfter>{ENCODED}</StartAfter>" in v2
    assert "<Prefix>a+b</Prefix>" in v2 and "<Delimiter>%C3%BC</Delimiter>" in v2
    assert "<Prefix>a+b%3D%C3%BC</Prefix>" in v2  # the common prefix
    v1 = _raw(s3, "ListObjects", Bucket=bucket, Marker=KEY, Prefix="a b")
    assert f"<Marker>{ENCODED}</Marker>" in v1 and f"<Key>{ENCODED}2</Key>" in v1
    versions = _raw(s3, "ListObjectVersions", Bucket=bucket, KeyMarker=KEY, Prefix="a b")
    assert f"<KeyMarker>{ENCODED}</KeyMarker>" in versions and "<Prefix>a+b</Prefix>" in versions
    uploads = _raw(s3, "ListMultipartUploads", Bucket=bucket, KeyMarker=KEY, Prefix="a b",
                   MaxUploads=1)
    assert f"<KeyMarker>{ENCODED}</KeyMarker>" in uploads
    assert f"<NextKeyMarker>{ENCODED}2</NextKeyMarker>" in uploads


def test_boto3_reads_start_after_back_as_sent(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key=KEY + "2", Body=b"x")
    answer = s3.list_objects_v2(Bucket=bucket, StartAfter=KEY, Prefix="a b")
    assert (answer["StartAfter"], answer["Prefix"]) == (KEY, "a b")
    assert [c["Key"] for c in answer["Contents"]] == [KEY + "2"]

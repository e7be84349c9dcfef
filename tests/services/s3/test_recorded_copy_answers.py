"""CopyObject answers held to what AWS was recorded sending (LocalStack's test_s3 recordings):
which copies of an object onto itself S3 lets through, and the storage class a copy gets."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ILLEGAL_COPY = (
    "This copy request is illegal because it is trying to copy an object to itself without "
    "changing the object's metadata, storage class, website redirect location or encryption "
    "attributes."
)


def _refused_in_place(s3: Any, bucket: str, key: str, **params: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
                       **params)  # fmt: skip
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["Message"]) == ("InvalidRequest", ILLEGAL_COPY)


def _copied_in_place(s3: Any, bucket: str, key: str, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = s3.copy_object(
        Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key}, **params)
    return answer


def test_naming_the_same_storage_class_or_redirect_is_a_change(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"test", StorageClass="STANDARD",
                  WebsiteRedirectLocation="/test/direct", Metadata={"key": "value"})
    _refused_in_place(s3, bucket, "k")
    _refused_in_place(s3, bucket, "k", Metadata={"key": "value"})  # without REPLACE
    _refused_in_place(s3, bucket, "k", ACL="public-read")  # an ACL alone changes nothing
    _copied_in_place(s3, bucket, "k", StorageClass="STANDARD")
    assert s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["StorageClass"])[
        "StorageClass"] == "STANDARD"
    _copied_in_place(s3, bucket, "k", WebsiteRedirectLocation="/test/direct")
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["WebsiteRedirectLocation"] == "/test/direct"
    assert head["Metadata"] == {"key": "value"}


def test_a_source_stored_in_another_class_needs_one_named(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="ia", Body=b"test", StorageClass="STANDARD_IA")
    _refused_in_place(s3, bucket, "ia")
    s3.copy_object(Bucket=bucket, Key="other", CopySource={"Bucket": bucket, "Key": "ia"})
    assert s3.get_object_attributes(Bucket=bucket, Key="other", ObjectAttributes=[
        "StorageClass"])["StorageClass"] == "STANDARD"  # a copy does not keep the class


def test_a_kms_source_may_be_copied_onto_itself_as_is(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="kms", Body=b"test", ServerSideEncryption="aws:kms",
                  BucketKeyEnabled=True)  # fmt: skip
    answer = _copied_in_place(s3, bucket, "kms")  # the copy falls back to SSE-S3: a change
    assert answer["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in answer
    head = s3.head_object(Bucket=bucket, Key="kms")
    assert head["ServerSideEncryption"] == "AES256" and "BucketKeyEnabled" not in head
    _refused_in_place(s3, bucket, "kms")  # now an SSE-S3 object like any other
    _copied_in_place(s3, bucket, "kms", ServerSideEncryption="AES256")


def test_a_bucket_with_default_encryption_allows_any_copy_onto_itself(
    s3: Any, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="plain", Body=b"")
    _refused_in_place(s3, bucket, "plain")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": False}]})  # fmt: skip
    answer = _copied_in_place(s3, bucket, "plain")
    assert answer["CopyObjectResult"]["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert answer["ServerSideEncryption"] == "AES256"

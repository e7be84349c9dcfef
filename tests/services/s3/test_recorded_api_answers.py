"""Bucket and object answers held to what AWS was recorded sending (test_s3_api's recordings):
the versioned bucket's BucketNotEmpty text and an empty bucket policy's refusal."""

from __future__ import annotations

from typing import Any

from tests.support import refused_error


def test_a_versioned_bucket_not_empty_names_its_versions(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    plain = refused_error(s3.delete_bucket, Bucket=bucket)
    assert (plain["Code"], plain["Message"]) == (
        "BucketNotEmpty", "The bucket you tried to delete is not empty")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.delete_object(Bucket=bucket, Key="plain")  # a delete marker over the null version
    versioned = refused_error(s3.delete_bucket, Bucket=bucket)
    assert versioned["Message"] == (
        "The bucket you tried to delete is not empty. You must delete all versions in the bucket.")
    assert versioned["BucketName"] == bucket


def test_an_empty_bucket_policy_is_a_malformed_policy(s3: Any, bucket: str) -> None:
    error = refused_error(s3.put_bucket_policy, Bucket=bucket, Policy="")
    assert (error["Code"], error["Message"]) == (
        "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")

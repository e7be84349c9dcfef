"""Buckets through boto3: regions, naming rules, the global namespace, listing, deleting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_create_head_locate_and_delete(s3: Any, bucket_name: Callable[[], str]) -> None:
    name = bucket_name()
    assert s3.create_bucket(Bucket=name)["Location"] == f"/{name}"
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "us-east-1"
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    listed = s3.list_buckets()
    mine = [b for b in listed["Buckets"] if b["Name"] == name]
    assert mine and mine[0]["BucketRegion"] == "us-east-1" and mine[0]["CreationDate"]
    assert len(listed["Owner"]["ID"]) == 64
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as excinfo:
        s3.head_bucket(Bucket=name)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_bucket_in_another_region(
    client: Callable[..., Any], bucket_name: Callable[[], str]
) -> None:
    name = bucket_name()
    s3 = client("s3")  # a us-east-1 client, as most scripts have
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    # botocore follows S3's wrong-region answer to the bucket's region
    s3.put_object(Bucket=name, Key="k", Body=b"residency")
    assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"residency"
    eu = client("s3", region_name="eu-west-1")
    assert eu.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"


def test_wrong_region_answer_names_the_region(
    client: Callable[..., Any], bucket_name: Callable[[], str], endpoint: str
) -> None:
    import urllib.request

    name = bucket_name()
    client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"}
    )
    auth = (
        "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    request = urllib.request.Request(f"{endpoint}/{name}/some-key", headers={"Authorization": auth})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request, timeout=5)
    assert excinfo.value.code == 400
    assert excinfo.value.headers["x-amz-bucket-region"] == "ap-south-1"
    body = excinfo.value.read().decode()
    assert "<Code>AuthorizationHeaderMalformed</Code>" in body
    assert "<Region>ap-south-1</Region>" in body


def test_location_constraint_must_match_a_regional_endpoint(
    client: Callable[..., Any], bucket_name: Callable[[], str]
) -> None:
    eu = client("s3", region_name="eu-west-1")
    with pytest.raises(ClientError) as excinfo:
        eu.create_bucket(Bucket=bucket_name())
    assert error_code(excinfo) == "IllegalLocationConstraintException"
    with pytest.raises(ClientError) as excinfo:
        eu.create_bucket(
            Bucket=bucket_name(), CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
    assert error_code(excinfo) == "IllegalLocationConstraintException"
    with pytest.raises(ClientError) as excinfo:
        client("s3").create_bucket(
            Bucket=bucket_name(), CreateBucketConfiguration={"LocationConstraint": "mars-1"}
        )
    assert error_code(excinfo) == "InvalidLocationConstraint"


@pytest.mark.parametrize(
    "name",
    ["ab", "a" * 64, "Upper-case", "under_score", "-leading", "trailing-", "two..dots",
     "192.168.1.1", "xn--punycode", "name-s3alias", "sthree-x", "dot.-dash"],
)  # fmt: skip
def test_invalid_bucket_names(s3: Any, name: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.create_bucket(Bucket=name)
    assert error_code(excinfo) == "InvalidBucketName"


def test_names_are_global_across_accounts_and_regions(
    client: Callable[..., Any], bucket_name: Callable[[], str]
) -> None:
    name = bucket_name()
    mine = client("s3", aws_access_key_id="111111111111")
    mine.create_bucket(Bucket=name)
    mine.create_bucket(Bucket=name)  # us-east-1 answers the owner's re-create with 200
    other = client("s3", aws_access_key_id="222222222222")
    with pytest.raises(ClientError) as excinfo:
        other.create_bucket(Bucket=name)
    assert error_code(excinfo) == "BucketAlreadyExists"
    assert name not in [b["Name"] for b in other.list_buckets()["Buckets"]]
    with pytest.raises(ClientError) as excinfo:
        other.put_object(Bucket=name, Key="x", Body=b"x")
    assert error_code(excinfo) == "AccessDenied"

    eu_name = bucket_name()
    eu = client("s3", region_name="eu-west-1", aws_access_key_id="111111111111")
    eu.create_bucket(Bucket=eu_name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as excinfo:
        eu.create_bucket(
            Bucket=eu_name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
    assert error_code(excinfo) == "BucketAlreadyOwnedByYou"


def test_delete_non_empty_bucket(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as excinfo:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(excinfo) == "BucketNotEmpty"
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_no_such_bucket(s3: Any, bucket_name: Callable[[], str]) -> None:
    name = bucket_name()
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=name, Key="k")
    assert error_code(excinfo) == "NoSuchBucket"
    assert excinfo.value.response["Error"]["BucketName"] == name


def test_list_buckets_pages_and_prefix(
    client: Callable[..., Any], bucket_name: Callable[[], str]
) -> None:
    s3 = client("s3", aws_access_key_id="333344445555")
    names = sorted(bucket_name() for _ in range(3))
    for name in names:
        s3.create_bucket(Bucket=name)
    first = s3.list_buckets(MaxBuckets=2, Prefix="pc-test-")
    assert len(first["Buckets"]) == 2 and first["ContinuationToken"]
    rest = s3.list_buckets(MaxBuckets=100, ContinuationToken=first["ContinuationToken"])
    seen = [b["Name"] for b in first["Buckets"] + rest["Buckets"]]
    assert set(names) <= set(seen) and seen == sorted(seen)


def test_list_buckets_refuses_an_unknown_region(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.list_buckets(BucketRegion="eu-east-1")
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgument" and error["ArgumentName"] == "bucket-region"
    assert error["Message"] == "Argument value eu-east-1 is not a valid AWS Region"
    mine = s3.list_buckets(BucketRegion="us-east-1", Prefix=bucket)["Buckets"]
    assert [b["Name"] for b in mine] == [bucket]

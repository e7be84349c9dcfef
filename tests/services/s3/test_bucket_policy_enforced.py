"""Bucket policies decide, with IAM enforcement on: anonymous reads of a public bucket,
another account granted by the policy, and an explicit Deny that binds even the owner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from tests.support import Server, start_server

OTHER_ACCOUNT = "111111111111"


@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    running = start_server(None, "--iam", "enforce")
    yield running
    running.stop()


def _client(server: Server, access_key: str = "test") -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key="test")  # fmt: skip


def _policy(bucket: str, statements: list[dict[str, Any]]) -> str:
    for statement in statements:
        statement.setdefault("Resource", f"arn:aws:s3:::{bucket}/*")
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def test_public_read_policy_lets_anonymous_read(enforcing: Server, bucket_name: Any) -> None:
    owner = _client(enforcing)
    bucket = bucket_name()
    owner.create_bucket(Bucket=bucket)
    owner.put_object(Bucket=bucket, Key="page.html", Body=b"public")
    url = f"{enforcing.endpoint}/{bucket}/page.html"
    assert httpx.get(url, timeout=5).status_code == 403
    owner.delete_public_access_block(Bucket=bucket)
    owner.put_bucket_policy(
        Bucket=bucket,
        Policy=_policy(bucket, [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]),
    )
    response = httpx.get(url, timeout=5)
    assert (response.status_code, response.content) == (200, b"public")
    assert httpx.put(url, content=b"vandal", timeout=5).status_code == 403


def test_policy_grants_another_account(enforcing: Server, bucket_name: Any) -> None:
    owner = _client(enforcing)
    other = _client(enforcing, OTHER_ACCOUNT)
    bucket = bucket_name()
    owner.create_bucket(Bucket=bucket)
    owner.put_object(Bucket=bucket, Key="shared", Body=b"for a partner")
    with pytest.raises(ClientError) as denied:
        other.get_object(Bucket=bucket, Key="shared")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(bucket, [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
         "Action": "s3:GetObject"}]))  # fmt: skip
    assert other.get_object(Bucket=bucket, Key="shared")["Body"].read() == b"for a partner"
    with pytest.raises(ClientError):
        other.delete_object(Bucket=bucket, Key="shared")


def test_explicit_deny_binds_the_owner(enforcing: Server, bucket_name: Any) -> None:
    owner = _client(enforcing)
    bucket = bucket_name()
    owner.create_bucket(Bucket=bucket)
    owner.put_object(Bucket=bucket, Key="keep", Body=b"x")
    owner.put_bucket_policy(
        Bucket=bucket,
        Policy=_policy(
            bucket,
            [{"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject"}],
        ),
    )
    with pytest.raises(ClientError) as denied:
        owner.delete_object(Bucket=bucket, Key="keep")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    owner.delete_bucket_policy(Bucket=bucket)
    owner.delete_object(Bucket=bucket, Key="keep")


def test_restrict_public_buckets(enforcing: Server, bucket_name: Any) -> None:
    owner = _client(enforcing)
    bucket = bucket_name()
    owner.create_bucket(Bucket=bucket)
    owner.put_object(Bucket=bucket, Key="k", Body=b"x")
    owner.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={"BlockPublicPolicy": False, "RestrictPublicBuckets": True},
    )
    owner.put_bucket_policy(
        Bucket=bucket,
        Policy=_policy(bucket, [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]),
    )
    url = f"{enforcing.endpoint}/{bucket}/k"
    assert httpx.get(url, timeout=5).status_code == 403
    assert owner.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    owner.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={"BlockPublicPolicy": False, "RestrictPublicBuckets": False},
    )
    assert httpx.get(url, timeout=5).status_code == 200


def test_public_acls_when_acls_are_enabled(enforcing: Server, bucket_name: Any) -> None:
    owner = _client(enforcing)
    bucket = bucket_name()
    owner.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    owner.delete_public_access_block(Bucket=bucket)
    owner.put_object(Bucket=bucket, Key="open", Body=b"o", ACL="public-read")
    owner.put_object(Bucket=bucket, Key="closed", Body=b"c")
    assert httpx.get(f"{enforcing.endpoint}/{bucket}/open", timeout=5).content == b"o"
    assert httpx.get(f"{enforcing.endpoint}/{bucket}/closed", timeout=5).status_code == 403
    assert httpx.put(f"{enforcing.endpoint}/{bucket}/new", content=b"n",
                     timeout=5).status_code == 403  # fmt: skip
    owner.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    assert httpx.put(f"{enforcing.endpoint}/{bucket}/new", content=b"n",
                     timeout=5).status_code == 200  # fmt: skip
    assert httpx.get(f"{enforcing.endpoint}/{bucket}?list-type=2", timeout=5).status_code == 200
    owner.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True}
    )
    assert httpx.get(f"{enforcing.endpoint}/{bucket}/open", timeout=5).status_code == 403

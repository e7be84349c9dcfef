"""Bucket policy condition keys, as ceph/s3-tests' `bucket-policy` group uses them, with IAM
enforcing: s3:prefix/delimiter/max-keys, s3:ExistingObjectTag, s3:RequestObjectTag(Keys),
s3:x-amz-acl, s3:x-amz-grant-*, s3:x-amz-server-side-encryption, s3:x-amz-copy-source,
s3:x-amz-metadata-directive, aws:SecureTransport, the s3:BypassGovernanceRetention
permission, and GetBucketPolicyStatus."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.support import Server, enforcing_client, refusal

OTHER = "111111111111"  # ceph's "alt" user: another account, let in by the bucket policy


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: str, resource: str, condition: dict[str, Any] | None = None,
           effect: str = "Allow") -> dict[str, Any]:
    statement = {"Effect": effect, "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                 "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


@pytest.fixture
def two(enforcing: Server, bucket_name: Callable[[], str]) -> tuple[Any, Any, str]:
    owner = enforcing_client(enforcing, "s3")
    other = enforcing_client(enforcing, "s3", key=OTHER)
    name = bucket_name()
    owner.create_bucket(Bucket=name)
    return owner, other, name


def _denied(call: Any, **params: Any) -> None:
    code, _, status = refusal(call, **params)
    assert (code, status) == ("AccessDenied", 403)


def test_list_bucket_prefix_delimiter_max_keys(two: tuple[Any, Any, str]) -> None:
    owner, other, bucket = two
    for key in ("public/a", "private/b"):
        owner.put_object(Bucket=bucket, Key=key, Body=b"x")
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(_allow(
        "s3:ListBucket", f"arn:aws:s3:::{bucket}", {
            "StringEquals": {"s3:prefix": "public/", "s3:delimiter": "/"},
            "NumericLessThanEquals": {"s3:max-keys": "10"}})))
    listed = other.list_objects(Bucket=bucket, Prefix="public/", Delimiter="/", MaxKeys=5)
    assert [o["Key"] for o in listed["Contents"]] == ["public/a"]
    listed = other.list_objects_v2(Bucket=bucket, Prefix="public/", Delimiter="/", MaxKeys=10)
    assert listed["KeyCount"] == 1
    _denied(other.list_objects, Bucket=bucket, Prefix="private/", Delimiter="/", MaxKeys=5)
    _denied(other.list_objects, Bucket=bucket, Prefix="public/", Delimiter="/", MaxKeys=11)
    _denied(other.list_objects, Bucket=bucket, Prefix="public/", MaxKeys=5)


def _tagged(owner: Any, bucket: str) -> None:
    for key, tags in (("publictag", "security=public&foo=bar"), ("privatetag", "security=private"),
                      ("invalidtag", "security1=public")):
        owner.put_object(Bucket=bucket, Key=key, Body=key.encode(), Tagging=tags)


@pytest.mark.parametrize("action", ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectAcl"])
def test_existing_object_tag_on_reads(two: tuple[Any, Any, str], action: str) -> None:
    owner, other, bucket = two
    _tagged(owner, bucket)
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(_allow(
        action, f"arn:aws:s3:::{bucket}/*",
        {"StringEquals": {"s3:ExistingObjectTag/security": "public"}})))
    call = {"s3:GetObject": other.get_object, "s3:GetObjectTagging": other.get_object_tagging,
            "s3:GetObjectAcl": other.get_object_acl}[action]
    assert call(Bucket=bucket, Key="publictag")["ResponseMetadata"]["HTTPStatusCode"] == 200
    for key in ("privatetag", "invalidtag"):
        _denied(call, Bucket=bucket, Key=key)
    if action != "s3:GetObject":  # only the allowed action is allowed
        _denied(other.get_object, Bucket=bucket, Key="publictag")


def test_existing_object_tag_on_put_tagging(two: tuple[Any, Any, str]) -> None:
    owner, other, bucket = two
    _tagged(owner, bucket)
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(_allow(
        "s3:PutObjectTagging", f"arn:aws:s3:::{bucket}/*",
        {"StringEquals": {"s3:ExistingObjectTag/security": "public"}})))
    public = {"TagSet": [{"Key": "security", "Value": "public"}]}
    private = {"TagSet": [{"Key": "security", "Value": "private"}]}
    other.put_object_tagging(Bucket=bucket, Key="publictag", Tagging=public)
    _denied(other.put_object_tagging, Bucket=bucket, Key="privatetag", Tagging=public)
    other.put_object_tagging(Bucket=bucket, Key="publictag", Tagging=private)
    _denied(other.put_object_tagging, Bucket=bucket, Key="publictag", Tagging=public)


def test_request_object_tag(two: tuple[Any, Any, str]) -> None:
    owner, other, bucket = two
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(_allow(
        "s3:PutObject", f"arn:aws:s3:::{bucket}/*", {
            "StringEquals": {"s3:RequestObjectTag/security": "public"},
            "ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["security", "team"]}})))
    _denied(other.put_object, Bucket=bucket, Key="obj", Body=b"x")
    _denied(other.put_object, Bucket=bucket, Key="obj", Body=b"x", Tagging="security=private")
    _denied(other.put_object, Bucket=bucket, Key="obj", Body=b"x",
            Tagging="security=public&other=1")
    other.put_object(Bucket=bucket, Key="obj", Body=b"x", Tagging="security=public&team=a")
    assert owner.get_object_tagging(Bucket=bucket, Key="obj")["TagSet"]


def test_canned_acl_condition(two: tuple[Any, Any, str]) -> None:
    owner, other, bucket = two
    resource = f"arn:aws:s3:::{bucket}/*"
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(
        _allow("s3:PutObject", resource),
        _allow("s3:PutObject", resource, {"StringLike": {"s3:x-amz-acl": "public*"}}, "Deny")))
    other.put_object(Bucket=bucket, Key="private-key", Body=b"x")
    _denied(other.put_object, Bucket=bucket, Key="public-key", Body=b"x", ACL="public-read")


def test_grant_full_control_condition(two: tuple[Any, Any, str]) -> None:
    owner, other, bucket = two
    owner_id = owner.list_buckets()["Owner"]["ID"]
    owner.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(_allow(
        "s3:PutObject", f"arn:aws:s3:::{bucket}/*",
        {"StringEquals": {"s3:x-amz-grant-full-control": f"id={owner_id}"}})))
    _denied(other.put_object, Bucket=bucket, Key="key1", Body=b"x")
    other.put_object(Bucket=bucket, Key="key1", Body=b"x", GrantFullControl=f"id={owner_id}")
    grants = owner.get_object_acl(Bucket=bucket, Key="key1")["Grants"]
    assert {"ID": owner_id, "Type": "CanonicalUser"} == {
        k: v for k, v in grants[0]["Grantee"].items() if k in ("ID", "Type")}


def test_server_side_encryption_condition(two: tuple[Any, Any, str]) -> None:
    owner, _, bucket = two
    resource = f"arn:aws:s3:::{bucket}/*"
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": resource}
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy(
        {**deny, "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}},
        {**deny, "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}))
    _denied(owner.put_object, Bucket=bucket, Key="plain", Body=b"x")
    _denied(owner.put_object, Bucket=bucket, Key="kms", Body=b"x", ServerSideEncryption="aws:kms")
    owner.put_object(Bucket=bucket, Key="sse", Body=b"x", ServerSideEncryption="AES256")


def test_copy_source_and_metadata_directive(
    two: tuple[Any, Any, str], bucket_name: Callable[[], str]
) -> None:
    owner, other, target = two
    source = bucket_name()
    owner.create_bucket(Bucket=source)
    for key in ("public/foo", "private/foo"):
        owner.put_object(Bucket=source, Key=key, Body=key.encode())
    owner.put_bucket_policy(Bucket=source, Policy=_policy(
        _allow("s3:GetObject", f"arn:aws:s3:::{source}/*")))
    owner.put_bucket_policy(Bucket=target, Policy=_policy(_allow(
        "s3:PutObject", f"arn:aws:s3:::{target}/*", {
            "StringLike": {"s3:x-amz-copy-source": f"{source}/public/*"},
            "StringEqualsIfExists": {"s3:x-amz-metadata-directive": "COPY"}})))
    other.copy_object(Bucket=target, Key="new", CopySource={"Bucket": source, "Key": "public/foo"})
    other.copy_object(Bucket=target, Key="new", CopySource=f"/{source}/public/foo",
                      MetadataDirective="COPY")
    _denied(other.copy_object, Bucket=target, Key="new2",
            CopySource={"Bucket": source, "Key": "private/foo"})
    _denied(other.copy_object, Bucket=target, Key="new2", MetadataDirective="REPLACE",
            CopySource={"Bucket": source, "Key": "public/foo"})


def test_secure_transport_is_false_over_http(two: tuple[Any, Any, str]) -> None:
    owner, _, bucket = two
    owner.put_object(Bucket=bucket, Key="k", Body=b"x")
    owner.put_bucket_policy(Bucket=bucket, Policy=_policy({
        "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
    _denied(owner.get_object, Bucket=bucket, Key="k")  # an explicit Deny binds the owner too


def test_bypass_governance_needs_its_permission(
    enforcing: Server, bucket_name: Callable[[], str]
) -> None:
    root = enforcing_client(enforcing, "s3")
    iam = enforcing_client(enforcing, "iam")
    user = f"locker-{bucket_name()[-8:]}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=_policy(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:BypassGovernanceRetention", "Resource": "*"}))
    keys = iam.create_access_key(UserName=user)["AccessKey"]
    limited = enforcing_client(enforcing, "s3", key=keys["AccessKeyId"],
                               secret=keys["SecretAccessKey"])
    bucket = bucket_name()
    root.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    until = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    version = root.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                              ObjectLockRetainUntilDate=until)["VersionId"]
    sooner = {"Mode": "GOVERNANCE", "RetainUntilDate": until - timedelta(days=1)}
    _denied(limited.put_object_retention, Bucket=bucket, Key="k", Retention=sooner,
            BypassGovernanceRetention=True)
    _denied(limited.delete_object, Bucket=bucket, Key="k", VersionId=version,
            BypassGovernanceRetention=True)
    answer = limited.delete_objects(Bucket=bucket, BypassGovernanceRetention=True, Delete={
        "Objects": [{"Key": "k", "VersionId": version}]})
    assert [e["Code"] for e in answer["Errors"]] == ["AccessDenied"]
    root.put_object_retention(Bucket=bucket, Key="k", Retention=sooner,
                              BypassGovernanceRetention=True)
    root.delete_object(Bucket=bucket, Key="k", VersionId=version, BypassGovernanceRetention=True)


def test_policy_status(two: tuple[Any, Any, str]) -> None:
    owner, _, bucket = two
    # ceph expects IsPublic false for a bucket without a policy (and true for a public-read
    # ACL); S3 answers NoSuchBucketPolicy, and the status speaks of the policy alone
    assert refusal(owner.get_bucket_policy_status, Bucket=bucket)[0] == "NoSuchBucketPolicy"
    owner.delete_public_access_block(Bucket=bucket)
    resources = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    everyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:ListBucket",
                "Resource": resources}
    cases = [(everyone, True),
             ({**everyone, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/32"}}}, False),
             ({**{k: v for k, v in everyone.items() if k != "Principal"},
               "NotPrincipal": {"AWS": f"arn:aws:iam::{OTHER}:root"}}, True)]
    for statement, public in cases:
        owner.put_bucket_policy(Bucket=bucket, Policy=_policy(statement))
        assert owner.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {
            "IsPublic": public}

"""Bucket policies, public access block, object ownership and ACLs through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _policy(bucket: str, principal: Any = "*", **extra: Any) -> str:
    statement = {
        "Sid": "Read",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        **extra,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_policy_round_trip_and_status(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as missing:
        s3.get_bucket_policy(Bucket=bucket)
    assert _code(missing) == "NoSuchBucketPolicy"
    private = _policy(bucket, {"AWS": "arn:aws:iam::000000000000:root"})
    s3.put_bucket_policy(Bucket=bucket, Policy=private)
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == private
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_policy_status(Bucket=bucket)


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        '{"Version": "2012-10-17"}',
        '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
        '"Resource": "arn:aws:s3:::BUCKET/*"}]}',
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", '
        '"Resource": "arn:aws:s3:::BUCKET/*"}]}',
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", '
        '"Resource": "arn:aws:s3:::some-other-bucket/*"}]}',
        '{"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "s3:GetObject", '
        '"Resource": "arn:aws:s3:::BUCKET/*"}]}',
    ],
)
def test_malformed_policies(s3: Any, bucket: str, document: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=document.replace("BUCKET", bucket))
    assert _code(error) == "MalformedPolicy"


def test_public_access_block_blocks_public_policy(s3: Any, bucket: str) -> None:
    settings = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert settings == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=_policy(bucket))
    assert _code(error) == "AccessDenied"
    restricted = _policy(bucket, Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    s3.put_bucket_policy(Bucket=bucket, Policy=restricted)  # not public: allowed
    s3.delete_public_access_block(Bucket=bucket)
    with pytest.raises(ClientError) as missing:
        s3.get_public_access_block(Bucket=bucket)
    assert _code(missing) == "NoSuchPublicAccessBlockConfiguration"
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(bucket))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": False},
    )
    got = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert got["BlockPublicAcls"] is True and got["IgnorePublicAcls"] is False


def test_acls_disabled_by_default(s3: Any, bucket: str) -> None:
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Grants"] == [
        {"Grantee": {**acl["Owner"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}
    ]
    with pytest.raises(ClientError) as error:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert _code(error) == "AccessControlListNotSupported"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    assert _code(error) == "AccessControlListNotSupported"
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    assert s3.get_object_acl(Bucket=bucket, Key="k")["Grants"][0]["Permission"] == "FULL_CONTROL"


def test_create_bucket_with_acl_and_ownership(s3: Any, bucket_name: Any) -> None:
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket=bucket_name(), ACL="public-read")
    assert _code(error) == "InvalidBucketAclWithObjectOwnership"
    name = bucket_name()
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter", ACL="private")
    rules = s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]


def test_acls_when_enabled(s3: Any, bucket: str) -> None:
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    with pytest.raises(ClientError) as error:  # BlockPublicAcls is still on
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert _code(error) == "AccessDenied"
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "Permission": "READ",
    } in grants
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="authenticated-read")
    uris = [g["Grantee"].get("URI") for g in s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]]
    assert "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" in uris
    s3.put_object(Bucket=bucket, Key="k", Body=b"new version")  # a new object: default ACL
    assert len(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]) == 1
    owner_id = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    s3.put_object_acl(
        Bucket=bucket,
        Key="k",
        GrantRead=f'id="{owner_id}", uri="http://acs.amazonaws.com/groups/global/AllUsers"',
    )
    permissions = [g["Permission"] for g in s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]]
    assert permissions == ["READ", "READ"]
    s3.put_object_acl(
        Bucket=bucket,
        Key="k",
        AccessControlPolicy={
            "Owner": {"ID": owner_id},
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": owner_id}, "Permission": "WRITE_ACP"}
            ],
        },
    )
    assert s3.get_object_acl(Bucket=bucket, Key="k")["Grants"][0]["Permission"] == "WRITE_ACP"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "MissingSecurityHeader"),
        (
            {
                "ACL": "private",
                "GrantRead": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"',
            },
            "InvalidRequest",
        ),
        ({"GrantRead": 'id="not-an-id"'}, "InvalidArgument"),
        ({"GrantRead": 'uri="http://example.com/group"'}, "InvalidArgument"),
        ({"GrantRead": 'emailAddress="someone@example.com"'}, "UnresolvableGrantByEmailAddress"),
    ],
)
def test_acl_errors(s3: Any, bucket: str, kwargs: dict[str, Any], code: str) -> None:
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    with pytest.raises(ClientError) as error:
        s3.put_bucket_acl(Bucket=bucket, **kwargs)
    assert _code(error) == code


def test_ownership_controls_delete(s3: Any, bucket: str) -> None:
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert _code(error) == "OwnershipControlsNotFoundError"
    with pytest.raises(ClientError) as error:
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "Nobody"}]}
        )
    assert _code(error) == "MalformedXML"


def test_multipart_upload_acl(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.create_multipart_upload(Bucket=bucket, Key="mp", ACL="public-read")
    assert _code(error) == "AccessControlListNotSupported"
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.delete_public_access_block(Bucket=bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", ACL="public-read")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"x")
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    uris = [g["Grantee"].get("URI") for g in s3.get_object_acl(Bucket=bucket, Key="mp")["Grants"]]
    assert "http://acs.amazonaws.com/groups/global/AllUsers" in uris

"""S3 Object Ownership, end to end with two (or three) accounts under --iam enforce: who owns
what another account writes under ObjectWriter, BucketOwnerPreferred and BucketOwnerEnforced
(AWS's "Controlling ownership of objects and disabling ACLs for your bucket"), what
GetObjectAcl and the listings say, and what each account may then do (ceph/s3-tests'
test_object_acl_canned_bucketowner* and test_bucket_policy_put_obj_grant among them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from tests.support import Server, enforcing_client, refusal

WRITER = "111111111111"
THIRD = "222222222222"
DENIED = ("AccessDenied", 403)


@dataclass
class Accounts:
    owner: Any  # the bucket owner's root
    writer: Any  # another account's root, allowed to write by the bucket policy
    third: Any
    owner_id: str  # canonical user ids
    writer_id: str
    third_id: str
    bucket: str

    def put_ownership(self, ownership: str) -> None:
        self.owner.put_bucket_ownership_controls(
            Bucket=self.bucket, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]})

    def acl(self, client: Any, key: str, **params: Any) -> tuple[str, list[tuple[str, str]]]:
        """The object's owner and its (grantee id, permission) pairs."""
        found = client.get_object_acl(Bucket=self.bucket, Key=key, **params)
        return found["Owner"]["ID"], sorted(
            (g["Grantee"]["ID"], g["Permission"]) for g in found["Grants"])


def _writers_policy(bucket: str) -> str:
    """The bucket owner lets the writer account write and list (never read: reading an object
    is the object owner's to grant)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{WRITER}:root"},
        "Action": ["s3:PutObject", "s3:ListBucket", "s3:ListBucketVersions",
                   "s3:ListBucketMultipartUploads"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]})


def _accounts(server: Server, name: str, ownership: str | None) -> Accounts:
    owner = enforcing_client(server, "s3")
    writer = enforcing_client(server, "s3", key=WRITER)
    third = enforcing_client(server, "s3", key=THIRD)
    owner.create_bucket(Bucket=name, **({"ObjectOwnership": ownership} if ownership else {}))
    owner.put_bucket_policy(Bucket=name, Policy=_writers_policy(name))
    return Accounts(owner, writer, third, *(c.list_buckets()["Owner"]["ID"]
                                            for c in (owner, writer, third)), name)


@pytest.fixture
def accounts(enforcing: Server, bucket_name: Callable[[], str]) -> Callable[..., Accounts]:
    return lambda ownership=None: _accounts(enforcing, bucket_name(), ownership)


def test_object_writer_owns_what_it_writes(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.writer.put_object(Bucket=a.bucket, Key="k", Body=b"mine")
    assert a.acl(a.writer, "k") == (a.writer_id, [(a.writer_id, "FULL_CONTROL")])
    assert a.writer.get_object(Bucket=a.bucket, Key="k")["Body"].read() == b"mine"
    # the bucket owner pays for it but may not read it, nor its ACL, unless granted ...
    for call in (a.owner.get_object, a.owner.get_object_acl, a.owner.get_object_tagging):
        assert refusal(call, Bucket=a.bucket, Key="k")[::2] == DENIED
    assert refusal(a.owner.head_object, Bucket=a.bucket, Key="k")[2] == 403  # no body to name it
    assert refusal(a.owner.put_object_acl, Bucket=a.bucket, Key="k",
                   ACL="bucket-owner-full-control")[::2] == DENIED
    # ... and its bucket policy's grant to a third account reaches only the objects it owns
    policy = json.loads(_writers_policy(a.bucket))
    policy["Statement"].append({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{THIRD}:root"},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{a.bucket}/*"})
    a.owner.put_bucket_policy(Bucket=a.bucket, Policy=json.dumps(policy))
    a.owner.put_object(Bucket=a.bucket, Key="ours", Body=b"o")
    assert a.third.get_object(Bucket=a.bucket, Key="ours")["Body"].read() == b"o"
    assert refusal(a.third.get_object, Bucket=a.bucket, Key="k")[::2] == DENIED
    # the bucket owner may always delete it
    a.owner.delete_object(Bucket=a.bucket, Key="k")
    assert refusal(a.owner.get_object, Bucket=a.bucket, Key="k")[::2] == ("NoSuchKey", 404)


def test_object_owner_grants_decide(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.writer.put_object(Bucket=a.bucket, Key="k", Body=b"shared",
                        GrantFullControl=f"id={a.writer_id}", GrantRead=f"id={a.third_id}")
    assert a.third.get_object(Bucket=a.bucket, Key="k")["Body"].read() == b"shared"
    assert refusal(a.third.get_object_acl, Bucket=a.bucket, Key="k")[::2] == DENIED
    assert refusal(a.owner.get_object, Bucket=a.bucket, Key="k")[::2] == DENIED
    # the object owner grants the bucket owner read afterwards
    a.writer.put_object_acl(Bucket=a.bucket, Key="k", ACL="bucket-owner-read")
    assert a.owner.get_object(Bucket=a.bucket, Key="k")["Body"].read() == b"shared"
    assert refusal(a.third.get_object, Bucket=a.bucket, Key="k")[::2] == DENIED


def test_bucket_policy_still_denies(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.writer.put_object(Bucket=a.bucket, Key="k", Body=b"x")
    policy = json.loads(_writers_policy(a.bucket))
    policy["Statement"].append({
        "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{WRITER}:root"},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{a.bucket}/*"})
    a.owner.put_bucket_policy(Bucket=a.bucket, Policy=json.dumps(policy))
    assert refusal(a.writer.get_object, Bucket=a.bucket, Key="k")[::2] == DENIED
    assert a.acl(a.writer, "k")[0] == a.writer_id  # only what was denied


def test_canned_bucket_owner_read(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.writer.put_object(Bucket=a.bucket, Key="foo", Body=b"bar")
    a.writer.put_object(Bucket=a.bucket, Key="foo", ACL="bucket-owner-read")
    assert a.acl(a.writer, "foo") == (a.writer_id, sorted(
        [(a.writer_id, "FULL_CONTROL"), (a.owner_id, "READ")]))
    grants = a.writer.get_object_acl(Bucket=a.bucket, Key="foo")["Grants"]
    assert all(g["Grantee"].get("DisplayName") for g in grants)
    assert a.owner.get_object(Bucket=a.bucket, Key="foo")["Body"].read() == b""
    assert refusal(a.owner.get_object_acl, Bucket=a.bucket, Key="foo")[::2] == DENIED


def test_canned_bucket_owner_full_control(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.writer.put_object(Bucket=a.bucket, Key="foo", Body=b"bar",
                        ACL="bucket-owner-full-control")
    expected = (a.writer_id, sorted([(a.writer_id, "FULL_CONTROL"),
                                     (a.owner_id, "FULL_CONTROL")]))
    assert a.acl(a.writer, "foo") == expected == a.acl(a.owner, "foo")
    a.owner.put_object_acl(Bucket=a.bucket, Key="foo", ACL="bucket-owner-read")
    assert a.acl(a.writer, "foo") == (a.writer_id, sorted(
        [(a.writer_id, "FULL_CONTROL"), (a.owner_id, "READ")]))


def test_grant_back_to_the_bucket_owner(accounts: Callable[..., Accounts]) -> None:
    """ceph's test_bucket_policy_put_obj_grant: the grants named replace the default."""
    a = accounts("ObjectWriter")
    a.writer.put_object(Bucket=a.bucket, Key="key1", Body=b"1",
                        GrantFullControl=f"id={a.owner_id}")
    a.writer.put_object(Bucket=a.bucket, Key="key2", Body=b"2")
    assert a.acl(a.owner, "key1") == (a.writer_id, [(a.owner_id, "FULL_CONTROL")])
    assert a.acl(a.writer, "key2") == (a.writer_id, [(a.writer_id, "FULL_CONTROL")])
    assert refusal(a.owner.get_object_acl, Bucket=a.bucket, Key="key2")[::2] == DENIED


def test_bucket_owner_preferred(accounts: Callable[..., Accounts]) -> None:
    a = accounts("BucketOwnerPreferred")
    a.writer.put_object(Bucket=a.bucket, Key="kept", Body=b"w")
    a.writer.put_object(Bucket=a.bucket, Key="given", Body=b"o", ACL="bucket-owner-full-control")
    assert a.acl(a.writer, "kept") == (a.writer_id, [(a.writer_id, "FULL_CONTROL")])
    assert a.acl(a.owner, "given") == (a.owner_id, [(a.owner_id, "FULL_CONTROL")])
    assert a.owner.get_object(Bucket=a.bucket, Key="given")["Body"].read() == b"o"
    # the writer gave it away: its own grant went with it
    assert refusal(a.writer.get_object, Bucket=a.bucket, Key="given")[::2] == DENIED
    assert refusal(a.owner.get_object, Bucket=a.bucket, Key="kept")[::2] == DENIED


def test_bucket_owner_enforced_owns_everything(accounts: Callable[..., Accounts]) -> None:
    a = accounts()  # the default: BucketOwnerEnforced
    a.writer.put_object(Bucket=a.bucket, Key="k", Body=b"x")
    a.writer.put_object(Bucket=a.bucket, Key="b", Body=b"y", ACL="bucket-owner-full-control")
    for key in ("k", "b"):
        assert a.acl(a.owner, key) == (a.owner_id, [(a.owner_id, "FULL_CONTROL")])
        assert a.owner.get_object(Bucket=a.bucket, Key=key)["Body"].read() in (b"x", b"y")
    # ACLs do not grant: the writer reads only what the bucket policy allows (nothing here)
    assert refusal(a.writer.get_object, Bucket=a.bucket, Key="k")[::2] == DENIED
    assert refusal(a.writer.put_object, Bucket=a.bucket, Key="k", Body=b"x",
                   GrantRead=f"id={a.writer_id}")[0] == "AccessControlListNotSupported"
    listed = a.writer.list_objects_v2(Bucket=a.bucket, FetchOwner=True)["Contents"]
    assert {o["Owner"]["ID"] for o in listed} == {a.owner_id}


def test_listings_name_each_objects_owner(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.owner.put_bucket_versioning(Bucket=a.bucket, VersioningConfiguration={"Status": "Enabled"})
    a.writer.put_object(Bucket=a.bucket, Key="theirs", Body=b"w")
    a.owner.put_object(Bucket=a.bucket, Key="ours", Body=b"o")
    a.owner.put_object(Bucket=a.bucket, Key="theirs", Body=b"o2")
    owners = {o["Key"]: o["Owner"]["ID"]
              for o in a.owner.list_objects_v2(Bucket=a.bucket, FetchOwner=True)["Contents"]}
    assert owners == {"ours": a.owner_id, "theirs": a.owner_id}  # the latest version's
    assert "Owner" not in a.owner.list_objects_v2(Bucket=a.bucket)["Contents"][0]
    versions = a.owner.list_object_versions(Bucket=a.bucket, Prefix="theirs")["Versions"]
    assert [v["Owner"]["ID"] for v in versions] == [a.owner_id, a.writer_id]
    a.writer.put_object(Bucket=a.bucket, Key="zz", Body=b"w")
    listed = a.writer.list_objects(Bucket=a.bucket)["Contents"]  # V1 always names owners
    assert {o["Key"]: o["Owner"]["ID"] for o in listed}["zz"] == a.writer_id
    assert listed[-1]["Owner"]["DisplayName"]


def test_ownership_changes_apply_to_new_writes(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.writer.put_object(Bucket=a.bucket, Key="before", Body=b"1", ACL="bucket-owner-full-control")
    a.put_ownership("BucketOwnerPreferred")
    a.writer.put_object(Bucket=a.bucket, Key="after", Body=b"2", ACL="bucket-owner-full-control")
    assert a.acl(a.owner, "before")[0] == a.writer_id
    assert a.acl(a.owner, "after")[0] == a.owner_id
    a.put_ownership("BucketOwnerEnforced")  # ACLs disabled: the bucket owner owns all
    assert a.acl(a.owner, "before") == (a.owner_id, [(a.owner_id, "FULL_CONTROL")])
    a.writer.put_object(Bucket=a.bucket, Key="enforced", Body=b"3")
    a.put_ownership("ObjectWriter")  # re-enabled: each keeps the owner it was written with
    assert a.acl(a.writer, "before")[0] == a.writer_id
    assert a.acl(a.owner, "enforced") == (a.owner_id, [(a.owner_id, "FULL_CONTROL")])
    assert refusal(a.writer.get_object, Bucket=a.bucket, Key="enforced")[::2] == DENIED


def test_copier_owns_the_copy(accounts: Callable[..., Accounts]) -> None:
    a = accounts("ObjectWriter")
    a.owner.put_object(Bucket=a.bucket, Key="src", Body=b"data", GrantRead=f"id={a.writer_id}",
                       GrantFullControl=f"id={a.owner_id}")
    a.writer.copy_object(Bucket=a.bucket, Key="copy", CopySource=f"{a.bucket}/src")
    assert a.acl(a.writer, "copy") == (a.writer_id, [(a.writer_id, "FULL_CONTROL")])
    assert refusal(a.owner.get_object, Bucket=a.bucket, Key="copy")[::2] == DENIED
    a.writer.copy_object(Bucket=a.bucket, Key="copy2", CopySource=f"{a.bucket}/copy",
                         ACL="bucket-owner-read")
    assert a.owner.get_object(Bucket=a.bucket, Key="copy2")["Body"].read() == b"data"
    # a copy reads its source: the bucket owner may not copy what it may not read
    assert refusal(a.owner.copy_object, Bucket=a.bucket, Key="mine",
                   CopySource=f"{a.bucket}/copy")[::2] == DENIED
    a.owner.copy_object(Bucket=a.bucket, Key="mine", CopySource=f"{a.bucket}/copy2")
    assert a.acl(a.owner, "mine") == (a.owner_id, [(a.owner_id, "FULL_CONTROL")])


def test_initiator_owns_a_multipart_upload(accounts: Callable[..., Accounts]) -> None:
    a = accounts("BucketOwnerPreferred")
    for key, acl in (("mine", {}), ("given", {"ACL": "bucket-owner-full-control"})):
        upload = a.writer.create_multipart_upload(Bucket=a.bucket, Key=key, **acl)["UploadId"]
        listed = a.owner.list_multipart_uploads(Bucket=a.bucket)["Uploads"]
        assert listed[0]["Initiator"]["ID"] == a.writer_id
        etag = a.writer.upload_part(Bucket=a.bucket, Key=key, UploadId=upload, PartNumber=1,
                                    Body=b"p")["ETag"]
        a.writer.complete_multipart_upload(
            Bucket=a.bucket, Key=key, UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert a.acl(a.writer, "mine") == (a.writer_id, [(a.writer_id, "FULL_CONTROL")])
    assert a.acl(a.owner, "given") == (a.owner_id, [(a.owner_id, "FULL_CONTROL")])
    assert refusal(a.owner.get_object, Bucket=a.bucket, Key="mine")[::2] == DENIED

"""ACLs, test by test against what ceph/s3-tests expects of S3 (its `acl` tests): grants by
header to a canonical id, a group URI or an email address, the canned ACLs' grants on buckets
and objects, grants to another account that let it in, anonymous reads
through public-read ACLs, and ACLs refused under BucketOwnerEnforced. IAM enforces here, so
the ACLs really decide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tests.support import Server, enforcing_client, refusal

OTHER = "111111111111"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _grants(acl: dict[str, Any]) -> list[tuple[str, str]]:
    """(grantee, permission) pairs: a canonical id, or a group's URI."""
    return sorted((g["Grantee"].get("ID") or g["Grantee"]["URI"], g["Permission"])
                  for g in acl["Grants"])


@pytest.fixture
def acls(enforcing: Server, bucket_name: Callable[[], str]) -> tuple[Any, Any, str, str, str]:
    """The owner's and another account's clients, their canonical ids, and a bucket of the
    owner's with ACLs enabled (ObjectWriter) and public ACLs allowed."""
    owner = enforcing_client(enforcing, "s3")
    other = enforcing_client(enforcing, "s3", key=OTHER)
    name = bucket_name()
    owner.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    owner.delete_public_access_block(Bucket=name)
    return (owner, other, owner.list_buckets()["Owner"]["ID"],
            other.list_buckets()["Owner"]["ID"], name)


def test_default_acls(acls: tuple[Any, Any, str, str, str]) -> None:
    owner, _, owner_id, _, bucket = acls
    acl = owner.get_bucket_acl(Bucket=bucket)
    assert acl["Owner"]["ID"] == owner_id and "DisplayName" in acl["Owner"]
    assert _grants(acl) == [(owner_id, "FULL_CONTROL")]
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    owner.put_object(Bucket=bucket, Key="foo", Body=b"bar")
    acl = owner.get_object_acl(Bucket=bucket, Key="foo")
    assert acl["Owner"]["ID"] == owner_id
    assert _grants(acl) == [(owner_id, "FULL_CONTROL")]


@pytest.mark.parametrize(("canned", "groups"), [
    ("private", []),
    ("public-read", [(ALL_USERS, "READ")]),
    ("public-read-write", [(ALL_USERS, "READ"), (ALL_USERS, "WRITE")]),
    ("authenticated-read", [(AUTHENTICATED, "READ")]),
])
def test_canned_acls(acls: tuple[Any, Any, str, str, str], canned: str,
                     groups: list[tuple[str, str]]) -> None:
    owner, _, owner_id, _, bucket = acls
    owner.put_bucket_acl(Bucket=bucket, ACL=canned)
    assert _grants(owner.get_bucket_acl(Bucket=bucket)) == sorted(
        [(owner_id, "FULL_CONTROL"), *groups])
    owner.put_object(Bucket=bucket, Key="foo", Body=b"bar", ACL=canned)
    assert _grants(owner.get_object_acl(Bucket=bucket, Key="foo")) == sorted(
        [(owner_id, "FULL_CONTROL"), *groups])


def test_grants_by_header(acls: tuple[Any, Any, str, str, str]) -> None:
    owner, other, owner_id, other_id, bucket = acls
    headers = {"GrantFullControl": f"id={other_id}", "GrantRead": f"id={other_id}",
               "GrantReadACP": f"id={other_id}", "GrantWrite": f"id={other_id}",
               "GrantWriteACP": f"id={other_id}"}
    owner.put_bucket_acl(Bucket=bucket, **headers)
    assert _grants(owner.get_bucket_acl(Bucket=bucket)) == sorted(
        (other_id, p) for p in ("FULL_CONTROL", "READ", "READ_ACP", "WRITE", "WRITE_ACP"))
    other.put_object(Bucket=bucket, Key="by-other", Body=b"x")  # WRITE lets them add objects
    owner.put_object(Bucket=bucket, Key="foo", Body=b"bar",
                     **{k: v for k, v in headers.items() if k != "GrantWrite"})
    # the object's ACL is just the grants named: the owner gets none of their own
    assert _grants(owner.get_object_acl(Bucket=bucket, Key="foo")) == sorted(
        (other_id, p) for p in ("FULL_CONTROL", "READ", "READ_ACP", "WRITE_ACP"))
    assert other.get_object(Bucket=bucket, Key="foo")["Body"].read() == b"bar"
    owner.put_object_acl(Bucket=bucket, Key="foo",
                         GrantRead=f'uri="{ALL_USERS}", id="{owner_id}"')
    assert _grants(owner.get_object_acl(Bucket=bucket, Key="foo")) == sorted(
        [(ALL_USERS, "READ"), (owner_id, "READ")])


@pytest.mark.parametrize(("grant", "code"), [
    ("id=_foo", "InvalidArgument"),  # ceph: a user id that names no one
    ("emailAddress=nobody@example.com", "UnresolvableGrantByEmailAddress"),
])
def test_grants_to_no_one(acls: tuple[Any, Any, str, str, str], grant: str, code: str) -> None:
    owner, _, _, _, bucket = acls
    found, _, status = refusal(owner.put_bucket_acl, Bucket=bucket, GrantRead=grant)
    assert (found, status) == (code, 400)


def test_anonymous_access_follows_acls(
    acls: tuple[Any, Any, str, str, str], enforcing: Server
) -> None:
    owner, _, _, _, bucket = acls
    url = f"{enforcing.endpoint}/{bucket}"
    owner.put_object(Bucket=bucket, Key="public", Body=b"open", ACL="public-read")
    owner.put_object(Bucket=bucket, Key="private", Body=b"shut")
    assert httpx.get(f"{url}/public", timeout=5).content == b"open"  # bucket private
    assert httpx.get(f"{url}/private", timeout=5).status_code == 403
    assert httpx.get(url, timeout=5).status_code == 403  # listing needs the bucket's READ
    assert httpx.put(f"{url}/anon", content=b"x", timeout=5).status_code == 403
    owner.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert httpx.get(url, timeout=5).status_code == 200
    assert httpx.get(f"{url}/private", timeout=5).status_code == 403  # the object decides
    owner.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    assert httpx.put(f"{url}/anon", content=b"x", timeout=5).status_code == 200


def test_acls_refused_when_owner_enforced(
    enforcing: Server, bucket_name: Callable[[], str]
) -> None:
    owner = enforcing_client(enforcing, "s3")
    bucket = bucket_name()
    owner.create_bucket(Bucket=bucket)
    owner_id = owner.list_buckets()["Owner"]["ID"]
    owner.put_object(Bucket=bucket, Key="k", Body=b"x")
    for call, params in ((owner.put_bucket_acl, {"GrantRead": f"id={owner_id}"}),
                         (owner.put_bucket_acl, {"ACL": "private"}),
                         (owner.put_object_acl, {"Key": "k", "ACL": "private"}),
                         (owner.put_object, {"Key": "k", "Body": b"x",
                                             "GrantRead": f"id={owner_id}"})):
        code, message, status = refusal(call, Bucket=bucket, **params)
        assert (code, message, status) == (
            "AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
    # even `private` is refused (as Terraform users met it); only the bucket owner's full
    # control, as bucket-owner-full-control or an equivalent body, is taken
    owner.put_object_acl(Bucket=bucket, Key="k", ACL="bucket-owner-full-control")
    owner.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": {"ID": owner_id}, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner_id}, "Permission": "FULL_CONTROL"}]})

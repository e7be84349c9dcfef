"""ACL refusals as S3 recorded them: a grant header's bad grantee names its key (id, uri) or,
unreadable, the header; an AccessControlPolicy body needs its Owner, a valid owner id, and is
checked before the bucket's BucketOwnerEnforced setting refuses it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

FAKE_GROUP = "http://acs.amazonaws.com/groups/s3/FakeGroup"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return dict(caught.value.response["Error"])


@pytest.mark.parametrize(("header", "expected"), [
    ('uri="' + FAKE_GROUP + '"', {"Message": "Invalid group uri", "ArgumentName": "uri",
                                  "ArgumentValue": FAKE_GROUP}),
    ('id="not-an-id"', {"Message": "Invalid id", "ArgumentName": "id",
                        "ArgumentValue": "not-an-id"}),
    ('color="blue"', {"Message": "Argument format not recognized",
                      "ArgumentName": "x-amz-grant-write", "ArgumentValue": 'color="blue"'}),
])  # fmt: skip
def test_grant_header_refusals_name_the_header_key(
    s3: Any, bucket: str, header: str, expected: dict[str, str]
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for call, where in ((s3.put_bucket_acl, {}), (s3.put_object_acl, {"Key": "k"})):
        error = _error(call, Bucket=bucket, GrantWrite=header, **where)
        assert error["Code"] == "InvalidArgument"
        assert {name: error.get(name) for name in expected} == expected


def test_grant_header_name_for_read_acp(s3: Any, bucket: str) -> None:
    error = _error(s3.put_bucket_acl, Bucket=bucket, GrantReadACP="nonsense")
    assert error["ArgumentName"] == "x-amz-grant-read-acp"


def _policy(owner: dict[str, str] | None, grantee: dict[str, str]) -> dict[str, Any]:
    policy: dict[str, Any] = {"Grants": [{"Grantee": grantee, "Permission": "WRITE"}]}
    if owner is not None:
        policy["Owner"] = owner
    return policy


def test_policy_body_checked_before_ownership(s3: Any, bucket: str) -> None:
    """The bucket enforces BucketOwnerEnforced, yet the document's faults come first."""
    owner = s3.list_buckets()["Owner"]
    group = {"Type": "Group", "URI": LOG_DELIVERY}
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for call, where in ((s3.put_bucket_acl, {}), (s3.put_object_acl, {"Key": "k"})):
        no_owner = _error(call, Bucket=bucket, AccessControlPolicy=_policy(None, group), **where)
        assert no_owner["Code"] == "MalformedACLError"
        empty = _error(call, Bucket=bucket, AccessControlPolicy={}, **where)
        assert empty["Code"] == "MalformedACLError"
        bad_owner = _error(call, Bucket=bucket, **where,
                           AccessControlPolicy=_policy({"ID": "wrong-id"}, group))  # fmt: skip
        assert (bad_owner["Code"], bad_owner["ArgumentName"], bad_owner["ArgumentValue"]) == (
            "InvalidArgument", "CanonicalUser/ID", "wrong-id")  # fmt: skip
        fake = _error(call, Bucket=bucket, **where,
                      AccessControlPolicy=_policy(owner, {"Type": "Group", "URI": FAKE_GROUP}))
        assert (fake["Message"], fake["ArgumentName"]) == ("Invalid group uri", "Group/URI")
        allowed = _error(call, Bucket=bucket, AccessControlPolicy=_policy(owner, group), **where)
        assert allowed["Code"] == "AccessControlListNotSupported"

"""Access key errors worded as IAM words them."""

from __future__ import annotations

import uuid

from tests.support import refusal

ACCOUNT = "531975319753"
UNKNOWN_KEY = "AKIAIOSFODNN7EXAMPLE"


def test_unknown_access_key(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id=ACCOUNT)
    user = f"keys-{uuid.uuid4().hex[:10]}"
    iam.create_user(UserName=user)
    missing = ("NoSuchEntity", f"The Access Key with id {UNKNOWN_KEY} cannot be found.", 404)
    assert refusal(iam.update_access_key, UserName=user, AccessKeyId=UNKNOWN_KEY,
                   Status="Inactive") == missing
    assert refusal(iam.delete_access_key, UserName=user, AccessKeyId=UNKNOWN_KEY) == missing
    assert refusal(iam.get_access_key_last_used, AccessKeyId=UNKNOWN_KEY) == (
        "AccessDenied", f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform "
        f"iam:GetAccessKeyLastUsed on resource: access key {UNKNOWN_KEY}", 403)
    unused = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    last = iam.get_access_key_last_used(AccessKeyId=unused)
    assert last["UserName"] == user
    assert last["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

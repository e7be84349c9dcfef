"""Bucket-configuration refusals held to what AWS was recorded sending (LocalStack's
tests/aws/services/s3/test_s3_api.snapshot.json, TestS3ObjectLock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

MALFORMED = (
    "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema",
)


def test_object_lock_configuration_with_an_empty_rule_is_malformed(
    s3: Any, bucket_name: Callable[[], str]
) -> None:
    name = bucket_name()
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    with pytest.raises(ClientError) as caught:
        s3.put_object_lock_configuration(
            Bucket=name, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {}})
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == MALFORMED
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # Without the Rule element the configuration is accepted and reads back bare.
    s3.put_object_lock_configuration(
        Bucket=name, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}

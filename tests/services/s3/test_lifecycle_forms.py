"""Lifecycle configurations that mix rule forms or overlap rule-level prefixes, held to
answers captured from AWS: ansible issue 53751 and terraform-provider-aws issue 23299 (a
rule-level Prefix beside a Filter), noobaa issue 8341 (overlapping rule-level prefixes)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

DAYS = {"Expiration": {"Days": 7}}


def _refusal(s3: Any, bucket: str, *rules: dict[str, Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                              LifecycleConfiguration={"Rules": list(rules)})
    answer = caught.value.response
    return (answer["ResponseMetadata"]["HTTPStatusCode"], answer["Error"]["Code"],
            answer["Error"]["Message"])  # fmt: skip


def test_a_filter_after_a_rule_level_prefix_is_refused(s3: Any, bucket: str) -> None:
    assert _refusal(s3, bucket,
                    {"ID": "a", "Prefix": "logs/", "Status": "Enabled", **DAYS},
                    {"ID": "b", "Filter": {"Prefix": "x/"}, "Status": "Enabled", **DAYS},
                    ) == (400, "InvalidRequest",
                          "Filter element can only be used in Lifecycle V2.")  # fmt: skip


def test_a_rule_level_prefix_after_a_filter_is_refused(s3: Any, bucket: str) -> None:
    assert _refusal(s3, bucket,
                    {"ID": "b", "Filter": {"Prefix": "x/"}, "Status": "Enabled", **DAYS},
                    {"ID": "a", "Prefix": "logs/", "Status": "Enabled", **DAYS},
                    ) == (400, "InvalidRequest", "Base level prefix cannot be used in Lifecycle "
                          "V2, prefixes are only supported in the Filter.")  # fmt: skip


def test_overlapping_rule_level_prefixes_of_one_action_are_refused(s3: Any, bucket: str) -> None:
    assert _refusal(s3, bucket,
                    {"ID": "a", "Prefix": "a", "Status": "Enabled", **DAYS},
                    {"ID": "b", "Prefix": "", "Status": "Enabled", **DAYS},
                    ) == (400, "InvalidRequest", "Found overlapping prefixes '' and 'a' for same "
                          "action type 'Expiration'")  # fmt: skip


def test_overlaps_of_other_actions_and_of_filters_are_kept(s3: Any, bucket: str) -> None:
    abort = {"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "a", "Prefix": "", "Status": "Enabled", **DAYS},
        {"ID": "b", "Prefix": "a", "Status": "Enabled", **abort}]})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "a", "Filter": {"Prefix": ""}, "Status": "Enabled", **DAYS},
        {"ID": "b", "Filter": {"Prefix": "a"}, "Status": "Enabled", **DAYS}]})
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [rule["Filter"]["Prefix"] for rule in rules] == ["", "a"]

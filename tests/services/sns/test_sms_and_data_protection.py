"""Account SMS settings, the (always empty) opt-out list, topic data protection policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_sms_attributes_are_kept_per_account_and_region(client: Any) -> None:
    sns = client("sns", region_name="ap-southeast-2")
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional",
                                       "DefaultSenderID": "pocket"})
    assert sns.get_sms_attributes()["attributes"] == {"DefaultSMSType": "Transactional",
                                                      "DefaultSenderID": "pocket"}
    assert sns.get_sms_attributes(attributes=["DefaultSenderID"])["attributes"] == {
        "DefaultSenderID": "pocket"}
    assert client("sns", region_name="ap-southeast-1").get_sms_attributes()["attributes"] == {}
    with pytest.raises(ClientError) as caught:
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"})
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"


def test_no_number_is_opted_out(sns: Any) -> None:
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15550100")["isOptedOut"] is False
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == []
    sns.opt_in_phone_number(phoneNumber="+15550100")
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is False
    with pytest.raises(ClientError):
        sns.check_if_phone_number_is_opted_out(phoneNumber="call me")


def test_data_protection_policy(sns: Any, unique: Any) -> None:
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    assert "DataProtectionPolicy" not in sns.get_data_protection_policy(ResourceArn=topic)
    policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": []})
    sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy=policy)
    assert sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"] == policy
    with pytest.raises(ClientError) as caught:
        sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy="{")
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"

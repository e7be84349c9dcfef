"""The SMS sandbox: destination numbers added as Pending with a one-time password texted to
the outbox, verified with it, listed, deleted; and no origination numbers for a new account."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.sns.test_outbox import wait_outbox


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def sandbox(client: Any) -> Any:
    return client("sns", region_name="ap-southeast-2")  # a region of the test's own


def _number() -> str:
    return "+1425555" + str(random.randrange(10 ** 4)).zfill(4)


def test_add_verify_list_delete(endpoint: str, sandbox: Any) -> None:
    phone = _number()
    sandbox.create_sms_sandbox_phone_number(PhoneNumber=phone, LanguageCode="en-US")
    [text] = [m for m in wait_outbox(endpoint, phone, 1) if m["kind"] == "SandboxVerification"]
    otp = re.search(r"\d{6}", text["message"]).group(0)  # type: ignore[union-attr]
    listed = sandbox.list_sms_sandbox_phone_numbers()["PhoneNumbers"]
    assert {"PhoneNumber": phone, "Status": "Pending"} in listed
    wrong = "000000" if otp != "000000" else "111111"
    with pytest.raises(ClientError) as error:
        sandbox.verify_sms_sandbox_phone_number(PhoneNumber=phone, OneTimePassword=wrong)
    assert _error(error) == ("VerificationException", 400)
    sandbox.verify_sms_sandbox_phone_number(PhoneNumber=phone, OneTimePassword=otp)
    listed = sandbox.list_sms_sandbox_phone_numbers()["PhoneNumbers"]
    assert {"PhoneNumber": phone, "Status": "Verified"} in listed
    sandbox.delete_sms_sandbox_phone_number(PhoneNumber=phone)
    for call in (sandbox.delete_sms_sandbox_phone_number,
                 lambda **kw: sandbox.verify_sms_sandbox_phone_number(OneTimePassword=otp, **kw)):
        with pytest.raises(ClientError) as error:
            call(PhoneNumber=phone)
        assert _error(error) == ("ResourceNotFound", 404)


def test_numbers_must_be_e164_and_are_bounded(client: Any) -> None:
    sns = client("sns", region_name="sa-east-1")
    for bad in ("14255550100", "+0425555010", "+1234567890123456"):
        with pytest.raises(ClientError) as error:
            sns.create_sms_sandbox_phone_number(PhoneNumber=bad)
        assert _error(error)[0] == "InvalidParameter"
    with pytest.raises(ClientError) as error:
        sns.create_sms_sandbox_phone_number(PhoneNumber="+14255550100", LanguageCode="xx-XX")
    assert _error(error)[0] == "InvalidParameter"
    added = [f"+4477009000{i:02d}" for i in range(10)]
    for phone in added:
        sns.create_sms_sandbox_phone_number(PhoneNumber=phone)
    with pytest.raises(ClientError) as error:
        sns.create_sms_sandbox_phone_number(PhoneNumber="+447700900099")
    assert _error(error)[0] == "UserError"
    first = sns.list_sms_sandbox_phone_numbers(MaxResults=4)
    pages = first["PhoneNumbers"]
    token = first.get("NextToken")
    while token:
        page = sns.list_sms_sandbox_phone_numbers(MaxResults=4, NextToken=token)
        pages += page["PhoneNumbers"]
        token = page.get("NextToken")
    assert [p["PhoneNumber"] for p in pages] == added
    for phone in added:
        sns.delete_sms_sandbox_phone_number(PhoneNumber=phone)


def test_no_origination_numbers_and_not_in_sandbox(sns: Any) -> None:
    assert sns.list_origination_numbers()["PhoneNumbers"] == []
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is False

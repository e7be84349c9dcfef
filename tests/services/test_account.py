"""Account Management: contact information, alternate contacts, the account name and the
primary email update with its one-time password (mailed to the account outbox)."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError

CONTACT = {"FullName": "Ana Silva", "AddressLine1": "1 Harbour Road", "City": "Lisbon",
           "PostalCode": "1000-001", "CountryCode": "PT", "PhoneNumber": "+351 21 000 0000",
           "CompanyName": "Example Lda"}


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def account(own_endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("account", region_name="us-east-1", endpoint_url=own_endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def _account_id(own_endpoint: str) -> str:
    import boto3

    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=own_endpoint,
                       aws_access_key_id="test", aws_secret_access_key="test")
    return str(sts.get_caller_identity()["Account"])


def test_contact_information(account: Any) -> None:
    with pytest.raises(ClientError) as error:
        account.get_contact_information()
    assert _error(error) == ("ResourceNotFoundException", 404)
    account.put_contact_information(ContactInformation=CONTACT)
    assert account.get_contact_information()["ContactInformation"] == CONTACT
    with pytest.raises(ClientError) as error:
        account.put_contact_information(ContactInformation={**CONTACT, "CountryCode": "pt1"})
    assert _error(error)[0] == "ValidationException"


def test_alternate_contacts(account: Any) -> None:
    contact = {"Name": "Ops Team", "Title": "On call", "EmailAddress": "ops@example.com",
               "PhoneNumber": "+1 206 555 0100"}
    for kind in ("BILLING", "OPERATIONS", "SECURITY"):
        with pytest.raises(ClientError) as error:
            account.get_alternate_contact(AlternateContactType=kind)
        assert _error(error) == ("ResourceNotFoundException", 404)
    account.put_alternate_contact(AlternateContactType="SECURITY", **contact)
    assert account.get_alternate_contact(AlternateContactType="SECURITY")[
        "AlternateContact"] == {"AlternateContactType": "SECURITY", **contact}
    account.put_alternate_contact(AlternateContactType="SECURITY",
                                  **{**contact, "Title": "Security lead"})
    assert account.get_alternate_contact(AlternateContactType="SECURITY")[
        "AlternateContact"]["Title"] == "Security lead"
    account.delete_alternate_contact(AlternateContactType="SECURITY")
    with pytest.raises(ClientError) as error:
        account.delete_alternate_contact(AlternateContactType="SECURITY")
    assert _error(error) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as error:
        account.put_alternate_contact(AlternateContactType="BILLING",
                                      **{**contact, "EmailAddress": "not an email"})
    assert _error(error)[0] == "ValidationException"


def test_account_name_and_information(account: Any, own_endpoint: str) -> None:
    account_id = _account_id(own_endpoint)
    first = account.get_account_information()
    assert first["AccountId"] == account_id and first["AccountState"] == "ACTIVE"
    account.put_account_name(AccountName="Payments Production")
    again = account.get_account_information()
    assert again["AccountName"] == "Payments Production"
    assert again["AccountCreatedDate"] == first["AccountCreatedDate"]
    with pytest.raises(ClientError) as error:
        account.get_account_information(AccountId="999988887777")
    assert _error(error) == ("AccessDeniedException", 403)


def _outbox(endpoint: str, to: str) -> list[dict[str, Any]]:
    url = f"{endpoint}/_pocketcloud/account/outbox?to={quote(to)}"
    with urllib.request.urlopen(url, timeout=5) as answer:
        return list(json.load(answer)["messages"])


def test_primary_email_update(account: Any, own_endpoint: str) -> None:
    account_id = _account_id(own_endpoint)
    assert account.get_primary_email(AccountId=account_id)["PrimaryEmail"].startswith(
        account_id)
    new = f"root-{uuid.uuid4().hex[:8]}@example.com"
    started = account.start_primary_email_update(AccountId=account_id, PrimaryEmail=new)
    assert started["Status"] == "PENDING"
    assert account.get_primary_email_update_status(AccountId=account_id)["Status"] == "PENDING"
    [mail] = _outbox(own_endpoint, new)
    otp = mail["message"].rstrip(".").split()[-1]
    with pytest.raises(ClientError) as error:
        account.accept_primary_email_update(AccountId=account_id, PrimaryEmail=new,
                                            Otp="000000" if otp != "000000" else "111111")
    assert _error(error)[0] == "ValidationException"
    with pytest.raises(ClientError) as error:
        account.accept_primary_email_update(AccountId=account_id,
                                            PrimaryEmail="other@example.com", Otp=otp)
    assert _error(error) == ("ResourceNotFoundException", 404)
    accepted = account.accept_primary_email_update(AccountId=account_id, PrimaryEmail=new,
                                                   Otp=otp)
    assert accepted["Status"] == "ACCEPTED"
    assert account.get_primary_email(AccountId=account_id)["PrimaryEmail"] == new

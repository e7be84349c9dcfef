"""SAML providers through boto3: the metadata document is parsed (its validUntil becomes
ValidUntil), kept and replaced; malformed metadata and DTDs are refused; tags; errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from tests.services.iam.helpers import certificate_and_key, unique_name
from tests.support import refusal

ACCOUNT = "135713571357"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


@pytest.fixture
def unchecked(endpoint: str):  # type: ignore[no-untyped-def]
    """Without botocore's own checks, so that the server's answer to a short document shows."""
    import boto3
    from botocore.config import Config

    return boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=ACCOUNT, aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def metadata(valid_until: str | None = "2031-05-04T03:02:01Z", entity: str = "idp") -> str:
    """An IdP's SAML 2.0 metadata with one signing certificate."""
    certificate = certificate_and_key("idp.example.com")[0]
    der_base64 = "".join(certificate.strip().splitlines()[1:-1])
    until = f' validUntil="{valid_until}"' if valid_until else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://{entity}.example.com"'
        f'{until}><md:IDPSSODescriptor protocolSupportEnumeration='
        '"urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo>'
        f'<ds:X509Data><ds:X509Certificate>{der_base64}</ds:X509Certificate></ds:X509Data>'
        '</ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:'
        'nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding='
        '"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        f'Location="https://{entity}.example.com/sso"/></md:IDPSSODescriptor>'
        '</md:EntityDescriptor>')


def _provider(iam: Any, **params: Any) -> tuple[str, str]:
    name = unique_name("idp")
    made = iam.create_saml_provider(Name=name, SAMLMetadataDocument=metadata(), **params)
    return name, made["SAMLProviderArn"]


def test_create_get_list_update_delete(iam) -> None:  # type: ignore[no-untyped-def]
    name, arn = _provider(iam)
    assert arn == f"arn:aws:iam::{ACCOUNT}:saml-provider/{name}"
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["ValidUntil"] == datetime(2031, 5, 4, 3, 2, 1, tzinfo=UTC)
    assert got["SAMLMetadataDocument"].startswith("<?xml")
    assert got["AssertionEncryptionMode"] == "Allowed"
    assert got["PrivateKeyList"] == [] and got["Tags"] == []
    assert 22 <= len(got["SAMLProviderUUID"]) <= 64 and got["SAMLProviderUUID"].isupper()
    listed = {p["Arn"]: p for p in iam.list_saml_providers()["SAMLProviderList"]}
    assert listed[arn]["CreateDate"] == got["CreateDate"]
    replaced = metadata("2033-01-01T00:00:00Z", entity="other")
    assert iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=replaced)[
        "SAMLProviderArn"] == arn
    again = iam.get_saml_provider(SAMLProviderArn=arn)
    assert again["SAMLMetadataDocument"] == replaced
    assert again["ValidUntil"] == datetime(2033, 1, 1, tzinfo=UTC)
    assert again["SAMLProviderUUID"] == got["SAMLProviderUUID"]
    iam.delete_saml_provider(SAMLProviderArn=arn)
    assert arn not in {p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]}


def test_metadata_without_valid_until_does_not_expire(iam) -> None:  # type: ignore[no-untyped-def]
    made = iam.create_saml_provider(Name=unique_name("idp"),
                                    SAMLMetadataDocument=metadata(valid_until=None))
    got = iam.get_saml_provider(SAMLProviderArn=made["SAMLProviderArn"])
    assert got["ValidUntil"].year >= datetime.now(UTC).year + 99


def test_malformed_metadata_is_refused(iam, unchecked) -> None:  # type: ignore[no-untyped-def]
    good = metadata()
    unparsable = ("InvalidInput", "Could not parse metadata", 400)
    bombs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
             + good[len('<?xml version="1.0" encoding="UTF-8"?>'):])
    not_idp = good.replace("IDPSSODescriptor", "SPSSODescriptor")
    bad_certificate = good.replace("<ds:X509Certificate>", "<ds:X509Certificate>AAAA")
    for document in (good[:-30] + "x" * 30, bombs, not_idp, bad_certificate,
                     "<notxml " + "a" * 1000):
        assert refusal(iam.create_saml_provider, Name=unique_name("bad"),
                       SAMLMetadataDocument=document) == unparsable
    code, message, status = refusal(unchecked.create_saml_provider, Name=unique_name("short"),
                                    SAMLMetadataDocument="<x/>" * 10)
    assert (code, status) == ("ValidationError", 400) and "length" in message
    assert refusal(iam.create_saml_provider, Name="has space",
                   SAMLMetadataDocument=good)[0] == "ValidationError"


def test_duplicates_and_missing_providers(iam) -> None:  # type: ignore[no-untyped-def]
    name, _ = _provider(iam)
    code, _, status = refusal(iam.create_saml_provider, Name=name,
                              SAMLMetadataDocument=metadata())
    assert (code, status) == ("EntityAlreadyExists", 409)
    missing = f"arn:aws:iam::{ACCOUNT}:saml-provider/NonExistentProvider"
    expected = ("NoSuchEntity", f"Manifest not found for arn {missing}", 404)
    assert refusal(iam.get_saml_provider, SAMLProviderArn=missing) == expected
    assert refusal(iam.delete_saml_provider, SAMLProviderArn=missing) == expected
    assert refusal(iam.update_saml_provider, SAMLProviderArn=missing,
                   SAMLMetadataDocument=metadata()) == expected


def test_tags(iam) -> None:  # type: ignore[no-untyped-def]
    made = iam.create_saml_provider(Name=unique_name("idp"), SAMLMetadataDocument=metadata(),
                                    Tags=[{"Key": "team", "Value": "blue"}])
    assert made["Tags"] == [{"Key": "team", "Value": "blue"}]
    arn = made["SAMLProviderArn"]
    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [
        {"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "prod"}]
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["team"])
    assert iam.get_saml_provider(SAMLProviderArn=arn)["Tags"] == [
        {"Key": "env", "Value": "prod"}]


def test_private_keys_for_encrypted_assertions(iam) -> None:  # type: ignore[no-untyped-def]
    _, arn = _provider(iam)
    assert refusal(iam.update_saml_provider, SAMLProviderArn=arn,
                   AssertionEncryptionMode="Required")[0] == "InvalidInput"
    key = certificate_and_key()[1]
    iam.update_saml_provider(SAMLProviderArn=arn, AddPrivateKey=key,
                             AssertionEncryptionMode="Required")
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["AssertionEncryptionMode"] == "Required"
    [entry] = got["PrivateKeyList"]
    assert entry["KeyId"].isalnum() and "Timestamp" in entry
    assert refusal(iam.update_saml_provider, SAMLProviderArn=arn,
                   AddPrivateKey="-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"
                   )[0] == "InvalidInput"
    iam.update_saml_provider(SAMLProviderArn=arn, RemovePrivateKey=entry["KeyId"],
                             AssertionEncryptionMode="Allowed")
    assert iam.get_saml_provider(SAMLProviderArn=arn)["PrivateKeyList"] == []


def test_providers_are_counted_in_the_summary(client) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id="864286428642")
    before = iam.get_account_summary()["SummaryMap"]["Providers"]
    _provider(iam)
    assert iam.get_account_summary()["SummaryMap"]["Providers"] == before + 1

"""A user's signing certificates and SSH public keys through boto3: uploaded, listed, made
Inactive, deleted; their quotas, duplicates, encodings and fingerprints; and DeleteUser's
refusal while the user still has any."""

from __future__ import annotations

from typing import Any

import pytest
from tests.services.iam.helpers import certificate_and_key, ssh_rsa_key, unique_name
from tests.support import refusal

ACCOUNT = "531753175317"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


def _user(iam: Any) -> str:
    return str(iam.create_user(UserName=unique_name("u"))["User"]["UserName"])


def test_signing_certificate_lifecycle(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    body = certificate_and_key("signer")[0]
    made = iam.upload_signing_certificate(UserName=user, CertificateBody=body)["Certificate"]
    assert (made["UserName"], made["Status"], made["CertificateBody"]) == (user, "Active", body)
    assert len(made["CertificateId"]) >= 24 and made["CertificateId"].isalnum()
    listed = iam.list_signing_certificates(UserName=user)
    assert listed["Certificates"] == [made] and listed["IsTruncated"] is False
    iam.update_signing_certificate(UserName=user, CertificateId=made["CertificateId"],
                                   Status="Inactive")
    assert iam.list_signing_certificates(UserName=user)["Certificates"][0]["Status"] == (
        "Inactive")
    assert refusal(iam.update_signing_certificate, UserName=user,
                   CertificateId=made["CertificateId"], Status="Sleeping")[0] == (
        "ValidationError")
    iam.delete_signing_certificate(UserName=user, CertificateId=made["CertificateId"])
    assert iam.list_signing_certificates(UserName=user)["Certificates"] == []


def test_signing_certificate_errors(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    body = certificate_and_key("signer")[0]
    no_user = ("NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)
    assert refusal(iam.upload_signing_certificate, UserName="nonexistent-user",
                   CertificateBody=body) == no_user
    assert refusal(iam.list_signing_certificates, UserName="nonexistent-user") == no_user
    assert refusal(iam.upload_signing_certificate, UserName=user,
                   CertificateBody="invalid-certificate-body") == (
        "MalformedCertificate", "Certificate invalid-certificate-body is malformed.", 400)
    missing = ("NoSuchEntity", "The Certificate with id NONEXISTENTCERTID12345678901 cannot "
               "be found.", 404)
    assert refusal(iam.update_signing_certificate, UserName=user,
                   CertificateId="NONEXISTENTCERTID12345678901", Status="Active") == missing
    assert refusal(iam.delete_signing_certificate, UserName=user,
                   CertificateId="NONEXISTENTCERTID12345678901") == missing
    iam.upload_signing_certificate(UserName=user, CertificateBody=body)
    assert refusal(iam.upload_signing_certificate, UserName=_user(iam),
                   CertificateBody=body)[:3:2] == ("DuplicateCertificate", 409)
    iam.upload_signing_certificate(UserName=user,
                                   CertificateBody=certificate_and_key("second")[0])
    assert refusal(iam.upload_signing_certificate, UserName=user,
                   CertificateBody=certificate_and_key("third")[0]) == (
        "LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2", 409)


def test_ssh_keys_in_both_encodings(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    line, pem, fingerprint = ssh_rsa_key()
    made = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=line)["SSHPublicKey"]
    assert made["Fingerprint"] == fingerprint and made["Status"] == "Active"
    assert made["SSHPublicKeyId"].startswith("APKA") and len(made["SSHPublicKeyId"]) == 21
    key_id = made["SSHPublicKeyId"]
    as_ssh = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")
    assert as_ssh["SSHPublicKey"]["SSHPublicKeyBody"] == line
    as_pem = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="PEM")
    assert as_pem["SSHPublicKey"]["SSHPublicKeyBody"] == pem
    assert as_pem["SSHPublicKey"]["Fingerprint"] == fingerprint
    other_line, other_pem, other_fingerprint = ssh_rsa_key()
    from_pem = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=other_pem)[
        "SSHPublicKey"]
    assert from_pem["Fingerprint"] == other_fingerprint
    converted = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=from_pem["SSHPublicKeyId"],
                                       Encoding="SSH")["SSHPublicKey"]["SSHPublicKeyBody"]
    assert converted == other_line
    listed = iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]
    assert [k["SSHPublicKeyId"] for k in listed] == [key_id, from_pem["SSHPublicKeyId"]]
    assert set(listed[0]) == {"UserName", "SSHPublicKeyId", "Status", "UploadDate"}
    iam.update_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Status="Inactive")
    assert iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")[
        "SSHPublicKey"]["Status"] == "Inactive"
    iam.delete_ssh_public_key(UserName=user, SSHPublicKeyId=key_id)
    assert len(iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]) == 1


def test_ssh_key_refusals(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    line = ssh_rsa_key()[0]
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=line)
    assert refusal(iam.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=line)[:3:2] == (
        "DuplicateSSHPublicKey", 400)
    ed25519 = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKzvfE+qS09w+okgrO0gY7jryF0lSCxdEO/O0UaUhuZe"
               " me@host")
    for body in (ed25519, "hello there"):
        assert refusal(iam.upload_ssh_public_key, UserName=user,
                       SSHPublicKeyBody=body)[:3:2] == ("UnrecognizedPublicKeyEncoding", 400)
    for body in ("ssh-rsa not-base64!", ssh_rsa_key(1024)[0]):
        assert refusal(iam.upload_ssh_public_key, UserName=user,
                       SSHPublicKeyBody=body)[:3:2] == ("InvalidPublicKey", 400)
    for _ in range(4):
        iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=ssh_rsa_key()[0])
    assert refusal(iam.upload_ssh_public_key, UserName=user,
                   SSHPublicKeyBody=ssh_rsa_key()[0])[:3:2] == ("LimitExceeded", 409)
    missing = ("NoSuchEntity", "The Public Key with id APKAXXXXXXXXXXXXXXXXX cannot be found.",
               404)
    assert refusal(iam.get_ssh_public_key, UserName=user, SSHPublicKeyId="APKAXXXXXXXXXXXXXXXXX",
                   Encoding="SSH") == missing
    assert refusal(iam.update_ssh_public_key, UserName=user,
                   SSHPublicKeyId="APKAXXXXXXXXXXXXXXXXX", Status="Inactive") == missing
    assert refusal(iam.delete_ssh_public_key, UserName=user,
                   SSHPublicKeyId="APKAXXXXXXXXXXXXXXXXX") == missing


def test_delete_user_waits_for_certificates_and_keys(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    certificate_id = iam.upload_signing_certificate(
        UserName=user, CertificateBody=certificate_and_key()[0])["Certificate"]["CertificateId"]
    key_id = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=ssh_rsa_key()[0])[
        "SSHPublicKey"]["SSHPublicKeyId"]
    assert refusal(iam.delete_user, UserName=user) == (
        "DeleteConflict", "Cannot delete entity, must delete signing certificates first.", 409)
    iam.delete_signing_certificate(UserName=user, CertificateId=certificate_id)
    assert refusal(iam.delete_user, UserName=user) == (
        "DeleteConflict", "Cannot delete entity, must delete SSH public keys first.", 409)
    iam.delete_ssh_public_key(UserName=user, SSHPublicKeyId=key_id)
    iam.delete_user(UserName=user)


def test_renamed_user_keeps_its_keys(iam) -> None:  # type: ignore[no-untyped-def]
    user = _user(iam)
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=ssh_rsa_key()[0])
    iam.update_user(UserName=user, NewUserName=user + "x")
    assert len(iam.list_ssh_public_keys(UserName=user + "x")["SSHPublicKeys"]) == 1


def test_odd_key_material_gets_a_4xx(iam) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    user = _user(iam)
    ec_pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    answers = {
        "ssh-rsa AAAAB3NzaC1yc2E": "InvalidPublicKey",  # truncated
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----": "InvalidPublicKey",
        ec_pem: "UnrecognizedPublicKeyEncoding",  # PEM, but not RSA
        "\t\r\n": "UnrecognizedPublicKeyEncoding",
    }
    for body, code in answers.items():
        assert refusal(iam.upload_ssh_public_key, UserName=user,
                       SSHPublicKeyBody=body)[:3:2] == (code, 400), body
    for body in ("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----", "\xff" * 50):
        assert refusal(iam.upload_signing_certificate, UserName=user,
                       CertificateBody=body)[:3:2] == ("MalformedCertificate", 400)

"""Server certificates through boto3: the certificate and key are checked to belong together,
Expiration comes from the certificate, paths and paging list them, UpdateServerCertificate
renames and moves them; tags; errors as IAM words them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.services.iam.helpers import certificate_and_key, unique_name
from tests.support import refusal

ACCOUNT = "975197519751"


@pytest.fixture
def iam(client):  # type: ignore[no-untyped-def]
    return client("iam", aws_access_key_id=ACCOUNT)


@pytest.fixture(scope="module")
def pair() -> tuple[str, str]:
    return certificate_and_key("www.example.com", days=90)


def _upload(iam: Any, pair: tuple[str, str], **params: Any) -> dict[str, Any]:
    body, key = pair
    params.setdefault("ServerCertificateName", unique_name("cert"))
    return dict(iam.upload_server_certificate(CertificateBody=body, PrivateKey=key, **params))


def test_upload_get_list_delete(iam, pair) -> None:  # type: ignore[no-untyped-def]
    made = _upload(iam, pair, Path="/cloudfront/")["ServerCertificateMetadata"]
    name = made["ServerCertificateName"]
    assert made["Arn"] == f"arn:aws:iam::{ACCOUNT}:server-certificate/cloudfront/{name}"
    assert made["Path"] == "/cloudfront/" and made["ServerCertificateId"].startswith("ASCA")
    expected_expiry = datetime.now(UTC) + timedelta(days=90)
    assert abs(made["Expiration"] - expected_expiry) < timedelta(minutes=5)
    got = iam.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
    assert got["ServerCertificateMetadata"] == made
    assert got["CertificateBody"] == pair[0] and got["Tags"] == []
    assert "CertificateChain" not in got and "PrivateKey" not in got
    listed = iam.list_server_certificates(PathPrefix="/cloudfront/")
    assert made in listed["ServerCertificateMetadataList"]
    assert name not in {c["ServerCertificateName"] for c in
                        iam.list_server_certificates(PathPrefix="/elb/")[
                            "ServerCertificateMetadataList"]}
    iam.delete_server_certificate(ServerCertificateName=name)
    assert refusal(iam.get_server_certificate, ServerCertificateName=name) == (
        "NoSuchEntity", f"The Server Certificate with name {name} cannot be found.", 404)


def test_chain_is_kept(iam) -> None:  # type: ignore[no-untyped-def]
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    ca_pem, ca_key_pem = certificate_and_key("Example CA")
    signer = (x509.load_pem_x509_certificate(ca_pem.encode()),
              serialization.load_pem_private_key(ca_key_pem.encode(), None))
    leaf = certificate_and_key("shop.example.com", signer=signer)
    name = _upload(iam, leaf, CertificateChain=ca_pem)["ServerCertificateMetadata"][
        "ServerCertificateName"]
    got = iam.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
    assert got["CertificateChain"] == ca_pem
    assert refusal(iam.upload_server_certificate, ServerCertificateName=unique_name("c"),
                   CertificateBody=leaf[0], PrivateKey=leaf[1],
                   CertificateChain="not a chain")[0] == "MalformedCertificate"


def test_malformed_and_mismatched_input(iam, pair) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("bad")
    assert refusal(iam.upload_server_certificate, ServerCertificateName=name,
                   CertificateBody="certificate-body", PrivateKey=pair[1]) == (
        "MalformedCertificate", "Unable to parse certificate. Please ensure the certificate is "
        "in PEM format.", 400)
    assert refusal(iam.upload_server_certificate, ServerCertificateName=name,
                   CertificateBody=pair[0], PrivateKey="private-key")[:3:2] == (
        "MalformedCertificate", 400)
    other_key = certificate_and_key()[1]
    assert refusal(iam.upload_server_certificate, ServerCertificateName=name,
                   CertificateBody=pair[0], PrivateKey=other_key) == (
        "KeyPairMismatch", "Public key certificate and private key doesn't match.", 400)
    assert refusal(_upload, iam, pair, ServerCertificateName="no spaces")[0] == (
        "ValidationError")
    assert refusal(_upload, iam, pair, Path="nope")[0] == "ValidationError"


def test_duplicates_and_missing(iam, pair) -> None:  # type: ignore[no-untyped-def]
    name = _upload(iam, pair)["ServerCertificateMetadata"]["ServerCertificateName"]
    assert refusal(_upload, iam, pair, ServerCertificateName=name.upper()) == (
        "EntityAlreadyExists", f"The Server Certificate with name {name.upper()} already "
        "exists.", 409)
    missing = ("NoSuchEntity", "The Server Certificate with name nonexistent-certificate "
               "cannot be found.", 404)
    for call in (iam.get_server_certificate, iam.delete_server_certificate,
                 iam.update_server_certificate, iam.list_server_certificate_tags):
        assert refusal(call, ServerCertificateName="nonexistent-certificate") == missing


def test_update_renames_and_moves(iam, pair) -> None:  # type: ignore[no-untyped-def]
    name = _upload(iam, pair)["ServerCertificateMetadata"]["ServerCertificateName"]
    taken = _upload(iam, pair)["ServerCertificateMetadata"]["ServerCertificateName"]
    assert refusal(iam.update_server_certificate, ServerCertificateName=name,
                   NewServerCertificateName=taken)[:3:2] == ("EntityAlreadyExists", 409)
    renamed = name + "-v2"
    iam.update_server_certificate(ServerCertificateName=name, NewServerCertificateName=renamed,
                                  NewPath="/elb/")
    metadata = iam.get_server_certificate(ServerCertificateName=renamed)[
        "ServerCertificate"]["ServerCertificateMetadata"]
    assert metadata["Path"] == "/elb/"
    assert metadata["Arn"] == f"arn:aws:iam::{ACCOUNT}:server-certificate/elb/{renamed}"
    assert refusal(iam.get_server_certificate, ServerCertificateName=name)[0] == "NoSuchEntity"


def test_paging_and_tags(client, pair) -> None:  # type: ignore[no-untyped-def]
    iam = client("iam", aws_access_key_id="319731973197")
    names = sorted(_upload(iam, pair, Path="/paged/")["ServerCertificateMetadata"][
        "ServerCertificateName"] for _ in range(3))
    first = iam.list_server_certificates(PathPrefix="/paged/", MaxItems=2)
    assert first["IsTruncated"] and len(first["ServerCertificateMetadataList"]) == 2
    rest = iam.list_server_certificates(PathPrefix="/paged/", Marker=first["Marker"])
    seen = first["ServerCertificateMetadataList"] + rest["ServerCertificateMetadataList"]
    assert [c["ServerCertificateName"] for c in seen] == names and not rest["IsTruncated"]
    made = _upload(iam, pair, Tags=[{"Key": "team", "Value": "web"}])
    assert made["Tags"] == [{"Key": "team", "Value": "web"}]
    name = made["ServerCertificateMetadata"]["ServerCertificateName"]
    iam.tag_server_certificate(ServerCertificateName=name, Tags=[{"Key": "env", "Value": "1"}])
    iam.untag_server_certificate(ServerCertificateName=name, TagKeys=["team"])
    assert iam.list_server_certificate_tags(ServerCertificateName=name)["Tags"] == [
        {"Key": "env", "Value": "1"}]
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["ServerCertificates"] == 4 and summary["ServerCertificatesQuota"] == 20

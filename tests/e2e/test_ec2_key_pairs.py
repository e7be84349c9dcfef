"""EC2 key pairs: real keys, AWS's errors, and isolation by account and region."""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


def _error_code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_created_rsa_key_is_real_and_fingerprinted_as_aws_does(client) -> None:
    ec2 = client("ec2", region_name="eu-west-1")
    created = ec2.create_key_pair(KeyName="deploy")
    assert created["KeyPairId"].startswith("key-") and len(created["KeyPairId"]) == 21
    private_key = serialization.load_pem_private_key(created["KeyMaterial"].encode(), None)
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    expected = ":".join(f"{b:02x}" for b in hashlib.sha1(der).digest())
    assert created["KeyFingerprint"] == expected
    described = ec2.describe_key_pairs(KeyNames=["deploy"])["KeyPairs"]
    assert [(k["KeyName"], k["KeyType"]) for k in described] == [("deploy", "rsa")]
    ec2.delete_key_pair(KeyName="deploy")


def test_duplicate_and_missing_names_get_aws_errors(client) -> None:
    ec2 = client("ec2", region_name="eu-west-2")
    ec2.create_key_pair(KeyName="dup", KeyType="ed25519")
    with pytest.raises(ClientError) as caught:
        ec2.create_key_pair(KeyName="dup")
    assert _error_code(caught) == "InvalidKeyPair.Duplicate"
    with pytest.raises(ClientError) as caught:
        ec2.describe_key_pairs(KeyNames=["absent"])
    assert _error_code(caught) == "InvalidKeyPair.NotFound"
    ec2.delete_key_pair(KeyName="absent")  # idempotent, as in AWS
    ec2.delete_key_pair(KeyName="dup")


def test_import_public_key_and_filter_by_tag(client) -> None:
    ec2 = client("ec2", region_name="us-west-2")
    public = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    imported = ec2.import_key_pair(
        KeyName="laptop",
        PublicKeyMaterial=public,
        TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "team", "Value": "a"}]}],
    )
    found = ec2.describe_key_pairs(
        Filters=[{"Name": "tag:team", "Values": ["a"]}], IncludePublicKey=True
    )["KeyPairs"]
    assert [k["KeyPairId"] for k in found] == [imported["KeyPairId"]]
    assert found[0]["PublicKey"].startswith("ssh-ed25519 ")
    with pytest.raises(ClientError) as caught:
        ec2.import_key_pair(KeyName="bad", PublicKeyMaterial=b"not a key")
    assert _error_code(caught) == "InvalidKey.Format"


def test_a_resource_in_one_region_is_invisible_from_another(client) -> None:
    client("ec2", region_name="ap-northeast-1").create_key_pair(KeyName="tokyo-only")
    tokyo = client("ec2", region_name="ap-northeast-1").describe_key_pairs()["KeyPairs"]
    assert "tokyo-only" in [k["KeyName"] for k in tokyo]
    for region in ("us-east-1", "ap-southeast-1", "eu-central-1"):
        elsewhere = client("ec2", region_name=region).describe_key_pairs()["KeyPairs"]
        assert "tokyo-only" not in [k["KeyName"] for k in elsewhere]
    # The same name is free in another region: resources are regional.
    client("ec2", region_name="ap-southeast-1").create_key_pair(KeyName="tokyo-only")


def test_a_resource_in_one_account_is_invisible_from_another(client) -> None:
    mine = client("ec2", region_name="ca-central-1", aws_access_key_id="111111111111")
    theirs = client("ec2", region_name="ca-central-1", aws_access_key_id="222222222222")
    mine.create_key_pair(KeyName="private")
    assert [k["KeyName"] for k in theirs.describe_key_pairs()["KeyPairs"]] == []
    theirs.create_key_pair(KeyName="private")
    assert len(mine.describe_key_pairs()["KeyPairs"]) == 1

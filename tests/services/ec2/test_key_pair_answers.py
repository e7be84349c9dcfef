"""EC2 key pairs answer as AWS does: DryRun stops a call before it changes anything."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

DRY_RUN = ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)


@pytest.fixture
def ec2(client):  # type: ignore[no-untyped-def]
    return client("ec2", region_name="eu-north-1")


def _refusal(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def _names(ec2: Any) -> list[str]:
    return [k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]]


def test_a_dry_run_create_or_import_makes_no_key(ec2: Any) -> None:
    name = f"dry-{uuid.uuid4().hex[:8]}"
    assert _refusal(ec2.create_key_pair, KeyName=name, DryRun=True) == DRY_RUN
    public = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    assert _refusal(ec2.import_key_pair, KeyName=name, PublicKeyMaterial=public,
                    DryRun=True) == DRY_RUN
    assert name not in _names(ec2)


def test_a_dry_run_delete_keeps_the_key(ec2: Any) -> None:
    name = f"kept-{uuid.uuid4().hex[:8]}"
    ec2.create_key_pair(KeyName=name, KeyType="ed25519")
    assert _refusal(ec2.delete_key_pair, KeyName=name, DryRun=True) == DRY_RUN
    assert _refusal(ec2.describe_key_pairs, DryRun=True) == DRY_RUN
    assert name in _names(ec2)
    ec2.delete_key_pair(KeyName=name)

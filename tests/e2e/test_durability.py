"""State survives a restart and a kill -9; an ephemeral cloud keeps nothing."""

from __future__ import annotations

import signal
from pathlib import Path

import boto3
from botocore.config import Config
from tests.support import start_server


def _ec2(endpoint: str, region: str = "sa-east-1"):  # type: ignore[no-untyped-def]
    return boto3.client(
        "ec2", region_name=region, endpoint_url=endpoint,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    first = start_server(data_dir)
    try:
        ec2 = _ec2(first.endpoint)
        acknowledged = [ec2.create_key_pair(KeyName=f"k{i}", KeyType="ed25519")["KeyPairId"]
                        for i in range(20)]
    finally:
        first.kill(signal.SIGKILL)
    second = start_server(data_dir)
    try:
        found = _ec2(second.endpoint).describe_key_pairs()["KeyPairs"]
        assert sorted(k["KeyPairId"] for k in found) == sorted(acknowledged)
    finally:
        second.stop()


def test_state_survives_a_clean_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    first = start_server(data_dir)
    try:
        _ec2(first.endpoint, "eu-north-1").create_key_pair(KeyName="kept", KeyType="ed25519")
    finally:
        first.stop()
    second = start_server(data_dir)
    try:
        names = [k["KeyName"] for k in _ec2(second.endpoint, "eu-north-1")
                 .describe_key_pairs()["KeyPairs"]]
        assert names == ["kept"]
    finally:
        second.stop()


def test_ephemeral_keeps_nothing() -> None:
    first = start_server()
    try:
        ephemeral_dir = Path(str(first.health()["data_dir"]))
        _ec2(first.endpoint).create_key_pair(KeyName="gone", KeyType="ed25519")
        assert ephemeral_dir.exists()
    finally:
        first.stop()
    assert not ephemeral_dir.exists()

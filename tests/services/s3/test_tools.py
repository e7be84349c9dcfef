"""Common S3 tools against pocketcloud: s3fs (fsspec), s3cmd, and the AWS CLI for the bucket
sub-resources (tagging, policy, CORS, lifecycle, website)."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest


def test_s3fs_ls_put_get_rm(endpoint: str, s3: Any, bucket: str, tmp_path: Path) -> None:
    s3fs = pytest.importorskip("s3fs", reason="s3fs is a dev extra: pip install -e .[dev]")
    fs = s3fs.S3FileSystem(
        key="test",
        secret="test",
        use_listings_cache=False,
        client_kwargs={"endpoint_url": endpoint, "region_name": "us-east-1"},
    )
    local = tmp_path / "up.txt"
    local.write_bytes(b"from s3fs")
    fs.put(str(local), f"{bucket}/dir/up.txt")
    with fs.open(f"{bucket}/dir/written.bin", "wb") as file:
        file.write(b"\x00\x01" * 1000)
    assert sorted(fs.ls(f"{bucket}/dir")) == [f"{bucket}/dir/up.txt", f"{bucket}/dir/written.bin"]
    assert fs.cat(f"{bucket}/dir/up.txt") == b"from s3fs"
    assert fs.info(f"{bucket}/dir/written.bin")["size"] == 2000
    fs.get(f"{bucket}/dir/up.txt", str(tmp_path / "down.txt"))
    assert (tmp_path / "down.txt").read_bytes() == b"from s3fs"
    fs.rm(f"{bucket}/dir", recursive=True)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def _s3cmd(config: Path, *args: str) -> str:
    script = Path(sysconfig.get_path("scripts")) / "s3cmd"
    if not script.exists():
        pytest.skip("s3cmd is a dev extra (pip install -e .[dev]); not installed here")
    done = subprocess.run([sys.executable, str(script), "-c", str(config), *args],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_s3cmd_mb_ls_put_get_rm(endpoint: str, bucket_name: Any, tmp_path: Path) -> None:
    host = urlsplit(endpoint).netloc
    config = tmp_path / "s3cfg"
    config.write_text(
        "[default]\naccess_key = test\nsecret_key = test\n"
        f"host_base = {host}\nhost_bucket = {host}\nuse_https = False\n"
        "bucket_location = us-east-1\nsignature_v2 = False\n"
    )
    name = bucket_name()
    _s3cmd(config, "mb", f"s3://{name}")
    local = tmp_path / "file.txt"
    local.write_text("s3cmd bytes")
    _s3cmd(config, "put", str(local), f"s3://{name}/a/file.txt")
    assert f"s3://{name}/a/file.txt" in _s3cmd(config, "ls", "-r", f"s3://{name}")
    _s3cmd(config, "get", f"s3://{name}/a/file.txt", str(tmp_path / "back.txt"))
    assert (tmp_path / "back.txt").read_text() == "s3cmd bytes"
    _s3cmd(config, "del", f"s3://{name}/a/file.txt")
    assert _s3cmd(config, "ls", "-r", f"s3://{name}").strip() == ""
    _s3cmd(config, "rb", f"s3://{name}")


def _cli(endpoint: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", endpoint, *args],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_aws_cli_bucket_configuration(endpoint: str, bucket: str, tmp_path: Path) -> None:
    _cli(
        endpoint,
        "s3api",
        "put-bucket-tagging",
        "--bucket",
        bucket,
        "--tagging",
        "TagSet=[{Key=team,Value=blue}]",
    )
    tags = json.loads(_cli(endpoint, "s3api", "get-bucket-tagging", "--bucket", bucket))
    assert tags["TagSet"] == [{"Key": "team", "Value": "blue"}]
    cors = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}
    _cli(
        endpoint,
        "s3api",
        "put-bucket-cors",
        "--bucket",
        bucket,
        "--cors-configuration",
        json.dumps(cors),
    )
    assert json.loads(_cli(endpoint, "s3api", "get-bucket-cors", "--bucket", bucket)) == cors
    lifecycle = {
        "Rules": [
            {
                "ID": "old",
                "Status": "Enabled",
                "Filter": {"Prefix": "logs/"},
                "Expiration": {"Days": 30},
            }
        ]
    }
    _cli(
        endpoint,
        "s3api",
        "put-bucket-lifecycle-configuration",
        "--bucket",
        bucket,
        "--lifecycle-configuration",
        json.dumps(lifecycle),
    )
    got = json.loads(_cli(endpoint, "s3api", "get-bucket-lifecycle-configuration",
                          "--bucket", bucket))  # fmt: skip
    assert got["Rules"] == lifecycle["Rules"]
    _cli(
        endpoint,
        "s3",
        "website",
        f"s3://{bucket}",
        "--index-document",
        "index.html",
        "--error-document",
        "error.html",
    )
    website = json.loads(_cli(endpoint, "s3api", "get-bucket-website", "--bucket", bucket))
    assert website["IndexDocument"] == {"Suffix": "index.html"}
    _cli(endpoint, "s3api", "delete-public-access-block", "--bucket", bucket)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
    _cli(endpoint, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", json.dumps(policy))
    status = json.loads(_cli(endpoint, "s3api", "get-bucket-policy-status", "--bucket", bucket))
    assert status["PolicyStatus"]["IsPublic"] is True

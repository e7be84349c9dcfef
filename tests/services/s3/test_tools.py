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

S3FS_PYTHON = Path(__file__).resolve().parents[3] / ".venv-s3fs" / "bin" / "python"


def test_s3fs_ls_put_get_rm(endpoint: str, bucket: str, tmp_path: Path) -> None:
    if not S3FS_PYTHON.exists():
        pytest.skip(
            "s3fs lives in its own venv: run `make .venv-s3fs/.installed` (make test "
            "does) to create .venv-s3fs"
        )
    script = Path(__file__).with_name("s3fs_client.py")
    done = subprocess.run([str(S3FS_PYTHON), str(script), endpoint, bucket, str(tmp_path)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["ls"] == [f"{bucket}/dir/up.txt", f"{bucket}/dir/written.bin"]
    assert (seen["cat"], seen["size"], seen["down"]) == ("from s3fs", 2000, "from s3fs")
    assert seen["after_rm"] == []


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

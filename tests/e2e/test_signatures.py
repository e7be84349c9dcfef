"""--iam enforce: only correctly signed requests from known keys are served."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.support import Server, advance_clock, start_server


@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    server = start_server(None, "--iam", "enforce", "--root-secret-key", "s3cret")
    yield server
    server.stop()


def _client(server: Server, service: str, key: str, secret: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return boto3.client(
        service, region_name="us-east-1", endpoint_url=server.endpoint,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}), **kwargs,
    )


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_root_key_with_the_right_secret_is_served(enforcing: Server) -> None:
    assert _client(enforcing, "sts", "test", "s3cret").get_caller_identity()["Account"] == (
        "000000000000")
    account = _client(enforcing, "sts", "111122223333", "s3cret").get_caller_identity()
    assert account["Account"] == "111122223333"
    zones = _client(enforcing, "ec2", "test", "s3cret").describe_availability_zones()
    assert zones["AvailabilityZones"]


def test_wrong_secret_is_signature_does_not_match(enforcing: Server) -> None:
    with pytest.raises(ClientError) as caught:
        _client(enforcing, "sts", "test", "wrong").get_caller_identity()
    assert _code(caught) == "SignatureDoesNotMatch"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_key_is_refused_per_protocol(enforcing: Server) -> None:
    with pytest.raises(ClientError) as caught:
        _client(enforcing, "sts", "AKIANOSUCHKEY0000000", "x").get_caller_identity()
    assert _code(caught) == "InvalidClientTokenId"
    with pytest.raises(ClientError) as caught:
        _client(enforcing, "ec2", "AKIANOSUCHKEY0000000", "x").describe_regions()
    assert _code(caught) == "AuthFailure"
    with pytest.raises(ClientError) as caught:
        _client(enforcing, "account", "AKIANOSUCHKEY0000000", "x").list_regions()
    assert _code(caught) == "UnrecognizedClientException"


def test_unsigned_request_is_refused(enforcing: Server) -> None:
    from botocore import UNSIGNED

    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=enforcing.endpoint,
                       config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert _code(caught) == "MissingAuthenticationToken"


def test_aws_cli_signs_correctly(enforcing: Server) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "s3cret"}
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "--endpoint-url", enforcing.endpoint, "--region",
         "eu-west-1", "ec2", "describe-regions", "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Regions"]


def test_moving_the_cloud_clock_does_not_skew_signatures() -> None:
    """Clients sign with the wall clock: after a day on the cloud's clock, requests signed
    now are still served, while a presigned URL made before the move has expired."""
    server = start_server(None, "--iam", "enforce", "--root-secret-key", "s3cret")
    try:
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=server.endpoint,
                          aws_access_key_id="test", aws_secret_access_key="s3cret",
                          config=Config(signature_version="s3v4", retries={"max_attempts": 1}))
        s3.create_bucket(Bucket="timely")
        url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": "timely"},
                                        ExpiresIn=300)
        advance_clock(server.endpoint, 86_400)
        assert _client(server, "sts", "test", "s3cret").get_caller_identity()["Account"]
        assert s3.list_objects_v2(Bucket="timely")["KeyCount"] == 0
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=30)
        assert caught.value.code == 403
        assert b"Request has expired" in caught.value.read()
    finally:
        server.stop()

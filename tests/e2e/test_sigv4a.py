"""SigV4a (AWS4-ECDSA-P256-SHA256), as botocore sends it with the AWS CRT, verified by
--iam enforce: the right secret is served in any region of the region set, a wrong one
refused."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.support import Server, start_server

pytestmark = pytest.mark.skipif(importlib.util.find_spec("awscrt") is None,
                                reason="SigV4a signing needs the AWS CRT (pip install awscrt)")
SECRET = "s3cret"


@pytest.fixture(scope="module")
def enforcing() -> Iterator[Server]:
    server = start_server(None, "--iam", "enforce", "--root-secret-key", SECRET)
    yield server
    server.stop()


def _v4a(server: Server, service: str, secret: str = SECRET, region: str = "us-east-1") -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(service, region_name=region, endpoint_url=server.endpoint,
                        aws_access_key_id="test", aws_secret_access_key=secret,
                        config=Config(signature_version="v4a", retries={"max_attempts": 1}))


def _algorithm(client: Any) -> list[str]:
    seen: list[str] = []
    client.meta.events.register(
        "before-send", lambda request, **_: seen.append(
            str(request.headers.get("Authorization", b""), "latin-1").split(" ")[0]))
    return seen


def test_sigv4a_is_verified_and_served(enforcing: Server) -> None:
    sts = _v4a(enforcing, "sts")
    seen = _algorithm(sts)
    assert sts.get_caller_identity()["Account"] == "000000000000"
    assert seen == ["AWS4-ECDSA-P256-SHA256"]
    sqs = _v4a(enforcing, "sqs", region="eu-west-1")
    url = sqs.create_queue(QueueName="v4a")["QueueUrl"]
    assert sqs.send_message(QueueUrl=url, MessageBody="signed with ECDSA")["MessageId"]


def test_sigv4a_with_the_wrong_secret_is_refused(enforcing: Server) -> None:
    with pytest.raises(ClientError) as caught:
        _v4a(enforcing, "sts", secret="wrong").get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"

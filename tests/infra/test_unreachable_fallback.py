"""Where the server cannot close a connection for us (granian), an unreachable endpoint is
AWS's 503 ServiceUnavailable with a header saying why: the gateway driven in-process over
ASGI, whose scope carries no close extension."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.support import start_server

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.gateway.app import Gateway
from pocketcloud.infra.faults import fault_book, new_fault
from pocketcloud.infra.unreachable import UNREACHABLE_HEADER, drop_connection
from pocketcloud.protocol.http import HttpResponse

SQS_LIST = {"Action": "ListQueues", "Version": "2012-11-05"}
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/{region}/sqs/aws4_request, "
        "SignedHeaders=host, Signature=00")


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Cloud]:
    running = Cloud(Settings(data_dir=tmp_path / "data", seed=1))
    yield running
    running.close()


def _post(cloud: Cloud, region: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=Gateway(cloud))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.post("/", data=SQS_LIST,
                                headers={"authorization": AUTH.format(region=region)})
    return asyncio.run(go())


def test_down_region_without_a_closable_connection_is_503(cloud: Cloud) -> None:
    fault_book(cloud).add(cloud, new_fault(cloud, "region-down", fault_id="f", seed=1,
                                           region="eu-west-1"))
    down = _post(cloud, "eu-west-1")
    assert down.status_code == 503
    assert down.headers[UNREACHABLE_HEADER] == "Region eu-west-1 is down (fault injection)"
    assert b"ServiceUnavailable" in down.content
    assert _post(cloud, "eu-west-2").status_code == 200


def test_drop_connection_only_for_unreachable_answers() -> None:
    closed: list[bool] = []
    scope = {"extensions": {"pocketcloud.close_connection": lambda: closed.append(True)}}
    plain = HttpResponse(200, {}, b"")
    assert not asyncio.run(drop_connection(scope, plain)) and not closed
    marked = HttpResponse(503, {UNREACHABLE_HEADER: "why"}, b"")
    assert asyncio.run(drop_connection(scope, marked)) and closed == [True]
    assert not asyncio.run(drop_connection({}, marked))


def test_down_region_under_granian_is_a_retried_503() -> None:
    """granian gives no transport to close: boto3 gets ServiceUnavailable (503), which it
    retries like a connection error before raising it."""
    server = start_server(None, "--server", "granian")
    try:
        add = urllib.request.Request(
            server.endpoint + "/_pocketcloud/faults", method="POST",
            data=json.dumps({"kind": "region-down", "region": "eu-west-1"}).encode())
        urllib.request.urlopen(add, timeout=10).close()
        sqs = boto3.client("sqs", region_name="eu-west-1", endpoint_url=server.endpoint,
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(retries={"total_max_attempts": 2, "mode": "standard"}))
        with pytest.raises(ClientError) as caught:
            sqs.list_queues()
        response = caught.value.response
        assert response["Error"]["Code"] == "ServiceUnavailable"
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert response["ResponseMetadata"]["RetryAttempts"] == 1
    finally:
        server.stop()

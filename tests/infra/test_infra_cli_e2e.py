"""The `pocketcloud fault` and `pocketcloud regions advise` commands, the advisor's API, and
latency simulation, against real servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError
from click.testing import CliRunner
from tests.support import Server, start_server

from pocketcloud.cli import main


def _port(endpoint: str) -> str:
    return str(urlparse(endpoint).port)


def _run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.fixture
def cli_cleanup(endpoint: str) -> Iterator[None]:
    yield
    _run("fault", "restore", "--all", "--port", _port(endpoint))
    _run("fault", "clear", "--port", _port(endpoint))


def test_fault_cli_round_trip(endpoint: str, client: Any, cli_cleanup: None) -> None:
    port = _port(endpoint)
    made = _run("fault", "region-down", "me-south-1", "--seed", "5", "--port", port)
    assert made.exit_code == 0 and "Region me-south-1 down" in made.output
    assert "seed 5" in made.output
    fault_id = made.output.split()[0]
    assert fault_id.startswith("fault-")
    listed = _run("fault", "list", "--json", "--port", port)
    faults = json.loads(listed.output)["faults"]
    assert any(f["fault_id"] == fault_id and f["state"] == "active" for f in faults)
    sqs = client("sqs", region_name="me-south-1")
    with pytest.raises(ConnectionClosedError):  # before any opt-in check: nothing answers
        sqs.list_queues()
    table = _run("fault", "list", "--port", port)
    assert fault_id in table.output
    restored = _run("fault", "restore", fault_id, "--port", port)
    assert restored.exit_code == 0 and "restored" in restored.output


def test_fault_cli_degrade_and_schedule(endpoint: str, client: Any, cli_cleanup: None) -> None:
    port = _port(endpoint)
    made = _run("fault", "degrade", "sts", "--region", "ap-northeast-2", "--error-rate", "1",
                "--error-kind", "throttling", "--after", "1h", "--for", "10m", "--port", port)
    assert made.exit_code == 0 and "scheduled" in made.output
    client("sts", region_name="ap-northeast-2").get_caller_identity()  # not yet
    az = _run("fault", "az-down", "ap-northeast-2a", "--at", "2000-01-01T00:00:00",
              "--for", "1s", "--port", port)
    assert az.exit_code == 0 and "ended" in az.output  # a window wholly in the past


def test_fault_cli_refusals(endpoint: str) -> None:
    port = _port(endpoint)
    bad = _run("fault", "region-down", "atlantis-1", "--port", port)
    assert bad.exit_code == 2 and "unknown Region" in bad.output
    assert _run("fault", "restore", "--port", port).exit_code == 2
    assert _run("fault", "region-down", "us-east-1", "--after", "soon",
                "--port", port).exit_code == 2


def test_fault_cli_without_a_server() -> None:
    result = _run("fault", "list", "--port", "1")
    assert result.exit_code == 1 and "not running" in result.output


def test_regions_advise_cli() -> None:
    result = _run("regions", "advise", "--user", "Berlin=3", "--user", "Madrid",
                  "--residency", "EU", "--service", "apprunner", "--json")
    assert result.exit_code == 0
    answer = json.loads(result.output)
    ranking = answer["ranking"]
    assert all("EU" in r["factors"]["compliance"]["jurisdiction"] for r in ranking)
    assert ranking[0]["region"] in ("eu-central-1", "eu-west-3", "eu-west-1")
    first_missing = next(i for i, r in enumerate(ranking) if r["factors"]["features"]["missing"])
    assert all(not r["factors"]["features"]["missing"] for r in ranking[:first_missing])
    assert set(ranking[0]["explanation"]) == {"compliance", "proximity", "features", "price"}
    assert "eu-west-2" in {e["region"] for e in answer["excluded"]}  # London: not in the EU
    table = _run("regions", "advise", "--user", "Tokyo", "--top", "3")
    assert table.exit_code == 0 and "ap-northeast-1" in table.output
    bad = _run("regions", "advise", "--user", "Atlantis")
    assert bad.exit_code == 2 and "unknown location" in bad.output


def _post(endpoint: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(f"{endpoint}/_pocketcloud/{path}", method="POST",
                                     data=json.dumps(body).encode())
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(json.load(answer))
    except urllib.error.HTTPError as error:
        return error.code, dict(json.loads(error.read()))


def test_advise_api(endpoint: str) -> None:
    status, answer = _post(endpoint, "regions/advise", {
        "users": [{"location": "Sao Paulo", "weight": 5}, {"location": "New York"}],
        "services": ["lambda", "dynamodb"], "top": 3})
    assert status == 200 and len(answer["ranking"]) == 3
    assert answer["ranking"][0]["region"] == "sa-east-1"
    status, answer = _post(endpoint, "regions/advise", {"residency": "DE"})
    assert status == 200 and [r["region"] for r in answer["ranking"]] == ["eu-central-1"]
    for bad in ({"users": "Tokyo"}, {"users": [{"location": "Tokyo", "weight": -1}]},
                {"services": ["teleport"]}, {"top": 0}, {"colour": "blue"},
                {"weights": {"latency": "high"}}):
        status, answer = _post(endpoint, "regions/advise", bad)
        assert status == 400 and answer["error"], bad


def test_latency_table_api(endpoint: str) -> None:
    with urllib.request.urlopen(f"{endpoint}/_pocketcloud/latency?from=Tokyo", timeout=10) as r:
        answer = json.load(r)
    closest = next(iter(answer["rtt_ms"]))
    assert closest == "ap-northeast-1" and answer["rtt_ms"]["us-east-1"] > 100


@pytest.fixture(scope="module")
def slow_server() -> Iterator[Server]:
    running = start_server(None, "--latency", "on", "--client-location", "Sydney",
                           "--client-locations", "AKIDDUBLIN=Dublin; AKIDTOKYO=35.68,139.69")
    yield running
    running.stop()


def _sts(server: Server, region: str, location: str = "", key: str = "test") -> Any:
    sts = boto3.client("sts", region_name=region, endpoint_url=server.endpoint,
                       aws_access_key_id=key, aws_secret_access_key="test",
                       config=Config(retries={"total_max_attempts": 1}))
    if location:
        def declare(request: Any, **_: Any) -> None:
            request.headers["X-Pocketcloud-Client-Location"] = location
        sts.meta.events.register("before-send.sts.*", declare)
    return sts


def _elapsed_s(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_latency_simulation_delays_by_distance(slow_server: Server) -> None:
    near = _sts(slow_server, "ap-southeast-2")
    far = _sts(slow_server, "eu-west-1")
    near.get_caller_identity()  # warm the connection and the server
    near_s = min(_elapsed_s(near.get_caller_identity) for _ in range(3))
    far_s = min(_elapsed_s(far.get_caller_identity) for _ in range(3))
    assert far_s >= 0.25  # Sydney to Dublin: ~270 ms modelled, ~310 ms measured
    assert far_s - near_s >= 0.2  # relative, so a busy machine does not fail the test
    from_dublin = _sts(slow_server, "eu-west-1", "Dublin")
    assert far_s - min(_elapsed_s(from_dublin.get_caller_identity) for _ in range(3)) >= 0.2
    # a client that cannot send the header is placed by its access key
    dublin_key = _sts(slow_server, "eu-west-1", key="AKIDDUBLIN")
    assert far_s - min(_elapsed_s(dublin_key.get_caller_identity) for _ in range(3)) >= 0.2
    tokyo_key = _sts(slow_server, "eu-west-1", key="AKIDTOKYO")
    assert min(_elapsed_s(tokyo_key.get_caller_identity) for _ in range(2)) >= 0.15


def test_latency_simulation_refuses_an_unknown_place(slow_server: Server) -> None:
    with pytest.raises(ClientError) as caught:
        _sts(slow_server, "eu-west-1", "Atlantis").get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_aws_cli_sees_a_down_region_as_unreachable(endpoint: str, cli_cleanup: None) -> None:
    """What a user of the AWS CLI sees: a connection error, not an AWS error code."""
    aws = str(Path(sys.executable).with_name("aws"))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_MAX_ATTEMPTS": "1"}
    made = _run("fault", "region-down", "ca-central-1", "--port", _port(endpoint))
    assert made.exit_code == 0
    down = subprocess.run([aws, "--endpoint-url", endpoint, "--region", "ca-central-1",
                           "sqs", "list-queues"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert down.returncode != 0
    assert "Connection was closed before we received a valid response" in down.stderr
    up = subprocess.run([aws, "--endpoint-url", endpoint, "--region", "us-east-2",
                         "sqs", "list-queues"], capture_output=True, text=True, env=env,
                        timeout=60)
    assert up.returncode == 0, up.stderr


def test_start_refuses_a_client_location_it_cannot_place() -> None:
    result = CliRunner().invoke(main, ["start", "--ephemeral", "--client-location", "Atlantis"])
    assert result.exit_code == 2 and "unknown location 'Atlantis'" in result.output
    result = CliRunner().invoke(main, ["start", "--ephemeral", "--client-locations", "KEY"])
    assert result.exit_code == 2 and "ACCESS_KEY_ID=PLACE" in result.output


def test_latency_setting_from_the_environment() -> None:
    from pocketcloud.config import Settings

    assert Settings.from_env({"POCKETCLOUD_LATENCY": "on"}).latency == "on"
    assert Settings.from_env({"POCKETCLOUD_LATENCY": "true"}).latency == "on"
    assert Settings.from_env({"POCKETCLOUD_LATENCY": "off"}).latency == "off"
    assert Settings.from_env({}).latency == "off"
    assert Settings.from_env({"POCKETCLOUD_CLIENT_LOCATION": "Tokyo"}).client_location == "Tokyo"


def test_regions_latency_cli() -> None:
    result = _run("regions", "latency", "Tokyo", "--top", "3")
    assert result.exit_code == 0
    assert "ap-northeast-1" in result.output and "NRT" in result.output
    bad = _run("regions", "latency", "Atlantis")
    assert bad.exit_code == 2 and "unknown location" in bad.output


def test_advise_on_a_zonal_feature() -> None:
    """S3 Express One Zone exists in seven Regions (AWS's list): nearest to Stockholm is
    eu-north-1, and a Region without it ranks after all with it."""
    from pocketcloud.infra.advisor import advise
    from pocketcloud.infra.availability import feature_zone_ids

    answer = advise(users=["Stockholm"], services=["s3-express-one-zone"])
    ranking = answer["ranking"]
    assert ranking[0]["region"] == "eu-north-1"
    with_it = [r["region"] for r in ranking if not r["factors"]["features"]["missing"]]
    assert sorted(with_it) == sorted(["us-east-1", "us-east-2", "us-west-2", "ap-south-1",
                                      "ap-northeast-1", "eu-west-1", "eu-north-1"])
    assert ranking[len(with_it)]["factors"]["features"]["missing"] == ["s3-express-one-zone"]
    assert feature_zone_ids("s3-express-one-zone", "us-east-1") == [
        "use1-az4", "use1-az5", "use1-az6"]
    assert feature_zone_ids("s3-express-one-zone", "eu-west-2") == []


def test_regions_offering_cli() -> None:
    result = _run("regions", "offering", "sqs", "iam", "apprunner", "s3-express-one-zone")
    assert result.exit_code == 0
    assert "global" in result.output and "11: us-east-1" in result.output
    assert "use1-az4" in result.output
    assert _run("regions", "offering", "teleport").exit_code == 2

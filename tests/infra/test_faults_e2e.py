"""Fault injection end to end: the admin API drives faults, boto3 feels them."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError
from tests.support import add_fault, admin, advance_clock, start_server


@pytest.fixture(autouse=True)
def _no_faults_left(endpoint: str) -> Iterator[None]:
    """The session server is shared: every test leaves it without faults."""
    yield
    admin(endpoint, "POST", "faults/restore")
    admin(endpoint, "POST", "faults/clear")


Client = Callable[..., Any]


def test_region_down_closes_the_connection_and_restore_brings_it_back(
        endpoint: str, client: Client) -> None:
    sqs_down = client("sqs", region_name="eu-west-2")
    sqs_up = client("sqs", region_name="eu-west-1")
    fault = add_fault(endpoint, kind="region-down", region="eu-west-2", seed=1)
    assert fault["state"] == "active" and fault["seed"] == 1
    with pytest.raises(ConnectionClosedError):
        sqs_down.list_queues()
    sqs_up.list_queues()  # other Regions keep working
    status, restored = admin(endpoint, "DELETE", f"faults/{fault['fault_id']}")
    assert status == 200 and restored["restored"][0]["state"] == "ended"
    sqs_down.list_queues()


def test_global_services_survive_their_home_region_going_down(
        endpoint: str, client: Client) -> None:
    add_fault(endpoint, kind="region-down", region="us-east-1")
    client("iam").list_users()  # IAM's one endpoint is global
    with pytest.raises(ConnectionClosedError):
        client("sqs").list_queues()


def test_unreachable_without_retries_being_told_an_error_code(
        endpoint: str) -> None:
    """With retries on, botocore retries a closed connection and then raises it, as it does
    for an unreachable AWS endpoint: never a ClientError."""

    add_fault(endpoint, kind="region-down", region="ap-south-1")
    retrying = boto3.client("dynamodb", region_name="ap-south-1", endpoint_url=endpoint,
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 3, "mode": "standard"}))
    with pytest.raises(ConnectionClosedError):
        retrying.list_tables()


def test_scheduled_fault_starts_and_ends_on_the_cloud_clock() -> None:
    """On a server of its own: moving the clock would upset tests sharing the session's."""

    server = start_server()
    try:
        sqs = boto3.client("sqs", region_name="eu-north-1", endpoint_url=server.endpoint,
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(retries={"total_max_attempts": 1}))
        _scheduled_fault_run(server.endpoint, sqs)
    finally:
        server.stop()


def _scheduled_fault_run(endpoint: str, sqs: Any) -> None:
    fault = add_fault(endpoint, kind="region-down", region="eu-north-1", after_s=600,
                      duration_s=300)
    assert fault["state"] == "scheduled"
    sqs.list_queues()
    advance_clock(endpoint, 601)
    with pytest.raises(ConnectionClosedError):
        sqs.list_queues()
    advance_clock(endpoint, 300)
    sqs.list_queues()
    _, listed = admin(endpoint, "GET", f"faults/{fault['fault_id']}")
    assert listed["fault"]["state"] == "ended"


def test_az_down_reports_the_zone_impaired(endpoint: str, client: Client) -> None:
    ec2 = client("ec2", region_name="us-west-2")
    add_fault(endpoint, kind="az-down", zone="us-west-2b")
    zones = {z["ZoneName"]: z for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    assert zones["us-west-2b"]["State"] == "impaired"
    assert zones["us-west-2b"]["Messages"][0]["Message"].startswith("us-west-2b is impaired")
    assert zones["us-west-2a"]["State"] == "available"
    impaired = ec2.describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["impaired"]}])["AvailabilityZones"]
    assert [z["ZoneName"] for z in impaired] == ["us-west-2b"]
    client("sqs", region_name="us-west-2").list_queues()  # Regional services keep working


def test_az_down_by_zone_id(endpoint: str, client: Client) -> None:
    fault = add_fault(endpoint, kind="az-down", zone="usw2-az1")
    assert fault["zone"].startswith("us-west-2") and fault["region"] == "us-west-2"


def _outcomes(call: Callable[[], Any], count: int) -> list[str]:
    seen = []
    for _ in range(count):
        try:
            call()
            seen.append("ok")
        except ClientError as error:
            seen.append(error.response["Error"]["Code"])
    return seen


def _no_retries(endpoint: str, service: str, region: str) -> Any:

    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 1}))


def test_degrade_same_seed_same_errors(endpoint: str) -> None:
    dynamodb = _no_retries(endpoint, "dynamodb", "ca-central-1")
    runs = []
    for _ in range(2):
        fault = add_fault(endpoint, kind="degrade", service="dynamodb", region="ca-central-1",
                          error_rate=0.5, seed=42)
        runs.append(_outcomes(dynamodb.list_tables, 30))
        admin(endpoint, "DELETE", f"faults/{fault['fault_id']}")
        _, seen = admin(endpoint, "GET", f"faults/{fault['fault_id']}")
        assert seen["fault"]["requests_seen"] == 30
        assert seen["fault"]["errors_injected"] == 30 - runs[-1].count("ok")
        assert [e["code"] for e in seen["fault"]["injected"]] == [
            o for o in runs[-1] if o != "ok"]
    assert runs[0] == runs[1]
    assert 5 < runs[0].count("ok") < 25  # half of them fail, give or take
    assert set(runs[0]) <= {"ok", "ThrottlingException", "InternalServerError",
                            "ServiceUnavailable"}
    fault = add_fault(endpoint, kind="degrade", service="dynamodb", region="ca-central-1",
                      error_rate=0.5, seed=43)
    assert _outcomes(dynamodb.list_tables, 30) != runs[0]  # another seed, another run


@pytest.mark.parametrize("service, region, call, throttling_code", [
    ("sqs", "sa-east-1", lambda c: c.list_queues(), "RequestThrottled"),
    ("sts", "sa-east-1", lambda c: c.get_caller_identity(), "Throttling"),
    ("s3", "sa-east-1", lambda c: c.list_buckets(), "SlowDown"),
    ("ec2", "sa-east-1", lambda c: c.describe_key_pairs(), "RequestLimitExceeded"),
    ("lambda", "sa-east-1", lambda c: c.list_functions(), "TooManyRequestsException"),
    ("sns", "sa-east-1", lambda c: c.list_topics(), "Throttled"),
])
def test_degrade_answers_in_each_protocols_throttling_shape(
        endpoint: str, client: Client, service: str, region: str,
        call: Callable[[Any], Any], throttling_code: str) -> None:
    add_fault(endpoint, kind="degrade", service=service, region=region, error_rate=1.0,
              error_kind="throttling")
    with pytest.raises(ClientError) as caught:
        call(client(service, region_name=region))
    assert caught.value.response["Error"]["Code"] == throttling_code


def test_degrade_server_errors_are_5xx(endpoint: str, client: Client) -> None:
    add_fault(endpoint, kind="degrade", service="sqs", region="sa-east-1", error_rate=1.0,
              error_kind="server", seed=7)
    sqs = client("sqs", region_name="sa-east-1")
    statuses = set()
    for _ in range(10):
        with pytest.raises(ClientError) as caught:
            sqs.list_queues()
        statuses.add(caught.value.response["ResponseMetadata"]["HTTPStatusCode"])
    assert statuses <= {500, 503} and statuses


def test_degrade_adds_latency_to_that_service_only(endpoint: str, client: Client) -> None:
    add_fault(endpoint, kind="degrade", service="sts", region="eu-west-3", latency_ms=300)
    sts, sqs = client("sts", region_name="eu-west-3"), client("sqs", region_name="eu-west-3")
    started = time.perf_counter()
    sts.get_caller_identity()
    assert time.perf_counter() - started >= 0.3
    fastest_s = float("inf")
    for _ in range(3):  # the best of three: a busy machine may stall one call
        started = time.perf_counter()
        sqs.list_queues()
        fastest_s = min(fastest_s, time.perf_counter() - started)
    assert fastest_s < 0.3


def test_a_service_a_region_lacks_has_no_endpoint(client: Client) -> None:
    """App Runner is not in us-west-1 (AWS's endpoint data): like a name DNS cannot find,
    the call never gets an answer. Where App Runner exists, pocketcloud says it does not
    implement it yet."""
    with pytest.raises(ConnectionClosedError):
        client("apprunner", region_name="us-west-1").list_services()
    with pytest.raises(ClientError) as caught:
        client("apprunner", region_name="us-east-1").list_services()
    assert caught.value.response["Error"]["Code"] == "NotImplemented"


@pytest.mark.parametrize("body, complaint", [
    ({"kind": "meteor", "region": "us-east-1"}, "unknown fault kind"),
    ({"kind": "region-down", "region": "mars-1"}, "unknown Region"),
    ({"kind": "az-down", "zone": "us-east-1z"}, "unknown Availability Zone"),
    ({"kind": "degrade", "region": "us-east-1"}, "needs a service"),
    ({"kind": "degrade", "region": "us-east-1", "service": "nope"}, "unknown service"),
    ({"kind": "degrade", "region": "us-east-1", "service": "sqs", "error_rate": 2},
     "between 0 and 1"),
    ({"kind": "region-down", "region": "us-east-1", "seed": -1}, "seed"),
    ({"kind": "region-down", "region": "us-east-1", "at": 1, "after_s": 1}, "not both"),
    ({"kind": "region-down", "region": "us-east-1", "duration_s": 0}, "duration"),
    ({"kind": "region-down", "region": "us-east-1", "after_s": "soon"}, "finite number"),
])
def test_bad_fault_requests_get_400(endpoint: str, body: dict[str, Any], complaint: str) -> None:
    status, answer = admin(endpoint, "POST", "faults", body)
    assert status == 400 and complaint in answer["error"]


def test_malformed_admin_requests(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/_pocketcloud/faults", data=b"{nope",
                                     method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400
    assert admin(endpoint, "GET", "faults/fault-nope")[0] == 404
    assert admin(endpoint, "POST", "faults", [1, 2])[0] == 400


def test_a_scheduled_fault_restored_before_it_starts_has_ended(endpoint: str) -> None:
    fault = add_fault(endpoint, kind="az-down", zone="us-east-1a", after_s=30, duration_s=300)
    assert fault["state"] == "scheduled"
    status, restored = admin(endpoint, "DELETE", f"faults/{fault['fault_id']}")
    assert status == 200 and restored["restored"][0]["state"] == "ended"
    _, again = admin(endpoint, "POST", "faults/restore")
    assert fault["fault_id"] not in [f["fault_id"] for f in again["restored"]]
    _, cleared = admin(endpoint, "POST", "faults/clear")
    assert cleared["removed"] >= 1
    _, listed = admin(endpoint, "GET", "faults")
    assert fault["fault_id"] not in [f["fault_id"] for f in listed["faults"]]


def test_fault_list_shows_seed_and_state(endpoint: str) -> None:
    fault = add_fault(endpoint, kind="degrade", service="*", region="eu-south-1",
                      error_rate=0.1, latency_ms=5, seed=99)
    _, listed = admin(endpoint, "GET", "faults")
    mine = next(f for f in listed["faults"] if f["fault_id"] == fault["fault_id"])
    assert mine["seed"] == 99 and mine["state"] == "active"
    assert "every service in eu-south-1 degraded" in mine["description"]


def test_faults_survive_a_crash(tmp_path: Any) -> None:
    """Faults are durable state: a kill -9 and restart keeps the Region down."""
    server = start_server(tmp_path / "data")
    try:
        add_fault(server.endpoint, kind="region-down", region="eu-west-1", seed=3)
        server.kill()
        server = start_server(tmp_path / "data")
        sqs = boto3.client("sqs", region_name="eu-west-1", endpoint_url=server.endpoint,
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(retries={"total_max_attempts": 1}))
        with pytest.raises(ConnectionClosedError):
            sqs.list_queues()
        _, listed = admin(server.endpoint, "GET", "faults")
        assert [f["seed"] for f in listed["faults"]] == [3]
    finally:
        server.stop()


def test_seeds_drawn_for_faults_follow_the_cloud_seed() -> None:
    """Without a seed, a fault's seed comes from `start --seed`: two runs with the same seed
    and the same fault commands draw the same seeds, whatever requests came between."""
    drawn = []
    for extra_requests in (0, 5):
        server = start_server(None, "--seed", "77")
        try:
            sts = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
            for _ in range(extra_requests):
                sts.get_caller_identity()
            first = add_fault(server.endpoint, kind="region-down", region="eu-west-1")
            second = add_fault(server.endpoint, kind="az-down", zone="eu-west-1a")
            drawn.append((first["seed"], second["seed"]))
        finally:
            server.stop()
    assert drawn[0] == drawn[1] and drawn[0][0] != drawn[0][1]

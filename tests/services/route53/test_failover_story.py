"""AWS's teaching story, end to end: two HTTP endpoints "in" two regions behind a failover
record with health checks. The primary goes down; within RequestInterval x FailureThreshold
`dig` answers the secondary; the primary comes back and DNS answers it again."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable

import pytest
from tests.services.route53.conftest import DnsCloud, Endpoint, a_record, change
from tests.support import admin, advance_clock

PRIMARY_IP, SECONDARY_IP = "127.0.0.2", "127.0.0.3"  # two loopback addresses, two "regions"
INTERVAL_S = 10
FIRST_PROBE_WAIT_S = 10.0


def _dig(cloud: DnsCloud, name: str) -> list[str]:
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(cloud.dns_port), "+short", "+tries=1",
                          "+time=3", name, "A"], capture_output=True, text=True, timeout=10,
                         check=True).stdout
    return sorted(line for line in out.split() if line)


def _resolver(kind: str, cloud: DnsCloud) -> Callable[[str], list[str]]:
    if kind == "dig":
        if shutil.which("dig") is None:
            pytest.skip("dig is not installed (Debian package dnsutils; `make test` installs "
                        "it as root); the dnspython variant of this test still runs")
        return lambda name: _dig(cloud, name)
    return cloud.addresses


def _failover_zone(route53, unique, primary_port: int, secondary_port: int,  # type: ignore[no-untyped-def]
                   threshold: int, regions: tuple[str, str] = ("us-east-1", "eu-west-1")
                   ) -> tuple[str, str]:
    name = f"{unique('shop')}.example.com."
    zone_id = route53.create_hosted_zone(Name=name, CallerReference=unique("r"))[
        "HostedZone"]["Id"]
    checks = []
    for ip, port, region in ((PRIMARY_IP, primary_port, regions[0]),
                             (SECONDARY_IP, secondary_port, regions[1])):
        checks.append(route53.create_health_check(CallerReference=unique("hc"),
                                                  HealthCheckConfig={
            "Type": "HTTP", "IPAddress": ip, "Port": port, "ResourcePath": "/health",
            # the region label in the name places the endpoint "in" that region
            "FullyQualifiedDomainName": f"web.{region}.{name}".rstrip("."),
            "RequestInterval": INTERVAL_S, "FailureThreshold": threshold})["HealthCheck"]["Id"])
    _wait_for_first_probes(route53, checks)
    www = f"www.{name}"
    change(route53, zone_id,
           ("CREATE", a_record(www, PRIMARY_IP, ttl=10, SetIdentifier="primary",
                               Failover="PRIMARY", HealthCheckId=checks[0])),
           ("CREATE", a_record(www, SECONDARY_IP, ttl=10, SetIdentifier="secondary",
                               Failover="SECONDARY", HealthCheckId=checks[1])))
    return zone_id, www


def _wait_for_first_probes(route53, checks: list[str]) -> None:  # type: ignore[no-untyped-def]
    """New checks are probed at once; wait for that, as a user waits for "healthy"."""
    deadline = time.monotonic() + FIRST_PROBE_WAIT_S
    for check_id in checks:
        while not route53.get_health_check_status(HealthCheckId=check_id)[
                "HealthCheckObservations"]:
            assert time.monotonic() < deadline, "health checks were never probed"
            time.sleep(0.05)


@pytest.mark.parametrize("resolver_kind", ["dig", "dnspython"])
def test_failover_on_the_cloud_clock(cloud, route53, unique, resolver_kind) -> None:
    resolve = _resolver(resolver_kind, cloud)
    primary, secondary = Endpoint(host=PRIMARY_IP), Endpoint(host=SECONDARY_IP)
    try:
        threshold = 3
        _, www = _failover_zone(route53, unique, primary.port, secondary.port, threshold)
        assert resolve(www) == [PRIMARY_IP]
        primary.stop()
        for _ in range(threshold - 1):  # fewer failures than the threshold: still primary
            advance_clock(cloud.endpoint, INTERVAL_S)
            assert resolve(www) == [PRIMARY_IP]
        advance_clock(cloud.endpoint, INTERVAL_S)  # interval x threshold: failed over
        assert resolve(www) == [SECONDARY_IP]
        primary.start()
        for _ in range(threshold):
            advance_clock(cloud.endpoint, INTERVAL_S)
        assert resolve(www) == [PRIMARY_IP]
    finally:
        primary.stop()
        secondary.stop()


def test_failover_in_real_time(cloud, route53, unique) -> None:
    """No clock tricks: with a 10 s interval and a threshold of 1, DNS moves to the secondary
    within one interval (plus the probe's own time) of the primary going down."""
    primary, secondary = Endpoint(host=PRIMARY_IP), Endpoint(host=SECONDARY_IP)
    try:
        _, www = _failover_zone(route53, unique, primary.port, secondary.port, 1)
        assert cloud.addresses(www) == [PRIMARY_IP]
        primary.stop()
        went_down = time.monotonic()
        while cloud.addresses(www) != [SECONDARY_IP]:
            assert time.monotonic() - went_down < INTERVAL_S + 3, "no failover in time"
            time.sleep(0.2)
    finally:
        primary.stop()
        secondary.stop()


def test_primary_region_taken_down_by_fault_injection(cloud, route53, unique) -> None:
    """The endpoints keep running; their region goes down, so health checks of endpoints
    "in" it fail as if unreachable, and DNS fails over until the region comes back."""
    primary, secondary = Endpoint(host=PRIMARY_IP), Endpoint(host=SECONDARY_IP)
    try:
        _, www = _failover_zone(route53, unique, primary.port, secondary.port, 2,
                                regions=("eu-central-1", "us-west-2"))
        assert cloud.addresses(www) == [PRIMARY_IP]
        status, created = admin(cloud.endpoint, "POST", "faults",
                                 {"kind": "region-down", "region": "eu-central-1"})
        if status == 404:
            pytest.skip("this build has no fault injection API (/_pocketcloud/faults)")
        assert status == 201, created
        for _ in range(2):
            advance_clock(cloud.endpoint, INTERVAL_S)
        assert cloud.addresses(www) == [SECONDARY_IP]
        assert primary.port  # still serving: only its region is down
        admin(cloud.endpoint, "DELETE", f"faults/{created['fault']['fault_id']}")
        for _ in range(2):
            advance_clock(cloud.endpoint, INTERVAL_S)
        assert cloud.addresses(www) == [PRIMARY_IP]
    finally:
        primary.stop()
        secondary.stop()

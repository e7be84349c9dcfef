"""Routing policies as the DNS server applies them: weighted, latency (from the DNS client's
location), geolocation with its default, multivalue answer, and health in each of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from tests.services.route53.conftest import DnsCloud, a_record, change, start_dns_cloud
from tests.support import advance_clock

DRAWS = 400


@pytest.fixture(scope="module")
def tokyo() -> Iterator[DnsCloud]:
    """A second cloud whose DNS clients are in Tokyo."""
    running = start_dns_cloud("--dns-client-location", "Tokyo")
    yield running
    running.server.stop()


def _failing_check(route53, unique) -> str:  # type: ignore[no-untyped-def]
    """A health check of a port nothing listens on, already judged unhealthy."""
    check_id = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9, "RequestInterval": 10,
        "FailureThreshold": 1})["HealthCheck"]["Id"]
    advance_clock(route53.meta.endpoint_url, 10)
    return str(check_id)


def test_weighted_follows_the_weights(cloud, route53, zone) -> None:
    zone_id, name = zone
    www = f"w.{name}"
    change(route53, zone_id,
           ("CREATE", a_record(www, "192.0.2.1", SetIdentifier="heavy", Weight=3)),
           ("CREATE", a_record(www, "192.0.2.2", SetIdentifier="light", Weight=1)),
           ("CREATE", a_record(www, "192.0.2.3", SetIdentifier="off", Weight=0)))
    drawn = Counter(cloud.addresses(www)[0] for _ in range(DRAWS))
    assert set(drawn) == {"192.0.2.1", "192.0.2.2"}  # weight 0 never answers
    assert 0.6 < drawn["192.0.2.1"] / DRAWS < 0.9


def test_weighted_skips_unhealthy_sets(cloud, route53, zone, unique) -> None:
    zone_id, name = zone
    www = f"wh.{name}"
    check = _failing_check(route53, unique)
    change(route53, zone_id,
           ("CREATE", a_record(www, "192.0.2.1", SetIdentifier="sick", Weight=200,
                               HealthCheckId=check)),
           ("CREATE", a_record(www, "192.0.2.2", SetIdentifier="well", Weight=1)))
    assert {cloud.addresses(www)[0] for _ in range(50)} == {"192.0.2.2"}


def _latency_records(route53, zone_id: str, name: str) -> str:  # type: ignore[no-untyped-def]
    www = f"lat.{name}"
    change(route53, zone_id, *(
        ("CREATE", a_record(www, ip, SetIdentifier=region, Region=region))
        for region, ip in (("us-east-1", "192.0.2.1"), ("eu-west-1", "192.0.2.2"),
                           ("ap-northeast-1", "192.0.2.3"))))
    return www


def test_latency_answers_the_nearest_region(cloud, route53, zone, tokyo) -> None:
    zone_id, name = zone
    www = _latency_records(route53, zone_id, name)
    assert cloud.addresses(www) == ["192.0.2.1"]  # the default client sits in us-east-1
    far = tokyo.client()
    tokyo_zone = far.create_hosted_zone(Name=name, CallerReference="tokyo-" + zone_id)
    www = _latency_records(far, tokyo_zone["HostedZone"]["Id"], name)
    assert tokyo.addresses(www) == ["192.0.2.3"]


def test_latency_passes_over_an_unhealthy_region(cloud, route53, zone, unique) -> None:
    zone_id, name = zone
    www = f"lath.{name}"
    check = _failing_check(route53, unique)
    change(route53, zone_id,
           ("CREATE", a_record(www, "192.0.2.1", SetIdentifier="near", Region="us-east-1",
                               HealthCheckId=check)),
           ("CREATE", a_record(www, "192.0.2.2", SetIdentifier="far", Region="eu-west-1")))
    assert cloud.addresses(www) == ["192.0.2.2"]


def _geo_records(route53, zone_id: str, name: str) -> str:  # type: ignore[no-untyped-def]
    www = f"geo.{name}"
    change(route53, zone_id,
           ("CREATE", a_record(www, "192.0.2.1", SetIdentifier="us",
                               GeoLocation={"CountryCode": "US"})),
           ("CREATE", a_record(www, "192.0.2.2", SetIdentifier="europe",
                               GeoLocation={"ContinentCode": "EU"})),
           ("CREATE", a_record(www, "192.0.2.3", SetIdentifier="asia",
                               GeoLocation={"ContinentCode": "AS"})),
           ("CREATE", a_record(www, "192.0.2.9", SetIdentifier="default",
                               GeoLocation={"CountryCode": "*"})))
    return www


def test_geolocation_most_specific_match_and_default(cloud, route53, zone, tokyo) -> None:
    zone_id, name = zone
    www = _geo_records(route53, zone_id, name)
    assert cloud.addresses(www) == ["192.0.2.1"]
    listed = route53.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=www)
    assert {"CountryCode": "*"} in [r["GeoLocation"] for r in listed["ResourceRecordSets"]]
    far = tokyo.client()
    tokyo_zone = far.create_hosted_zone(Name=name, CallerReference="geo-" + zone_id)
    tokyo_id = tokyo_zone["HostedZone"]["Id"]
    www = _geo_records(far, tokyo_id, name)
    assert tokyo.addresses(www) == ["192.0.2.3"]  # Japan is in Asia
    change(far, tokyo_id, ("DELETE", a_record(www, "192.0.2.3", SetIdentifier="asia",
                                              GeoLocation={"ContinentCode": "AS"})))
    assert tokyo.addresses(www) == ["192.0.2.9"]  # no match: the default


def test_multivalue_answers_up_to_eight_healthy(cloud, route53, zone, unique) -> None:
    zone_id, name = zone
    www = f"mv.{name}"
    check = _failing_check(route53, unique)
    changes = [("CREATE", a_record(www, f"192.0.2.{i}", SetIdentifier=f"v{i}",
                                   MultiValueAnswer=True)) for i in range(1, 11)]
    changes.append(("CREATE", a_record(www, "192.0.2.99", SetIdentifier="sick",
                                       MultiValueAnswer=True, HealthCheckId=check)))
    change(route53, zone_id, *changes)
    for _ in range(20):
        answer = cloud.addresses(www)
        assert len(answer) == 8 and "192.0.2.99" not in answer


def test_calculated_check_and_evaluate_target_health(cloud, route53, zone, unique) -> None:
    zone_id, name = zone
    sick = _failing_check(route53, unique)
    parent = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "CALCULATED", "ChildHealthChecks": [sick], "HealthThreshold": 1})
    parent_id = parent["HealthCheck"]["Id"]
    advance_clock(cloud.endpoint, 1)  # the checkers pick up the new configuration
    www, target = f"calc.{name}", f"target.{name}"
    change(route53, zone_id,
           ("CREATE", a_record(target, "192.0.2.5", SetIdentifier="t", Failover="PRIMARY",
                               HealthCheckId=parent_id)),
           ("CREATE", a_record(target, "192.0.2.6", SetIdentifier="t2", Failover="SECONDARY")))
    assert cloud.addresses(target) == ["192.0.2.6"]  # 0 of 1 children healthy < threshold 1
    route53.update_health_check(HealthCheckId=parent_id, HealthThreshold=0)
    advance_clock(cloud.endpoint, 1)
    assert cloud.addresses(target) == ["192.0.2.5"]
    route53.update_health_check(HealthCheckId=parent_id, Inverted=True)
    advance_clock(cloud.endpoint, 1)
    assert cloud.addresses(target) == ["192.0.2.6"]
    change(route53, zone_id, ("CREATE", a_record(f"sick.{name}", "192.0.2.7",
                                                 HealthCheckId=sick)))
    change(route53, zone_id,
           ("CREATE", {"Name": www, "Type": "A", "SetIdentifier": "a", "Failover": "PRIMARY",
                       "AliasTarget": {"HostedZoneId": zone_id, "DNSName": f"sick.{name}",
                                       "EvaluateTargetHealth": True}}),
           ("CREATE", a_record(www, "192.0.2.8", SetIdentifier="b", Failover="SECONDARY")))
    assert cloud.addresses(www) == ["192.0.2.8"]  # the alias's target is unhealthy

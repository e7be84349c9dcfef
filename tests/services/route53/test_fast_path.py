"""The DNS server's fast wire path answers exactly what dnspython's full path answers.

In process: one cloud with a zone made through the provider functions; every question is
answered both ways and the parsed responses compared section by section.
"""

from __future__ import annotations

from collections.abc import Iterator

import dns.flags
import dns.message
import dns.name
import dns.rdatatype
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.context import RequestContext
from pocketcloud.runtime.dns.fastwire import Renderer, parse
from pocketcloud.runtime.dns.wire import answer
from pocketcloud.services.route53 import changes, zones
from pocketcloud.services.route53.answering import Resolver

ZONE = "fast.example.com."


@pytest.fixture(scope="module")
def resolver() -> Iterator[Resolver]:
    cloud = Cloud(Settings.from_env({}, ephemeral=True, dns_port=0))
    ctx = RequestContext(cloud=cloud, request_id="r", account_id="000000000000",
                         region="us-east-1", service="route53")
    zone_id = zones.create_hosted_zone(ctx, {"Name": ZONE, "CallerReference": "f"})[
        "HostedZone"]["Id"]

    def rr(name: str, rtype: str, *values: str) -> dict:
        return {"Action": "CREATE", "ResourceRecordSet": {
            "Name": name + ZONE, "Type": rtype, "TTL": 60,
            "ResourceRecords": [{"Value": v} for v in values]}}

    batch = [rr("www.", "A", "192.0.2.1", "192.0.2.2"), rr("*.w.", "TXT", '"wild"'),
             rr("cdn.", "CNAME", "www." + ZONE), rr("a.b.c.", "AAAA", "2001:db8::1"),
             rr("sub.", "NS", "ns1.example.net."), rr("", "MX", "10 mx.example.net."),
             rr("big.", "A", *(f"198.51.100.{i}" for i in range(1, 61)))]
    changes.change_resource_record_sets(ctx, {"HostedZoneId": zone_id,
                                              "ChangeBatch": {"Changes": batch}})
    changes.change_resource_record_sets(ctx, {"HostedZoneId": zone_id, "ChangeBatch": {
        "Changes": [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": "alias." + ZONE, "Type": "A", "AliasTarget": {
                "HostedZoneId": zone_id.split("/")[-1], "DNSName": "www." + ZONE,
                "EvaluateTargetHealth": False}}}]}})
    yield Resolver(cloud)
    cloud.close()


QUESTIONS = [("www", "A"), ("WWW", "A"), ("www", "AAAA"), ("nope", "A"), ("x.w", "TXT"),
             ("cdn", "A"), ("b.c", "A"), ("a.b.c", "AAAA"), ("host.sub", "A"), ("", "MX"),
             ("", "SOA"), ("", "NS"), ("alias", "A"), ("big", "A"), ("", "ANY")]


@pytest.mark.parametrize(("label", "rtype"), QUESTIONS)
@pytest.mark.parametrize("edns", [False, True])
def test_fast_and_full_paths_agree(resolver: Resolver, label: str, rtype: str,
                                   edns: bool) -> None:
    name = f"{label}.{ZONE}" if label else ZONE
    query = dns.message.make_query(name, rtype, use_edns=0 if edns else False)
    wire = query.to_wire()
    assert parse(wire) is not None  # a plain query: the fast path takes it
    fast = answer(wire, resolver.respond, False, (Renderer(), resolver.resolve))
    full = answer(wire, resolver.respond, False)
    assert fast is not None and full is not None
    got, expected = dns.message.from_wire(fast), dns.message.from_wire(full)
    assert got.id == expected.id and got.rcode() == expected.rcode()
    assert got.flags == expected.flags
    assert got.edns == expected.edns and got.payload == expected.payload
    for section in ("question", "answer", "authority"):  # names compare case-insensitively
        assert _records(getattr(got, section)) == _records(getattr(expected, section)), section
    if rtype == "A" and label == "big" and not edns:
        assert got.flags & dns.flags.TC  # 60 addresses do not fit in 512 bytes


def _records(section: list) -> list[str]:
    return sorted(line.lower() for rrset in section for line in str(rrset).splitlines())


def test_unusual_queries_take_the_full_path() -> None:
    assert parse(dns.message.make_query("x.example", "A", "CH").to_wire()) is None
    assert parse(dns.message.make_query("x.example", "AXFR").to_wire()) is None
    assert parse(dns.message.make_query("x.example", "A", use_edns=1).to_wire()) is None
    assert parse(b"\x00" * 11) is None


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_any_bytes_get_an_answer_or_are_dropped(resolver: Resolver, data: bytes) -> None:
    """Hostile datagrams never raise out of the answering code."""
    reply = answer(data, resolver.respond, False, (Renderer(), resolver.resolve))
    assert reply is None or len(reply) >= 12


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(min_size=1, max_size=20), min_size=0, max_size=5),
       st.integers(0, 65535), st.booleans())
def test_any_question_gets_a_well_formed_answer(resolver: Resolver, labels: list[bytes],
                                                rdtype: int, edns: bool) -> None:
    name = dns.name.Name([*labels, b"fast", b"example", b"com", b""])
    wire = dns.message.make_query(name, dns.rdatatype.RdataType.make(rdtype),
                                  use_edns=0 if edns else False).to_wire()
    reply = answer(wire, resolver.respond, False, (Renderer(), resolver.resolve))
    assert reply is not None
    parsed = dns.message.from_wire(reply)
    assert parsed.id == dns.message.from_wire(wire).id

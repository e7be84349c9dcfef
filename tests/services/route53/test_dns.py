"""The DNS server, asked with dnspython over UDP and TCP: authoritative answers, negative
answers with the SOA, wildcards, CNAMEs, aliases, referrals, REFUSED outside every zone,
truncation, and malformed packets."""

from __future__ import annotations

import socket
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
from tests.services.route53.conftest import a_record, change


def _rcode(response: dns.message.Message) -> str:
    return dns.rcode.to_text(response.rcode())


def test_answers_authoritatively_over_udp_and_tcp(cloud, route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"www.{name}", "192.0.2.44", ttl=120)))
    for tcp in (False, True):
        response = cloud.query(f"WWW.{name}", "A", tcp=tcp)
        assert _rcode(response) == "NOERROR"
        assert response.flags & dns.flags.AA
        assert not response.flags & dns.flags.RA  # no recursion offered
        (rrset,) = response.answer
        assert rrset.ttl == 120 and [r.to_text() for r in rrset] == ["192.0.2.44"]


def test_nxdomain_and_nodata_carry_the_soa(cloud, route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"a.b.{name}", "192.0.2.1")))
    missing = cloud.query(f"missing.{name}")
    assert _rcode(missing) == "NXDOMAIN" and missing.flags & dns.flags.AA
    assert missing.authority[0].rdtype == dns.rdatatype.SOA
    assert missing.authority[0].name.to_text() == name
    for nodata in (cloud.query(f"a.b.{name}", "AAAA"), cloud.query(f"b.{name}", "A")):
        assert _rcode(nodata) == "NOERROR" and not nodata.answer  # b. is an empty non-terminal
        assert nodata.authority[0].rdtype == dns.rdatatype.SOA


def test_names_outside_every_zone_are_refused(cloud) -> None:
    response = cloud.query("www.not-hosted-here.invalid")
    assert _rcode(response) == "REFUSED" and not response.flags & dns.flags.AA


def test_apex_ns_soa_mx_txt(cloud, route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id,
           ("CREATE", {"Name": name, "Type": "MX", "TTL": 60,
                       "ResourceRecords": [{"Value": "10 mail.example.net"}]}),
           ("CREATE", {"Name": name, "Type": "TXT", "TTL": 60,
                       "ResourceRecords": [{"Value": '"hello world" "second"'}]}))
    ns = route53.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]
    assert cloud.addresses(name, "NS") == sorted(ns)
    assert cloud.addresses(name, "MX") == ["10 mail.example.net."]
    assert cloud.addresses(name, "TXT") == ['"hello world" "second"']
    assert cloud.addresses(name, "SOA")[0].startswith(ns[0])


def test_wildcard_cname_and_alias(cloud, route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id,
           ("CREATE", a_record(f"*.apps.{name}", "192.0.2.7")),
           ("CREATE", a_record(f"origin.{name}", "192.0.2.8")),
           ("CREATE", {"Name": f"cdn.{name}", "Type": "CNAME", "TTL": 60,
                       "ResourceRecords": [{"Value": f"origin.{name}"}]}))
    change(route53, zone_id, ("CREATE", {"Name": name, "Type": "A", "AliasTarget": {
        "HostedZoneId": zone_id, "DNSName": f"origin.{name}", "EvaluateTargetHealth": False}}))
    assert cloud.addresses(f"anything.apps.{name}") == ["192.0.2.7"]
    response = cloud.query(f"cdn.{name}")
    assert [r.rdtype for r in response.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]
    assert cloud.addresses(name) == ["192.0.2.8"]  # an alias at the apex answers as an A


def test_alias_to_s3_website_answers_this_machine(cloud, route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", {"Name": f"site.{name}", "Type": "A", "AliasTarget": {
        "HostedZoneId": "Z3AQBSTGFYJSTF", "DNSName": "s3-website-us-east-1.amazonaws.com",
        "EvaluateTargetHealth": False}}))
    assert cloud.addresses(f"site.{name}") == ["127.0.0.1"]
    stored = route53.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=f"site.{name}",
                                               MaxItems="1")["ResourceRecordSets"][0]
    assert stored["AliasTarget"]["DNSName"] == "s3-website-us-east-1.amazonaws.com."


def test_delegation_below_the_apex_is_a_referral(cloud, route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", {"Name": f"sub.{name}", "Type": "NS", "TTL": 60,
                                         "ResourceRecords": [{"Value": "ns1.example.net"}]}))
    response = cloud.query(f"www.sub.{name}")
    assert _rcode(response) == "NOERROR" and not response.answer
    assert not response.flags & dns.flags.AA
    assert response.authority[0].rdtype == dns.rdatatype.NS


def test_large_answers_truncate_over_udp_and_fit_over_tcp(cloud, route53, zone) -> None:
    zone_id, name = zone
    values = [{"Value": f"192.0.2.{i}"} for i in range(1, 61)]
    change(route53, zone_id, ("CREATE", {"Name": f"big.{name}", "Type": "A", "TTL": 60,
                                         "ResourceRecords": values}))
    query = dns.message.make_query(f"big.{name}", "A", use_edns=False)
    udp = dns.query.udp(query, "127.0.0.1", port=cloud.dns_port, timeout=3, ignore_trailing=True)
    assert udp.flags & dns.flags.TC
    tcp = dns.query.tcp(query, "127.0.0.1", port=cloud.dns_port, timeout=3)
    assert len(tcp.answer[0]) == 60


def test_malformed_packets_are_dropped_or_formerr_and_server_lives(cloud, route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"alive.{name}", "192.0.2.1")))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1.0)
        for junk in (b"", b"\x00", b"\x12\x34" + b"\xff" * 40, b"\x12\x34\x01\x00\x00\x01" +
                     b"\x00" * 6 + b"\x3fabc"):
            sock.sendto(junk, ("127.0.0.1", cloud.dns_port))
        sock.sendto(b"\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05hello", (
            "127.0.0.1", cloud.dns_port))
        replies = []
        try:
            while True:
                replies.append(sock.recv(4096))
        except TimeoutError:
            pass
    assert all(len(r) == 12 and r[3] & 0x0F == dns.rcode.FORMERR for r in replies)
    assert any(r[:2] == b"\xab\xcd" for r in replies)
    with socket.create_connection(("127.0.0.1", cloud.dns_port), timeout=3) as tcp:
        tcp.sendall(b"\x00\x05junk!")  # a short TCP message: FORMERR or closed, not a hang
        tcp.recv(100)
    assert cloud.addresses(f"alive.{name}") == ["192.0.2.1"]


def test_other_classes_and_zone_transfers_are_refused(cloud, zone) -> None:
    _, name = zone
    chaos = dns.message.make_query("version.bind", "TXT", "CH")
    assert _rcode(dns.query.udp(chaos, "127.0.0.1", port=cloud.dns_port, timeout=3)) == "REFUSED"
    axfr = dns.message.make_query(name, "AXFR")
    assert _rcode(dns.query.tcp(axfr, "127.0.0.1", port=cloud.dns_port, timeout=3)) == "REFUSED"


def test_private_zones_are_not_served_publicly(cloud, route53, unique) -> None:
    name = f"{unique()}.corp."
    created = route53.create_hosted_zone(
        Name=name, CallerReference=unique("r"), HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "us-east-1", "VPCId": "vpc-11112222"})
    change(route53, created["HostedZone"]["Id"], ("CREATE", a_record(f"db.{name}", "10.0.0.5")))
    assert _rcode(cloud.query(f"db.{name}")) == "REFUSED"


def test_test_dns_answer_api(route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"t.{name}", "192.0.2.33")))
    answer = route53.test_dns_answer(HostedZoneId=zone_id, RecordName=f"t.{name}",
                                     RecordType="A")
    assert answer["RecordData"] == ["192.0.2.33"] and answer["ResponseCode"] == "NOERROR"


def test_tcp_connections_are_bounded(cloud, route53, zone) -> None:
    from pocketcloud.runtime.dns.server import TCP_CONNECTIONS_MAX

    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"tcp.{name}", "192.0.2.5")))
    held = [socket.create_connection(("127.0.0.1", cloud.dns_port), timeout=3)
            for _ in range(TCP_CONNECTIONS_MAX)]
    try:
        extra = socket.create_connection(("127.0.0.1", cloud.dns_port), timeout=3)
        with extra:
            assert extra.recv(10) == b""  # closed at once: over the bound
        assert cloud.addresses(f"tcp.{name}") == ["192.0.2.5"]  # UDP unaffected
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 5  # the server notices the closed connections
    while True:
        try:
            answer = cloud.query(f"tcp.{name}", tcp=True)
            break
        except EOFError:
            assert time.monotonic() < deadline, "TCP never served again"
            time.sleep(0.05)
    assert [r.to_text() for r in answer.answer[0]] == ["192.0.2.5"]


def test_answers_follow_every_change(cloud, route53, zone) -> None:
    """The server's view is updated per changed name; deletions and long runs of changes
    (more than the index keeps track of) are reflected too."""
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"a.b.{name}", "192.0.2.1")))
    assert _rcode(cloud.query(f"b.{name}")) == "NOERROR"  # an empty non-terminal
    change(route53, zone_id, ("DELETE", a_record(f"a.b.{name}", "192.0.2.1")))
    assert _rcode(cloud.query(f"b.{name}")) == "NXDOMAIN"
    assert _rcode(cloud.query(f"a.b.{name}")) == "NXDOMAIN"
    for i in range(70):
        change(route53, zone_id, ("UPSERT", a_record(f"n.{name}", f"192.0.2.{i}")))
    assert cloud.addresses(f"n.{name}") == ["192.0.2.69"]


def test_outside_names_can_be_nxdomain_and_the_port_setting() -> None:
    from tests.services.route53.conftest import start_dns_cloud

    from pocketcloud.config import Settings

    assert Settings.from_env({"POCKETCLOUD_DNS_PORT": "0"}).resolved_dns_port() == 0
    assert Settings.from_env({}, dns_port=5400).resolved_dns_port() == 5400
    assert Settings.from_env({}).resolved_dns_port() in (53, 5353)
    other = start_dns_cloud("--dns-outside", "nxdomain")
    try:
        response = other.query("www.nowhere.invalid")
        assert _rcode(response) == "NXDOMAIN" and not response.flags & dns.flags.AA
    finally:
        other.server.stop()

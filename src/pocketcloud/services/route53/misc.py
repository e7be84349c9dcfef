"""Checker IP ranges, TestDNSAnswer, hosted zone limits and DNSSEC status."""

from __future__ import annotations

from typing import Any

import dns.rcode
import dns.rdatatype

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.answering import Resolver
from pocketcloud.services.route53.common import store
from pocketcloud.services.route53.limits import RECORD_SETS_PER_ZONE_MAX, VPCS_PER_ZONE_MAX
from pocketcloud.services.route53.validation import RECORD_TYPES
from pocketcloud.services.route53.zone_index import dns_name
from pocketcloud.services.route53.zones import find_zone, record_count

CHECKER_IP_RANGES = ["127.0.0.1/32"]  # the one health checker is this machine


def get_checker_ip_ranges(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"CheckerIpRanges": CHECKER_IP_RANGES}


def test_dns_answer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """What the DNS server answers for a name in this zone, routing policies applied."""
    rtype = params.get("RecordType") or ""
    if rtype not in RECORD_TYPES:
        raise AwsError("InvalidInput", f"Invalid request: record type {rtype!r} is invalid.")
    with store(ctx.cloud).read() as tx:
        find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
    name = params.get("RecordName") or ""
    found = Resolver(ctx.cloud).resolve(dns_name(name), dns.rdatatype.from_text(rtype))
    data = [rdata.to_text() for rrset in found.answer for rdata in rrset]
    return {"Nameserver": "127.0.0.1", "RecordName": name, "RecordType": rtype,
            "RecordData": data, "ResponseCode": dns.rcode.to_text(found.rcode),
            "Protocol": "UDP"}


def get_hosted_zone_limit(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind = params.get("Type") or ""
    with store(ctx.cloud).read() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
        if kind == "MAX_RRSETS_BY_ZONE":
            value, count = RECORD_SETS_PER_ZONE_MAX, record_count(tx, zone.zone_id)
        elif kind == "MAX_VPCS_ASSOCIATED_BY_ZONE":
            if not zone.private:
                raise AwsError("HostedZoneNotPrivate", "The specified hosted zone is a public "
                               "hosted zone, not a private hosted zone.")
            value, count = VPCS_PER_ZONE_MAX, len(zone.vpcs)
        else:
            raise AwsError("InvalidInput", f"Invalid request: {kind!r} is not a limit type.")
    return {"Limit": {"Type": kind, "Value": value}, "Count": count}


def get_dnssec(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Zones are not signed here: what AWS answers for a zone without DNSSEC signing."""
    with store(ctx.cloud).read() as tx:
        find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
    return {"Status": {"ServeSignature": "NOT_SIGNING"}, "KeySigningKeys": []}

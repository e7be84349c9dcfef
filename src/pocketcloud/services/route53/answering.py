"""Answering one DNS query from the hosted zones: authoritative, with routing policies.

Follows RFC 1034's algorithm for an authoritative server: find the zone; below a delegation
answer a referral; an existing name answers its records (or its CNAME, followed inside the
zone) or NODATA; a missing name tries the wildcard at its closest encloser, else NXDOMAIN.
Negative answers carry the zone's SOA in the authority section. Names in no hosted zone get
REFUSED (or NXDOMAIN when so configured); nothing is forwarded anywhere.
"""

from __future__ import annotations

import random

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rcode import Rcode
from dns.rdatatype import RdataType

from pocketcloud.cloud import Cloud
from pocketcloud.runtime.dns.answer import Answer
from pocketcloud.services.route53 import policies
from pocketcloud.services.route53.common import generation
from pocketcloud.services.route53.health_state import health_generation, is_healthy
from pocketcloud.services.route53.places import client_place, rtt_ms
from pocketcloud.services.route53.zone_index import (
    Key,
    RecordSetView,
    ZoneIndex,
    ZoneView,
    key,
    within,
    zone_index,
)

CNAME_CHAIN_MAX = 8  # CNAMEs followed inside a zone
ALIAS_DEPTH_MAX = 8  # alias -> alias -> ... chains
LOCAL_ENDPOINT_TTL_S = 60
# Alias targets outside the hosted zones (S3 websites, load balancers, CloudFront) all live
# on this machine: they answer with its loopback address.
LOCAL_ADDRESSES: dict[RdataType, dns.rdata.Rdata] = {
    rdtype: dns.rdata.from_text(dns.rdataclass.IN, rdtype, address)
    for rdtype, address in ((dns.rdatatype.A, "127.0.0.1"), (dns.rdatatype.AAAA, "::1"))}
_A, _CNAME, _NS, _SOA, _ANY = (dns.rdatatype.A, dns.rdatatype.CNAME, dns.rdatatype.NS,
                               dns.rdatatype.SOA, dns.rdatatype.ANY)
_TRANSFERS = frozenset({dns.rdatatype.AXFR, dns.rdatatype.IXFR})


class Resolver:
    """Answers queries for one cloud; one per DNS server (its random source is not shared)."""

    def __init__(self, cloud: Cloud, seed: int | None = None) -> None:
        self.cloud = cloud
        self.rng = random.Random(seed if seed is not None else cloud.ids.seed)
        self.cacheable = True  # False once an answer drew at random (weighted, multivalue)

    def token(self) -> tuple[int, int]:
        """Changes whenever an answer could: records, zones, health checks, health."""
        return generation(), health_generation()

    def respond(self, query: dns.message.Message) -> dns.message.Message:
        self.cacheable = True
        response = dns.message.make_response(query)
        response.flags &= ~dns.flags.AA
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
            return response
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        if question.rdclass != dns.rdataclass.IN or question.rdtype in _TRANSFERS:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        found = self.resolve(question.name, question.rdtype)
        response.set_rcode(found.rcode)
        if found.authoritative:
            response.flags |= dns.flags.AA
        response.answer.extend(found.answer)
        response.authority.extend(found.authority)
        return response

    def resolve(self, qname: dns.name.Name, qtype: RdataType) -> Answer:
        """The answer for a question in class IN (zone transfers excluded by the caller)."""
        self.cacheable = True
        index = zone_index(self.cloud)
        qkey = key(qname)
        zone = index.zone_for(qkey)
        if zone is None:
            refused = self.cloud.settings.dns_outside != "nxdomain"
            return Answer(dns.rcode.REFUSED if refused else dns.rcode.NXDOMAIN, False)
        return _ZoneLookup(self, index, zone).run(qname, qkey, qtype)


class _ZoneLookup:
    def __init__(self, resolver: Resolver, index: ZoneIndex, zone: ZoneView) -> None:
        self.resolver = resolver
        self.cloud = resolver.cloud
        self.index = index
        self.zone = zone
        self.place = client_place(self.cloud)

    def run(self, qname: dns.name.Name, qkey: Key, qtype: RdataType) -> Answer:
        referral = self._referral(qkey)
        if referral is not None:
            return referral
        found = Answer()
        for _ in range(CNAME_CHAIN_MAX):
            node, exact = self._node(qkey)
            if node is None:
                return self._negative(found, dns.rcode.NXDOMAIN if not found.answer and
                                      qkey not in self.zone.empty_non_terminals
                                      else dns.rcode.NOERROR)
            owner = None if exact else qname  # None: each record set's own name
            if qtype == _ANY:
                for rdtype in sorted(node):
                    found.answer += self._rrsets(owner, node[rdtype], rdtype, 0)
                return found
            if qtype in node:
                rrsets = self._rrsets(owner, node[qtype], qtype, 0)
                found.answer += rrsets
                return found if rrsets else self._negative(found, dns.rcode.NOERROR)
            if _CNAME not in node or qtype == _CNAME:
                return self._negative(found, dns.rcode.NOERROR)
            cname = self._rrsets(owner, node[_CNAME], _CNAME, 0)
            found.answer += cname
            if not cname:
                return self._negative(found, dns.rcode.NOERROR)
            qname = cname[0][0].target
            qkey = key(qname)
            if not within(qkey, self.zone.origin_key) or self._referral(qkey):
                return found  # the resolver follows it from here
        return found

    # -- lookups ---------------------------------------------------------------------------

    def _referral(self, qkey: Key) -> Answer | None:
        if not self.zone.delegations:
            return None
        for i in range(len(qkey) - len(self.zone.origin_key)):
            if qkey[i:] in self.zone.delegations:
                sets = self.zone.nodes[qkey[i:]][_NS]
                return Answer(authoritative=False, authority=self._rrsets(None, sets, _NS, 0))
        return None

    def _node(self, qkey: Key) -> tuple[dict | None, bool]:
        """The node for the name, or the wildcard at its closest encloser; True if exact."""
        nodes, ents = self.zone.nodes, self.zone.empty_non_terminals
        node = nodes.get(qkey)
        if node is not None or qkey in ents:
            return node, True
        encloser = self.zone.origin_key
        for i in range(1, len(qkey) - len(self.zone.origin_key)):
            if qkey[i:] in nodes or qkey[i:] in ents:
                encloser = qkey[i:]
                break
        return nodes.get((b"*",) + encloser), False

    def _negative(self, found: Answer, rcode: Rcode) -> Answer:
        found.rcode = rcode if not found.answer else dns.rcode.NOERROR
        soa = self.zone.soa
        if soa is not None and soa.prebuilt is not None:
            found.authority = [soa.prebuilt]
        return found

    # -- record sets and policies ----------------------------------------------------------

    def _rrsets(self, owner: dns.name.Name | None, sets: list[RecordSetView],
                rdtype: RdataType, depth: int) -> list[dns.rrset.RRset]:
        """The chosen record sets' records under `owner` (None: their own name)."""
        if len(sets) > 1 and policies.is_random(sets[0]):
            self.resolver.cacheable = False
        chosen = sets if len(sets) == 1 and "SetIdentifier" not in sets[0].rrset else \
            policies.select(sets, lambda s: self._healthy(s, depth), self.place,
                            lambda region: rtt_ms(self.cloud, self.place, region),
                            self.resolver.rng)
        if owner is None and len(chosen) == 1 and chosen[0].prebuilt is not None:
            return [chosen[0].prebuilt]
        ttl, rdatas = 0, []
        for view in chosen:
            if view.alias is not None:
                target = self._alias(view, rdtype, depth)
                if target is not None:
                    ttl = ttl or target.ttl
                    rdatas += list(target)
                continue
            ttl = min(ttl, view.ttl) if rdatas else view.ttl
            rdatas += view.rdatas
        name = owner if owner is not None else chosen[0].owner if chosen else None
        return [_rrset(name, rdtype, ttl, rdatas)] if rdatas and name is not None else []

    def _alias(self, view: RecordSetView, rdtype: RdataType, depth: int) -> dns.rrset.RRset | None:
        alias = view.alias or {}
        target = view.alias_name
        assert target is not None
        target_key = key(target)
        zone = self.index.by_id.get(alias["HostedZoneId"]) or self.index.zone_for(target_key)
        if zone is not None and within(target_key, zone.origin_key):
            if depth >= ALIAS_DEPTH_MAX:
                return None
            sets = (zone.nodes.get(target_key) or {}).get(rdtype)
            lookup = self if zone is self.zone else _ZoneLookup(self.resolver, self.index, zone)
            found = lookup._rrsets(target, sets, rdtype, depth + 1) if sets else []
            return found[0] if found else None
        rdata = LOCAL_ADDRESSES.get(rdtype)
        return _rrset(target, rdtype, LOCAL_ENDPOINT_TTL_S, [rdata]) if rdata else None

    def _healthy(self, view: RecordSetView, depth: int) -> bool:
        if view.health_check_id and not is_healthy(self.cloud, view.health_check_id):
            return False
        alias = view.alias
        if alias is None or not alias.get("EvaluateTargetHealth") or depth >= ALIAS_DEPTH_MAX:
            return True
        return self._alias(view, view.rdtype, depth + 1) is not None and \
            self._target_healthy(view, depth + 1)

    def _target_healthy(self, view: RecordSetView, depth: int) -> bool:
        zone = self.index.by_id.get((view.alias or {}).get("HostedZoneId", ""))
        if zone is None or view.alias_name is None:
            return True
        sets = (zone.nodes.get(key(view.alias_name)) or {}).get(view.rdtype) or []
        return any(self._healthy(s, depth) for s in sets)


def _rrset(owner: dns.name.Name, rdtype: RdataType, ttl: int,
           rdatas: list[dns.rdata.Rdata]) -> dns.rrset.RRset:
    return dns.rrset.from_rdata_list(owner, ttl, rdatas)

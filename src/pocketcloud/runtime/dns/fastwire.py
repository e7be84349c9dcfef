"""The common query, parsed and answered without building dnspython messages.

A plain query (opcode QUERY, one question in class IN, no compression, at most an EDNS0 OPT
record) is read with struct and its answer written the same way; names in the answer are
written uncompressed. Anything else returns None from `parse`, and dnspython's full path
(wire.py) handles it. Record data is rendered once per rdata object and remembered.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dns.name
import dns.rdata
import dns.rrset

from pocketcloud.runtime.dns.answer import Answer

HEADER = struct.Struct("!2sHHHHH")
RR_FIXED = struct.Struct("!HHIH")
QUESTION_NAME_MAX = 255
CLASS_IN = 1
OPT = 41
ZONE_TRANSFERS = frozenset({251, 252})  # IXFR, AXFR
FLAG_QR, FLAG_AA, FLAG_TC, FLAG_RD = 0x8000, 0x0400, 0x0200, 0x0100
UDP_PAYLOAD_DEFAULT, UDP_PAYLOAD_MAX = 512, 4096
RDATA_CACHE_MAX = 50_000
_OPT_RR = b"\x00" + RR_FIXED.pack(OPT, UDP_PAYLOAD_MAX, 0, 0)

Resolve = Callable[[dns.name.Name, Any], Answer]  # (name, rdata type) -> answer


@dataclass(slots=True)
class Query:
    ident: bytes
    flags: int
    question: bytes  # as received: name, type, class
    labels: tuple[bytes, ...]
    qtype: int
    payload: int | None  # the EDNS UDP payload size; None without EDNS


def parse(data: bytes) -> Query | None:
    """The query if it is a plain one this module answers, else None."""
    if len(data) < 17:
        return None
    ident, flags, qdcount, ancount, nscount, arcount = HEADER.unpack_from(data)
    if flags & 0xF800 or qdcount != 1 or ancount or nscount or arcount > 1:
        return None  # a response, another opcode, or sections a query does not carry
    labels, pos = _labels(data)
    if pos < 0 or pos + 4 > len(data):
        return None
    qtype, qclass = struct.unpack_from("!HH", data, pos)
    end = pos + 4
    if qclass != CLASS_IN or qtype in ZONE_TRANSFERS:
        return None
    payload = None
    if arcount:
        if len(data) < end + 11 or data[end] != 0:
            return None
        rtype, rclass, ttl, rdlength = RR_FIXED.unpack_from(data, end + 1)
        if rtype != OPT or (ttl >> 16) & 0xFF or end + 11 + rdlength != len(data):
            return None  # not OPT, or an EDNS version we do not speak (dnspython says BADVERS)
        payload = rclass
    elif end != len(data):
        return None
    return Query(ident, flags, data[12:end], labels, qtype, payload)


def _labels(data: bytes) -> tuple[tuple[bytes, ...], int]:
    labels: list[bytes] = []
    pos = 12
    while pos < len(data):
        length = data[pos]
        if length == 0:
            return tuple(labels), pos + 1
        if length & 0xC0 or pos + 1 + length - 12 > QUESTION_NAME_MAX:
            return (), -1
        labels.append(data[pos + 1:pos + 1 + length])
        pos += 1 + length
    return (), -1


class Renderer:
    """Writes answers; remembers each rdata's wire form (bounded)."""

    def __init__(self) -> None:
        self._rdata: dict[int, tuple[dns.rdata.Rdata, bytes]] = {}

    def respond(self, query: Query, resolve: Resolve, tcp: bool) -> bytes:
        found = resolve(dns.name.Name(query.labels + (b"",)), query.qtype)
        flags = FLAG_QR | (query.flags & FLAG_RD) | int(found.rcode)
        if found.authoritative:
            flags |= FLAG_AA
        suffixes = _suffix_pointers(query.labels)
        answers = [self._records(rrset, suffixes) for rrset in found.answer]
        authority = [self._records(rrset, suffixes) for rrset in found.authority]
        edns = _OPT_RR if query.payload is not None else b""
        body = b"".join(r for _, r in answers) + b"".join(r for _, r in authority)
        header = HEADER.pack(query.ident, flags, 1, sum(n for n, _ in answers),
                             sum(n for n, _ in authority), 1 if edns else 0)
        reply = header + query.question + body + edns
        if len(reply) <= _limit(query, tcp):
            return reply
        return HEADER.pack(query.ident, flags | FLAG_TC, 1, 0, 0, 1 if edns else 0) + \
            query.question + edns

    def _records(self, rrset: dns.rrset.RRset, suffixes: dict[tuple[bytes, ...], bytes]
                 ) -> tuple[int, bytes]:
        owner = suffixes.get(tuple(label.lower() for label in rrset.name.labels[:-1]))
        if owner is None:
            owner = rrset.name.to_wire()
            assert owner is not None
        fixed = struct.pack("!HHI", rrset.rdtype, rrset.rdclass, rrset.ttl)
        out = [owner + fixed + struct.pack("!H", len(rd)) + rd
               for rd in (self._rdata_wire(r) for r in rrset)]
        return len(out), b"".join(out)

    def _rdata_wire(self, rdata: dns.rdata.Rdata) -> bytes:
        found = self._rdata.get(id(rdata))
        if found is not None and found[0] is rdata:
            return found[1]
        wire = rdata.to_wire()
        assert wire is not None
        if len(self._rdata) >= RDATA_CACHE_MAX:
            self._rdata.clear()
        self._rdata[id(rdata)] = (rdata, wire)
        return wire


def _suffix_pointers(labels: tuple[bytes, ...]) -> dict[tuple[bytes, ...], bytes]:
    """Compression pointers to the question name and each of its suffixes (RFC 1035 4.1.4),
    so an owner that is one of them costs 2 bytes, as in dnspython's full path."""
    pointers, offset = {}, 12
    lowered = tuple(label.lower() for label in labels)
    for i, label in enumerate(labels):
        pointers[lowered[i:]] = struct.pack("!H", 0xC000 | offset)
        offset += 1 + len(label)
    return pointers


def _limit(query: Query, tcp: bool) -> int:
    if tcp:
        return 65535
    if query.payload is None:
        return UDP_PAYLOAD_DEFAULT
    return max(UDP_PAYLOAD_DEFAULT, min(query.payload, UDP_PAYLOAD_MAX))

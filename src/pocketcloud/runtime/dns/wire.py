"""DNS messages in and out: parse a query, render a response within the transport's size."""

from __future__ import annotations

import logging
from collections.abc import Callable

import dns.exception
import dns.flags
import dns.message
import dns.rcode

from pocketcloud.runtime.dns.fastwire import Renderer, Resolve, parse

log = logging.getLogger("pocketcloud.dns")

UDP_PAYLOAD_DEFAULT = 512  # RFC 1035 without EDNS
UDP_PAYLOAD_MAX = 4096  # what we offer and accept with EDNS (RFC 6891 suggests this bound)
TCP_MESSAGE_MAX = 65535

Respond = Callable[[dns.message.Message], dns.message.Message]
Fast = tuple[Renderer, Resolve]


def answer(data: bytes, respond: Respond, tcp: bool, fast: Fast | None = None) -> bytes | None:
    """The response's wire bytes; None when the query is not a DNS message (dropped).
    With `fast` (a renderer and a resolve function), plain queries skip dnspython messages."""
    if fast is not None:
        plain = parse(data)
        if plain is not None:
            try:
                return fast[0].respond(plain, fast[1], tcp)
            except Exception:  # the full path below answers it, or says SERVFAIL
                log.exception("dns: fast path failed for %r", plain.labels)
    try:
        query = dns.message.from_wire(data)
    except (dns.exception.DNSException, ValueError, IndexError, UnicodeError):
        return _format_error(data)
    if query.flags & dns.flags.QR:
        return None  # a response sent to us: never answer it (no reflection loops)
    try:
        response = respond(query)
    except Exception:  # a bug answers SERVFAIL, never silence
        log.exception("dns: answering %s failed", query.question)
        response = dns.message.make_response(query)
        response.set_rcode(dns.rcode.SERVFAIL)
    if query.edns >= 0:
        response.use_edns(0, 0, UDP_PAYLOAD_MAX)
    limit = TCP_MESSAGE_MAX if tcp else _udp_limit(query)
    try:
        return response.to_wire(max_size=limit)
    except dns.exception.TooBig:
        response.answer.clear()
        response.authority.clear()
        response.additional.clear()
        response.flags |= dns.flags.TC
        return response.to_wire(max_size=limit)


def _udp_limit(query: dns.message.Message) -> int:
    if query.edns < 0:
        return UDP_PAYLOAD_DEFAULT
    return max(UDP_PAYLOAD_DEFAULT, min(query.payload, UDP_PAYLOAD_MAX))


def _format_error(data: bytes) -> bytes | None:
    """A header we can read but a body we cannot: FORMERR (RFC 1035). Anything less: drop."""
    if len(data) < 12 or data[2] & 0x80:
        return None
    header = bytearray(data[:12])
    header[2] = 0x80 | (data[2] & 0x79)  # QR, keep opcode and RD
    header[3] = dns.rcode.FORMERR
    header[4:12] = bytes(8)  # no sections
    return bytes(header)

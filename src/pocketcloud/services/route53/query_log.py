"""Public DNS query logs: one line per query for a zone with logging, to CloudWatch Logs.

The DNS thread only appends (arrival time, query bytes, response code, resolver address,
protocol) to a bounded queue, and only while some zone has a logging configuration; the
parsing, zone lookup and PutLogEvents happen in a background job on the server's loop,
FLUSH_INTERVAL_S apart, through CloudWatch Logs' own operations. When the queue is full,
new queries are counted and dropped (logged as a warning), never waited for.

A line is AWS's format: version, timestamp, hosted zone id, query name, query type,
response code, protocol, edge location, resolver IP, EDNS client subnet ("-" when none),
in a stream named `<hosted zone id>/<edge location>`.
"""

from __future__ import annotations

import collections
import logging
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dns.edns
import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype

from pocketcloud.cloud import Cloud
from pocketcloud.errors import AwsError
from pocketcloud.infra.regions import nearest_edge_location
from pocketcloud.services import internal
from pocketcloud.services.route53.common import store
from pocketcloud.services.route53.places import client_place
from pocketcloud.services.route53.zone_index import key, zone_index

log = logging.getLogger("pocketcloud.route53")

LOG_FORMAT_VERSION = "1.0"
LOGS_REGION = "us-east-1"
QUEUE_MAX = 10_000  # queries waiting to be written
FLUSH_INTERVAL_S = 1.0
EVENTS_PER_PUT = 1000  # well under PutLogEvents' 10,000 events and 1 MiB
STREAMS_KNOWN_MAX = 10_000  # streams remembered as created


@dataclass(slots=True)
class _Query:
    at_s: float
    data: bytes
    rcode: int
    resolver_ip: str
    protocol: str


@dataclass
class QueryLogger:
    cloud: Cloud
    zones: dict[str, tuple[str, str]] = field(default_factory=dict)  # zone -> account, group
    queue: collections.deque[_Query] = field(default_factory=collections.deque)
    dropped: int = 0
    streams: set[tuple[str, str, str]] = field(default_factory=set)

    def observe(self, data: bytes, reply: bytes | None, addr: Any, tcp: bool) -> None:
        """Called by the DNS server after each answer: cheap, never blocks."""
        if not self.zones or reply is None or len(reply) < 4:
            return
        if len(self.queue) >= QUEUE_MAX:
            self.dropped += 1
            return
        self.queue.append(_Query(self.cloud.clock.now(), data, reply[3] & 0x0F,
                                 str(addr[0]) if addr else "-", "TCP" if tcp else "UDP"))

    def flush(self) -> None:
        if self.dropped:
            log.warning("route53: dropped %d query log lines (queue full)", self.dropped)
            self.dropped = 0
        edge = _edge_location(self.cloud)
        batches: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for _ in range(min(len(self.queue), QUEUE_MAX)):
            query = self.queue.popleft()
            found = self._line(query, edge)
            if found is not None:
                batch_key, event = found
                batches.setdefault(batch_key, []).append(event)
        for batch_key, events in batches.items():
            try:
                self._put(batch_key, events)
            except AwsError as error:  # the group was deleted meanwhile: AWS drops them too
                self.streams.discard(batch_key)
                log.warning("route53: query logs for %s not written: %s", batch_key[1], error)

    def _line(self, query: _Query, edge: str) -> tuple[tuple[str, str, str],
                                                       dict[str, Any]] | None:
        try:
            message = dns.message.from_wire(query.data)
        except (dns.exception.DNSException, ValueError, IndexError, UnicodeError):
            return None
        if len(message.question) != 1:
            return None
        question = message.question[0]
        zone = zone_index(self.cloud).zone_for(key(question.name))
        target = self.zones.get(zone.zone_id) if zone is not None else None
        if zone is None or target is None:
            return None
        stamp = datetime.fromtimestamp(query.at_s, UTC)
        fields = (LOG_FORMAT_VERSION, stamp.strftime("%Y-%m-%dT%H:%M:%S.")
                  + f"{stamp.microsecond // 1000:03d}Z", zone.zone_id,
                  question.name.to_text(omit_final_dot=True) or ".",
                  dns.rdatatype.to_text(question.rdtype),
                  dns.rcode.to_text(dns.rcode.Rcode(query.rcode)), query.protocol, edge,
                  query.resolver_ip, _client_subnet(message))
        return ((target[0], target[1], f"{zone.zone_id}/{edge}"),
                {"timestamp": int(query.at_s * 1000), "message": " ".join(fields)})

    def _put(self, batch_key: tuple[str, str, str], events: list[dict[str, Any]]) -> None:
        account_id, group, stream = batch_key
        if batch_key not in self.streams:
            try:
                internal.call(self.cloud, "logs", "CreateLogStream",
                              {"logGroupName": group, "logStreamName": stream},
                              account_id=account_id, region=LOGS_REGION)
            except AwsError as error:
                if error.code != "ResourceAlreadyExistsException":
                    raise
            if len(self.streams) >= STREAMS_KNOWN_MAX:
                self.streams.clear()
            self.streams.add(batch_key)
        for start in range(0, len(events), EVENTS_PER_PUT):
            internal.call(self.cloud, "logs", "PutLogEvents",
                          {"logGroupName": group, "logStreamName": stream,
                           "logEvents": events[start:start + EVENTS_PER_PUT]},
                          account_id=account_id, region=LOGS_REGION)


def _client_subnet(message: dns.message.Message) -> str:
    for option in message.options:
        if isinstance(option, dns.edns.ECSOption):
            return f"{option.address}/{option.srclen}"
    return "-"


def _edge_location(cloud: Cloud) -> str:
    """The edge location nearest the DNS client answers it (AWS's ids: IATA code + number)."""
    place = client_place(cloud)
    return nearest_edge_location(place.latitude, place.longitude).code + "1"


_loggers: weakref.WeakKeyDictionary[Cloud, QueryLogger] = weakref.WeakKeyDictionary()


def logger(cloud: Cloud) -> QueryLogger:
    found = _loggers.get(cloud)
    if found is None:
        found = _loggers[cloud] = QueryLogger(cloud)
        refresh(cloud)
    return found


def refresh(cloud: Cloud) -> None:
    """Re-read which zones log where (after a configuration is created or deleted)."""
    with store(cloud).read() as tx:
        rows = tx.fetchall("SELECT zone_id, account_id, log_group_arn FROM "
                           "route53_query_logging")
    zones = {zone: (account, _group_name(arn)) for zone, account, arn in rows}
    logger(cloud).zones = zones


def _group_name(log_group_arn: str) -> str:
    name = log_group_arn.split(":log-group:", 1)[-1]
    return name[:-2] if name.endswith(":*") else name


def flush(cloud: Cloud) -> None:
    """The background job's tick."""
    logger(cloud).flush()

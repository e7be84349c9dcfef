"""PutEvents and TestEventPattern: events matched against a bus's rules, delivered durably."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import archives, outbox, rule_cache
from pocketcloud.services.events.buses import bus_exists, store, target_bus
from pocketcloud.services.events.patterns import matches, parse_pattern
from pocketcloud.services.events.targets import rule_targets
from pocketcloud.services.events.transform import http_parameters, target_input
from pocketcloud.store import Tx

ENTRIES_MAX = 10
REQUEST_BYTES_MAX = 256 * 1024  # the entries' total size, as EventBridge counts it
TIME_ENTRY_BYTES = 14
PRINCIPAL = "events.amazonaws.com"


def event_time(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_size(entry: dict[str, Any]) -> int:
    size = TIME_ENTRY_BYTES if entry.get("Time") else 0
    for member in ("Source", "DetailType", "Detail"):
        size += len((entry.get(member) or "").encode())
    size += sum(len(r.encode()) for r in entry.get("Resources") or [])
    return size


def put_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    entries = params["Entries"]
    if not 1 <= len(entries) <= ENTRIES_MAX:
        raise AwsError("ValidationException", "1 validation error detected: Value "
                       f"'{_entries_text(entries)}' at 'entries' failed to satisfy "
                       "constraint: Member must have length less than or equal to 10")
    if sum(_entry_size(e) for e in entries) > REQUEST_BYTES_MAX:
        raise AwsError("ValidationException",
                       "Total size of the entries in the request is over the limit.")
    results: list[dict[str, Any]] = []
    failed = 0
    with store(ctx).write() as tx:
        router = Router(tx, ctx.cloud)
        for entry in entries:
            try:
                event, owner, bus = _event(ctx, tx, entry)
            except _EntryError as error:
                results.append({"ErrorCode": error.code, "ErrorMessage": error.message})
                failed += 1
                continue
            if bus_exists(tx, ctx, bus, owner):  # AWS accepts, and drops, an unknown bus's event
                router.route(owner, ctx.region, bus, event)
            results.append({"EventId": event["id"]})
        router.commit()
    if router.delivered:
        outbox.wake(ctx.cloud)
    return {"FailedEntryCount": failed, "Entries": results}


def _entries_text(entries: list[dict[str, Any]]) -> str:
    """The entries as AWS's validation message prints them (its Java objects' text)."""
    def text(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(value, list):
            return "[" + ", ".join(str(v) for v in value) + "]"
        return str(value)
    fields = (("time", "Time"), ("source", "Source"), ("resources", "Resources"),
              ("detailType", "DetailType"), ("detail", "Detail"),
              ("eventBusName", "EventBusName"), ("traceHeader", "TraceHeader"),
              ("kmsKeyIdentifier", "KmsKeyIdentifier"), ("internalMetadata", None))
    shown = ["PutEventsRequestEntry(" + ", ".join(
        f"{name}={text(entry.get(member) if member else None)}" for name, member in fields)
        + ")" for entry in entries]
    return "[" + ", ".join(shown) + "]"


class _EntryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _required(entry: dict[str, Any], member: str) -> str:
    value = entry.get(member)
    if not value:
        raise _EntryError("InvalidArgument", f"Parameter {member} is not valid. Reason: "
                          f"{member} is a required argument.")
    return str(value)


def _event(ctx: RequestContext, tx: Tx,
           entry: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    """The event an entry makes, and its bus (owner account, name)."""
    source = _required(entry, "Source")
    detail_type = _required(entry, "DetailType")
    detail_text = _required(entry, "Detail")
    try:
        detail = json.loads(detail_text)
    except (ValueError, RecursionError):
        raise _EntryError("MalformedDetail", "Detail is malformed.") from None
    if not isinstance(detail, dict):
        raise _EntryError("MalformedDetail", "Detail is malformed.")
    if source.startswith("aws."):
        raise _EntryError("NotAuthorizedForSourceException", "Not authorized for the source.")
    try:
        owner, bus = target_bus(ctx, entry.get("EventBusName"))
    except AwsError as error:
        raise _EntryError("InvalidArgument", error.message) from None
    moment = entry.get("Time")
    when = moment.timestamp() if isinstance(moment, datetime) else ctx.cloud.clock.now()
    event = new_event(ctx.cloud, ctx.account_id, ctx.region, source, detail_type, detail,
                      list(entry.get("Resources") or []), when)
    return event, owner, bus


def new_event(cloud: Any, account_id: str, region: str, source: str, detail_type: str,
              detail: dict[str, Any], resources: list[str], when: float) -> dict[str, Any]:
    return {"version": "0", "id": cloud.ids.uuid4(), "detail-type": detail_type,
            "source": source, "account": account_id, "time": event_time(when),
            "region": region, "resources": resources, "detail": detail}


class Router:
    """Matches events against a bus's enabled rules and queues one delivery per target."""

    def __init__(self, tx: Tx, cloud: Any) -> None:
        self.tx, self.cloud = tx, cloud
        self._pending: list[outbox.Delivery] = []
        self.delivered = 0

    def route(self, account_id: str, region: str, bus: str, event: dict[str, Any],
              only: frozenset[str] | None = None) -> None:
        """Queue `event` for the bus's matching rules (or only those whose ARNs are `only`,
        as a replay's FilterArns say); an archive's rule archives it."""
        for rule in rule_cache.bus_rules(self.tx, self.cloud, (account_id, region, bus)):
            if (only is None or rule.arn in only) and matches(rule.pattern, event):
                if rule.archive is not None:
                    archives.keep(self.tx, self.cloud, account_id, region, rule.archive, event)
                else:
                    self._queue(account_id, region, rule.name, rule.arn, rule.targets, event)

    def to_targets(self, account_id: str, region: str, bus: str, rule: str, rule_arn: str,
                   event: dict[str, Any]) -> None:
        targets = rule_targets(self.tx, (account_id, region, bus, rule))
        self._queue(account_id, region, rule, rule_arn, targets, event)

    def _queue(self, account_id: str, region: str, rule: str, rule_arn: str,
               targets: Any, event: dict[str, Any]) -> None:
        for target in targets:
            payload = target_input(target, event, rule_arn, rule)
            if target.get("HttpParameters"):  # JSON paths in them name the event's values
                target = dict(target, HttpParameters=http_parameters(target, event))
            self._pending.append(outbox.Delivery(account_id, region, target, payload,
                                                 PRINCIPAL, rule_arn))

    def commit(self) -> None:
        if self._pending:
            outbox.enqueue(self.tx, self.cloud, self._pending)
            self.delivered += len(self._pending)
            self._pending = []


def test_event_pattern(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    pattern = parse_pattern(params["EventPattern"])
    return {"Result": matches(pattern, _test_event(params["Event"]))}


_TEST_EVENT_FIELDS = ("id", "account", "source", "time", "region", "detail-type")


def _test_event(text: str) -> dict[str, Any]:
    """TestEventPattern's event: a JSON object with the fields every event has (AWS answers
    a bare 'Parameter Event is not valid.' otherwise)."""
    try:
        event = json.loads(text)
    except (ValueError, RecursionError):
        event = None
    if not isinstance(event, dict) or any(f not in event for f in _TEST_EVENT_FIELDS):
        raise AwsError("ValidationException", "Parameter Event is not valid.")
    return event

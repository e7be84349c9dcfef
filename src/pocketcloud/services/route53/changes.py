"""ChangeResourceRecordSets: a batch of CREATE, DELETE and UPSERT, applied all or nothing.

Each change is checked against the zone as the changes before it in the batch left it (so a
DELETE and a CREATE of the same record set in one batch is a replacement, as in AWS); every
problem is collected and the batch is refused with all of them in one InvalidChangeBatch.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53 import names
from pocketcloud.services.route53.common import bump_generation, record_change, store
from pocketcloud.services.route53.limits import record_set_problem
from pocketcloud.services.route53.validation import (
    SERVED_ROUTING_FIELDS,
    normalize_rrset,
    quoted,
    value_problems,
)
from pocketcloud.services.route53.zones import Zone, find_zone, record_count
from pocketcloud.store import Tx

CHANGES_MAX = 1000  # changes in one batch (an UPSERT counts twice in AWS's quota)
ACTIONS = ("CREATE", "DELETE", "UPSERT")

Key = tuple[str, str, str]  # (name, type, set identifier or "")


def change_resource_record_sets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    batch = params.get("ChangeBatch") or {}
    changes = batch.get("Changes") or []
    if not changes:
        raise AwsError("InvalidInput", "Invalid request: a ChangeBatch needs at least one Change.")
    if sum(2 if c.get("Action") == "UPSERT" else 1 for c in changes) > CHANGES_MAX:
        raise invalid_change_batch([f"Number of records limit of {CHANGES_MAX} exceeded."])
    planned = [_planned(c) for c in changes]
    cloud = ctx.cloud
    with store(cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId", ""))
        _check_health_checks(tx, ctx.account_id, planned)
        records = _zone_records(tx, zone.zone_id, _names_involved(planned))
        before = len(records)
        problems = _apply(zone, records, planned)
        too_many = record_set_problem(record_count(tx, zone.zone_id) + len(records) - before)
        problems += [too_many] if too_many else []
        if problems:
            raise invalid_change_batch(problems)
        _write(tx, zone, records, {_key(rrset) for _, rrset in planned})
        change = record_change(cloud, tx, ctx.account_id, batch.get("Comment"))
    bump_generation(zone.zone_id, {rrset["Name"] for _, rrset in planned})
    return {"ChangeInfo": change}


def invalid_change_batch(problems: list[str]) -> AwsError:
    return AwsError("InvalidChangeBatch", "[" + ", ".join(problems) + "]")


def _planned(change: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    action = change.get("Action") or ""
    if action not in ACTIONS:
        raise AwsError("InvalidInput", f"Invalid request: Action {action!r} must be one of "
                       "CREATE, DELETE, UPSERT.")
    return action, normalize_rrset(action, change.get("ResourceRecordSet") or {})


def _key(rrset: dict[str, Any]) -> Key:
    return rrset["Name"], rrset["Type"], rrset.get("SetIdentifier") or ""


def _names_involved(planned: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """The names whose record sets the checks look at: each change's, and alias targets."""
    involved = set()
    for _, rrset in planned:
        involved.add(rrset["Name"])
        if "AliasTarget" in rrset:
            involved.add(rrset["AliasTarget"]["DNSName"])
    return involved


NAMES_PER_QUERY = 500  # SQLite's host parameters per statement stay well below its limit


def _zone_records(tx: Tx, zone_id: str, involved: set[str]) -> dict[Key, dict[str, Any]]:
    """The record sets at the involved names (not the whole zone: zones can be large)."""
    keys = sorted(names.sort_key(n) for n in involved)
    rows = []
    for i in range(0, len(keys), NAMES_PER_QUERY):
        chunk = keys[i:i + NAMES_PER_QUERY]
        rows += tx.fetchall("SELECT data FROM route53_records WHERE zone_id = ? AND sort_name "
                            f"IN ({', '.join('?' * len(chunk))})", (zone_id, *chunk))
    records = {}
    for (data,) in rows:
        rrset = json.loads(data)
        records[_key(rrset)] = rrset
    return records


def _check_health_checks(tx: Tx, account_id: str, planned: list[tuple[str, dict]]) -> None:
    for action, rrset in planned:
        check_id = rrset.get("HealthCheckId")
        if check_id and action != "DELETE" and tx.fetchvalue(
                "SELECT 1 FROM route53_health_checks WHERE health_check_id = ? AND "
                "account_id = ?", (check_id, account_id)) is None:
            raise AwsError("NoSuchHealthCheck", f"A health check with id {check_id} does not "
                           "exist.", 404)


def _apply(zone: Zone, records: dict[Key, dict[str, Any]],
           planned: list[tuple[str, dict[str, Any]]]) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[str, Key]] = set()
    for action, rrset in planned:
        key = _key(rrset)
        if (action, key) in seen:  # DELETE then CREATE of one set is a replacement; twice not
            problems.append("The request contains an invalid set of changes for a resource "
                            f"record set '{rrset['Type']} {rrset['Name']}'")
            continue
        seen.add((action, key))
        found = _change_problems(zone, records, action, rrset)
        problems.extend(found)
        if found:
            continue
        if action == "DELETE":
            del records[key]
        else:
            records[key] = rrset
    return problems


def _change_problems(zone: Zone, records: dict[Key, dict[str, Any]], action: str,
                     rrset: dict[str, Any]) -> list[str]:
    key, name, rtype = _key(rrset), rrset["Name"], rrset["Type"]
    if not names.is_within(name, zone.name):
        return [f"RRSet with DNS name {name} is not permitted in zone {zone.name}"]
    existing = records.get(key)
    if action == "DELETE":
        return _delete_problems(zone, existing, rrset)
    if action == "CREATE" and existing is not None:
        return [f"Tried to create resource record set {quoted(rrset)} but it already exists"]
    if rtype == "SOA" and (action == "CREATE" or name != zone.name):
        return ["A HostedZone must contain exactly one SOA record."]
    problems = value_problems(rrset)
    problems += _name_problems(zone, records, rrset)
    problems += _alias_problems(zone, records, rrset)
    return problems


def _delete_problems(zone: Zone, existing: dict[str, Any] | None,
                     rrset: dict[str, Any]) -> list[str]:
    if existing is None:
        return [f"Tried to delete resource record set {quoted(rrset)} but it was not found"]
    if existing != rrset:
        return [f"Tried to delete resource record set {quoted(rrset)} but the values "
                "provided do not match the current values"]
    if rrset["Name"] == zone.name and rrset["Type"] == "SOA":
        return ["A HostedZone must contain exactly one SOA record."]
    if rrset["Name"] == zone.name and rrset["Type"] == "NS" and "SetIdentifier" not in rrset:
        return ["A HostedZone must contain at least one NS record for the zone itself."]
    return []


def _name_problems(zone: Zone, records: dict[Key, dict[str, Any]],
                   rrset: dict[str, Any]) -> list[str]:
    name, rtype = rrset["Name"], rrset["Type"]
    at_name = [r for k, r in records.items() if k[0] == name and k != _key(rrset)]
    if rtype == "CNAME" and name == zone.name:
        return [f"RRSet of type CNAME with DNS name {name} is not permitted at apex in zone "
                f"{zone.name}"]
    if rtype == "CNAME" and any(r["Type"] != "CNAME" for r in at_name):
        return [f"RRSet of type CNAME with DNS name {name} is not permitted as it conflicts "
                f"with other records with the same DNS name in zone {zone.name}"]
    if rtype != "CNAME" and any(r["Type"] == "CNAME" for r in at_name):
        return [f"RRSet of type {rtype} with DNS name {name} is not permitted because a "
                f"conflicting RRSet of type CNAME with the same DNS name already exists in "
                f"zone {zone.name}"]
    same_type = [r for r in at_name if r["Type"] == rtype]
    policy = _policy(rrset)
    if any(_policy(r) != policy for r in same_type):
        other = _policy(same_type[0])
        return [f"RRSet with DNS name {name}, type {rtype}"
                + (f", SetIdentifier {rrset['SetIdentifier']}" if "SetIdentifier" in rrset
                   else "")
                + f" cannot be created because a {_policy_words(other)} set exists with the "
                "same name and type."]
    return []


def _policy(rrset: dict[str, Any]) -> str:
    return next((f for f in SERVED_ROUTING_FIELDS if f in rrset), "Simple")


def _policy_words(policy: str) -> str:
    return {"Simple": "non-weighted", "Weight": "weighted", "Region": "latency",
            "Failover": "failover", "GeoLocation": "geolocation",
            "MultiValueAnswer": "multivalue answer"}[policy]


def _alias_problems(zone: Zone, records: dict[Key, dict[str, Any]],
                    rrset: dict[str, Any]) -> list[str]:
    alias = rrset.get("AliasTarget")
    if alias is None or alias["HostedZoneId"] != zone.zone_id:
        return []
    target, rtype = alias["DNSName"], rrset["Type"]
    where = f"Tried to create an alias that targets {target}, type {rtype} in zone {zone.zone_id}"
    if not names.is_within(target, zone.name):
        return [f"{where}, but the alias target name does not lie within the target zone"]
    if target == rrset["Name"]:
        return [f"{where}, but the alias target is the record itself"]
    if not any(k[0] == target and k[1] == rtype for k in records):
        return [f"{where}, but that target was not found"]
    return []


def _write(tx: Tx, zone: Zone, records: dict[Key, dict[str, Any]], touched: set[Key]) -> None:
    """Rewrite only the record sets the batch touched."""
    tx.executemany(
        "DELETE FROM route53_records WHERE zone_id = ? AND sort_name = ? AND type = ? AND "
        "set_identifier = ?", [(zone.zone_id, names.sort_key(k[0]), k[1], k[2]) for k in touched])
    tx.executemany(
        "INSERT INTO route53_records VALUES (?, ?, ?, ?, ?, ?)",
        [(zone.zone_id, names.sort_key(k[0]), k[1], k[2], k[0], json.dumps(records[k]))
         for k in touched if k in records])

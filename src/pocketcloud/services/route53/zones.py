"""Hosted zones: create (with their NS and SOA records), get, list, list by name, delete."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53 import names, query_log
from pocketcloud.services.route53.common import (
    HOSTED_ZONE_PREFIX,
    bare_id,
    bump_generation,
    max_items,
    new_zone_id,
    record_change,
    store,
)
from pocketcloud.services.route53.delegation_sets import (
    DELEGATION_SET_PREFIX,
    find_reusable_set,
    is_reusable,
    name_servers,
)
from pocketcloud.services.route53.limits import check_hosted_zone_quota
from pocketcloud.services.route53.vpc_ids import check_vpc
from pocketcloud.store import Tx

CALLER_REFERENCE_LENGTH_MAX = 128
COMMENT_LENGTH_MAX = 256
LIST_ZONES_DEFAULT = 100  # ListHostedZones returns at most 100 zones a page
NS_TTL_S = 172800
SOA_TTL_S = 900
# Route 53's SOA: primary server, hostmaster, serial 1, refresh, retry, expire, minimum TTL
SOA_TIMERS = "1 7200 900 1209600 86400"
LOCATION_BASE = "https://route53.amazonaws.com/2013-04-01/hostedzone/"


@dataclass
class Zone:
    zone_id: str
    account_id: str
    name: str
    caller_reference: str
    comment: str | None
    private: bool
    vpcs: list[dict[str, str]]
    name_servers: list[str]
    delegation_set_id: str
    change_id: str
    created_s: float

    def hosted_zone(self, record_count: int) -> dict[str, Any]:
        config: dict[str, Any] = {"PrivateZone": self.private}
        if self.comment is not None:
            config["Comment"] = self.comment
        return {
            "Id": HOSTED_ZONE_PREFIX + self.zone_id,
            "Name": self.name,
            "CallerReference": self.caller_reference,
            "Config": config,
            "ResourceRecordSetCount": record_count,
        }


ZONE_COLUMNS = ("zone_id, account_id, name, caller_reference, comment, private, vpcs, "
                "name_servers, delegation_set_id, change_id, created_s")


def zone_from(row: tuple[Any, ...]) -> Zone:
    return Zone(row[0], row[1], row[2], row[3], row[4], bool(row[5]), json.loads(row[6]),
                json.loads(row[7]), row[8], row[9], row[10])


def find_zone(tx: Tx, account_id: str, zone_id: str) -> Zone:
    zone_id = bare_id(zone_id or "", HOSTED_ZONE_PREFIX)
    row = tx.fetchone(f"SELECT {ZONE_COLUMNS} FROM route53_zones WHERE zone_id = ? "
                      "AND account_id = ?", (zone_id, account_id))
    if row is None:
        raise AwsError("NoSuchHostedZone", f"No hosted zone found with ID: {zone_id}", 404)
    return zone_from(row)


def record_count(tx: Tx, zone_id: str) -> int:
    return int(tx.fetchvalue("SELECT COUNT(*) FROM route53_records WHERE zone_id = ?",
                             (zone_id,)))


# -- CreateHostedZone ------------------------------------------------------------------------


def create_hosted_zone(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _zone_name(params.get("Name") or "")
    reference = params.get("CallerReference") or ""
    if not 1 <= len(reference) <= CALLER_REFERENCE_LENGTH_MAX:
        raise AwsError("InvalidInput", "Invalid request: CallerReference must be 1 to "
                       f"{CALLER_REFERENCE_LENGTH_MAX} characters long.")
    config = params.get("HostedZoneConfig") or {}
    comment = config.get("Comment")
    if comment is not None and len(comment) > COMMENT_LENGTH_MAX:
        raise AwsError("InvalidInput", "Invalid request: Comment is longer than "
                       f"{COMMENT_LENGTH_MAX} characters.")
    vpc = params.get("VPC")
    private = bool(config.get("PrivateZone")) or vpc is not None
    if private and not vpc:
        raise AwsError("InvalidInput", "Invalid request: A private hosted zone must be "
                       "associated with at least one VPC.")
    if vpc:
        check_vpc(vpc)
    if not private and name.count(".") == 1:
        # AWS keeps top-level domains (com, test2) from public zones; private ones may use them
        raise AwsError("InvalidDomainName", f"{name.rstrip('.')} is reserved by AWS!")
    set_id = params.get("DelegationSetId")
    if private and set_id:
        raise AwsError("InvalidInput", "Invalid request: A private hosted zone cannot use a "
                       "reusable delegation set.")
    cloud = ctx.cloud
    zone = Zone(new_zone_id(cloud), ctx.account_id, name, reference, comment, private,
                [vpc] if vpc else [], name_servers(ctx, private), "N" + cloud.ids.upper_alnum(20),
                "", cloud.clock.now())
    with store(cloud).write() as tx:
        _refuse_reused_reference(tx, ctx.account_id, reference)
        if set_id:
            reusable = find_reusable_set(tx, ctx.account_id, set_id)
            zone.delegation_set_id = bare_id(reusable["Id"], DELEGATION_SET_PREFIX)
            zone.name_servers = reusable["NameServers"]
        check_hosted_zone_quota(tx, ctx.account_id)
        change = record_change(cloud, tx, ctx.account_id, None)
        zone.change_id = change["Id"].rsplit("/", 1)[-1]
        _insert_zone(tx, zone)
    bump_generation()
    result: dict[str, Any] = {
        "HostedZone": zone.hosted_zone(2),
        "ChangeInfo": change,
        "Location": LOCATION_BASE + zone.zone_id,
    }
    if private:
        result["VPC"] = vpc
    else:
        result["DelegationSet"] = _delegation_set(zone, bool(set_id))
    return result


def _delegation_set(zone: Zone, reusable: bool) -> dict[str, Any]:
    """A zone's name servers; the set's id too when it is a reusable set."""
    shown: dict[str, Any] = {"NameServers": zone.name_servers}
    if reusable:
        shown["Id"] = DELEGATION_SET_PREFIX + zone.delegation_set_id
    return shown


def _zone_name(raw: str) -> str:
    try:
        name = names.normalize(raw)
    except AwsError:
        raise AwsError("InvalidDomainName", f"{raw} is not a valid domain name.") from None
    if name == ".":
        raise AwsError("InvalidDomainName", "The root domain cannot be a hosted zone.")
    return name


def _refuse_reused_reference(tx: Tx, account_id: str, reference: str) -> None:
    taken = tx.fetchvalue("SELECT zone_id FROM route53_zones WHERE account_id = ? AND "
                          "caller_reference = ?", (account_id, reference))
    if taken is not None:
        raise AwsError("HostedZoneAlreadyExists", "A hosted zone has already been created "
                       "with the specified caller reference.", 409)


def _insert_zone(tx: Tx, zone: Zone) -> None:
    try:
        tx.execute(f"INSERT INTO route53_zones ({ZONE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (zone.zone_id, zone.account_id, zone.name, zone.caller_reference,
                    zone.comment, int(zone.private), json.dumps(zone.vpcs),
                    json.dumps(zone.name_servers), zone.delegation_set_id, zone.change_id,
                    zone.created_s))
    except sqlite3.IntegrityError:
        raise AwsError("HostedZoneAlreadyExists", "A hosted zone has already been created "
                       "with the specified caller reference.", 409) from None
    soa = f"{zone.name_servers[0]} awsdns-hostmaster.amazon.com. {SOA_TIMERS}"
    for rtype, ttl, values in (("NS", NS_TTL_S, zone.name_servers), ("SOA", SOA_TTL_S, [soa])):
        data = {"Name": zone.name, "Type": rtype, "TTL": ttl,
                "ResourceRecords": [{"Value": v} for v in values]}
        tx.execute("INSERT INTO route53_records VALUES (?, ?, ?, '', ?, ?)",
                   (zone.zone_id, names.sort_key(zone.name), rtype, zone.name, json.dumps(data)))


# -- Get / List / Delete ---------------------------------------------------------------------


def get_hosted_zone(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("Id", ""))
        count = record_count(tx, zone.zone_id)
        reusable = is_reusable(tx, zone.delegation_set_id)
    result: dict[str, Any] = {"HostedZone": zone.hosted_zone(count)}
    if zone.private:
        result["VPCs"] = zone.vpcs
    else:
        result["DelegationSet"] = _delegation_set(zone, reusable)
    return result


def get_hosted_zone_count(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_zones WHERE account_id = ?",
                              (ctx.account_id,))
    return {"HostedZoneCount": int(count)}


def list_hosted_zones(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_items(params, LIST_ZONES_DEFAULT, LIST_ZONES_DEFAULT)
    marker = bare_id(params.get("Marker") or "", HOSTED_ZONE_PREFIX)
    kind = params.get("HostedZoneType")
    with store(ctx.cloud).read() as tx:
        rows = tx.fetchall(f"SELECT {ZONE_COLUMNS} FROM route53_zones WHERE account_id = ? "
                           "ORDER BY zone_id", (ctx.account_id,))
        zones = [zone_from(r) for r in rows]
        if kind == "PrivateHostedZone":
            zones = [z for z in zones if z.private]
        if marker:
            zones = [z for z in zones if z.zone_id >= marker]
        page = zones[:limit]
        listed = [z.hosted_zone(record_count(tx, z.zone_id)) for z in page]
    result: dict[str, Any] = {"HostedZones": listed, "IsTruncated": len(zones) > limit,
                              "MaxItems": str(limit)}
    if marker:
        result["Marker"] = marker
    if len(zones) > limit:
        result["NextMarker"] = zones[limit].zone_id
    return result


def list_hosted_zones_by_name(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = max_items(params, LIST_ZONES_DEFAULT, LIST_ZONES_DEFAULT)
    dns_name = params.get("DNSName")
    start_id = bare_id(params.get("HostedZoneId") or "", HOSTED_ZONE_PREFIX)
    if start_id and not dns_name:
        raise AwsError("InvalidInput", "Invalid request: HostedZoneId is only valid together "
                       "with DNSName.")
    start = (names.sort_key(_zone_name(dns_name)), start_id) if dns_name else ("", "")
    with store(ctx.cloud).read() as tx:
        rows = tx.fetchall(f"SELECT {ZONE_COLUMNS} FROM route53_zones WHERE account_id = ?",
                           (ctx.account_id,))
        zones = sorted((zone_from(r) for r in rows),
                       key=lambda z: (names.sort_key(z.name), z.zone_id))
        zones = [z for z in zones if (names.sort_key(z.name), z.zone_id) >= start]
        listed = [z.hosted_zone(record_count(tx, z.zone_id)) for z in zones[:limit]]
    result: dict[str, Any] = {"HostedZones": listed, "IsTruncated": len(zones) > limit,
                              "MaxItems": str(limit)}
    if dns_name:
        result["DNSName"] = dns_name
    if start_id:
        result["HostedZoneId"] = start_id
    if len(zones) > limit:
        result["NextDNSName"] = zones[limit].name
        result["NextHostedZoneId"] = zones[limit].zone_id
    return result


def delete_hosted_zone(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cloud = ctx.cloud
    with store(cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("Id", ""))
        extra = tx.fetchvalue(
            "SELECT COUNT(*) FROM route53_records WHERE zone_id = ? AND NOT "
            "(name = ? AND type IN ('NS', 'SOA') AND set_identifier = '')",
            (zone.zone_id, zone.name))
        if extra:
            raise AwsError("HostedZoneNotEmpty", "The specified hosted zone contains "
                           "non-required resource record sets and so cannot be deleted.")
        tx.execute("DELETE FROM route53_records WHERE zone_id = ?", (zone.zone_id,))
        tx.execute("DELETE FROM route53_zones WHERE zone_id = ?", (zone.zone_id,))
        tx.execute("DELETE FROM route53_tags WHERE resource_type = 'hostedzone' AND "
                   "resource_id = ?", (zone.zone_id,))
        logged = tx.execute("DELETE FROM route53_query_logging WHERE zone_id = ?",
                            (zone.zone_id,))
        tx.execute("DELETE FROM route53_vpc_authorizations WHERE zone_id = ?", (zone.zone_id,))
        tx.execute("DELETE FROM route53_traffic_policy_instances WHERE zone_id = ?",
                   (zone.zone_id,))
        change = record_change(cloud, tx, ctx.account_id, None)
    bump_generation()
    if logged:
        query_log.refresh(cloud)
    return {"ChangeInfo": change}


def update_hosted_zone_comment(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    comment = params.get("Comment")
    if comment is not None and len(comment) > COMMENT_LENGTH_MAX:
        raise AwsError("InvalidInput", "Invalid request: Comment is longer than "
                       f"{COMMENT_LENGTH_MAX} characters.")
    with store(ctx.cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("Id", ""))
        tx.execute("UPDATE route53_zones SET comment = ? WHERE zone_id = ?",
                   (comment, zone.zone_id))
        zone.comment = comment
        count = record_count(tx, zone.zone_id)
    return {"HostedZone": zone.hosted_zone(count)}

"""Reusable delegation sets: four name servers an account keeps and gives to many zones."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import HOSTED_ZONE_PREFIX, bare_id, max_items, store
from pocketcloud.services.route53.limits import REUSABLE_SETS_MAX, ZONES_PER_REUSABLE_SET_MAX
from pocketcloud.store import Tx

DELEGATION_SET_PREFIX = "/delegationset/"
LOCATION_BASE = "https://route53.amazonaws.com/2013-04-01/delegationset/"
LIST_SETS_DEFAULT = 100  # and the most one page holds
_NS_DOMAINS = ("com", "net", "org", "co.uk")


def name_servers(ctx: RequestContext, private: bool) -> list[str]:
    """Four name servers for a new delegation set, one in each of Route 53's TLDs."""
    if private:  # what Route 53 puts in a private zone's NS record
        return [f"ns-{n}.awsdns-00.{d}." for n, d in zip((0, 512, 1024, 1536), _NS_DOMAINS,
                                                          strict=True)]
    rand = ctx.cloud.ids
    servers = []
    for i, domain in enumerate(_NS_DOMAINS):
        number = i * 512 + int(rand.hex(3), 16) % 512
        servers.append(f"ns-{number}.awsdns-{int(rand.hex(2), 16) % 64:02d}.{domain}.")
    return servers


def is_reusable(tx: Tx, set_id: str) -> bool:
    return tx.fetchvalue("SELECT 1 FROM route53_delegation_sets WHERE delegation_set_id = ?",
                         (set_id,)) is not None


def find_reusable_set(tx: Tx, account_id: str, set_id: str) -> dict[str, Any]:
    """The set as the API shows it; NoSuchDelegationSet when the account has none by that id."""
    set_id = bare_id(set_id or "", DELEGATION_SET_PREFIX)
    row = tx.fetchone("SELECT caller_reference, name_servers FROM route53_delegation_sets "
                      "WHERE delegation_set_id = ? AND account_id = ?", (set_id, account_id))
    if row is None:
        raise AwsError("NoSuchDelegationSet", "A reusable delegation set with the specified "
                       f"ID does not exist: {set_id}")
    return _shown(set_id, row[0], json.loads(row[1]))


def _shown(set_id: str, reference: str, servers: list[str]) -> dict[str, Any]:
    return {"Id": DELEGATION_SET_PREFIX + set_id, "CallerReference": reference,
            "NameServers": servers}


def create_reusable_delegation_set(ctx: RequestContext, params: dict[str, Any]
                                   ) -> dict[str, Any]:
    reference = params.get("CallerReference") or ""
    zone_id = bare_id(params.get("HostedZoneId") or "", HOSTED_ZONE_PREFIX)
    with store(ctx.cloud).write() as tx:
        _refuse_reused_reference(tx, ctx.account_id, reference)
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_delegation_sets WHERE "
                              "account_id = ?", (ctx.account_id,))
        if count >= REUSABLE_SETS_MAX:
            raise AwsError("LimitsExceeded", "This operation can't be completed because the "
                           "current account has reached the limit on reusable delegation sets "
                           f"({REUSABLE_SETS_MAX}).")
        if zone_id:
            set_id, servers = _zone_set(tx, ctx.account_id, zone_id)
        else:
            set_id, servers = "N" + ctx.cloud.ids.upper_alnum(20), name_servers(ctx, False)
        tx.execute("INSERT INTO route53_delegation_sets VALUES (?, ?, ?, ?, ?)",
                   (set_id, ctx.account_id, reference, json.dumps(servers), ctx.cloud.clock.now()))
    return {"DelegationSet": _shown(set_id, reference, servers),
            "Location": LOCATION_BASE + set_id}


def _refuse_reused_reference(tx: Tx, account_id: str, reference: str) -> None:
    taken = tx.fetchvalue("SELECT 1 FROM route53_delegation_sets WHERE account_id = ? AND "
                          "caller_reference = ?", (account_id, reference))
    if taken:
        raise AwsError("DelegationSetAlreadyCreated", "A delegation set with the same owner "
                       "and caller reference combination has already been created.")


def _zone_set(tx: Tx, account_id: str, zone_id: str) -> tuple[str, list[str]]:
    """The delegation set of an existing public zone, about to become reusable."""
    row = tx.fetchone("SELECT delegation_set_id, name_servers, private FROM route53_zones "
                      "WHERE zone_id = ? AND account_id = ?", (zone_id, account_id))
    if row is None or row[2]:
        raise AwsError("HostedZoneNotFound", f"The specified HostedZone can't be found: "
                       f"{zone_id}")
    if is_reusable(tx, row[0]):
        raise AwsError("DelegationSetAlreadyReusable", "The specified delegation set has "
                       "already been marked as reusable.")
    return str(row[0]), list(json.loads(row[1]))


def get_reusable_delegation_set(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        return {"DelegationSet": find_reusable_set(tx, ctx.account_id, params.get("Id", ""))}


def list_reusable_delegation_sets(ctx: RequestContext, params: dict[str, Any]
                                  ) -> dict[str, Any]:
    limit = max_items(params, LIST_SETS_DEFAULT, LIST_SETS_DEFAULT)
    marker = bare_id(params.get("Marker") or "", DELEGATION_SET_PREFIX)
    with store(ctx.cloud).read() as tx:
        rows = tx.fetchall("SELECT delegation_set_id, caller_reference, name_servers FROM "
                           "route53_delegation_sets WHERE account_id = ? AND "
                           "delegation_set_id >= ? ORDER BY delegation_set_id LIMIT ?",
                           (ctx.account_id, marker, limit + 1))
    result: dict[str, Any] = {
        "DelegationSets": [_shown(r[0], r[1], json.loads(r[2])) for r in rows[:limit]],
        "Marker": marker, "IsTruncated": len(rows) > limit, "MaxItems": str(limit),
    }
    if len(rows) > limit:
        result["NextMarker"] = rows[limit][0]
    return result


def delete_reusable_delegation_set(ctx: RequestContext, params: dict[str, Any]
                                   ) -> dict[str, Any]:
    with store(ctx.cloud).write() as tx:
        found = find_reusable_set(tx, ctx.account_id, params.get("Id", ""))
        set_id = bare_id(found["Id"], DELEGATION_SET_PREFIX)
        in_use = tx.fetchvalue("SELECT 1 FROM route53_zones WHERE delegation_set_id = ?",
                               (set_id,))
        if in_use:
            raise AwsError("DelegationSetInUse", "The specified delegation contains associated "
                           "hosted zones which must be deleted before the reusable delegation "
                           "set can be deleted.")
        tx.execute("DELETE FROM route53_delegation_sets WHERE delegation_set_id = ?", (set_id,))
    return {}


def get_reusable_delegation_set_limit(ctx: RequestContext, params: dict[str, Any]
                                      ) -> dict[str, Any]:
    kind = params.get("Type") or ""
    if kind != "MAX_ZONES_BY_REUSABLE_DELEGATION_SET":
        raise AwsError("InvalidInput", f"Invalid request: {kind!r} is not a limit type.")
    with store(ctx.cloud).read() as tx:
        found = find_reusable_set(tx, ctx.account_id, params.get("DelegationSetId") or "")
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_zones WHERE delegation_set_id = ?",
                              (bare_id(found["Id"], DELEGATION_SET_PREFIX),))
    return {"Limit": {"Type": kind, "Value": ZONES_PER_REUSABLE_SET_MAX}, "Count": int(count)}

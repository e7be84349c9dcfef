"""Traffic policies and their versions; traffic policy instances as state only.

A policy is a named series of versions (1, 2, ...) of a checked document (traffic_documents.py).
An instance records that a policy version was applied to a name in a hosted zone; pocketcloud
keeps and reports it but creates no record sets from it, so the DNS server does not answer
for it (the README says so).
"""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import max_items, store
from pocketcloud.services.route53.limits import TRAFFIC_POLICIES_MAX, TRAFFIC_POLICY_INSTANCES_MAX
from pocketcloud.services.route53.traffic_documents import check_document
from pocketcloud.services.route53.zones import find_zone
from pocketcloud.store import Tx

VERSIONS_MAX = 1000  # per policy
NAME_LENGTH_MAX = 512
COMMENT_LENGTH_MAX = 1024
LIST_DEFAULT = 100
POLICY_LOCATION = "https://route53.amazonaws.com/2013-04-01/trafficpolicy/"
INSTANCE_LOCATION = "https://route53.amazonaws.com/2013-04-01/trafficpolicyinstance/"
_COLUMNS = "policy_id, version, name, type, document, comment"


def _policy(row: tuple[Any, ...]) -> dict[str, Any]:
    policy_id, version, name, kind, document, comment = row
    found = {"Id": policy_id, "Version": version, "Name": name, "Type": kind,
             "Document": document}
    if comment:
        found["Comment"] = comment
    return found


def _no_policy() -> AwsError:
    return AwsError("NoSuchTrafficPolicy", "No traffic policy exists with the specified ID.",
                    404)


def _find(tx: Tx, account_id: str, policy_id: str, version: Any) -> tuple[Any, ...]:
    row = tx.fetchone(f"SELECT {_COLUMNS} FROM route53_traffic_policies WHERE policy_id = ? "
                      "AND version = ? AND account_id = ?",
                      (policy_id or "", int(version or 0), account_id))
    if row is None:
        raise _no_policy()
    return row


def _comment(params: dict[str, Any]) -> str | None:
    comment = params.get("Comment")
    if comment is not None and len(comment) > COMMENT_LENGTH_MAX:
        raise AwsError("InvalidInput", f"Invalid request: Comment is longer than "
                       f"{COMMENT_LENGTH_MAX} characters.")
    return comment


def create_traffic_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("Name") or ""
    if not 1 <= len(name) <= NAME_LENGTH_MAX:
        raise AwsError("InvalidInput", f"Invalid request: Name must be 1 to {NAME_LENGTH_MAX} "
                       "characters.")
    comment = _comment(params)
    kind = check_document(params.get("Document") or "")
    policy_id = ctx.cloud.ids.uuid4()
    row = (policy_id, 1, name, kind, params["Document"], comment)
    with store(ctx.cloud).write() as tx:
        if tx.fetchvalue("SELECT 1 FROM route53_traffic_policies WHERE account_id = ? AND "
                         "name = ?", (ctx.account_id, name)):
            raise AwsError("TrafficPolicyAlreadyExists", "A traffic policy that has the same "
                           "value for Name already exists.", 409)
        count = tx.fetchvalue("SELECT COUNT(DISTINCT policy_id) FROM route53_traffic_policies "
                              "WHERE account_id = ?", (ctx.account_id,))
        if count >= TRAFFIC_POLICIES_MAX:
            raise AwsError("TooManyTrafficPolicies", "This traffic policy can't be created "
                           "because the current account has reached the limit on the number "
                           f"of traffic policies ({TRAFFIC_POLICIES_MAX}).")
        _insert(tx, ctx.account_id, row)
    return {"TrafficPolicy": _policy(row), "Location": f"{POLICY_LOCATION}{policy_id}/1"}


def _insert(tx: Tx, account_id: str, row: tuple[Any, ...]) -> None:
    policy_id, version, name, kind, document, comment = row
    tx.execute("INSERT INTO route53_traffic_policies VALUES (?, ?, ?, ?, ?, ?, ?)",
               (policy_id, version, account_id, name, kind, document, comment))


def create_traffic_policy_version(ctx: RequestContext, params: dict[str, Any]
                                  ) -> dict[str, Any]:
    policy_id = params.get("Id") or ""
    comment = _comment(params)
    kind = check_document(params.get("Document") or "")
    with store(ctx.cloud).write() as tx:
        latest = tx.fetchone("SELECT MAX(version), name FROM route53_traffic_policies WHERE "
                             "policy_id = ? AND account_id = ?", (policy_id, ctx.account_id))
        if latest is None or latest[0] is None:
            raise _no_policy()
        if latest[0] >= VERSIONS_MAX:
            raise AwsError("TooManyTrafficPolicyVersionsForCurrentPolicy", "This traffic "
                           f"policy version can't be created because the policy has "
                           f"{VERSIONS_MAX} versions.")
        row = (policy_id, latest[0] + 1, latest[1], kind, params["Document"], comment)
        _insert(tx, ctx.account_id, row)
    return {"TrafficPolicy": _policy(row),
            "Location": f"{POLICY_LOCATION}{policy_id}/{row[1]}"}


def get_traffic_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        row = _find(tx, ctx.account_id, params.get("Id") or "", params.get("Version"))
    return {"TrafficPolicy": _policy(row)}


def update_traffic_policy_comment(ctx: RequestContext, params: dict[str, Any]
                                  ) -> dict[str, Any]:
    comment = _comment(params) or ""
    with store(ctx.cloud).write() as tx:
        row = _find(tx, ctx.account_id, params.get("Id") or "", params.get("Version"))
        tx.execute("UPDATE route53_traffic_policies SET comment = ? WHERE policy_id = ? AND "
                   "version = ?", (comment, row[0], row[1]))
    return {"TrafficPolicy": _policy((*row[:5], comment))}


def delete_traffic_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).write() as tx:
        row = _find(tx, ctx.account_id, params.get("Id") or "", params.get("Version"))
        if tx.fetchvalue("SELECT 1 FROM route53_traffic_policy_instances WHERE policy_id = ? "
                         "AND policy_version = ?", (row[0], row[1])):
            raise AwsError("TrafficPolicyInUse", "One or more traffic policy instances were "
                           "created by using the specified traffic policy.")
        tx.execute("DELETE FROM route53_traffic_policies WHERE policy_id = ? AND version = ?",
                   (row[0], row[1]))
    return {}


def list_traffic_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Summaries by id; TrafficPolicyIdMarker is the first id of the next page."""
    limit = max_items(params, LIST_DEFAULT, LIST_DEFAULT)
    marker = params.get("TrafficPolicyIdMarker") or ""
    with store(ctx.cloud).read() as tx:
        rows = tx.fetchall(
            "SELECT p.policy_id, p.name, p.type, p.version, counts.n FROM "
            "route53_traffic_policies p JOIN (SELECT policy_id, MAX(version) AS latest, "
            "COUNT(*) AS n FROM route53_traffic_policies WHERE account_id = ? GROUP BY "
            "policy_id) counts ON p.policy_id = counts.policy_id AND p.version = counts.latest "
            "WHERE p.policy_id >= ? ORDER BY p.policy_id LIMIT ?",
            (ctx.account_id, marker, limit + 1))
    summaries = [{"Id": r[0], "Name": r[1], "Type": r[2], "LatestVersion": r[3],
                  "TrafficPolicyCount": r[4]} for r in rows[:limit]]
    truncated = len(rows) > limit
    return {"TrafficPolicySummaries": summaries, "IsTruncated": truncated,
            "TrafficPolicyIdMarker": rows[limit][0] if truncated else marker,
            "MaxItems": str(limit)}


def list_traffic_policy_versions(ctx: RequestContext, params: dict[str, Any]
                                 ) -> dict[str, Any]:
    limit = max_items(params, LIST_DEFAULT, LIST_DEFAULT)
    raw_marker = params.get("TrafficPolicyVersionMarker") or "0"
    if not str(raw_marker).isdigit():
        raise AwsError("InvalidInput", "Invalid request: TrafficPolicyVersionMarker is not a "
                       "version number.")
    with store(ctx.cloud).read() as tx:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM route53_traffic_policies WHERE "
                           "policy_id = ? AND account_id = ? AND version >= ? ORDER BY version "
                           "LIMIT ?", (params.get("Id") or "", ctx.account_id,
                                       int(raw_marker), limit + 1))
        if not rows and not tx.fetchvalue("SELECT 1 FROM route53_traffic_policies WHERE "
                                          "policy_id = ? AND account_id = ?",
                                          (params.get("Id") or "", ctx.account_id)):
            raise _no_policy()
    truncated = len(rows) > limit
    return {"TrafficPolicies": [_policy(r) for r in rows[:limit]], "IsTruncated": truncated,
            "TrafficPolicyVersionMarker": str(rows[limit][1]) if truncated else "",
            "MaxItems": str(limit)}


# --- instances: state only ------------------------------------------------------------------

def _instance(row: tuple[Any, ...]) -> dict[str, Any]:
    instance_id, zone_id, name, ttl, policy_id, version, kind = row
    return {"Id": instance_id, "HostedZoneId": zone_id, "Name": name, "TTL": ttl,
            "State": "Applied", "Message": "", "TrafficPolicyId": policy_id,
            "TrafficPolicyVersion": version, "TrafficPolicyType": kind}


def create_traffic_policy_instance(ctx: RequestContext, params: dict[str, Any]
                                   ) -> dict[str, Any]:
    name = (params.get("Name") or "").lower().rstrip(".") + "."
    with store(ctx.cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
        if name != zone.name and not name.endswith("." + zone.name):
            raise AwsError("InvalidInput", f"Invalid request: {name} is not in the hosted zone "
                           f"{zone.name}")
        policy = _find(tx, ctx.account_id, params.get("TrafficPolicyId") or "",
                       params.get("TrafficPolicyVersion"))
        _check_new_instance(tx, ctx.account_id, zone.zone_id, name)
        row = (ctx.cloud.ids.uuid4(), zone.zone_id, name, int(params.get("TTL") or 0),
               policy[0], policy[1], policy[3])
        tx.execute("INSERT INTO route53_traffic_policy_instances VALUES (?, ?, ?, ?, ?, ?, ?, "
                   "?)", (row[0], ctx.account_id, *row[1:]))
    return {"TrafficPolicyInstance": _instance(row), "Location": INSTANCE_LOCATION + row[0]}


def _check_new_instance(tx: Tx, account_id: str, zone_id: str, name: str) -> None:
    if tx.fetchvalue("SELECT 1 FROM route53_traffic_policy_instances WHERE zone_id = ? AND "
                     "name = ?", (zone_id, name)):
        raise AwsError("TrafficPolicyInstanceAlreadyExists", "There is already a traffic "
                       "policy instance with the specified name in this hosted zone.", 409)
    count = tx.fetchvalue("SELECT COUNT(*) FROM route53_traffic_policy_instances WHERE "
                          "account_id = ?", (account_id,))
    if count >= TRAFFIC_POLICY_INSTANCES_MAX:
        raise AwsError("TooManyTrafficPolicyInstances", "This traffic policy instance can't be "
                       "created because the current account has reached the limit on the "
                       f"number of traffic policy instances ({TRAFFIC_POLICY_INSTANCES_MAX}).")


def _find_instance(tx: Tx, account_id: str, instance_id: str) -> tuple[Any, ...]:
    row = tx.fetchone("SELECT instance_id, zone_id, name, ttl, policy_id, policy_version, type "
                      "FROM route53_traffic_policy_instances WHERE instance_id = ? AND "
                      "account_id = ?", (instance_id or "", account_id))
    if row is None:
        raise AwsError("NoSuchTrafficPolicyInstance", "No traffic policy instance exists with "
                       "the specified ID.", 404)
    return row


def get_traffic_policy_instance(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        return {"TrafficPolicyInstance": _instance(
            _find_instance(tx, ctx.account_id, params.get("Id") or ""))}


def delete_traffic_policy_instance(ctx: RequestContext, params: dict[str, Any]
                                   ) -> dict[str, Any]:
    with store(ctx.cloud).write() as tx:
        row = _find_instance(tx, ctx.account_id, params.get("Id") or "")
        tx.execute("DELETE FROM route53_traffic_policy_instances WHERE instance_id = ?",
                   (row[0],))
    return {}


def get_traffic_policy_instance_count(ctx: RequestContext, params: dict[str, Any]
                                      ) -> dict[str, Any]:
    with store(ctx.cloud).read() as tx:
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_traffic_policy_instances WHERE "
                              "account_id = ?", (ctx.account_id,))
    return {"TrafficPolicyInstanceCount": int(count)}

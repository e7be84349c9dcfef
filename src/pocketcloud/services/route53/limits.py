"""Route 53's default quotas, enforced, and the operations that report them."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import store
from pocketcloud.store import Tx

HOSTED_ZONES_MAX = 500  # per account
HEALTH_CHECKS_MAX = 200  # per account
RECORD_SETS_PER_ZONE_MAX = 10_000
VPCS_PER_ZONE_MAX = 300
REUSABLE_SETS_MAX = 100  # per account
ZONES_PER_REUSABLE_SET_MAX = 100
TRAFFIC_POLICIES_MAX = 50  # per account
TRAFFIC_POLICY_INSTANCES_MAX = 5  # per account


def check_hosted_zone_quota(tx: Tx, account_id: str) -> None:
    count = tx.fetchvalue("SELECT COUNT(*) FROM route53_zones WHERE account_id = ?",
                          (account_id,))
    if count >= HOSTED_ZONES_MAX:
        raise AwsError("TooManyHostedZones", "This operation can't be completed either because "
                       "the current account has reached the limit on the number of hosted zones "
                       f"({HOSTED_ZONES_MAX}) or because you've reached the limit on the number "
                       "of hosted zones that can be associated with a reusable delegation set.")


def check_health_check_quota(tx: Tx, account_id: str) -> None:
    count = tx.fetchvalue("SELECT COUNT(*) FROM route53_health_checks WHERE account_id = ?",
                          (account_id,))
    if count >= HEALTH_CHECKS_MAX:
        raise AwsError("TooManyHealthChecks", "This health check can't be created because the "
                       f"current account has reached the limit on the number of active health "
                       f"checks ({HEALTH_CHECKS_MAX}).")


def record_set_problem(count: int) -> str | None:
    if count > RECORD_SETS_PER_ZONE_MAX:
        return f"The zone would exceed the limit of {RECORD_SETS_PER_ZONE_MAX} resource " \
               "record sets."
    return None


def get_account_limit(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind = params.get("Type") or ""
    with store(ctx.cloud).read() as tx:
        if kind == "MAX_HOSTED_ZONES_BY_OWNER":
            value, count = HOSTED_ZONES_MAX, tx.fetchvalue(
                "SELECT COUNT(*) FROM route53_zones WHERE account_id = ?", (ctx.account_id,))
        elif kind == "MAX_HEALTH_CHECKS_BY_OWNER":
            value, count = HEALTH_CHECKS_MAX, tx.fetchvalue(
                "SELECT COUNT(*) FROM route53_health_checks WHERE account_id = ?",
                (ctx.account_id,))
        elif kind == "MAX_REUSABLE_DELEGATION_SETS_BY_OWNER":
            value, count = REUSABLE_SETS_MAX, tx.fetchvalue(
                "SELECT COUNT(*) FROM route53_delegation_sets WHERE account_id = ?",
                (ctx.account_id,))
        elif kind == "MAX_TRAFFIC_POLICY_INSTANCES_BY_OWNER":
            value, count = TRAFFIC_POLICY_INSTANCES_MAX, tx.fetchvalue(
                "SELECT COUNT(*) FROM route53_traffic_policy_instances WHERE account_id = ?",
                (ctx.account_id,))
        elif kind == "MAX_TRAFFIC_POLICIES_BY_OWNER":
            value, count = TRAFFIC_POLICIES_MAX, tx.fetchvalue(
                "SELECT COUNT(DISTINCT policy_id) FROM route53_traffic_policies WHERE "
                "account_id = ?", (ctx.account_id,))
        else:
            raise AwsError("InvalidInput", f"Invalid request: {kind!r} is not a limit type.")
    return {"Limit": {"Type": kind, "Value": value}, "Count": int(count)}

"""VPC association authorizations: the zone owner's permission for another account's VPC to
be associated with a private zone. Kept and listed as AWS does (state: pocketcloud's VPC
association does not cross accounts, so nothing consults them yet)."""

from __future__ import annotations

import base64
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import max_results, store
from pocketcloud.services.route53.vpc_ids import check_vpc
from pocketcloud.services.route53.zones import find_zone

AUTHORIZATIONS_PER_ZONE_MAX = 100
LIST_MAX = 50


def _vpc(params: dict[str, Any]) -> dict[str, str]:
    vpc = params.get("VPC") or {}
    check_vpc(vpc)
    return {"VPCRegion": vpc["VPCRegion"], "VPCId": vpc["VPCId"]}


def create_vpc_association_authorization(ctx: RequestContext, params: dict[str, Any]
                                         ) -> dict[str, Any]:
    with store(ctx.cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
        vpc = _vpc(params)
        count = tx.fetchvalue("SELECT COUNT(*) FROM route53_vpc_authorizations WHERE "
                              "zone_id = ?", (zone.zone_id,))
        if count >= AUTHORIZATIONS_PER_ZONE_MAX:
            raise AwsError("TooManyVPCAssociationAuthorizations", "You've created the maximum "
                           "number of authorizations that can be created for the specified "
                           "hosted zone.")
        tx.execute("INSERT OR IGNORE INTO route53_vpc_authorizations VALUES (?, ?, ?, ?)",
                   (zone.zone_id, vpc["VPCId"], vpc["VPCRegion"], ctx.cloud.clock.now()))
    return {"HostedZoneId": zone.zone_id, "VPC": vpc}


def delete_vpc_association_authorization(ctx: RequestContext, params: dict[str, Any]
                                         ) -> dict[str, Any]:
    with store(ctx.cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
        vpc = _vpc(params)
        if not tx.execute("DELETE FROM route53_vpc_authorizations WHERE zone_id = ? AND "
                          "vpc_id = ? AND vpc_region = ?",
                          (zone.zone_id, vpc["VPCId"], vpc["VPCRegion"])):
            raise AwsError("VPCAssociationAuthorizationNotFound", "The VPC that you specified "
                           "is not authorized to be associated with the hosted zone.", 404)
    return {}


def list_vpc_association_authorizations(ctx: RequestContext, params: dict[str, Any]
                                        ) -> dict[str, Any]:
    limit = max_results(params, LIST_MAX)
    after = ("", "")
    if params.get("NextToken"):
        try:
            region, vpc_id = base64.urlsafe_b64decode(
                str(params["NextToken"]).encode()).decode().split("\n")
        except (ValueError, UnicodeError):
            raise AwsError("InvalidPaginationToken", "The value that you specified to get the "
                           "second or subsequent page of results is invalid.") from None
        after = (region, vpc_id)
    with store(ctx.cloud).read() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
        rows = tx.fetchall("SELECT vpc_region, vpc_id FROM route53_vpc_authorizations WHERE "
                           "zone_id = ? AND (vpc_region, vpc_id) > (?, ?) ORDER BY vpc_region, "
                           "vpc_id LIMIT ?", (zone.zone_id, *after, limit + 1))
    result: dict[str, Any] = {"HostedZoneId": zone.zone_id,
                              "VPCs": [{"VPCRegion": r, "VPCId": v} for r, v in rows[:limit]]}
    if len(rows) > limit:
        result["NextToken"] = base64.urlsafe_b64encode(
            "\n".join(rows[limit - 1]).encode()).decode()
    return result

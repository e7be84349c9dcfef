"""Private zones and their VPCs: associate, disassociate, and ListHostedZonesByVPC."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.route53.common import bare_id, max_items, record_change, store
from pocketcloud.services.route53.vpc_ids import check_vpc
from pocketcloud.services.route53.zones import ZONE_COLUMNS, find_zone, zone_from

LIST_BY_VPC_DEFAULT = 100


def associate_vpc_with_hosted_zone(ctx: RequestContext, params: dict[str, Any]
                                   ) -> dict[str, Any]:
    vpc = params.get("VPC") or {}
    with store(ctx.cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
        if not zone.private:
            raise AwsError("PublicZoneVPCAssociation", "You're trying to associate a VPC with "
                           "a public hosted zone. Amazon Route 53 doesn't support associating a "
                           "VPC with a public hosted zone.")
        check_vpc(vpc)
        if vpc in zone.vpcs:
            raise AwsError("ConflictingDomainExists", "The VPC is already associated with "
                           "this hosted zone.")
        zone.vpcs.append(vpc)
        tx.execute("UPDATE route53_zones SET vpcs = ? WHERE zone_id = ?",
                   (json.dumps(zone.vpcs), zone.zone_id))
        change = record_change(ctx.cloud, tx, ctx.account_id, params.get("Comment"))
    return {"ChangeInfo": change}


def disassociate_vpc_from_hosted_zone(ctx: RequestContext, params: dict[str, Any]
                                      ) -> dict[str, Any]:
    vpc = params.get("VPC") or {}
    with store(ctx.cloud).write() as tx:
        zone = find_zone(tx, ctx.account_id, params.get("HostedZoneId") or "")
        if vpc not in zone.vpcs:
            raise AwsError("VPCAssociationNotFound", f"The VPC {vpc.get('VPCId')} is not "
                           "associated with this hosted zone.", 404)
        if len(zone.vpcs) == 1:
            raise AwsError("LastVPCAssociation", "The VPC that you're trying to disassociate "
                           "from the private hosted zone is the last VPC that is associated "
                           "with the hosted zone. Amazon Route 53 doesn't support "
                           "disassociating the last VPC from a hosted zone.")
        zone.vpcs.remove(vpc)
        tx.execute("UPDATE route53_zones SET vpcs = ? WHERE zone_id = ?",
                   (json.dumps(zone.vpcs), zone.zone_id))
        change = record_change(ctx.cloud, tx, ctx.account_id, params.get("Comment"))
    return {"ChangeInfo": change}


def list_hosted_zones_by_vpc(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The private zones the VPC is associated with, in zone-id order; NextToken is the id of
    the first zone of the next page."""
    vpc = {"VPCId": params.get("VPCId") or "", "VPCRegion": params.get("VPCRegion") or ""}
    check_vpc(vpc)
    limit = max_items(params, LIST_BY_VPC_DEFAULT, LIST_BY_VPC_DEFAULT)
    token = bare_id(params.get("NextToken") or "", "/hostedzone/")
    with store(ctx.cloud).read() as tx:
        rows = tx.fetchall(f"SELECT {ZONE_COLUMNS} FROM route53_zones WHERE account_id = ? "
                           "AND private = 1 AND zone_id >= ? ORDER BY zone_id",
                           (ctx.account_id, token))
    zones = [z for z in (zone_from(r) for r in rows) if vpc in z.vpcs]
    if token and (not zones or zones[0].zone_id != token):
        raise AwsError("InvalidPaginationToken", "The value that you specified to get the "
                       "second or subsequent page of results is invalid.")
    result: dict[str, Any] = {
        "HostedZoneSummaries": [{"HostedZoneId": z.zone_id, "Name": z.name,
                                 "Owner": {"OwningAccount": z.account_id}}
                                for z in zones[:limit]],
        "MaxItems": str(limit),
    }
    if len(zones) > limit:
        result["NextToken"] = zones[limit].zone_id
    return result

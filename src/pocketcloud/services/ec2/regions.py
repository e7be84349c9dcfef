"""EC2's view of the global infrastructure: DescribeRegions and DescribeAvailabilityZones."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.infra.faults import zone_state
from pocketcloud.infra.region_opt_in import ENABLED, region_opt_statuses
from pocketcloud.infra.regions import (
    AvailabilityZone,
    Region,
    all_regions,
    get_region,
)
from pocketcloud.services.ec2.dry_run import check_dry_run
from pocketcloud.services.ec2.filters import compile_filters, matches

REGION_FILTERS = frozenset({"endpoint", "opt-in-status", "region-name"})
ZONE_FILTERS = frozenset({
    "group-long-name", "group-name", "message", "opt-in-status", "parent-zone-id",
    "parent-zone-name", "region-name", "state", "zone-id", "zone-name", "zone-type",
})
ZONE_OPT_IN_STATUS = "opt-in-not-required"  # always so for Availability Zones


def _region_opt_in_status(region: Region, statuses: dict[str, str]) -> str:
    if not region.opt_in_required:
        return "opt-in-not-required"
    return "opted-in" if statuses.get(region.code) == ENABLED else "not-opted-in"


def _region_output(region: Region, opt_in_status: str) -> dict[str, Any]:
    return {
        "Endpoint": region.ec2_endpoint,
        "RegionName": region.code,
        "OptInStatus": opt_in_status,
        "Geography": [{"Name": region.geography}],
    }


def describe_regions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The Regions enabled for the caller; all of them with AllRegions; named ones if asked."""
    check_dry_run(params)
    filters = compile_filters(params.get("Filters"), REGION_FILTERS)
    names: list[str] = list(params.get("RegionNames") or [])
    for name in names:
        if get_region(name) is None:
            raise AwsError("InvalidParameterValue", f"Invalid region: [{name}]")
    statuses = region_opt_statuses(ctx.cloud, ctx.account_id)
    found = []
    for region in sorted(all_regions(), key=lambda r: r.code):
        status = _region_opt_in_status(region, statuses)
        if names and region.code not in names:
            continue
        if not names and not params.get("AllRegions") and status == "not-opted-in":
            continue
        values = {"endpoint": (region.ec2_endpoint,), "opt-in-status": (status,),
                  "region-name": (region.code,)}
        if matches(filters, values.__getitem__):
            found.append(_region_output(region, status))
    return {"Regions": found}


def _zone_output(zone: AvailabilityZone, region: Region, state: tuple[str, list[str]]
                 ) -> dict[str, Any]:
    output: dict[str, Any] = {
        "OptInStatus": ZONE_OPT_IN_STATUS,
        "Messages": [{"Message": text} for text in state[1]],
        "RegionName": zone.region_code,
        "ZoneName": zone.zone_name,
        "ZoneId": zone.zone_id,
        "GroupName": zone.group_name,
        "NetworkBorderGroup": zone.network_border_group,
        "ZoneType": zone.zone_type,
        "GroupLongName": zone.group_long_name,
        "Geography": [{"Name": region.geography}],
        "State": state[0],
    }
    if region.sub_geography:
        output["SubGeography"] = [{"Name": region.sub_geography}]
    return output


def _zone_filter_values(zone: AvailabilityZone, state: tuple[str, list[str]]
                        ) -> dict[str, tuple[str, ...]]:
    return {
        "group-long-name": (zone.group_long_name,),
        "group-name": (zone.group_name,),
        "message": tuple(state[1]),
        "opt-in-status": (ZONE_OPT_IN_STATUS,),
        "parent-zone-id": (),
        "parent-zone-name": (),
        "region-name": (zone.region_code,),
        "state": (state[0],),
        "zone-id": (zone.zone_id,),
        "zone-name": (zone.zone_name,),
        "zone-type": (zone.zone_type,),
    }


def _requested_zones(region: Region, params: dict[str, Any]) -> tuple[AvailabilityZone, ...]:
    """The Region's zones, narrowed to ZoneNames/ZoneIds when given (either may name a zone)."""
    names: list[str] = list(params.get("ZoneNames") or [])
    ids: list[str] = list(params.get("ZoneIds") or [])
    by_name = {z.zone_name: z for z in region.availability_zones}
    by_id = {z.zone_id: z for z in region.availability_zones}
    for name in names:
        if name not in by_name:
            raise AwsError("InvalidParameterValue", f"Invalid availability zone: [{name}]")
    for zone_id in ids:
        if zone_id not in by_id:
            raise AwsError("InvalidParameterValue", f"Invalid availability zone-id: [{zone_id}]")
    if not names and not ids:
        return region.availability_zones
    wanted = {by_name[n].zone_name for n in names} | {by_id[i].zone_name for i in ids}
    return tuple(z for z in region.availability_zones if z.zone_name in wanted)


def describe_availability_zones(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The request's Region's Availability Zones (Local and Wavelength Zones are not modelled,
    so AllAvailabilityZones changes nothing)."""
    check_dry_run(params)
    filters = compile_filters(params.get("Filters"), ZONE_FILTERS)
    region = get_region(ctx.region)
    if region is None:
        raise AwsError("InvalidParameterValue", f"Invalid region: [{ctx.region}]")
    zones = []
    for zone in sorted(_requested_zones(region, params), key=lambda z: z.zone_name):
        state = zone_state(ctx.cloud, zone.zone_name)  # impaired while a fault takes it down
        values = _zone_filter_values(zone, state)
        if matches(filters, values.__getitem__):
            zones.append(_zone_output(zone, region, state))
    return {"AvailabilityZones": zones}

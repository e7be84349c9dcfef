"""EC2 DescribeAvailabilityZones: the request's Region's zones, names, ids, filters, errors."""

from __future__ import annotations

import pytest
from tests.infra.conftest import MakeContext

from pocketcloud.errors import AwsError
from pocketcloud.services.ec2.provider import describe_availability_zones


def _zone_names(output: dict) -> list[str]:
    return [z["ZoneName"] for z in output["AvailabilityZones"]]


def test_zones_of_the_request_region(make_ctx: MakeContext) -> None:
    zones = describe_availability_zones(make_ctx("us-east-2"), {})["AvailabilityZones"]
    assert zones[0] == {  # as AWS's documentation shows us-east-2a
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "RegionName": "us-east-2",
        "ZoneName": "us-east-2a",
        "ZoneId": "use2-az1",
        "GroupName": "us-east-2-zg-1",
        "NetworkBorderGroup": "us-east-2",
        "ZoneType": "availability-zone",
        "GroupLongName": "US East (Ohio) 1",
        "Geography": [{"Name": "United States of America"}],
        "SubGeography": [{"Name": "Ohio"}],
        "State": "available",
    }
    assert _zone_names({"AvailabilityZones": zones}) == ["us-east-2a", "us-east-2b", "us-east-2c"]


@pytest.mark.parametrize(("region", "count"), [("us-east-1", 6), ("us-west-1", 2),
                                                ("ap-northeast-2", 4), ("eu-central-2", 3)])
def test_zone_counts(make_ctx: MakeContext, region: str, count: int) -> None:
    zones = describe_availability_zones(make_ctx(region), {})["AvailabilityZones"]
    assert len(zones) == count
    assert {z["RegionName"] for z in zones} == {region}


def test_zones_outside_the_united_states_have_no_sub_geography(make_ctx: MakeContext) -> None:
    zone = describe_availability_zones(make_ctx("eu-west-3"), {})["AvailabilityZones"][0]
    assert zone["Geography"] == [{"Name": "France"}] and "SubGeography" not in zone


def test_by_zone_name_and_zone_id(make_ctx: MakeContext) -> None:
    ctx = make_ctx("eu-central-1")
    by_name = describe_availability_zones(ctx, {"ZoneNames": ["eu-central-1b"]})
    assert [(z["ZoneName"], z["ZoneId"]) for z in by_name["AvailabilityZones"]] == [
        ("eu-central-1b", "euc1-az3")]
    both = describe_availability_zones(ctx, {"ZoneNames": ["eu-central-1a"],
                                             "ZoneIds": ["euc1-az1"]})
    assert _zone_names(both) == ["eu-central-1a", "eu-central-1c"]


@pytest.mark.parametrize("zone_name", ["us-east-1z", "us-west-2a", "nowhere"])
def test_an_unknown_zone_name_is_invalid(make_ctx: MakeContext, zone_name: str) -> None:
    with pytest.raises(AwsError) as caught:
        describe_availability_zones(make_ctx("us-east-1"), {"ZoneNames": [zone_name]})
    assert caught.value.code == "InvalidParameterValue"
    assert caught.value.message == f"Invalid availability zone: [{zone_name}]"


def test_an_unknown_zone_id_is_invalid(make_ctx: MakeContext) -> None:
    with pytest.raises(AwsError) as caught:
        describe_availability_zones(make_ctx("us-east-1"), {"ZoneIds": ["use1-az9"]})
    assert caught.value.code == "InvalidParameterValue"
    assert "use1-az9" in caught.value.message


def test_filters(make_ctx: MakeContext) -> None:
    ctx = make_ctx("us-east-1")

    def names(*filters: tuple[str, list[str]]) -> list[str]:
        params = {"Filters": [{"Name": n, "Values": v} for n, v in filters]}
        return _zone_names(describe_availability_zones(ctx, params))

    assert names(("zone-id", ["use1-az1", "use1-az2"])) == ["us-east-1c", "us-east-1d"]
    assert len(names(("state", ["available"]), ("zone-type", ["availability-zone"]))) == 6
    assert names(("state", ["impaired"])) == []
    assert names(("zone-name", ["us-east-1[ab]"])) == []  # no regex: brackets are literal
    assert names(("zone-name", ["*-1?"]), ("zone-id", ["use1-az6"])) == ["us-east-1b"]
    assert len(names(("group-name", ["us-east-1-zg-1"]))) == 6
    assert names(("region-name", ["us-west-2"])) == []  # only the request's Region answers
    assert names(("message", ["*"])) == []


def test_backslash_makes_a_wildcard_literal(make_ctx: MakeContext) -> None:
    params = {"Filters": [{"Name": "zone-name", "Values": ["us-east-1\\*"]}]}
    assert describe_availability_zones(make_ctx("us-east-1"), params)["AvailabilityZones"] == []


def test_all_availability_zones_lists_the_same_zones(make_ctx: MakeContext) -> None:
    ctx = make_ctx("ap-south-1")
    assert describe_availability_zones(ctx, {"AllAvailabilityZones": True}) == \
        describe_availability_zones(ctx, {})


def test_unknown_filter_and_dry_run(make_ctx: MakeContext) -> None:
    with pytest.raises(AwsError) as caught:
        describe_availability_zones(make_ctx(), {"Filters": [{"Name": "zone", "Values": []}]})
    assert caught.value.message == "The filter 'zone' is invalid"
    with pytest.raises(AwsError) as caught:
        describe_availability_zones(make_ctx(), {"DryRun": True})
    assert (caught.value.code, caught.value.status_code) == ("DryRunOperation", 412)

"""Typed lookups over the region data, and the distance helpers later latency work uses."""

from __future__ import annotations

import pytest

from pocketcloud.infra.regions import (
    all_regions,
    distance_km,
    get_availability_zone,
    get_availability_zone_by_id,
    get_edge_location,
    get_region,
    great_circle_km,
    is_valid_region,
    nearest_edge_location,
    nearest_region,
)


def test_lookup_by_code() -> None:
    region = get_region("eu-west-1")
    assert region is not None
    assert region.name == "Europe (Ireland)"
    assert region.ec2_endpoint == "ec2.eu-west-1.amazonaws.com"
    assert get_region("eu-west-9") is None


@pytest.mark.parametrize("code", ["us-east-1", "ap-southeast-7", "mx-central-1"])
def test_real_regions_are_valid(code: str) -> None:
    assert is_valid_region(code)


@pytest.mark.parametrize("code", ["", "us-east-7", "US-EAST-1", "us-gov-west-1", "cn-north-1",
                                  "aws-global", "us-east-1a"])
def test_other_names_are_not_valid_regions(code: str) -> None:
    assert not is_valid_region(code)


def test_zone_lookups_agree() -> None:
    zone = get_availability_zone("us-east-2a")
    assert zone is not None and zone.zone_id == "use2-az1"
    assert get_availability_zone_by_id("use2-az1") == zone
    assert zone.group_name == "us-east-2-zg-1"
    assert zone.group_long_name == "US East (Ohio) 1"
    assert zone.network_border_group == "us-east-2"
    assert get_availability_zone("us-east-2z") is None
    region = get_region("us-east-2")
    assert region is not None and region.zone("us-east-2c") is not None


def test_data_is_loaded_once() -> None:
    assert all_regions() is all_regions()


def test_edge_location_by_code_or_pop_id() -> None:
    ashburn = get_edge_location("IAD")
    assert ashburn is not None and ashburn.country_code == "US"
    assert get_edge_location("IAD89-C1") == ashburn
    assert get_edge_location("iad") == ashburn
    assert get_edge_location("ZZZ") is None


def test_great_circle_distances() -> None:
    assert great_circle_km(0, 0, 0, 0) == 0
    # London to New York is about 5,570 km; a quarter of the equator about 10,008 km.
    assert great_circle_km(51.5074, -0.1278, 40.7128, -74.0060) == pytest.approx(5570, rel=0.01)
    assert great_circle_km(0, 0, 0, 90) == pytest.approx(10008, rel=0.001)
    assert great_circle_km(10, 20, -30, 40) == pytest.approx(great_circle_km(-30, 40, 10, 20))


def test_distances_between_places() -> None:
    dublin, london = get_region("eu-west-1"), get_region("eu-west-2")
    sydney = get_region("ap-southeast-2")
    assert dublin and london and sydney
    assert 400 < distance_km(dublin, london) < 500
    assert distance_km(dublin, sydney) > 15000


def test_nearest_region_and_edge_location() -> None:
    assert nearest_region(48.85, 2.35).code == "eu-west-3"  # Paris
    assert nearest_region(-41.29, 174.78).code == "ap-southeast-6"  # Wellington -> Auckland
    assert nearest_edge_location(35.68, 139.69).code == "NRT"  # Tokyo

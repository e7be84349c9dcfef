"""The region and edge-location data files: complete, consistent, and sourced."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import botocore
import pytest

from pocketcloud.infra.regions import all_edge_locations, all_regions, data_sources

ZONE_NAME = re.compile(r"^(?P<region>[a-z]{2}-[a-z]+-\d)(?P<letter>[a-z])$")
ZONE_ID = re.compile(r"^(?P<prefix>[a-z]+\d)-az(?P<number>\d)$")
IATA_CODE = re.compile(r"^[A-Z]{3}$")
ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")
EU_MEMBERS = {"DE", "IE", "FR", "IT", "ES", "SE"}  # the EU states that have a Region today


def _raw(name: str) -> dict[str, object]:
    text = resources.files("pocketcloud.infra").joinpath("data", name).read_text("utf-8")
    return dict(json.loads(text))


def _botocore_commercial_regions() -> dict[str, str]:
    path = Path(botocore.__file__).parent / "data" / "endpoints.json"
    partitions = json.loads(path.read_text())["partitions"]
    aws = next(p for p in partitions if p["partition"] == "aws")
    return {code: info["description"] for code, info in aws["regions"].items()}


@pytest.mark.parametrize("name", ["regions.json", "edge_locations.json"])
def test_each_data_file_names_its_sources(name: str) -> None:
    sources = _raw(name)["sources"]
    assert isinstance(sources, list) and len(sources) >= 2
    for source in sources:
        assert source["name"].strip()
    assert any("docs.aws.amazon.com" in s.get("url", "") or "aws.amazon.com" in s.get("url", "")
               for s in sources), "at least one source is AWS's own documentation"
    assert data_sources()[name] == sources


def test_every_commercial_region_botocore_knows_is_here_with_its_name() -> None:
    ours = {r.code: r.name for r in all_regions()}
    assert ours == _botocore_commercial_regions()


def test_the_regions_launched_lately_are_present() -> None:
    codes = {r.code for r in all_regions()}
    for recent in ("ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "mx-central-1",
                   "ap-east-2", "ca-west-1", "il-central-1", "me-central-1", "ap-south-2",
                   "ap-southeast-3", "ap-southeast-4", "eu-central-2", "eu-south-2"):
        assert recent in codes


def test_region_codes_are_unique_and_all_commercial() -> None:
    codes = [r.code for r in all_regions()]
    assert len(codes) == len(set(codes)) == 34
    assert {r.partition for r in all_regions()} == {"aws"}


def test_opt_in_is_required_exactly_for_regions_after_march_2019() -> None:
    enabled_by_default = {r.code for r in all_regions() if not r.opt_in_required}
    assert enabled_by_default == {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-3",
        "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1",
        "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
    }


def test_zone_names_belong_to_their_region_and_ids_share_one_prefix() -> None:
    for region in all_regions():
        prefixes = set()
        for zone in region.availability_zones:
            name = ZONE_NAME.match(zone.zone_name)
            zone_id = ZONE_ID.match(zone.zone_id)
            assert name and name["region"] == region.code, zone.zone_name
            assert zone_id, zone.zone_id
            prefixes.add(zone_id["prefix"])
            assert zone.region_code == region.code
        assert len(prefixes) == 1, region.code
        # The prefix is the Region's short code: us-east-1 -> use1, ap-northeast-2 -> apne2.
        prefix = prefixes.pop()
        assert prefix[:2] == region.code[:2] and prefix[-1] == region.code[-1]


def test_zone_names_and_ids_are_unique_everywhere() -> None:
    zones = [z for r in all_regions() for z in r.availability_zones]
    assert len({z.zone_name for z in zones}) == len(zones)
    assert len({z.zone_id for z in zones}) == len(zones)


def test_zone_counts_are_as_a_new_account_sees_them() -> None:
    counts = {r.code: len(r.availability_zones) for r in all_regions()}
    assert counts["us-east-1"] == 6
    assert counts["us-west-1"] == 2  # newer accounts get two of its three zones
    assert counts["us-west-2"] == 4
    assert counts["ap-northeast-2"] == 4
    assert counts["ap-northeast-1"] == 3  # apne1-az3 is closed to new accounts
    assert counts["eu-west-2"] == 4  # euw2-az4 opened in 2026
    assert all(n >= 2 for n in counts.values())
    assert all(n >= 3 for code, n in counts.items() if code != "us-west-1")
    assert sum(counts.values()) == 107


def test_well_known_zone_ids() -> None:
    zones = {z.zone_name: z.zone_id for r in all_regions() for z in r.availability_zones}
    assert zones["us-east-2a"] == "use2-az1"  # AWS's own example output
    assert zones["eu-central-1a"] == "euc1-az2"
    assert zones["ca-central-1d"] == "cac1-az4"
    assert zones["ap-southeast-7c"] == "apse7-az3"


def test_coordinates_are_on_earth_and_in_the_right_hemisphere() -> None:
    for place in (*all_regions(), *all_edge_locations()):
        assert -90 <= place.latitude <= 90 and -180 <= place.longitude <= 180
    by_code = {r.code: r for r in all_regions()}
    assert by_code["ap-southeast-2"].latitude < 0  # Sydney
    assert by_code["sa-east-1"].longitude < 0  # São Paulo
    assert by_code["us-west-2"].longitude < -100  # Oregon
    assert 45 < by_code["eu-north-1"].latitude < 70  # Stockholm


def test_countries_and_jurisdictions() -> None:
    for region in all_regions():
        assert ISO_COUNTRY.match(region.country_code)
        assert region.jurisdiction[0] == region.country_code
        assert ("EU" in region.jurisdiction) == (region.country_code in EU_MEMBERS)
        assert region.geography and region.country and region.city
    by_code = {r.code: r for r in all_regions()}
    assert by_code["eu-west-2"].jurisdiction == ("GB",)  # London is outside the EU
    assert by_code["eu-central-2"].jurisdiction == ("CH",)
    assert by_code["us-east-1"].sub_geography == "Virginia"


def test_edge_locations_cover_every_continent_with_unique_codes() -> None:
    edges = all_edge_locations()
    assert len(edges) >= 60
    codes = [e.code for e in edges]
    assert len(codes) == len(set(codes))
    assert all(IATA_CODE.match(c) for c in codes)
    per_area = Counter(e.area for e in edges)
    for area in ("North America", "Europe", "Asia", "Oceania", "South America", "Africa",
                 "Middle East"):
        assert per_area[area] >= 3, area
    assert all(ISO_COUNTRY.match(e.country_code) and e.city and e.pricing_region for e in edges)


def test_feature_zone_ids_are_zones_of_their_region() -> None:
    import json
    from importlib import resources

    from pocketcloud.infra.regions import get_availability_zone_by_id

    text = resources.files("pocketcloud.infra").joinpath("data", "features.json").read_text()
    for name, feature in json.loads(text)["features"].items():
        for region, zone_ids in feature["zone_ids"].items():
            for zone_id in zone_ids:
                zone = get_availability_zone_by_id(zone_id)
                assert zone is not None and zone.region_code == region, (name, zone_id)


def test_service_availability_data_names_only_known_regions() -> None:
    import json
    from importlib import resources

    from pocketcloud.infra.regions import is_valid_region

    text = resources.files("pocketcloud.infra").joinpath("data", "service_regions.json")
    services = json.loads(text.read_text())["services"]
    for prefix, where in services.items():
        listed = [where["global"]] if isinstance(where, dict) else ([] if where == "all" else where)
        assert all(is_valid_region(code) for code in listed), prefix
    assert services["sqs"] == "all" and services["iam"] == {"global": "us-east-1"}
    assert services["route53domains"] == ["us-east-1"]

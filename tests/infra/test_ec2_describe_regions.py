"""EC2 DescribeRegions: enabled Regions by default, opt-in status per account, filters."""

from __future__ import annotations

import pytest
from tests.infra.conftest import MakeContext

from pocketcloud.errors import AwsError
from pocketcloud.services.account.provider import enable_region
from pocketcloud.services.ec2.provider import describe_regions

ENABLED_BY_DEFAULT_COUNT = 17


def _names(output: dict) -> list[str]:
    return [r["RegionName"] for r in output["Regions"]]


def test_default_lists_only_the_regions_enabled_for_the_account(make_ctx: MakeContext) -> None:
    regions = describe_regions(make_ctx(), {})["Regions"]
    assert len(regions) == ENABLED_BY_DEFAULT_COUNT
    assert {r["OptInStatus"] for r in regions} == {"opt-in-not-required"}
    names = [r["RegionName"] for r in regions]
    assert names == sorted(names)
    assert "us-east-1" in names and "af-south-1" not in names
    virginia = next(r for r in regions if r["RegionName"] == "us-east-1")
    assert virginia["Endpoint"] == "ec2.us-east-1.amazonaws.com"
    assert virginia["Geography"] == [{"Name": "United States of America"}]


def test_all_regions_includes_the_ones_not_opted_in(make_ctx: MakeContext) -> None:
    regions = describe_regions(make_ctx(), {"AllRegions": True})["Regions"]
    assert len(regions) == 34
    statuses = {r["RegionName"]: r["OptInStatus"] for r in regions}
    assert statuses["mx-central-1"] == "not-opted-in"
    assert statuses["eu-west-1"] == "opt-in-not-required"


def test_an_enabled_opt_in_region_is_listed_as_opted_in(make_ctx: MakeContext) -> None:
    enable_region(make_ctx(service="account"), {"RegionName": "ap-southeast-5"})
    regions = describe_regions(make_ctx(), {})["Regions"]
    assert {"RegionName": "ap-southeast-5", "OptInStatus": "opted-in",
            "Endpoint": "ec2.ap-southeast-5.amazonaws.com",
            "Geography": [{"Name": "Malaysia"}]} in regions
    # Another account has not enabled it.
    other = describe_regions(make_ctx(account_id="210987654321"), {})
    assert "ap-southeast-5" not in _names(other)


def test_named_regions_are_returned_whether_enabled_or_not(make_ctx: MakeContext) -> None:
    output = describe_regions(make_ctx(), {"RegionNames": ["il-central-1", "eu-west-2"]})
    assert _names(output) == ["eu-west-2", "il-central-1"]


def test_an_unknown_region_name_is_invalid(make_ctx: MakeContext) -> None:
    with pytest.raises(AwsError) as caught:
        describe_regions(make_ctx(), {"RegionNames": ["us-east-1", "mars-north-1"]})
    assert caught.value.code == "InvalidParameterValue"
    assert caught.value.status_code == 400
    assert "mars-north-1" in caught.value.message


def test_filters_with_wildcards(make_ctx: MakeContext) -> None:
    europe = describe_regions(
        make_ctx(), {"AllRegions": True,
                     "Filters": [{"Name": "region-name", "Values": ["eu-*"]}]})
    assert _names(europe) == ["eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
                              "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3"]
    opt_in_europe = describe_regions(make_ctx(), {"AllRegions": True, "Filters": [
        {"Name": "region-name", "Values": ["eu-*"]},
        {"Name": "opt-in-status", "Values": ["not-opted-in"]},
    ]})
    assert _names(opt_in_europe) == ["eu-central-2", "eu-south-1", "eu-south-2"]
    by_endpoint = describe_regions(make_ctx(), {"Filters": [
        {"Name": "endpoint", "Values": ["ec2.us-west-?.amazonaws.com", "ec2.sa-east-1.*"]}]})
    assert _names(by_endpoint) == ["sa-east-1", "us-west-1", "us-west-2"]


def test_an_unknown_filter_is_invalid(make_ctx: MakeContext) -> None:
    with pytest.raises(AwsError) as caught:
        describe_regions(make_ctx(), {"Filters": [{"Name": "continent", "Values": ["Europe"]}]})
    assert caught.value.code == "InvalidParameterValue"
    assert caught.value.message == "The filter 'continent' is invalid"


def test_too_many_filter_values_is_refused(make_ctx: MakeContext) -> None:
    values = [f"r{i}" for i in range(201)]
    with pytest.raises(AwsError) as caught:
        describe_regions(make_ctx(), {"Filters": [{"Name": "region-name", "Values": values}]})
    assert caught.value.code == "FilterLimitExceeded"


def test_dry_run(make_ctx: MakeContext) -> None:
    with pytest.raises(AwsError) as caught:
        describe_regions(make_ctx(), {"DryRun": True})
    assert caught.value.code == "DryRunOperation"
    assert caught.value.status_code == 412

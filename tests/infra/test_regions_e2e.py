"""Regions, zones and opt-in through unmodified clients (boto3, the AWS CLI) and a real server.

Each test uses its own account (a 12-digit access key is that account), since the server is
shared by the whole session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError

DOCUMENTED_DEFAULT_REGIONS = [  # AWS's example output for list-regions ENABLED_BY_DEFAULT
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
    "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
]


def test_describe_regions(client) -> None:
    ec2 = client("ec2", aws_access_key_id="100000000001")
    enabled = ec2.describe_regions()["Regions"]
    assert sorted(r["RegionName"] for r in enabled) == DOCUMENTED_DEFAULT_REGIONS
    assert {"RegionName": "eu-west-1", "Endpoint": "ec2.eu-west-1.amazonaws.com",
            "OptInStatus": "opt-in-not-required",
            "Geography": [{"Name": "Ireland"}]} in enabled
    everything = ec2.describe_regions(AllRegions=True)["Regions"]
    assert len(everything) == 34
    asia = ec2.describe_regions(
        AllRegions=True, Filters=[{"Name": "region-name", "Values": ["ap-southeast-*"]}])
    assert len(asia["Regions"]) == 7


def test_describe_availability_zones(client) -> None:
    ec2 = client("ec2", region_name="us-west-1", aws_access_key_id="100000000002")
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [(z["ZoneName"], z["ZoneId"], z["State"]) for z in zones] == [
        ("us-west-1a", "usw1-az1", "available"), ("us-west-1c", "usw1-az3", "available")]
    one = client("ec2", region_name="us-east-2").describe_availability_zones(
        ZoneNames=["us-east-2a"])["AvailabilityZones"][0]
    assert one["ZoneId"] == "use2-az1" and one["GroupName"] == "us-east-2-zg-1"


def test_unknown_zone_is_aws_error(client) -> None:
    with pytest.raises(ClientError) as caught:
        client("ec2").describe_availability_zones(ZoneNames=["us-east-1z"])
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == "Invalid availability zone: [us-east-1z]"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_enabling_a_region_shows_in_ec2(client) -> None:
    key = {"aws_access_key_id": "100000000003"}
    account = client("account", **key)
    assert account.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == \
        "DISABLED"
    account.enable_region(RegionName="af-south-1")
    assert account.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == \
        "ENABLED"
    statuses = {r["RegionName"]: r["OptInStatus"]
                for r in client("ec2", **key).describe_regions()["Regions"]}
    assert statuses["af-south-1"] == "opted-in"
    zones = client("ec2", region_name="af-south-1", **key).describe_availability_zones()
    assert [z["ZoneId"] for z in zones["AvailabilityZones"]] == [
        "afs1-az1", "afs1-az2", "afs1-az3"]


def test_default_region_cannot_be_disabled(client) -> None:
    with pytest.raises(ClientError) as caught:
        client("account", aws_access_key_id="100000000004").disable_region(
            RegionName="eu-west-1")
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_list_regions_paginates(client) -> None:
    paginator = client("account", aws_access_key_id="100000000005").get_paginator(
        "list_regions")
    names = [r["RegionName"] for page in paginator.paginate(PaginationConfig={"PageSize": 8})
             for r in page["Regions"]]
    assert len(names) == len(set(names)) == 34


def test_aws_cli_lists_the_regions_enabled_by_default(endpoint: str) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "100000000006"}
    answer = subprocess.run(
        [sys.executable, "-m", "awscli", "account", "list-regions", "--endpoint-url", endpoint,
         "--region-opt-status-contains", "ENABLED_BY_DEFAULT",
         "--query", "Regions[*].RegionName", "--output", "json"],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == DOCUMENTED_DEFAULT_REGIONS

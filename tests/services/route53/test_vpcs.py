"""Private zones and their VPCs: an id that is no VPC's, associations, ListHostedZonesByVPC."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError


def _vpc() -> dict[str, str]:
    return {"VPCId": f"vpc-{uuid.uuid4().hex[:17]}", "VPCRegion": "us-east-1"}


def _private_zone(route53, unique, vpc: dict[str, str]) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    created = route53.create_hosted_zone(Name=f"{unique()}.corp", VPC=vpc,
                                         CallerReference=unique("r"),
                                         HostedZoneConfig={"PrivateZone": True})
    return created["HostedZone"]["Id"].split("/")[-1], created["HostedZone"]["Name"]


def test_zone_in_a_vpc_that_does_not_exist_is_refused(route53, unique) -> None:
    with pytest.raises(route53.exceptions.InvalidVPCId) as caught:
        route53.create_hosted_zone(Name=f"{unique()}.corp", CallerReference=unique("r"),
                                   VPC={"VPCId": "non-existent", "VPCRegion": "us-east-1"})
    assert caught.value.response["Error"]["Message"] == "The VPC ID is invalid."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    zone_id, _ = _private_zone(route53, unique, _vpc())
    with pytest.raises(route53.exceptions.InvalidVPCId):
        route53.associate_vpc_with_hosted_zone(
            HostedZoneId=zone_id, VPC={"VPCId": "vpc-nope", "VPCRegion": "us-east-1"})


def test_list_hosted_zones_by_vpc_names_the_owner(route53, unique) -> None:
    first, second = _vpc(), _vpc()
    zone_id, name = _private_zone(route53, unique, first)
    route53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC=second, Comment="both")
    listed = route53.list_hosted_zones_by_vpc(VPCId=first["VPCId"], VPCRegion="us-east-1")
    assert listed["HostedZoneSummaries"] == [
        {"HostedZoneId": zone_id, "Name": name, "Owner": {"OwningAccount": "000000000000"}}]
    assert listed["MaxItems"] == "100" and "NextToken" not in listed
    route53.disassociate_vpc_from_hosted_zone(HostedZoneId=zone_id, VPC=second)
    assert route53.list_hosted_zones_by_vpc(
        VPCId=second["VPCId"], VPCRegion="us-east-1")["HostedZoneSummaries"] == []
    with pytest.raises(ClientError) as caught:
        route53.disassociate_vpc_from_hosted_zone(HostedZoneId=zone_id, VPC=second)
    assert caught.value.response["Error"]["Code"] == "VPCAssociationNotFound"


def test_list_hosted_zones_by_vpc_pages_with_next_token(route53, unique) -> None:
    vpc = _vpc()
    made = {_private_zone(route53, unique, vpc)[0] for _ in range(3)}
    seen: list[str] = []
    token: dict[str, str] = {}
    while True:
        page = route53.list_hosted_zones_by_vpc(VPCId=vpc["VPCId"], VPCRegion="us-east-1",
                                                MaxItems="2", **token)
        seen += [s["HostedZoneId"] for s in page["HostedZoneSummaries"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert sorted(seen) == sorted(made)
    with pytest.raises(ClientError) as caught:
        route53.list_hosted_zones_by_vpc(VPCId=vpc["VPCId"], VPCRegion="us-east-1",
                                         NextToken="ZNOTAZONE")
    assert caught.value.response["Error"]["Code"] == "InvalidPaginationToken"

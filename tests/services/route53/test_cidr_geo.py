"""CIDR collections (versions, PUT/DELETE_IF_EXISTS, paging, AWS's errors), the geolocation
list, VPC association authorizations and the reusable delegation set limit."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _put(location: str, *blocks: str) -> dict[str, object]:
    return {"LocationName": location, "Action": "PUT", "CidrList": list(blocks)}


def _delete(location: str, *blocks: str) -> dict[str, object]:
    return {"LocationName": location, "Action": "DELETE_IF_EXISTS", "CidrList": list(blocks)}


def test_cidr_collection_lifecycle(route53, unique) -> None:
    name, reference = unique("c"), unique("r")
    made = route53.create_cidr_collection(Name=name, CallerReference=reference)
    collection = made["Collection"]
    assert collection["Version"] == 1 and collection["Name"] == name
    assert collection["Arn"] == f"arn:aws:route53:::cidrcollection/{collection['Id']}"
    again = route53.create_cidr_collection(Name=name, CallerReference=reference)
    assert again["Collection"] == collection  # the same request again: the same collection
    with pytest.raises(ClientError) as error:
        route53.create_cidr_collection(Name=name, CallerReference=unique("r"))
    assert _error(error)[0] == "CidrCollectionAlreadyExistsException"
    cid = collection["Id"]
    route53.change_cidr_collection(Id=cid, CollectionVersion=1, Changes=[
        _put("office", "192.0.2.0/24", "198.51.100.0/24"), _put("home", "2001:db8::/48")])
    with pytest.raises(ClientError) as error:  # version 1 is stale now
        route53.change_cidr_collection(Id=cid, CollectionVersion=1,
                                       Changes=[_put("x", "203.0.113.0/24")])
    assert _error(error) == ("CidrCollectionVersionMismatchException", 409)
    route53.change_cidr_collection(Id=cid, Changes=[_delete("office", "192.0.2.0/24",
                                                            "10.0.0.0/8")])
    listed = [c for c in route53.list_cidr_collections()["CidrCollections"] if c["Id"] == cid]
    assert listed[0]["Version"] == 3
    locations = route53.list_cidr_locations(CollectionId=cid)["CidrLocations"]
    assert locations == [{"LocationName": "home"}, {"LocationName": "office"}]
    blocks = route53.list_cidr_blocks(CollectionId=cid)["CidrBlocks"]
    assert blocks == [{"CidrBlock": "2001:db8::/48", "LocationName": "home"},
                      {"CidrBlock": "198.51.100.0/24", "LocationName": "office"}]
    first = route53.list_cidr_blocks(CollectionId=cid, MaxResults="1")
    rest = route53.list_cidr_blocks(CollectionId=cid, NextToken=first["NextToken"])
    assert first["CidrBlocks"] + rest["CidrBlocks"] == blocks and "NextToken" not in rest
    with pytest.raises(ClientError) as error:
        route53.list_cidr_blocks(CollectionId=cid, LocationName="nowhere")
    assert _error(error) == ("NoSuchCidrLocationException", 404)
    with pytest.raises(ClientError) as error:
        route53.delete_cidr_collection(Id=cid)
    assert _error(error) == ("CidrCollectionInUseException", 400)
    route53.change_cidr_collection(Id=cid, Changes=[_delete("office", "198.51.100.0/24"),
                                                    _delete("home", "2001:db8::/48")])
    route53.delete_cidr_collection(Id=cid)
    with pytest.raises(ClientError) as error:
        route53.list_cidr_locations(CollectionId=cid)
    assert _error(error) == ("NoSuchCidrCollectionException", 404)


def test_cidr_input_is_checked(route53, unique) -> None:
    cid = route53.create_cidr_collection(Name=unique("c"),
                                         CallerReference=unique("r"))["Collection"]["Id"]
    for bad in ("192.0.2.1/24", "not-a-cidr", "192.0.2.0/25", "2001:db8::/64"):
        with pytest.raises(ClientError) as error:
            route53.change_cidr_collection(Id=cid, Changes=[_put("a", bad)])
        assert _error(error) == ("InvalidInput", 400)
    with pytest.raises(ClientError) as error:
        route53.change_cidr_collection(Id="00000000-0000-0000-0000-000000000000",
                                       Changes=[_put("a", "192.0.2.0/24")])
    assert _error(error) == ("NoSuchCidrCollectionException", 404)
    route53.delete_cidr_collection(Id=cid)


def test_geo_locations(route53) -> None:
    everything = route53.list_geo_locations()
    details = everything["GeoLocationDetailsList"]
    assert details[0] == {"CountryCode": "*", "CountryName": "Default"}
    assert details[-1] == {"ContinentCode": "SA", "ContinentName": "South America"}
    assert not everything["IsTruncated"]
    us = details.index({"CountryCode": "US", "CountryName": "United States"})
    assert details[us + 1]["SubdivisionCode"] == "AK"
    page = route53.list_geo_locations(StartCountryCode="US", StartSubdivisionCode="WY",
                                      MaxItems="2")
    assert [d.get("SubdivisionCode", d["CountryCode"]) for d in
            page["GeoLocationDetailsList"]] == ["WY", "UY"]
    assert page["IsTruncated"] and page["NextCountryCode"] == "UZ"
    last = route53.list_geo_locations(StartContinentCode="OC")
    assert [d["ContinentCode"] for d in last["GeoLocationDetailsList"]] == ["OC", "SA"]
    assert route53.get_geo_location(CountryCode="US", SubdivisionCode="WA")[
        "GeoLocationDetails"]["SubdivisionName"] == "Washington"
    assert route53.get_geo_location(ContinentCode="EU")["GeoLocationDetails"] == {
        "ContinentCode": "EU", "ContinentName": "Europe"}
    with pytest.raises(ClientError) as error:
        route53.get_geo_location(CountryCode="QQ")
    assert _error(error) == ("NoSuchGeoLocation", 404)
    with pytest.raises(ClientError) as error:
        route53.get_geo_location(ContinentCode="EU", CountryCode="FR")
    assert _error(error) == ("InvalidInput", 400)


def test_vpc_association_authorizations(route53, unique) -> None:
    vpc = {"VPCRegion": "eu-west-1", "VPCId": "vpc-0123456789abcdef0"}
    zone_id = route53.create_hosted_zone(Name=f"{unique('p')}.internal.", VPC=vpc,
                                         CallerReference=unique("r"))["HostedZone"]["Id"]
    zone_id = zone_id.split("/")[-1]
    others = [{"VPCRegion": "us-east-1", "VPCId": f"vpc-{i:08x}"} for i in range(3)]
    for other in others:
        made = route53.create_vpc_association_authorization(HostedZoneId=zone_id, VPC=other)
        assert made == {"HostedZoneId": zone_id, "VPC": other, "ResponseMetadata": made[
            "ResponseMetadata"]}
    first = route53.list_vpc_association_authorizations(HostedZoneId=zone_id, MaxResults="2")
    rest = route53.list_vpc_association_authorizations(HostedZoneId=zone_id,
                                                       NextToken=first["NextToken"])
    assert first["VPCs"] + rest["VPCs"] == others
    route53.delete_vpc_association_authorization(HostedZoneId=zone_id, VPC=others[0])
    with pytest.raises(ClientError) as error:
        route53.delete_vpc_association_authorization(HostedZoneId=zone_id, VPC=others[0])
    assert _error(error) == ("VPCAssociationAuthorizationNotFound", 404)
    with pytest.raises(ClientError) as error:
        route53.create_vpc_association_authorization(
            HostedZoneId=zone_id, VPC={"VPCRegion": "us-east-1", "VPCId": "nope"})
    assert _error(error) == ("InvalidVPCId", 400)


def test_reusable_delegation_set_limit(route53, unique) -> None:
    set_id = route53.create_reusable_delegation_set(
        CallerReference=unique("r"))["DelegationSet"]["Id"].split("/")[-1]
    route53.create_hosted_zone(Name=f"{unique('z')}.example.com.", DelegationSetId=set_id,
                               CallerReference=unique("r"))
    limit = route53.get_reusable_delegation_set_limit(
        DelegationSetId=set_id, Type="MAX_ZONES_BY_REUSABLE_DELEGATION_SET")
    assert limit["Limit"] == {"Type": "MAX_ZONES_BY_REUSABLE_DELEGATION_SET", "Value": 100}
    assert limit["Count"] == 1
    with pytest.raises(ClientError) as error:
        route53.get_reusable_delegation_set_limit(
            DelegationSetId="NNOSUCHSET", Type="MAX_ZONES_BY_REUSABLE_DELEGATION_SET")
    assert _error(error)[0] == "NoSuchDelegationSet"

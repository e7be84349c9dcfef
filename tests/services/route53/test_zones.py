"""Hosted zones through boto3: create (NS + SOA, delegation set), idempotency by caller
reference, get, list and list by name with paging, private zones, delete, tags."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from tests.services.route53.conftest import a_record, change


def test_create_hosted_zone_makes_ns_and_soa(route53, unique) -> None:
    name = f"{unique()}.example.org"
    created = route53.create_hosted_zone(Name=name, CallerReference=unique("r"),
                                         HostedZoneConfig={"Comment": "teaching"})
    zone = created["HostedZone"]
    assert zone["Id"].startswith("/hostedzone/Z")
    assert zone["Name"] == name + "."
    assert zone["Config"] == {"Comment": "teaching", "PrivateZone": False}
    assert zone["ResourceRecordSetCount"] == 2
    assert created["ChangeInfo"]["Status"] == "PENDING"
    assert created["Location"].endswith(zone["Id"].split("/")[-1])
    servers = created["DelegationSet"]["NameServers"]
    assert len(servers) == 4 and all(".awsdns-" in s for s in servers)
    records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    assert [(r["Type"], r["TTL"]) for r in records] == [("NS", 172800), ("SOA", 900)]
    assert sorted(v["Value"] for v in records[0]["ResourceRecords"]) == sorted(servers)
    soa = records[1]["ResourceRecords"][0]["Value"].split()
    assert soa[0] == servers[0] and soa[1] == "awsdns-hostmaster.amazon.com."
    assert soa[2:] == ["1", "7200", "900", "1209600", "86400"]


def test_caller_reference_is_not_reusable(route53, unique) -> None:
    reference = unique("r")
    route53.create_hosted_zone(Name=f"{unique()}.example.org", CallerReference=reference)
    with pytest.raises(ClientError) as caught:
        route53.create_hosted_zone(Name=f"{unique()}.example.org", CallerReference=reference)
    assert caught.value.response["Error"]["Code"] == "HostedZoneAlreadyExists"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_get_and_missing_zone(route53, zone) -> None:
    zone_id, name = zone
    got = route53.get_hosted_zone(Id=zone_id)
    assert got["HostedZone"]["Name"] == name
    assert len(got["DelegationSet"]["NameServers"]) == 4
    with pytest.raises(ClientError) as caught:
        route53.get_hosted_zone(Id="ZNOSUCHZONE0000000000")
    error = caught.value.response["Error"]
    assert error["Code"] == "NoSuchHostedZone"
    assert error["Message"] == "No hosted zone found with ID: ZNOSUCHZONE0000000000"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_list_hosted_zones_pages(route53, unique) -> None:
    for _ in range(3):
        route53.create_hosted_zone(Name=f"{unique()}.paging.test", CallerReference=unique("r"))
    seen, marker = [], None
    while True:
        page = route53.list_hosted_zones(MaxItems="2", **({"Marker": marker} if marker else {}))
        assert len(page["HostedZones"]) <= 2 and page["MaxItems"] == "2"
        seen += [z["Id"] for z in page["HostedZones"]]
        if not page["IsTruncated"]:
            break
        marker = page["NextMarker"]
    assert len(seen) == len(set(seen)) >= 3
    assert route53.get_hosted_zone_count()["HostedZoneCount"] == len(seen)


def test_list_hosted_zones_by_name_orders_by_reversed_labels(route53, unique) -> None:
    tld = unique("t")
    for name in ("b.a", "a.b", "a.a", "a"):
        route53.create_hosted_zone(Name=f"{name}.{tld}", CallerReference=unique("r"))
    listed = route53.list_hosted_zones_by_name(DNSName=f"a.{tld}", MaxItems="3")
    names = [z["Name"] for z in listed["HostedZones"]]
    assert names == [f"a.{tld}.", f"a.a.{tld}.", f"b.a.{tld}."]
    assert listed["IsTruncated"] and listed["NextDNSName"] == f"a.b.{tld}."
    following = route53.list_hosted_zones_by_name(DNSName=listed["NextDNSName"],
                                                  HostedZoneId=listed["NextHostedZoneId"],
                                                  MaxItems="1")
    assert following["HostedZones"][0]["Name"] == f"a.b.{tld}."


def test_private_zone_keeps_its_vpc(route53, unique) -> None:
    vpc = {"VPCRegion": "eu-west-1", "VPCId": "vpc-0123456789abcdef0"}
    created = route53.create_hosted_zone(Name=f"{unique()}.internal", VPC=vpc,
                                         CallerReference=unique("r"),
                                         HostedZoneConfig={"PrivateZone": True})
    assert created["HostedZone"]["Config"]["PrivateZone"] is True
    assert created["VPC"] == vpc and "DelegationSet" not in created
    got = route53.get_hosted_zone(Id=created["HostedZone"]["Id"])
    assert got["VPCs"] == [vpc]
    private = route53.list_hosted_zones(HostedZoneType="PrivateHostedZone")["HostedZones"]
    assert created["HostedZone"]["Id"] in [z["Id"] for z in private]


def test_delete_refuses_non_empty_zone_then_deletes(route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"www.{name}", "192.0.2.1")))
    with pytest.raises(ClientError) as caught:
        route53.delete_hosted_zone(Id=zone_id)
    assert caught.value.response["Error"]["Code"] == "HostedZoneNotEmpty"
    change(route53, zone_id, ("DELETE", a_record(f"www.{name}", "192.0.2.1")))
    deleted = route53.delete_hosted_zone(Id=zone_id)
    assert deleted["ChangeInfo"]["Id"].startswith("/change/")
    with pytest.raises(ClientError) as caught:
        route53.get_hosted_zone(Id=zone_id)
    assert caught.value.response["Error"]["Code"] == "NoSuchHostedZone"


def test_update_comment(route53, zone) -> None:
    zone_id, _ = zone
    updated = route53.update_hosted_zone_comment(Id=zone_id, Comment="now with a comment")
    assert updated["HostedZone"]["Config"]["Comment"] == "now with a comment"


def test_tags_on_zones_and_health_checks(route53, zone, unique) -> None:
    zone_id, _ = zone
    route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id,
                                     AddTags=[{"Key": "team", "Value": "web"},
                                              {"Key": "env", "Value": "dev"}])
    route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id,
                                     RemoveTagKeys=["env"])
    tags = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)
    assert tags["ResourceTagSet"]["Tags"] == [{"Key": "team", "Value": "web"}]
    check = route53.create_health_check(CallerReference=unique("hc"), HealthCheckConfig={
        "Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9})["HealthCheck"]
    route53.change_tags_for_resource(ResourceType="healthcheck", ResourceId=check["Id"],
                                     AddTags=[{"Key": "Name", "Value": "primary"}])
    sets = route53.list_tags_for_resources(ResourceType="healthcheck", ResourceIds=[check["Id"]])
    assert sets["ResourceTagSets"][0]["Tags"] == [{"Key": "Name", "Value": "primary"}]
    with pytest.raises(ClientError) as caught:
        route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId="ZMISSING")
    assert caught.value.response["Error"]["Code"] == "NoSuchHostedZone"


def test_limits_are_reported_and_enforced(cloud, unique) -> None:
    import boto3
    from botocore.config import Config

    other = boto3.client("route53", region_name="us-east-1", endpoint_url=cloud.endpoint,
                         aws_access_key_id="222233334444", aws_secret_access_key="x",
                         config=Config(retries={"max_attempts": 1}))
    limit = other.get_account_limit(Type="MAX_HOSTED_ZONES_BY_OWNER")
    assert (limit["Limit"]["Value"], limit["Count"]) == (500, 0)
    zone_ids = [other.create_hosted_zone(Name=f"q{i}.quota.test", CallerReference=f"q{i}")[
        "HostedZone"]["Id"] for i in range(500)]
    with pytest.raises(ClientError) as caught:
        other.create_hosted_zone(Name="one-too-many.quota.test", CallerReference="q500")
    assert caught.value.response["Error"]["Code"] == "TooManyHostedZones"
    rrsets = other.get_hosted_zone_limit(HostedZoneId=zone_ids[0], Type="MAX_RRSETS_BY_ZONE")
    assert (rrsets["Limit"]["Value"], rrsets["Count"]) == (10000, 2)
    dnssec = other.get_dnssec(HostedZoneId=zone_ids[0])
    assert dnssec["Status"]["ServeSignature"] == "NOT_SIGNING"

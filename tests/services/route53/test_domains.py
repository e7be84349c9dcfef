"""Route 53 Domains: availability, registration (which creates the hosted zone, no network
needed), details, listing, operations."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from tests.services.route53.conftest import a_record, change

CONTACT = {"FirstName": "Ada", "LastName": "Lovelace", "ContactType": "PERSON",
           "Email": "ada@example.com", "AddressLine1": "1 Analytical Way", "City": "London",
           "CountryCode": "GB", "ZipCode": "N1 1AA", "PhoneNumber": "+44.2071234567"}


def _register(domains, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(domains.register_domain(DomainName=name, DurationInYears=2,
                                       AdminContact=CONTACT, RegistrantContact=CONTACT,
                                       TechContact=CONTACT)["OperationId"])


def test_register_creates_the_hosted_zone_and_dns_answers(cloud, route53, unique) -> None:
    domains = cloud.client("route53domains")
    name = f"{unique('shop')}.com"
    assert domains.check_domain_availability(DomainName=name)["Availability"] == "AVAILABLE"
    operation = _register(domains, name)
    assert domains.check_domain_availability(DomainName=name)["Availability"] == "UNAVAILABLE"
    detail = domains.get_operation_detail(OperationId=operation)
    assert (detail["Status"], detail["Type"], detail["DomainName"]) == (
        "SUCCESSFUL", "REGISTER_DOMAIN", name)
    zones = route53.list_hosted_zones_by_name(DNSName=name, MaxItems="1")["HostedZones"]
    assert zones[0]["Name"] == name + "."
    assert zones[0]["Config"]["Comment"] == "HostedZone created by Route53 Registrar"
    servers = route53.get_hosted_zone(Id=zones[0]["Id"])["DelegationSet"]["NameServers"]
    got = domains.get_domain_detail(DomainName=name)
    assert [n["Name"] + "." for n in got["Nameservers"]] == servers
    assert got["AdminContact"]["Email"] == CONTACT["Email"] and got["AdminPrivacy"] is True
    assert (got["ExpirationDate"] - got["CreationDate"]).days == 730
    change(route53, zones[0]["Id"], ("CREATE", a_record(f"www.{name}", "192.0.2.80")))
    assert cloud.addresses(f"www.{name}") == ["192.0.2.80"]
    listed = [d["DomainName"] for d in domains.list_domains()["Domains"]]
    assert name in listed
    with pytest.raises(ClientError) as caught:
        _register(domains, name)
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


@pytest.mark.parametrize(("name", "code"), [
    ("not a domain", "InvalidInput"),
    ("example.notatld", "UnsupportedTLD"),
    ("com", "InvalidInput"),
])
def test_bad_names(cloud, name, code) -> None:
    domains = cloud.client("route53domains")
    with pytest.raises(ClientError) as caught:
        domains.check_domain_availability(DomainName=name)
    assert caught.value.response["Error"]["Code"] == code

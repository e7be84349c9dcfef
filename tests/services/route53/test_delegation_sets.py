"""Reusable delegation sets: create, get, list, delete, and zones that share one."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_reusable_set_lifecycle(route53, unique) -> None:
    before = len(route53.list_reusable_delegation_sets()["DelegationSets"])
    created = route53.create_reusable_delegation_set(CallerReference=unique("ds"))
    made = created["DelegationSet"]
    assert made["Id"].startswith("/delegationset/N") and len(made["NameServers"]) == 4
    assert created["Location"].endswith(made["Id"].split("/")[-1])
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    other = route53.create_reusable_delegation_set(CallerReference=unique("ds"))["DelegationSet"]
    assert route53.get_reusable_delegation_set(Id=made["Id"])["DelegationSet"] == made
    assert len(route53.list_reusable_delegation_sets()["DelegationSets"]) == before + 2
    with pytest.raises(ClientError) as caught:
        route53.create_reusable_delegation_set(CallerReference=made["CallerReference"])
    assert _code(caught) == "DelegationSetAlreadyCreated"
    for delegation_set in (made, other):
        route53.delete_reusable_delegation_set(Id=delegation_set["Id"])
    with pytest.raises(ClientError) as caught:
        route53.get_reusable_delegation_set(Id=made["Id"])
    assert _code(caught) == "NoSuchDelegationSet"


def test_zones_share_a_reusable_set(route53, unique) -> None:
    made = route53.create_reusable_delegation_set(CallerReference=unique("ds"))["DelegationSet"]
    zone = route53.create_hosted_zone(Name=f"{unique()}.example.net", CallerReference=unique("r"),
                                      DelegationSetId=made["Id"])
    assert zone["DelegationSet"] == {"Id": made["Id"], "NameServers": made["NameServers"]}
    got = route53.get_hosted_zone(Id=zone["HostedZone"]["Id"])
    assert got["DelegationSet"]["NameServers"] == made["NameServers"]
    with pytest.raises(ClientError) as caught:
        route53.delete_reusable_delegation_set(Id=made["Id"])
    assert _code(caught) == "DelegationSetInUse"
    route53.delete_hosted_zone(Id=zone["HostedZone"]["Id"])
    route53.delete_reusable_delegation_set(Id=made["Id"])
    with pytest.raises(ClientError) as caught:
        route53.create_hosted_zone(Name=f"{unique()}.example.net", CallerReference=unique("r"),
                                   DelegationSetId=made["Id"])
    assert _code(caught) == "NoSuchDelegationSet"


def test_a_zones_own_set_made_reusable(route53, zone, unique) -> None:
    zone_id, _ = zone
    servers = route53.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]
    made = route53.create_reusable_delegation_set(CallerReference=unique("ds"),
                                                  HostedZoneId=zone_id)["DelegationSet"]
    assert made["NameServers"] == servers
    assert route53.get_hosted_zone(Id=zone_id)["DelegationSet"]["Id"] == made["Id"]
    with pytest.raises(ClientError) as caught:
        route53.create_reusable_delegation_set(CallerReference=unique("ds"),
                                               HostedZoneId=zone_id)
    assert _code(caught) == "DelegationSetAlreadyReusable"
    limit = route53.get_account_limit(Type="MAX_REUSABLE_DELEGATION_SETS_BY_OWNER")
    assert limit["Limit"]["Value"] == 100 and limit["Count"] >= 1

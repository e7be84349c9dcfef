"""Traffic policies: documents checked, versions, comments, listing, deletion; instances kept
as state (no record sets are made from them) and counted."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _document(**changes: object) -> str:
    document: dict[str, object] = {
        "AWSPolicyFormatVersion": "2015-10-01", "RecordType": "A", "StartRule": "site",
        "Endpoints": {"blue": {"Type": "value", "Value": "192.0.2.1"},
                      "green": {"Type": "value", "Value": "192.0.2.2"}},
        "Rules": {"site": {"RuleType": "failover",
                           "Primary": {"EndpointReference": "blue"},
                           "Secondary": {"RuleReference": "spread"}},
                  "spread": {"RuleType": "weighted", "Items": [
                      {"EndpointReference": "green", "Weight": "1"}]}},
    }
    document.update(changes)
    return json.dumps({k: v for k, v in document.items() if v is not None})


def test_policy_versions_and_comments(route53, unique) -> None:
    name = unique("tp")
    made = route53.create_traffic_policy(Name=name, Document=_document(), Comment="first")
    policy = made["TrafficPolicy"]
    assert (policy["Version"], policy["Type"], policy["Comment"]) == (1, "A", "first")
    assert made["Location"].endswith(f"/trafficpolicy/{policy['Id']}/1")
    with pytest.raises(ClientError) as error:
        route53.create_traffic_policy(Name=name, Document=_document())
    assert _error(error) == ("TrafficPolicyAlreadyExists", 409)
    second = route53.create_traffic_policy_version(Id=policy["Id"],
                                                   Document=_document(RecordType="AAAA",
                                                                      Endpoints={
        "blue": {"Type": "value", "Value": "2001:db8::1"},
        "green": {"Type": "value", "Value": "2001:db8::2"}}))["TrafficPolicy"]
    assert (second["Version"], second["Name"], second["Type"]) == (2, name, "AAAA")
    updated = route53.update_traffic_policy_comment(Id=policy["Id"], Version=1,
                                                    Comment="renamed")
    assert updated["TrafficPolicy"]["Comment"] == "renamed"
    assert route53.get_traffic_policy(Id=policy["Id"], Version=1)["TrafficPolicy"][
        "Comment"] == "renamed"
    versions = route53.list_traffic_policy_versions(Id=policy["Id"], MaxItems="1")
    assert [v["Version"] for v in versions["TrafficPolicies"]] == [1]
    assert versions["IsTruncated"] and versions["TrafficPolicyVersionMarker"] == "2"
    summaries = route53.list_traffic_policies()["TrafficPolicySummaries"]
    [mine] = [s for s in summaries if s["Id"] == policy["Id"]]
    assert (mine["LatestVersion"], mine["TrafficPolicyCount"], mine["Type"]) == (2, 2, "AAAA")
    route53.delete_traffic_policy(Id=policy["Id"], Version=2)
    with pytest.raises(ClientError) as error:
        route53.get_traffic_policy(Id=policy["Id"], Version=2)
    assert _error(error) == ("NoSuchTrafficPolicy", 404)


@pytest.mark.parametrize("changes", [
    {"AWSPolicyFormatVersion": "2012-10-17"},
    {"RecordType": "SOA"},
    {"StartRule": None},
    {"StartRule": "nowhere"},
    {"StartEndpoint": "blue"},
    {"Rules": {"site": {"RuleType": "failover", "Primary": {"EndpointReference": "blue"},
                        "Secondary": {"EndpointReference": "missing"}}}},
    {"Rules": {"site": {"RuleType": "coinflip"}}},
    {"Rules": {"site": {"RuleType": "failover", "Primary": {"RuleReference": "loop"},
                        "Secondary": {"EndpointReference": "blue"}},
               "loop": {"RuleType": "weighted", "Items": [{"RuleReference": "site"}]}}},
    {"Endpoints": {"blue": {"Type": "teleport", "Value": "x"}}},
])
def test_invalid_documents(route53, unique, changes) -> None:
    with pytest.raises(ClientError) as error:
        route53.create_traffic_policy(Name=unique("bad"), Document=_document(**changes))
    assert _error(error) == ("InvalidTrafficPolicyDocument", 400)


def test_not_json_is_refused(route53, unique) -> None:
    with pytest.raises(ClientError) as error:
        route53.create_traffic_policy(Name=unique("bad"), Document="{not json")
    assert _error(error) == ("InvalidTrafficPolicyDocument", 400)


def test_instances_are_state(route53, zone, unique) -> None:
    zone_id, name = zone
    policy = route53.create_traffic_policy(Name=unique("tp"),
                                           Document=_document())["TrafficPolicy"]
    before = route53.get_traffic_policy_instance_count()["TrafficPolicyInstanceCount"]
    made = route53.create_traffic_policy_instance(
        HostedZoneId=zone_id, Name=f"www.{name}", TTL=60, TrafficPolicyId=policy["Id"],
        TrafficPolicyVersion=1)["TrafficPolicyInstance"]
    assert (made["Name"], made["State"], made["TrafficPolicyType"]) == (f"www.{name}",
                                                                         "Applied", "A")
    assert route53.get_traffic_policy_instance(Id=made["Id"])["TrafficPolicyInstance"] == made
    assert route53.get_traffic_policy_instance_count()["TrafficPolicyInstanceCount"] == \
        before + 1
    with pytest.raises(ClientError) as error:
        route53.create_traffic_policy_instance(
            HostedZoneId=zone_id, Name=f"www.{name}", TTL=60, TrafficPolicyId=policy["Id"],
            TrafficPolicyVersion=1)
    assert _error(error) == ("TrafficPolicyInstanceAlreadyExists", 409)
    with pytest.raises(ClientError) as error:
        route53.create_traffic_policy_instance(
            HostedZoneId=zone_id, Name="www.elsewhere.example.", TTL=60,
            TrafficPolicyId=policy["Id"], TrafficPolicyVersion=1)
    assert _error(error) == ("InvalidInput", 400)
    with pytest.raises(ClientError) as error:
        route53.delete_traffic_policy(Id=policy["Id"], Version=1)
    assert _error(error) == ("TrafficPolicyInUse", 400)
    route53.delete_traffic_policy_instance(Id=made["Id"])
    with pytest.raises(ClientError) as error:
        route53.get_traffic_policy_instance(Id=made["Id"])
    assert _error(error) == ("NoSuchTrafficPolicyInstance", 404)
    route53.delete_traffic_policy(Id=policy["Id"], Version=1)

"""ChangeResourceRecordSets batches: CREATE / DELETE / UPSERT semantics, AWS's validation
and its InvalidChangeBatch words, change status on the clock, listing order and paging."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from tests.services.route53.conftest import a_record, change
from tests.support import advance_clock


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_every_record_type(route53, zone) -> None:
    zone_id, name = zone
    values = {
        "A": "192.0.2.10", "AAAA": "2001:db8::1", "CNAME": "target.example.net",
        "MX": "10 mail.example.net.", "TXT": '"v=spf1 -all"', "SRV": "1 10 5269 xmpp.example.net",
        "CAA": '0 issue "amazon.com"', "PTR": "host.example.net.", "NS": "ns1.example.net.",
    }
    changes = [("CREATE", {"Name": f"{t.lower()}.{name}", "Type": t, "TTL": 300,
                           "ResourceRecords": [{"Value": v}]}) for t, v in values.items()]
    assert change(route53, zone_id, *changes)["ChangeInfo"]["Status"] == "PENDING"
    listed = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    stored = {r["Type"]: r["ResourceRecords"][0]["Value"] for r in listed
              if r["Name"] != name}
    assert stored == values


def test_create_existing_and_delete_missing_are_one_invalid_change_batch(route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"www.{name}", "192.0.2.1")))
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", a_record(f"www.{name}", "192.0.2.1")),
               ("DELETE", a_record(f"gone.{name}", "192.0.2.2")))
    assert _error(caught) == ("InvalidChangeBatch",
                              f"[Tried to create resource record set [name='www.{name}', "
                              f"type='A'] but it already exists, Tried to delete resource record"
                              f" set [name='gone.{name}', type='A'] but it was not found]")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_batch_is_all_or_nothing(route53, zone) -> None:
    zone_id, name = zone
    with pytest.raises(ClientError):
        change(route53, zone_id, ("CREATE", a_record(f"ok.{name}", "192.0.2.1")),
               ("CREATE", a_record(f"bad.{name}", "192.0.2")))
    names = [r["Name"] for r in
             route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]]
    assert f"ok.{name}" not in names


def test_delete_must_match_values_and_upsert_replaces(route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"www.{name}", "192.0.2.1")))
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("DELETE", a_record(f"www.{name}", "192.0.2.9")))
    assert _error(caught)[1] == (f"[Tried to delete resource record set [name='www.{name}', "
                                 "type='A'] but the values provided do not match the current "
                                 "values]")
    change(route53, zone_id, ("UPSERT", a_record(f"WWW.{name}", "192.0.2.9", ttl=30)))
    listed = route53.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=f"www.{name}",
                                               StartRecordType="A", MaxItems="1")
    assert listed["ResourceRecordSets"] == [a_record(f"www.{name}", "192.0.2.9", ttl=30)]
    change(route53, zone_id, ("DELETE", a_record(f"www.{name}", "192.0.2.9", ttl=30)),
           ("CREATE", a_record(f"www.{name}", "192.0.2.3")))  # replace in one batch


@pytest.mark.parametrize(("rtype", "value", "words"), [
    ("A", "192.0.2", "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)"),
    ("AAAA", "192.0.2.1", "AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address)"),
    ("MX", "mail.example.com", "UnparseableRRDATA (Value is not a valid MX record)"),
])
def test_bad_values_say_what_aws_says(route53, zone, rtype, value, words) -> None:
    zone_id, name = zone
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", {"Name": f"x.{name}", "Type": rtype, "TTL": 60,
                                             "ResourceRecords": [{"Value": value}]}))
    assert _error(caught) == ("InvalidChangeBatch", f"[Invalid Resource Record: 'FATAL "
                              f"problem: {words} encountered with '{value}'']")


def test_names_outside_zone_cname_rules_and_apex(route53, zone) -> None:
    zone_id, name = zone
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", a_record("www.elsewhere.org", "192.0.2.1")))
    assert _error(caught)[1] == f"[RRSet with DNS name www.elsewhere.org. is not permitted " \
                                f"in zone {name}]"
    cname = {"Name": name, "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "x.org"}]}
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", cname))
    assert _error(caught)[1] == f"[RRSet of type CNAME with DNS name {name} is not permitted " \
                                f"at apex in zone {name}]"
    change(route53, zone_id, ("CREATE", a_record(f"both.{name}", "192.0.2.1")))
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", {**cname, "Name": f"both.{name}"}))
    assert "conflicts with other records with the same DNS name" in _error(caught)[1]
    soa = route53.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=name,
                                            StartRecordType="SOA")["ResourceRecordSets"][0]
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("DELETE", soa))
    assert "SOA" in _error(caught)[1]


def test_malformed_changes_are_invalid_input(route53, zone) -> None:
    zone_id, name = zone
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", {"Name": f"x.{name}", "Type": "A"}))
    assert _error(caught) == ("InvalidInput", "Invalid request: Expected exactly one of "
                              "[AliasTarget, all of [TTL, and ResourceRecords], or "
                              "TrafficPolicyInstanceId], but found none in Change with "
                              f"[Action=CREATE, Name=x.{name}, Type=A, SetIdentifier=null]")
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", a_record(f"w.{name}", "192.0.2.1", Weight=10)))
    assert _error(caught)[1] == ("Invalid request: Missing field 'SetIdentifier' in Change "
                                 f"with [Action=CREATE, Name=w.{name}, Type=A, "
                                 "SetIdentifier=null]")
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", a_record(f"w.{name}", "192.0.2.1", Weight=10,
                                                     Region="us-east-1", SetIdentifier="a")))
    assert "but found more than one" in _error(caught)[1]


def test_routing_policies_do_not_mix(route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, ("CREATE", a_record(f"mix.{name}", "192.0.2.1")))
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", a_record(f"mix.{name}", "192.0.2.2", Weight=1,
                                                     SetIdentifier="w")))
    assert "a non-weighted set exists with the same name and type" in _error(caught)[1]


def test_alias_to_missing_target_is_refused(route53, zone) -> None:
    zone_id, name = zone
    alias = {"Name": f"alias.{name}", "Type": "A", "AliasTarget": {
        "HostedZoneId": zone_id, "DNSName": f"nothing.{name}", "EvaluateTargetHealth": False}}
    with pytest.raises(ClientError) as caught:
        change(route53, zone_id, ("CREATE", alias))
    assert _error(caught)[1] == (f"[Tried to create an alias that targets nothing.{name}, type"
                                 f" A in zone {zone_id}, but that target was not found]")


def test_change_goes_insync_on_the_cloud_clock(route53, zone, cloud) -> None:
    zone_id, name = zone
    info = change(route53, zone_id, ("CREATE", a_record(f"c.{name}", "192.0.2.1")))["ChangeInfo"]
    assert route53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "PENDING"
    advance_clock(cloud.endpoint, 5)
    assert route53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "INSYNC"
    with pytest.raises(ClientError) as caught:
        route53.get_change(Id="CNOSUCHCHANGE")
    assert _error(caught)[0] == "NoSuchChange"


def test_list_orders_by_reversed_labels_then_type_and_pages(route53, zone) -> None:
    zone_id, name = zone
    records = [a_record(f"{n}{name}", "192.0.2.1") for n in ("b.", "a.b.", "c.a.", "a.")]
    records.append({"Name": f"a.{name}", "Type": "TXT", "TTL": 60,
                    "ResourceRecords": [{"Value": '"t"'}]})
    records += [a_record(f"w.{name}", f"192.0.2.{i}", SetIdentifier=f"s{i}", Weight=i)
                for i in (2, 1)]
    change(route53, zone_id, *(("CREATE", r) for r in records))
    seen, start = [], {}
    while True:
        page = route53.list_resource_record_sets(HostedZoneId=zone_id, MaxItems="2", **start)
        seen += [(r["Name"], r["Type"], r.get("SetIdentifier")) for r in page["ResourceRecordSets"]]
        if not page["IsTruncated"]:
            break
        start = {"StartRecordName": page["NextRecordName"],
                 "StartRecordType": page["NextRecordType"]}
        if "NextRecordIdentifier" in page:
            start["StartRecordIdentifier"] = page["NextRecordIdentifier"]
    assert seen == [(name, "NS", None), (name, "SOA", None), (f"a.{name}", "A", None),
                    (f"a.{name}", "TXT", None), (f"c.a.{name}", "A", None),
                    (f"b.{name}", "A", None), (f"a.b.{name}", "A", None),
                    (f"w.{name}", "A", "s1"), (f"w.{name}", "A", "s2")]


def test_list_without_max_items_returns_pages_of_100(route53, zone) -> None:
    zone_id, name = zone
    change(route53, zone_id, *(("CREATE", a_record(f"h{i:03d}.{name}", "192.0.2.1"))
                               for i in range(100)))
    first = route53.list_resource_record_sets(HostedZoneId=zone_id)
    assert first["MaxItems"] == "100" and first["IsTruncated"] is True
    assert len(first["ResourceRecordSets"]) == 100
    rest = route53.list_resource_record_sets(HostedZoneId=zone_id,
                                             StartRecordName=first["NextRecordName"],
                                             StartRecordType=first["NextRecordType"])
    assert len(rest["ResourceRecordSets"]) == 2 and rest["IsTruncated"] is False
    everything = route53.list_resource_record_sets(HostedZoneId=zone_id, MaxItems="300")
    assert len(everything["ResourceRecordSets"]) == 102 and everything["MaxItems"] == "300"

"""Route 53 answers checked against recordings of real AWS (and AWS's documented behaviour
where no recording covers a case)."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


@pytest.fixture
def route53(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client("route53", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def _label() -> str:
    return f"tld{uuid.uuid4().hex[:8]}"


def test_public_zone_for_a_top_level_domain_is_reserved(route53) -> None:
    """AWS: "You can't create a hosted zone for a top-level domain (TLD) such as .com"."""
    label = _label()
    with pytest.raises(ClientError) as caught:
        route53.create_hosted_zone(Name=label, CallerReference=uuid.uuid4().hex)
    assert caught.value.response["Error"] == {
        "Code": "InvalidDomainName", "Message": f"{label} is reserved by AWS!",
        "Type": "Sender"}
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_private_zone_may_use_a_single_label(route53) -> None:
    """As recorded (test_associate_vpc_with_hosted_zone): a private zone named zone123."""
    label = _label()
    created = route53.create_hosted_zone(
        Name=label, CallerReference=uuid.uuid4().hex,
        HostedZoneConfig={"PrivateZone": True, "Comment": "test"},
        VPC={"VPCId": "vpc-0123456789abcdef0", "VPCRegion": "us-east-1"})
    assert created["HostedZone"]["Name"] == f"{label}."
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201


def test_reused_caller_reference_is_refused_with_aws_wording(route53) -> None:
    """As AWS answers (reported verbatim in saltstack/salt#40655 and openshift/installer#8453):
    the message names no reference, and the status is 409."""
    reference = uuid.uuid4().hex
    route53.create_hosted_zone(Name=f"{_label()}.com", CallerReference=reference)
    with pytest.raises(ClientError) as caught:
        route53.create_hosted_zone(Name=f"{_label()}.com", CallerReference=reference)
    assert caught.value.response["Error"] == {
        "Code": "HostedZoneAlreadyExists", "Type": "Sender",
        "Message": "A hosted zone has already been created with the specified caller "
                   "reference."}
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def _refused_value(route53, rtype: str, *values: str) -> dict:  # type: ignore[no-untyped-def]
    zone_id = route53.create_hosted_zone(Name=f"{_label()}.com",
                                         CallerReference=uuid.uuid4().hex)["HostedZone"]["Id"]
    name = route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"]
    with pytest.raises(ClientError) as caught:
        route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": f"v.{name}", "Type": rtype, "TTL": 60,
                "ResourceRecords": [{"Value": v} for v in values]}}]})
    return caught.value.response["Error"]


def test_unquoted_txt_value_is_refused(route53) -> None:
    """As AWS answers (reported in external-dns#4792, redhat-cop/infra-ansible#376, octodns#1196):
    TXT values must be enclosed in quotation marks."""
    assert _refused_value(route53, "TXT", "token-value") == {
        "Code": "InvalidChangeBatch", "Type": "Sender",
        "Message": "[Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value "
                   "should be enclosed in quotation marks) encountered with 'token-value'']"}


def test_cname_with_two_values_is_refused_in_the_quoted_form(route53) -> None:
    """AWS's current InvalidChangeBatch wording quotes the FATAL problem (external-dns#4792)."""
    assert _refused_value(route53, "CNAME", "a.example.net", "b.example.net") == {
        "Code": "InvalidChangeBatch", "Type": "Sender",
        "Message": "[Invalid Resource Record: 'FATAL problem: RRDATATooManyValues (A CNAME "
                   "record set can have only one value) encountered with 'b.example.net'']"}


def test_get_change_of_an_unknown_id(route53) -> None:
    """As AWS answers (recorded in boto/botocore#543 and aws/aws-sdk-go-v2#1838)."""
    with pytest.raises(ClientError) as caught:
        route53.get_change(Id="C15RYMEZ8RZJFM")
    assert caught.value.response["Error"] == {
        "Code": "NoSuchChange", "Type": "Sender",
        "Message": "Could not find resource with ID: C15RYMEZ8RZJFM"}
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

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

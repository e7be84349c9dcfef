"""The gateway as clients meet it: health, routing clues, AWS's errors for what isn't served."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError


def test_health_reports_version_uptime_data_dir_and_services(server) -> None:
    health = server.health()
    assert health["status"] == "running"
    assert health["version"]
    assert health["uptime_s"] >= 0
    assert health["data_dir"]
    assert health["services"]["sts"] == "running"


def test_unknown_admin_path_is_404_json(endpoint: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(endpoint + "/_pocketcloud/nope", timeout=5)
    assert caught.value.code == 404
    assert "error" in json.load(caught.value)


def test_unserved_json_service_answers_501_naming_service_and_operation(client) -> None:
    kinesis = client("kinesis")
    with pytest.raises(ClientError) as caught:
        kinesis.list_streams()
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "kinesis" in error["Error"]["Message"]
    assert "ListStreams" in error["Error"]["Message"]


def test_unserved_query_service_answers_501(client) -> None:
    with pytest.raises(ClientError) as caught:
        client("cloudformation").list_stacks()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "ListStacks" in caught.value.response["Error"]["Message"]


def test_unserved_rest_json_service_answers_501(client) -> None:
    with pytest.raises(ClientError) as caught:
        client("apigatewayv2").get_apis()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "GetApis" in caught.value.response["Error"]["Message"]


def test_unserved_cbor_service_answers_501(client) -> None:
    with pytest.raises(ClientError) as caught:
        client("cloudwatch").list_metrics()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "ListMetrics" in caught.value.response["Error"]["Message"]


def test_unknown_query_action_is_invalid_action(endpoint: str) -> None:
    request = urllib.request.Request(
        endpoint + "/",
        data=b"Action=NoSuchThing&Version=2011-06-15",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 "
            "Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    body = caught.value.read().decode()
    assert "<Code>InvalidAction</Code>" in body
    assert caught.value.headers["x-amzn-RequestId"]


def test_unsigned_query_request_is_missing_authentication_token(endpoint: str) -> None:
    request = urllib.request.Request(
        endpoint + "/",
        data=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 403
    assert "MissingAuthenticationToken" in caught.value.read().decode()


def test_unknown_json_target_is_a_client_error(endpoint: str) -> None:
    request = urllib.request.Request(
        endpoint + "/",
        data=b"{}",
        headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "NoSuchPrefix.Op"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400


def test_localstack_style_host_routes_by_service_and_region(endpoint: str, server) -> None:
    # Tools written for LocalStack address sts.<region>.localhost.localstack.cloud; such a
    # name need not resolve here, so the Host header is set on a request to our port.
    request = urllib.request.Request(
        endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Host": f"sts.eu-west-3.localhost.localstack.cloud:{server.port}"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        body = answer.read().decode()
    assert "<Account>000000000000</Account>" in body


def test_region_that_does_not_exist_fails_like_aws(client) -> None:
    with pytest.raises(ClientError) as caught:
        client("sts", region_name="xx-nowhere-1").get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert "valid region" in caught.value.response["Error"]["Message"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_opt_in_region_refuses_credentials_until_enabled(client) -> None:
    key = "333344445555"  # an account of its own: enabling a region is per account
    sts = client("sts", region_name="ap-east-1", aws_access_key_id=key)
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"
    ec2 = client("ec2", region_name="ap-east-1", aws_access_key_id=key)
    with pytest.raises(ClientError) as caught:
        ec2.describe_availability_zones()
    assert caught.value.response["Error"]["Code"] == "AuthFailure"
    client("account", aws_access_key_id=key).enable_region(RegionName="ap-east-1")
    assert sts.get_caller_identity()["Account"] == key
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert {z["ZoneName"] for z in zones} >= {"ap-east-1a", "ap-east-1b", "ap-east-1c"}

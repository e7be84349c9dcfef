"""The serializers against real service specs, read back by botocore as boto3 would.

Covers what the protocol suites do not: codes no spec models, empty and partial results
for every operation, each protocol's envelope and request-id headers, modeled error fields
and the query-compatible codes of services that moved off the query protocol.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse
from pocketcloud.protocol.serializing import serialize_error, serialize_response
from pocketcloud.protocol.specs import operation_model, service_model

REQUEST_ID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
SERVICE_PROTOCOLS = [
    ("sqs", "json"),
    ("sqs", "query"),
    ("s3", "rest-xml"),
    ("route53", "rest-xml"),
    ("lambda", "rest-json"),
    ("ec2", "ec2"),
    ("iam", "query"),
    ("dynamodb", "json"),
    ("logs", "json"),
    ("cloudwatch", "smithy-rpc-v2-cbor"),
    ("cloudwatch", "json"),
    ("cloudwatch", "query"),
]
REQUEST_ID_HEADERS = ("x-amzn-RequestId", "x-amz-request-id")


def parse_as_client(
    response: HttpResponse, operation: OperationModel, protocol: str | None = None
) -> dict[str, Any]:
    """What a botocore client makes of a response, modeled error fields included."""
    parser = create_parser(protocol or operation.service_model.metadata["protocol"])
    streaming = operation.has_streaming_output and response.status_code < 300
    wire = {
        "status_code": response.status_code,
        "headers": HeadersDict(response.headers),
        "body": io.BytesIO(response.body) if streaming else response.body,  # as botocore does
        "context": {"operation_name": operation.name},
    }
    parsed: dict[str, Any] = parser.parse(wire, operation.output_shape)
    if response.status_code >= 300:
        shape = operation.service_model.shape_for_error_code(parsed["Error"]["Code"])
        if shape is not None:
            parsed.update(parser.parse(wire, shape))
    return parsed


def _first_operation(model: ServiceModel) -> OperationModel:
    return model.operation_model(model.operation_names[0])


@pytest.mark.parametrize(("service", "protocol"), SERVICE_PROTOCOLS, ids="-".join)
def test_unknown_error_code_is_sent_as_is(service: str, protocol: str) -> None:
    model = service_model(service)
    error = AwsError("PocketcloudUnmodeledThing", "it broke <badly> & loudly", 409)

    response = serialize_error(model, error, REQUEST_ID, protocol)

    parsed = parse_as_client(response, _first_operation(model), protocol)
    assert response.status_code == 409
    assert parsed["Error"]["Code"] == "PocketcloudUnmodeledThing"
    assert parsed["Error"]["Message"] == "it broke <badly> & loudly"
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


@pytest.mark.parametrize(("service", "protocol"), SERVICE_PROTOCOLS, ids="-".join)
def test_empty_result_serializes_for_every_operation(service: str, protocol: str) -> None:
    model = service_model(service)
    for name in model.operation_names:
        operation = model.operation_model(name)

        response = serialize_response(operation, {}, REQUEST_ID, protocol)

        assert response.status_code < 300, name
        assert any(header in response.headers for header in REQUEST_ID_HEADERS), name
        if not operation.has_event_stream_output:
            parsed = parse_as_client(response, operation, protocol)
            assert "Error" not in parsed, name


def test_partial_nested_results_read_back_unchanged() -> None:
    launched = datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)
    cases = [
        ("ec2", "DescribeInstances", {"Reservations": [{"Instances": [{"InstanceId": "i-1"}]}]}),
        ("ec2", "DescribeInstances", {"Reservations": [{"Instances": [{"LaunchTime": launched}]}]}),
        ("s3", "ListObjectsV2", {"Contents": [{"Key": "a.txt"}], "KeyCount": 1}),
        ("dynamodb", "Query", {"Items": [{"pk": {"S": "a"}, "n": {"N": "1"}}], "Count": 1}),
        ("lambda", "ListFunctions", {"Functions": [{"FunctionName": "f"}]}),
        ("iam", "ListUsers", {"Users": [{"UserName": "alice", "CreateDate": launched}]}),
        ("cloudwatch", "ListMetrics", {"Metrics": [{"Namespace": "AWS/EC2"}]}),
    ]
    for service, name, result in cases:
        operation = operation_model(service, name)

        parsed = parse_as_client(serialize_response(operation, result, REQUEST_ID), operation)

        parsed.pop("ResponseMetadata")
        assert parsed == result, f"{service}.{name}"


def test_query_envelope_has_result_wrapper_and_request_id() -> None:
    operation = operation_model("sts", "GetCallerIdentity")
    result = {"UserId": "AIDA", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"}

    response = serialize_response(operation, result, REQUEST_ID)

    body = response.body.decode()
    assert body.startswith(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<GetCallerIdentityResult>"
    )
    assert f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>" in body
    assert response.headers["Content-Type"] == "text/xml"
    assert response.headers["x-amzn-RequestId"] == REQUEST_ID
    assert parse_as_client(response, operation)["Account"] == "123456789012"


def test_sqs_answers_query_requests_in_query() -> None:
    operation = operation_model("sqs", "SendMessage")
    result = {"MessageId": "m-1", "MD5OfMessageBody": "0cc175b9c0f1b6a831c399e269772661"}

    response = serialize_response(operation, result, REQUEST_ID, "query")

    body = response.body.decode()
    assert body.startswith(
        '<SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">'
    )
    assert "<SendMessageResult><MessageId>m-1</MessageId>" in body


def test_ec2_has_request_id_first_and_no_result_wrapper() -> None:
    operation = operation_model("ec2", "DescribeKeyPairs")
    result = {"KeyPairs": [{"KeyName": "laptop", "KeyPairId": "key-0123"}]}

    response = serialize_response(operation, result, REQUEST_ID)

    body = response.body.decode()
    assert "<DescribeKeyPairsResponse xmlns=" in body
    assert f"><requestId>{REQUEST_ID}</requestId><keySet><item>" in body
    assert "Result>" not in body
    assert parse_as_client(response, operation)["KeyPairs"] == result["KeyPairs"]


def test_s3_object_bytes_and_headers() -> None:
    operation = operation_model("s3", "GetObject")
    modified = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    result = {
        "Body": b"\x00\x01binary\xff",
        "ContentType": "image/png",
        "ContentLength": 10,
        "ETag": '"9b2cf535f27731c974343645a3985328"',
        "LastModified": modified,
        "Metadata": {"owner": "alice"},
    }

    response = serialize_response(operation, result, REQUEST_ID)

    assert response.body == b"\x00\x01binary\xff"
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Last-Modified"] == "Tue, 02 Jan 2024 03:04:05 GMT"
    assert response.headers["x-amz-meta-owner"] == "alice"
    assert response.headers["x-amz-request-id"] == REQUEST_ID
    assert response.headers["x-amz-id-2"]
    parsed = parse_as_client(response, operation)
    assert parsed["Body"].read() == b"\x00\x01binary\xff"
    assert parsed["LastModified"] == modified
    assert parsed["Metadata"] == {"owner": "alice"}


def test_s3_error_is_a_bare_error_element() -> None:
    error = AwsError("NoSuchKey", "The specified key does not exist.", 404)

    response = serialize_error(service_model("s3"), error, REQUEST_ID)

    body = response.body.decode()
    assert "<Error><Code>NoSuchKey</Code>" in body
    assert f"<RequestId>{REQUEST_ID}</RequestId><HostId>" in body
    parsed = parse_as_client(response, operation_model("s3", "GetObject"))
    assert parsed["Error"]["Code"] == "NoSuchKey"
    assert parsed["ResponseMetadata"]["HostId"] == response.headers["x-amz-id-2"]


def test_route53_error_is_wrapped_like_query() -> None:
    error = AwsError("NoSuchHostedZone", "No hosted zone found with ID: Z1", 404)

    response = serialize_error(service_model("route53"), error, REQUEST_ID)

    assert "<ErrorResponse" in response.body.decode()
    assert "<Type>Sender</Type><Code>NoSuchHostedZone</Code>" in response.body.decode()
    parsed = parse_as_client(response, operation_model("route53", "GetHostedZone"))
    assert parsed["Error"]["Code"] == "NoSuchHostedZone"


def test_modeled_error_fields_reach_the_client() -> None:
    reasons = [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"},
    ]
    error = AwsError(
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons",
        fields={"CancellationReasons": reasons},
    )

    response = serialize_error(service_model("dynamodb"), error, REQUEST_ID)

    parsed = parse_as_client(response, operation_model("dynamodb", "TransactWriteItems"))
    assert parsed["Error"]["Code"] == "TransactionCanceledException"
    assert parsed["CancellationReasons"] == reasons


@pytest.mark.parametrize("code", ["DashboardNotFoundError", "ResourceNotFound"])
@pytest.mark.parametrize("protocol", ["query", "json", "smithy-rpc-v2-cbor"])
def test_query_compatible_codes(code: str, protocol: str) -> None:
    """CloudWatch's DashboardNotFoundError is ResourceNotFound on the query wire."""
    error = AwsError(code, "Dashboard does not exist", 404)

    response = serialize_error(service_model("cloudwatch"), error, REQUEST_ID, protocol)

    if protocol != "query":
        assert response.headers["x-amzn-query-error"] == "ResourceNotFound;Sender"
    parsed = parse_as_client(response, operation_model("cloudwatch", "GetDashboard"), protocol)
    assert parsed["Error"]["Code"] == "ResourceNotFound"


def test_cbor_headers_and_timestamps() -> None:
    operation = operation_model("cloudwatch", "GetMetricData")
    moment = datetime(2024, 3, 4, 5, 6, 7, 250000, tzinfo=UTC)
    result = {"MetricDataResults": [{"Id": "m1", "Timestamps": [moment], "Values": [1.5]}]}

    response = serialize_response(operation, result, REQUEST_ID)

    assert response.headers["Content-Type"] == "application/cbor"
    assert response.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert b"\xc1\xfb" in response.body  # tag 1 wrapping a float64
    parsed = parse_as_client(response, operation)
    assert parsed["MetricDataResults"][0]["Timestamps"] == [moment]


def test_json_versions_and_rest_json_status() -> None:
    logs = serialize_response(operation_model("logs", "DescribeLogGroups"), {}, REQUEST_ID)
    dynamodb = serialize_response(operation_model("dynamodb", "ListTables"), {}, REQUEST_ID)
    created = serialize_response(
        operation_model("lambda", "CreateFunction"), {"FunctionName": "f"}, REQUEST_ID
    )

    assert logs.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert dynamodb.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert created.status_code == 201
    assert created.headers["Content-Type"] == "application/json"


def test_error_headers_are_sent() -> None:
    error = AwsError(
        "SlowDown", "Please reduce your request rate.", 503, headers={"Retry-After": "1"}
    )

    response = serialize_error(service_model("s3"), error, REQUEST_ID)

    assert response.headers["Retry-After"] == "1"
    assert response.status_code == 503


@pytest.mark.parametrize(
    ("service", "name", "member"),
    [
        ("sqs", "GetQueueUrl", "QueueUrl"),
        ("iam", "GetUser", None),
        ("s3", "GetBucketPolicy", "Policy"),
    ],
)
def test_awkward_text_round_trips(service: str, name: str, member: str | None) -> None:
    text = "a<b>&c \"quoted\" 'single' \r\n\ttab ünï©ødé 🎉 ]]> &amp;"
    result: dict[str, Any] = (
        {member: text} if member else {"User": {"UserName": text, "Path": "/", "UserId": "AIDA",
                                                "Arn": "arn", "CreateDate": datetime.now(UTC)}}
    )  # fmt: skip
    operation = operation_model(service, name)

    parsed = parse_as_client(serialize_response(operation, result, REQUEST_ID), operation)

    assert (parsed[member] if member else parsed["User"]["UserName"]) == text


def test_unknown_protocol_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown protocol 'soap'"):
        serialize_response(operation_model("sqs", "ListQueues"), {}, REQUEST_ID, "soap")


def test_s3_error_carries_unmodeled_fields_for_the_client() -> None:
    error = AwsError(
        "AuthorizationHeaderMalformed",
        "The authorization header is malformed; the region 'us-east-1' is wrong",
        400,
        fields={"Region": "eu-west-1", "Key": "a<b"},
    )

    response = serialize_error(service_model("s3"), error, REQUEST_ID)

    assert "<Key>a&lt;b</Key>" in response.body.decode()
    parsed = parse_as_client(response, operation_model("s3", "GetObject"))
    assert parsed["Error"]["Region"] == "eu-west-1"


def test_s3_not_modified_has_no_body() -> None:
    error = AwsError("NotModified", "Not Modified", 304, headers={"ETag": '"abc"'})

    response = serialize_error(service_model("s3"), error, REQUEST_ID)

    assert response.status_code == 304
    assert response.body == b""
    assert response.headers["ETag"] == '"abc"'


@pytest.mark.parametrize("region", ["eu-west-1", None])
def test_s3_bucket_location_is_one_text_element(region: str | None) -> None:
    operation = operation_model("s3", "GetBucketLocation")

    response = serialize_response(operation, {"LocationConstraint": region}, REQUEST_ID)

    assert response.body.decode().endswith(
        '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"{region or ''}</LocationConstraint>"
    )
    # botocore reads this element's text in a handler (parse_get_bucket_location), not its
    # parser; the end-to-end S3 tests check what boto3 returns.

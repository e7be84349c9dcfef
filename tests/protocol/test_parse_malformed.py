"""Bad requests get the protocol's own 400 error, never a crash (a 500)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import cbor2
import pytest

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpRequest
from pocketcloud.protocol.parsing import parse_request
from pocketcloud.protocol.parsing.failures import ParseFailure
from pocketcloud.protocol.parsing.json import parse_json_document
from pocketcloud.protocol.specs import operation_model


def _parse(
    service: str,
    operation: str,
    protocol: str,
    body: bytes = b"",
    *,
    method: str = "POST",
    path: str = "/",
    query: str = "",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    request = HttpRequest(method, path, query, headers or {}, body)
    return parse_request(operation_model(service, operation), request, protocol)


def _error(call: Callable[[], object]) -> AwsError:
    with pytest.raises(AwsError) as raised:
        call()
    return raised.value


def _json(body: bytes) -> AwsError:
    return _error(lambda: _parse("sqs", "SendMessage", "json", body))


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"QueueUrl": "q", "MessageBody": "hi"', id="truncated"),
        pytest.param(b"[1, 2]", id="not-an-object"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-too-deep"),
        pytest.param(b'{"QueueUrl": 7}', id="number-for-string"),
        pytest.param(b'{"DelaySeconds": "ten"}', id="string-for-integer"),
        pytest.param(b'{"DelaySeconds": 1.5}', id="fraction-for-integer"),
        pytest.param(b'{"DelaySeconds": true}', id="boolean-for-integer"),
        pytest.param(b'{"DelaySeconds": 99999999999}', id="integer-out-of-range"),
        pytest.param(b'{"DelaySeconds": 1' + b"0" * 5000 + b"}", id="integer-too-long"),
        pytest.param(b'{"MessageAttributes": []}', id="list-for-map"),
        pytest.param(b'{"MessageAttributes": {"a": {"BinaryValue": "!!"}}}', id="bad-base64"),
    ],
)
def test_json_mistakes_are_serialization_exceptions(body: bytes) -> None:
    error = _json(body)
    assert (error.code, error.status_code) == ("SerializationException", 400)


@pytest.mark.parametrize(
    "text",
    ['{"a": 1}', ' {"a": 1}', '{"a": 1} ', '\n{"a": [1, 2.5, null, true]}\t', '"x"', "7",
     "NaN", '{"a": 1}{"b": 2}', '{"a": 1} x', "\ufeff{}", "", " ", '{"a": 1', "[1,]",
     '{"a": "\\u00e9"}', '{"a": 1, "a": 2}'],
)
def test_json_documents_decode_exactly_as_json_loads(text: str) -> None:
    """The fast path of a body without surrounding whitespace changes no value and no error."""
    try:
        expected: Any = json.loads(text)
    except ValueError:
        with pytest.raises(ParseFailure) as raised:
            parse_json_document(text.encode())
        assert raised.value.kind == "malformed"
        return
    got = parse_json_document(text.encode())
    assert json.dumps(got) == json.dumps(expected)  # NaN compares unequal to itself


def test_json_error_names_the_member() -> None:
    error = _json(b'{"MessageAttributes": {"color": {"DataType": 5}}}')
    assert "MessageAttributes.color.DataType" in error.message


def test_json_union_takes_one_member() -> None:
    # a union with two members in every botocore release since 2023 (s3fs's aiobotocore can
    # pin an older botocore than the newest)
    union = {"ImageClassificationJobConfig": {}, "TextClassificationJobConfig": {}}
    body = json.dumps({"AutoMLJobName": "j", "AutoMLProblemTypeConfig": union}).encode()
    error = _error(lambda: _parse("sagemaker", "CreateAutoMLJobV2", "json", body))
    assert error.code == "SerializationException"
    assert "AutoMLProblemTypeConfig" in error.message


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\xff\xff\xff", id="garbage"),
        pytest.param(cbor2.dumps({"Namespace": "n"})[:-1], id="truncated"),
        pytest.param(cbor2.dumps([1, 2]), id="not-a-map"),
        pytest.param(cbor2.dumps({"Namespace": 5}), id="number-for-string"),
        pytest.param(cbor2.dumps({"MetricData": [{"Value": "high"}]}), id="string-for-double"),
        pytest.param(b"\x81" * 10_000 + b"\x01", id="nested-too-deep"),
        pytest.param(
            bytes([0xA1, 0x61, 0x61, 0xD8, 0x1C, 0xA1, 0x61, 0x62, 0xD8, 0x1D, 0x00]), id="cycle"
        ),
    ],
)
def test_cbor_mistakes_are_serialization_exceptions(body: bytes) -> None:
    error = _error(lambda: _parse("cloudwatch", "PutMetricData", "smithy-rpc-v2-cbor", body))
    assert (error.code, error.status_code) == ("SerializationException", 400)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(b"RoleArn=a%ffb", "MalformedQueryString", id="not-utf8"),
        pytest.param(b"DurationSeconds=soon", "InvalidParameterValue", id="bad-integer"),
        pytest.param(b"Tags.member.first.Key=a", "InvalidParameterValue", id="bad-list-index"),
        pytest.param(b"Tags.member.1=a", "InvalidParameterValue", id="value-for-structure"),
        pytest.param(b"RoleArn" + b".x" * 100 + b"=1", "MalformedQueryString", id="too-deep"),
    ],
)
def test_query_mistakes(body: bytes, code: str) -> None:
    error = _error(lambda: _parse("sts", "AssumeRole", "query", b"Action=AssumeRole&" + body))
    assert (error.code, error.status_code) == (code, 400)


def test_ec2_mistakes() -> None:
    body = b"Action=DescribeInstances&MaxResults=lots"
    error = _error(lambda: _parse("ec2", "DescribeInstances", "ec2", body))
    assert (error.code, error.status_code) == ("InvalidParameterValue", 400)


def _s3(operation: str, body: bytes = b"", **request: Any) -> dict[str, Any]:
    return _parse("s3", operation, "rest-xml", body, **request)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Tagging><TagSet><Tag><Key>&lol2;</Key><Value>v</Value></Tag></TagSet></Tagging>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE t [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Tagging><TagSet><Tag><Key>&secret;</Key><Value>v</Value></Tag></TagSet></Tagging>"""


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<Tagging><TagSet><Tag><Key>a</Key>", id="truncated"),
        pytest.param(b"not xml at all", id="not-xml"),
        pytest.param(b"<Tagging></Tagging><Tagging/>", id="two-roots"),
        pytest.param(BILLION_LAUGHS, id="entity-expansion"),
        pytest.param(EXTERNAL_ENTITY, id="external-entity"),
        pytest.param(b"<Tagging>&undefined;</Tagging>", id="undefined-entity"),
        pytest.param(b"<a>" * 1000 + b"</a>" * 1000, id="nested-too-deep"),
    ],
)
def test_s3_bad_xml_is_malformed_xml(body: bytes) -> None:
    error = _error(
        lambda: _s3("PutObjectTagging", body, method="PUT", path="/b/k", query="tagging")
    )
    assert (error.code, error.status_code) == ("MalformedXML", 400)


def test_s3_bad_value_in_body_is_malformed_xml() -> None:
    body = (
        b"<LifecycleConfiguration><Rule><Status>Enabled</Status>"
        b"<Expiration><Days>soon</Days></Expiration></Rule></LifecycleConfiguration>"
    )
    error = _error(
        lambda: _s3(
            "PutBucketLifecycleConfiguration", body, method="PUT", path="/b", query="lifecycle"
        )
    )
    assert (error.code, error.status_code) == ("MalformedXML", 400)


def test_s3_bad_header_or_query_value_is_invalid_argument() -> None:
    header = _error(
        lambda: _s3("PutObject", method="PUT", path="/b/k", headers={"content-length": "big"})
    )
    query = _error(
        lambda: _s3("ListObjectsV2", method="GET", path="/b", query="list-type=2&max-keys=x")
    )
    assert (header.code, header.status_code) == ("InvalidArgument", 400)
    assert (query.code, query.status_code) == ("InvalidArgument", 400)
    assert "max-keys" in query.message


def test_rest_json_mistakes_are_serialization_exceptions() -> None:
    bad_body = _error(
        lambda: _parse(
            "lambda",
            "CreateFunction",
            "rest-json",
            b'{"FunctionName": ',
            path="/2015-03-31/functions",
        )
    )
    bad_query = _error(
        lambda: _parse(
            "lambda",
            "ListFunctions",
            "rest-json",
            method="GET",
            path="/2015-03-31/functions/",
            query="MaxItems=many",
        )
    )
    bad_header = _error(
        lambda: _parse(
            "ebs",
            "CompleteSnapshot",
            "rest-json",
            path="/snapshots/completion/snap-1",
            headers={"x-amz-changedblockscount": "many"},
        )
    )
    bad_label = _error(
        lambda: _parse(
            "lambda",
            "GetFunction",
            "rest-json",
            method="GET",
            path="/2015-03-31/functions/f",
            query="Qualifier=%ff",
        )
    )
    for error in (bad_body, bad_query, bad_header, bad_label):
        assert (error.code, error.status_code) == ("SerializationException", 400)


# Valid requests, one per protocol, mangled at random: every outcome is a dict or a 400.
SEED_REQUESTS = {
    "json": (
        "sqs",
        "SendMessageBatch",
        json.dumps(
            {
                "QueueUrl": "q",
                "Entries": [
                    {
                        "Id": "1",
                        "MessageBody": "b",
                        "DelaySeconds": 1,
                        "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": "aGk="}},
                    }
                ],
            }
        ).encode(),
    ),
    "query": (
        "sts",
        "AssumeRole",
        b"Action=AssumeRole&RoleArn=a&RoleSessionName=s&DurationSeconds=900"
        b"&Tags.member.1.Key=k&Tags.member.1.Value=v&PolicyArns.member.1.arn=x",
    ),
    "ec2": (
        "ec2",
        "DescribeInstances",
        b"Action=DescribeInstances&Filter.1.Name=n&Filter.1.Value.1=v"
        b"&InstanceId.1=i-1&MaxResults=5&DryRun=false",
    ),
    "smithy-rpc-v2-cbor": (
        "cloudwatch",
        "PutMetricData",
        cbor2.dumps(
            {
                "Namespace": "n",
                "MetricData": [
                    {
                        "MetricName": "m",
                        "Value": 1.5,
                        "Timestamp": cbor2.CBORTag(1, 1_600_000_000),
                        "Dimensions": [{"Name": "a", "Value": "b"}],
                    }
                ],
            }
        ),
    ),
    "rest-xml": (
        "s3",
        "PutBucketLifecycleConfiguration",
        b"<LifecycleConfiguration><Rule><ID>r</ID>"
        b"<Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3"
        b"</Days><Date>2020-01-01T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>",
    ),
    "rest-json": (
        "lambda",
        "CreateFunction",
        json.dumps(
            {
                "FunctionName": "f",
                "Role": "r",
                "Code": {"ZipFile": "UEsDBA=="},
                "Timeout": 3,
                "Environment": {"Variables": {"A": "1"}},
                "Layers": ["l"],
            }
        ).encode(),
    ),
}
REST_PATHS = {
    "rest-xml": ("PUT", "/b", "lifecycle"),
    "rest-json": ("POST", "/2015-03-31/functions", ""),
}


def _mangle(body: bytes, rng: random.Random) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randrange(len(data) + 1)
        if choice < 0.3 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.5:
            del data[position:]
        elif choice < 0.7:
            data[position:position] = rng.choice(
                [b"{", b"[", b"<", b"&", b"%", b".1", b"\xff", b'"', b"\x9f"]
            )
        else:
            data[position:position] = data[rng.randrange(len(data) + 1) :][:20]
    return bytes(data)


@pytest.mark.parametrize("protocol", sorted(SEED_REQUESTS))
def test_mangled_requests_never_crash(protocol: str) -> None:
    service, operation, body = SEED_REQUESTS[protocol]
    method, path, query = REST_PATHS.get(protocol, ("POST", "/", ""))
    assert isinstance(
        _parse(service, operation, protocol, body, method=method, path=path, query=query), dict
    )
    rng = random.Random(f"pocketcloud-{protocol}")
    outcomes = {"parsed": 0, "rejected": 0}
    for _ in range(1500):
        mangled = _mangle(body, rng)
        try:
            _parse(service, operation, protocol, mangled, method=method, path=path, query=query)
            outcomes["parsed"] += 1
        except AwsError as error:
            assert error.status_code == 400, error
            outcomes["rejected"] += 1
    assert outcomes["rejected"] > 0

"""RestRouter picks the operation AWS would for a rest-json / rest-xml request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.model import OperationModel, Shape
from botocore.serialize import create_serializer

from pocketcloud.protocol.rest_router import RestRouter, UriTemplate
from pocketcloud.protocol.specs import service_model


@pytest.fixture(scope="module")
def s3() -> RestRouter:
    return RestRouter(service_model("s3"))


@pytest.fixture(scope="module")
def lambda_() -> RestRouter:
    return RestRouter(service_model("lambda"))


@pytest.fixture(scope="module")
def route53() -> RestRouter:
    return RestRouter(service_model("route53"))


def _cases(*cases: tuple[str, str, str, str, dict[str, str]]) -> list[Any]:
    """Readable test ids: `GET /photos?list-type=2 -> ListObjectsV2`."""
    return [
        pytest.param(*case, id=f"{case[0]} {case[1]}{'?' + case[2] if case[2] else ''}")
        for case in cases
    ]


def _route(
    router: RestRouter,
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[str, dict[str, str]] | None:
    found = router.match(method, path, query, headers)
    return None if found is None else (found[0].name, found[1])


@pytest.mark.parametrize(
    ("method", "path", "query", "operation", "labels"),
    _cases(
        (
            "GET",
            "/photos/2024/cat.jpg",
            "",
            "GetObject",
            {"Bucket": "photos", "Key": "2024/cat.jpg"},
        ),
        ("GET", "/photos", "list-type=2&prefix=a", "ListObjectsV2", {"Bucket": "photos"}),
        ("GET", "/photos", "", "ListObjects", {"Bucket": "photos"}),
        ("GET", "/photos/", "", "ListObjects", {"Bucket": "photos"}),
        ("GET", "/photos", "uploads", "ListMultipartUploads", {"Bucket": "photos"}),
        (
            "POST",
            "/photos/big.bin",
            "uploads",
            "CreateMultipartUpload",
            {"Bucket": "photos", "Key": "big.bin"},
        ),
        ("PUT", "/photos", "tagging", "PutBucketTagging", {"Bucket": "photos"}),
        ("PUT", "/photos/a/b", "tagging", "PutObjectTagging", {"Bucket": "photos", "Key": "a/b"}),
        ("GET", "/photos/a", "tagging", "GetObjectTagging", {"Bucket": "photos", "Key": "a"}),
        ("HEAD", "/photos", "", "HeadBucket", {"Bucket": "photos"}),
        ("HEAD", "/photos/cat.jpg", "", "HeadObject", {"Bucket": "photos", "Key": "cat.jpg"}),
        ("PUT", "/photos/cat.jpg", "", "PutObject", {"Bucket": "photos", "Key": "cat.jpg"}),
        ("PUT", "/photos", "", "CreateBucket", {"Bucket": "photos"}),
        ("DELETE", "/photos/cat.jpg", "", "DeleteObject", {"Bucket": "photos", "Key": "cat.jpg"}),
        ("POST", "/photos", "delete", "DeleteObjects", {"Bucket": "photos"}),
        ("GET", "/", "", "ListBuckets", {}),
        (
            "GET",
            "/photos/big.bin",
            "uploadId=u1",
            "ListParts",
            {"Bucket": "photos", "Key": "big.bin"},
        ),
        (
            "PUT",
            "/photos/big.bin",
            "partNumber=1&uploadId=u1",
            "UploadPart",
            {"Bucket": "photos", "Key": "big.bin"},
        ),
        ("GET", "/photos", "analytics", "ListBucketAnalyticsConfigurations", {"Bucket": "photos"}),
        (
            "GET",
            "/photos",
            "analytics&id=a1",
            "GetBucketAnalyticsConfiguration",
            {"Bucket": "photos"},
        ),
        ("GET", "/photos", "lifecycle", "GetBucketLifecycleConfiguration", {"Bucket": "photos"}),
        (
            "POST",
            "/photos/k",
            "select&select-type=2",
            "SelectObjectContent",
            {"Bucket": "photos", "Key": "k"},
        ),
    ),
)
def test_s3_routes(
    s3: RestRouter, method: str, path: str, query: str, operation: str, labels: dict[str, str]
) -> None:
    assert _route(s3, method, path, query) == (operation, labels)


def test_s3_keys_are_decoded_and_keep_their_slashes(s3: RestRouter) -> None:
    assert _route(s3, "GET", "/b/dir/a%20b%2Bc.txt", "") == (
        "GetObject",
        {"Bucket": "b", "Key": "dir/a b+c.txt"},
    )
    assert _route(s3, "GET", "/b/dir/", "") == ("GetObject", {"Bucket": "b", "Key": "dir/"})
    assert _route(s3, "GET", "/b//leading-slash", "") == (
        "GetObject",
        {"Bucket": "b", "Key": "/leading-slash"},
    )


def test_s3_required_headers_tell_copy_from_put(s3: RestRouter) -> None:
    copy = {"x-amz-copy-source": "src/key"}
    assert _route(s3, "PUT", "/b/k", "", copy)[0] == "CopyObject"  # type: ignore[index]
    assert _route(s3, "PUT", "/b/k", "", {})[0] == "PutObject"  # type: ignore[index]
    part = "partNumber=2&uploadId=u"
    assert _route(s3, "PUT", "/b/k", part, copy)[0] == "UploadPartCopy"  # type: ignore[index]
    assert _route(s3, "PUT", "/b/k", part, {})[0] == "UploadPart"  # type: ignore[index]


def test_s3_sdk_hint_x_id_must_agree(s3: RestRouter) -> None:
    template = UriTemplate("/{Bucket}/{Key+}?x-id=GetObject")
    assert template.query_fits({})  # plain `GET /bucket/key` (curl, presigned URLs) fits
    assert template.hint_disagrees({"x-id": "PutObject"})
    assert not template.hint_disagrees({"x-id": "GetObject"})


def test_no_operation_fits(s3: RestRouter, lambda_: RestRouter) -> None:
    assert s3.match("PATCH", "/b/k", "") is None
    assert lambda_.match("GET", "/2015-03-31/nothing-here", "") is None
    assert lambda_.match("GET", "no-leading-slash", "") is None
    assert s3.match("GET", "/b/%ff%fe", "") is None  # not UTF-8


def test_query_values_routing_compares_are_decoded_and_others_left_to_the_parser(
    s3: RestRouter,
) -> None:
    def operation(query: str) -> str | None:
        found = s3.match("GET", "/b", query)
        return None if found is None else found[0].name

    assert operation("list-type=%32") == "ListObjectsV2"  # "2", percent-encoded
    assert operation("list-type=2&x-id=List%4FbjectsV2") == "ListObjectsV2"
    assert operation("list-type=2&x-id=GetObject%ff") is None  # a hint that is not UTF-8
    # a value routing never compares is not decoded here: the parser answers its 400
    assert operation("list-type=2&prefix=%ff%fe") == "ListObjectsV2"
    assert operation("%ff=1") is None  # a name routing cannot read


@pytest.mark.parametrize(
    ("method", "path", "query", "operation", "labels"),
    _cases(
        (
            "POST",
            "/2015-03-31/functions/my-fn/invocations",
            "",
            "Invoke",
            {"FunctionName": "my-fn"},
        ),
        ("GET", "/2015-03-31/functions/my-fn", "", "GetFunction", {"FunctionName": "my-fn"}),
        (
            "GET",
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af",
            "Qualifier=1",
            "GetFunction",
            {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f"},
        ),
        ("GET", "/2015-03-31/functions/", "", "ListFunctions", {}),
        ("GET", "/2015-03-31/functions", "MaxItems=5", "ListFunctions", {}),
        ("POST", "/2015-03-31/functions", "", "CreateFunction", {}),
        ("DELETE", "/2015-03-31/functions/f", "", "DeleteFunction", {"FunctionName": "f"}),
        (
            "GET",
            "/2015-03-31/functions/f/aliases/live",
            "",
            "GetAlias",
            {"FunctionName": "f", "Name": "live"},
        ),
        ("GET", "/2018-10-31/layers", "find=LayerVersion&Arn=x", "GetLayerVersionByArn", {}),
        ("GET", "/2018-10-31/layers", "", "ListLayers", {}),
        (
            "GET",
            "/2019-09-30/functions/f/provisioned-concurrency",
            "List=ALL",
            "ListProvisionedConcurrencyConfigs",
            {"FunctionName": "f"},
        ),
        (
            "GET",
            "/2019-09-30/functions/f/provisioned-concurrency",
            "Qualifier=1",
            "GetProvisionedConcurrencyConfig",
            {"FunctionName": "f"},
        ),
    ),
)
def test_lambda_routes(
    lambda_: RestRouter, method: str, path: str, query: str, operation: str, labels: dict[str, str]
) -> None:
    assert _route(lambda_, method, path, query) == (operation, labels)


@pytest.mark.parametrize(
    ("method", "path", "query", "operation", "labels"),
    _cases(
        ("POST", "/2013-04-01/hostedzone", "", "CreateHostedZone", {}),
        ("GET", "/2013-04-01/hostedzone", "", "ListHostedZones", {}),
        ("GET", "/2013-04-01/hostedzone/Z123", "", "GetHostedZone", {"Id": "Z123"}),
        ("GET", "/2013-04-01/hostedzonecount", "", "GetHostedZoneCount", {}),
        (
            "GET",
            "/2013-04-01/hostedzonesbyname",
            "dnsname=example.com",
            "ListHostedZonesByName",
            {},
        ),
        (
            "POST",
            "/2013-04-01/hostedzone/Z123/rrset/",
            "",
            "ChangeResourceRecordSets",
            {"Id": "Z123"},
        ),
        ("GET", "/2013-04-01/hostedzone/Z123/rrset", "", "ListResourceRecordSets", {"Id": "Z123"}),
        ("GET", "/2013-04-01/change/C1", "", "GetChange", {"Id": "C1"}),
        ("DELETE", "/2013-04-01/hostedzone/Z123", "", "DeleteHostedZone", {"Id": "Z123"}),
    ),
)
def test_route53_routes(
    route53: RestRouter, method: str, path: str, query: str, operation: str, labels: dict[str, str]
) -> None:
    assert _route(route53, method, path, query) == (operation, labels)


# Operations whose requests no router can tell apart: the same method, path and query, and
# no distinguishing required member. The current operation wins over its deprecated twin;
# ListDirectoryBuckets differs from ListBuckets only by host (S3 Express's endpoint).
INDISTINGUISHABLE = {
    ("s3", "GetBucketLifecycle"): "GetBucketLifecycleConfiguration",
    ("s3", "GetBucketNotification"): "GetBucketNotificationConfiguration",
    ("s3", "PutBucketLifecycle"): "PutBucketLifecycleConfiguration",
    ("s3", "PutBucketNotification"): "PutBucketNotificationConfiguration",
    ("s3", "ListDirectoryBuckets"): "ListBuckets",
}


@pytest.mark.parametrize("service", ["s3", "lambda", "route53", "apigateway", "s3control"])
def test_every_operation_botocore_sends_routes_back_to_itself(service: str) -> None:
    model = service_model(service)
    router = RestRouter(model)
    serializer = create_serializer(model.metadata["protocol"], include_validation=False)
    wrong = {}
    for name in model.operation_names:
        operation = model.operation_model(name)
        request = serializer.serialize_to_request(_required_params(operation), operation)
        path, _, query = request["url_path"].partition("?")
        extra = request["query_string"]
        extra = urlencode(extra, doseq=True) if isinstance(extra, dict) else extra
        query = "&".join(part for part in (query, extra) if part)
        headers = {key.lower(): str(value) for key, value in request["headers"].items()}
        found = router.match(request["method"], path, query, headers)
        got = None if found is None else found[0].name
        if got != INDISTINGUISHABLE.get((service, name), name):
            wrong[name] = got
    assert wrong == {}


def _required_params(operation: OperationModel) -> dict[str, Any]:
    shape = operation.input_shape
    return {} if shape is None else _sample(shape)


def _sample(shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("union"):
            name, member = next(iter(shape.members.items()))
            return {name: _sample(member)}
        return {name: _sample(shape.members[name]) for name in shape.required_members}
    samples: dict[str, Any] = {
        "list": lambda: [_sample(shape.member)],  # type: ignore[attr-defined]
        "map": lambda: {"k": _sample(shape.value)},  # type: ignore[attr-defined]
        "string": lambda: shape.enum[0] if getattr(shape, "enum", None) else "name1",  # type: ignore[attr-defined]
        "integer": lambda: 1,
        "long": lambda: 1,
        "float": lambda: 1.5,
        "double": lambda: 1.5,
        "boolean": lambda: True,
        "timestamp": lambda: datetime(2020, 1, 1, tzinfo=UTC),
        "blob": lambda: b"x",
    }
    return samples[kind]()


def test_remembered_choices_never_mix_requests_up(s3: RestRouter) -> None:
    """Choices are remembered by a request's signature (segments that are literals, query
    keys templates name, required headers): alternating requests still route right."""
    copy = {"x-amz-copy-source": "src/k"}

    def route(method: str, path: str, query: str = "", headers: Any = None) -> tuple[str, Any]:
        found = s3.match(method, path, query, headers=headers or {})
        assert found is not None
        return found[0].name, found[1]

    for _ in range(2):  # the second round is answered from what the first remembered
        assert route("PUT", "/b/k1") == ("PutObject", {"Bucket": "b", "Key": "k1"})
        assert route("PUT", "/b2/dir/k2", "", copy) == (
            "CopyObject", {"Bucket": "b2", "Key": "dir/k2"})
        assert route("PUT", "/b/k", "partNumber=1&uploadId=u")[0] == "UploadPart"
        assert route("PUT", "/b/k", "partNumber=1&uploadId=u", copy)[0] == "UploadPartCopy"
        assert route("PUT", "/b/k", "acl")[0] == "PutObjectAcl"
        assert route("PUT", "/b")[0] == "CreateBucket"
        assert route("PUT", "/b/")[0] == "CreateBucket"
        assert route("GET", "/b", "list-type=2")[0] == "ListObjectsV2"
        assert route("GET", "/b", "list-type=3")[0] == "ListObjects"
        assert route("GET", "/b", "X-Amz-Credential=a%2Fb&prefix=p")[0] == "ListObjects"
        assert route("GET", "/WriteGetObjectResponse/k") == (
            "GetObject", {"Bucket": "WriteGetObjectResponse", "Key": "k"})
        assert route("GET", "/b/k", "x-id=GetObject") == ("GetObject", {"Bucket": "b", "Key": "k"})

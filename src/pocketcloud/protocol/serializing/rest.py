"""rest-json and rest-xml: members bound to headers, header maps, the status code, a payload
member (raw bytes, or one structure as the whole body) or, by default, the body.

Members bound to the URI or query string in the spec have no place in a response and are
written to the body, as AWS's protocol tests require.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse
from pocketcloud.protocol.serializing import jsonlike, wire
from pocketcloud.protocol.serializing import xml as xmlc
from pocketcloud.protocol.serializing.error_shapes import error_info, fault_word, query_error_header
from pocketcloud.protocol.serializing.headers import header_text_of
from pocketcloud.protocol.serializing.values import to_bytes, xml_text

# Binding kinds, first item of each binding tuple.
BODY_JSON, BODY_XML, HEADER, HEADER_MAP, STATUS, PAYLOAD = range(6)
JSON_CONTENT_TYPE = "application/json"
RAW_CONTENT_TYPES = {"blob": "application/octet-stream", "string": "text/plain"}


@dataclass(frozen=True)
class _Payload:
    kind: str  # "raw" (blob/string bytes), "json", "xml" (one structure) or "none" (event stream)
    content_type: str
    convert: jsonlike.Converter | None = None
    xml_plan: xmlc.StructurePlan | None = None
    xml_start: str = ""
    xml_close: str = ""


@dataclass(frozen=True)
class RestPlan:
    bindings: dict[str, tuple[Any, ...]]  # member name -> binding
    has_body: bool  # a body is written even when no body member is set
    payload: _Payload | None
    xml_body: xmlc.StructurePlan | None
    xml_start: str
    xml_close: str
    default_status: int


def _build_plan(
    service_model: ServiceModel, shape: Shape | None, xml: bool, status: int, root: str = ""
) -> RestPlan:
    if shape is None:
        return RestPlan({}, False, None, None, "", "", status)
    payload_name = shape.serialization.get("payload")
    bindings: dict[str, tuple[Any, ...]] = {}
    body_members: dict[str, Shape] = {}
    json_compiler = jsonlike.compiler_for(service_model, False)
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if name == payload_name:
            bindings[name] = (PAYLOAD,)
        elif location == "header":
            bindings[name] = (HEADER, wire_name, header_text_of(member))
        elif location == "headers":
            bindings[name] = (HEADER_MAP, member.serialization.get("name", ""))
        elif location == "statusCode":
            bindings[name] = (STATUS,)
        elif payload_name is None:  # with a payload member, nothing else goes in the body
            body_members[name] = member
            bindings[name] = (
                (BODY_XML,) if xml else (BODY_JSON, wire_name, json_compiler.converter(member))
            )
    payload = None if payload_name is None else _payload(service_model, payload_name, shape, xml)
    xml_body = xmlc.compiler_for(service_model).plan_for_members(body_members) if xml else None
    namespace = shape.serialization.get("xmlNamespace") or wire.xml_namespace(service_model)
    start, close = xmlc.element_tags(root or shape.serialization.get("name", shape.name),
                                     namespace)
    return RestPlan(bindings, bool(body_members), payload, xml_body, start, close, status)


def _payload(service_model: ServiceModel, name: str, shape: Shape, xml: bool) -> _Payload:
    member: Shape = shape.members[name]  # type: ignore[attr-defined]
    if member.type_name in RAW_CONTENT_TYPES:
        return _Payload("raw", RAW_CONTENT_TYPES[member.type_name])
    if member.serialization.get("eventstream"):
        return _Payload("none", "")  # event streams are not framed by this layer
    if not xml:
        convert = jsonlike.compiler_for(service_model, False).converter(member)
        return _Payload("json", JSON_CONTENT_TYPE, convert)
    plan = xmlc.compiler_for(service_model).structure_plan(member)
    start, close = xmlc.element_tags(
        _payload_element(service_model, name, member), _namespace(service_model, member)
    )
    return _Payload("xml", _xml_content_type(service_model), None, plan, start, close)


def _payload_element(service_model: ServiceModel, name: str, member: Shape) -> str:
    """The member's own ``locationName``, else the target shape's, else the shape's name."""
    explicit: str | None = member.serialization.get("name")
    if explicit and explicit != name:
        return explicit
    target = service_model.shape_for(member.name)
    return str(target.serialization.get("name", explicit or member.name))


def _namespace(service_model: ServiceModel, member: Shape) -> Any:
    return member.serialization.get("xmlNamespace") or wire.xml_namespace(service_model)


@cache
def _output_plan(operation_model: OperationModel, xml: bool) -> RestPlan:
    status = int(operation_model.http.get("responseCode", 200))
    service_model = operation_model.service_model
    root = _ROOT_ELEMENTS.get((service_model.metadata.get("endpointPrefix", ""),
                               operation_model.name), "")
    return _build_plan(service_model, operation_model.output_shape, xml, status, root)


# The document element S3 really answers with where the spec names none (botocore ignores
# it, but SDKs that parse by element path, e.g. the Java SDK v1's SAX handlers, do not).
_ROOT_ELEMENTS = {("s3", operation): element for operation, element in (
    ("CompleteMultipartUpload", "CompleteMultipartUploadResult"),
    ("CreateMultipartUpload", "InitiateMultipartUploadResult"),
    ("CreateSession", "CreateSessionResult"),
    ("DeleteObjects", "DeleteResult"),
    ("GetBucketAccelerateConfiguration", "AccelerateConfiguration"),
    ("GetBucketAcl", "AccessControlPolicy"),
    ("GetBucketCors", "CORSConfiguration"),
    ("GetBucketLifecycle", "LifecycleConfiguration"),
    ("GetBucketLifecycleConfiguration", "LifecycleConfiguration"),
    ("GetBucketLogging", "BucketLoggingStatus"),
    ("GetBucketNotification", "NotificationConfiguration"),
    ("GetBucketRequestPayment", "RequestPaymentConfiguration"),
    ("GetBucketTagging", "Tagging"),
    ("GetBucketVersioning", "VersioningConfiguration"),
    ("GetBucketWebsite", "WebsiteConfiguration"),
    ("GetObjectAcl", "AccessControlPolicy"),
    ("GetObjectAttributes", "GetObjectAttributesResponse"),
    ("GetObjectTagging", "Tagging"),
    ("ListBucketAnalyticsConfigurations", "ListBucketAnalyticsConfigurationResult"),
    ("ListBucketInventoryConfigurations", "ListInventoryConfigurationsResult"),
    ("ListBucketMetricsConfigurations", "ListMetricsConfigurationsResult"),
    ("ListBuckets", "ListAllMyBucketsResult"),
    ("ListDirectoryBuckets", "ListAllMyDirectoryBucketsResult"),
    ("ListMultipartUploads", "ListMultipartUploadsResult"),
    ("ListObjectVersions", "ListVersionsResult"),
    ("ListObjects", "ListBucketResult"),
    ("ListObjectsV2", "ListBucketResult"),
    ("ListParts", "ListPartsResult"),
)}


@cache
def _error_plan(service_model: ServiceModel, shape_name: str, xml: bool) -> RestPlan:
    return _build_plan(service_model, service_model.shape_for(shape_name), xml, 400)


def _apply(
    plan: RestPlan, result: dict[str, Any], headers: dict[str, str]
) -> tuple[int, dict[str, Any], Any]:
    """Writes header bindings; returns the status, the body members and the payload value."""
    status = plan.default_status
    body: dict[str, Any] = {}
    payload = None
    bindings = plan.bindings
    for name, value in result.items():
        binding = bindings.get(name)
        if binding is None or value is None:
            continue
        kind = binding[0]
        if kind == BODY_JSON:
            body[binding[1]] = value if binding[2] is None else binding[2](value)
        elif kind == BODY_XML:
            body[name] = value
        elif kind == HEADER:
            headers[binding[1]] = binding[2](value)
        elif kind == HEADER_MAP:
            prefix = binding[1]
            headers.update(
                {prefix + key: str(item) for key, item in value.items() if item is not None}
            )
        elif kind == STATUS:
            status = int(value)
        else:
            payload = value
    return status, body, payload


def _payload_body(payload: _Payload, value: Any) -> bytes:
    if value is None or payload.kind == "none":
        return b""
    if payload.kind == "raw":
        return to_bytes(value)
    if payload.kind == "json":
        return wire.json_bytes(value if payload.convert is None else payload.convert(value))
    out = [wire.XML_DECLARATION]
    xmlc.emit_structure(payload.xml_plan, out, value, payload.xml_start, payload.xml_close)  # type: ignore[arg-type]
    return "".join(out).encode("utf-8")


def _set_content_type(headers: dict[str, str], content_type: str) -> None:
    if "Content-Type" not in headers and "content-type" not in headers:
        headers["Content-Type"] = content_type


def rest_json_response(
    operation_model: OperationModel, result: dict[str, Any], request_id: str
) -> HttpResponse:
    plan = _output_plan(operation_model, False)
    headers = {"x-amzn-RequestId": request_id}
    status, body, payload_value = _apply(plan, result, headers)
    if plan.payload is not None:
        content = _payload_body(plan.payload, payload_value)
        content_type = plan.payload.content_type
    else:
        content = wire.json_bytes(body) if plan.has_body else b""
        content_type = JSON_CONTENT_TYPE
    if content:
        _set_content_type(headers, content_type)
    return HttpResponse(status, headers, content)


def rest_xml_response(
    operation_model: OperationModel, result: dict[str, Any], request_id: str
) -> HttpResponse:
    service_model = operation_model.service_model
    plan = _output_plan(operation_model, True)
    headers = _xml_request_id_headers(service_model, request_id)
    status, body, payload_value = _apply(plan, result, headers)
    text_root = _TEXT_ROOT_OPERATIONS.get(
        (service_model.metadata.get("endpointPrefix", ""), operation_model.name)
    )
    if text_root is not None:
        content = _text_root_document(service_model, text_root, body.get(text_root))
        headers["Content-Type"] = _xml_content_type(service_model)
        return HttpResponse(status, headers, content)
    if plan.payload is not None:
        content = _payload_body(plan.payload, payload_value)
        content_type = plan.payload.content_type
    elif plan.has_body:
        out = [wire.XML_DECLARATION]
        xmlc.emit_structure(plan.xml_body, out, body, plan.xml_start, plan.xml_close)  # type: ignore[arg-type]
        content = "".join(out).encode("utf-8")
        content_type = _xml_content_type(service_model)
    else:
        content, content_type = b"", ""
    if content:
        _set_content_type(headers, content_type)
    return HttpResponse(status, headers, content)


# Operations whose real answer is one element holding text, not the output structure
# (botocore parses them with a customization): S3's `<LocationConstraint>eu-west-1</...>`.
_TEXT_ROOT_OPERATIONS = {("s3", "GetBucketLocation"): "LocationConstraint"}


def _text_root_document(service_model: ServiceModel, element: str, value: Any) -> bytes:
    namespace = wire.namespace_attribute(service_model)
    text = xml_text(str(value)) if value is not None else ""
    return f"{wire.XML_DECLARATION}<{element}{namespace}>{text}</{element}>".encode()


def _xml_request_id_headers(service_model: ServiceModel, request_id: str) -> dict[str, str]:
    if wire.is_s3_family(service_model):
        return wire.s3_request_id_headers(request_id)
    return {"x-amzn-RequestId": request_id}


def _xml_content_type(service_model: ServiceModel) -> str:
    return "application/xml" if wire.is_s3_family(service_model) else "text/xml"


# --- errors -----------------------------------------------------------------------------


def rest_json_error(service_model: ServiceModel, error: AwsError, request_id: str) -> HttpResponse:
    info = error_info(service_model, error.code)
    headers = {
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": info.type_name,
        "Content-Type": JSON_CONTENT_TYPE,
    }
    body: dict[str, Any] = {}
    message_key = "message"
    if info.shape is not None:
        plan = _error_plan(service_model, info.shape.name, False)
        if error.fields:
            _, body, _ = _apply(plan, info.fields_without_message(error.fields), headers)
        if info.message_member is not None:
            message_key = plan.bindings.get(info.message_member, (BODY_JSON, message_key))[1]
    body[message_key] = error.message or error.fields.get(info.message_member or "message", "")
    query_error = query_error_header(service_model, info, error.sender_fault)
    if query_error is not None:
        headers["x-amzn-query-error"] = query_error
    headers.update(error.headers)
    return HttpResponse(error.status_code, headers, wire.json_bytes(body))


def rest_xml_error(service_model: ServiceModel, error: AwsError, request_id: str) -> HttpResponse:
    """S3 sends a bare ``<Error>``; other rest-xml services wrap it in ``<ErrorResponse>``."""
    info = error_info(service_model, error.code)
    headers = _xml_request_id_headers(service_model, request_id)
    headers["Content-Type"] = _xml_content_type(service_model)
    details = [f"<Code>{xml_text(info.wire_code)}</Code>"]
    message = error.message or str(error.fields.get(info.message_member or "Message") or "")
    if message:
        details.append(f"<Message>{xml_text(message)}</Message>")
    if info.shape is not None and error.fields:
        plan = _error_plan(service_model, info.shape.name, True)
        _, body, _ = _apply(plan, info.fields_without_message(error.fields), headers)
        xmlc.emit_members(plan.xml_body, details, body)  # type: ignore[arg-type]
    is_s3 = service_model.metadata.get("endpointPrefix") == "s3"
    if is_s3 and error.fields:
        _emit_unmodeled_fields(service_model, info.shape, error.fields, details)
    request_id_text = xml_text(request_id)
    if error.status_code == 304:  # HTTP forbids a body on 304 Not Modified
        headers.pop("Content-Type", None)
        headers.update(error.headers)
        return HttpResponse(304, headers, b"")
    if is_s3:
        host_id = xml_text(headers.get("x-amz-id-2", ""))
        out = [wire.XML_DECLARATION, "<Error>", *details]
        out.append(f"<RequestId>{request_id_text}</RequestId><HostId>{host_id}</HostId></Error>")
    else:
        out = [
            wire.XML_DECLARATION,
            f"<ErrorResponse{wire.namespace_attribute(service_model)}><Error>",
        ]
        out.append(f"<Type>{fault_word(error.sender_fault)}</Type>")
        out.extend(details)
        out.append(f"</Error><RequestId>{request_id_text}</RequestId></ErrorResponse>")
    headers.update(error.headers)
    return HttpResponse(error.status_code, headers, "".join(out).encode("utf-8"))


def _emit_unmodeled_fields(
    service_model: ServiceModel, shape: Shape | None, fields: dict[str, Any], out: list[str]
) -> None:
    """S3 errors carry elements its spec does not model (``<Key>``, ``<BucketName>``,
    ``<Region>``...): scalar fields with no member in the error shape are written as is."""
    modeled = set(shape.members) if shape is not None else set()  # type: ignore[attr-defined]
    for name, value in fields.items():
        if name in modeled or name.lower() == "message" or value is None:
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            out.append(f"<{name}>{xml_text(str(value))}</{name}>")

"""The query protocol (IAM, STS, SNS, SQS's old wire) and its EC2 dialect, as XML.

query:  <OpResponse xmlns=ns><OpResult>...</OpResult>
        <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></OpResponse>
ec2:    <OpResponse xmlns=ns><requestId>id</requestId>...</OpResponse>
Errors: query <ErrorResponse><Error><Type/><Code/><Message/>...</Error><RequestId/></ErrorResponse>,
        ec2 <Response><Errors><Error><Code/><Message/>...</Error></Errors><RequestID/></Response>.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse
from pocketcloud.protocol.serializing import wire
from pocketcloud.protocol.serializing.error_shapes import ErrorInfo, error_info, fault_word
from pocketcloud.protocol.serializing.values import xml_text
from pocketcloud.protocol.serializing.xml import (
    StructurePlan,
    compiler_for,
    emit_members,
    emit_structure,
)

CONTENT_TYPE = "text/xml"


@dataclass(frozen=True)
class _Envelope:
    opening: str  # '<OpResponse xmlns="...">' (ec2: through the requestId's opening tag)
    closing: str  # '</OpResponse>'
    plan: StructurePlan | None  # None: the operation has no output shape
    result_start: str  # query's '<OpResult' (open for attributes); unused by ec2
    result_close: str


@cache
def _envelope(operation_model: OperationModel, ec2: bool) -> _Envelope:
    service_model = operation_model.service_model
    shape = operation_model.output_shape
    plan = None if shape is None else compiler_for(service_model).structure_plan(shape)
    name = operation_model.name
    opening = f"<{name}Response{wire.namespace_attribute(service_model)}>"
    if ec2:
        return _Envelope(
            wire.XML_DECLARATION + opening + "<requestId>", f"</{name}Response>", plan, "", ""
        )
    wrapper = (shape.serialization.get("resultWrapper") if shape else None) or f"{name}Result"
    return _Envelope(opening, f"</{name}Response>", plan, f"<{wrapper}", f"</{wrapper}>")


def _headers(request_id: str) -> dict[str, str]:
    return {"x-amzn-RequestId": request_id, "Content-Type": CONTENT_TYPE}


def query_response(
    operation_model: OperationModel, result: dict[str, Any], request_id: str
) -> HttpResponse:
    envelope = _envelope(operation_model, False)
    out = [envelope.opening]
    if envelope.plan is not None:
        emit_structure(envelope.plan, out, result, envelope.result_start, envelope.result_close)
    out.append(
        f"<ResponseMetadata><RequestId>{xml_text(request_id)}</RequestId></ResponseMetadata>"
    )
    out.append(envelope.closing)
    return HttpResponse(200, _headers(request_id), "".join(out).encode("utf-8"))


def ec2_response(
    operation_model: OperationModel, result: dict[str, Any], request_id: str
) -> HttpResponse:
    envelope = _envelope(operation_model, True)
    out = [envelope.opening, xml_text(request_id), "</requestId>"]
    if envelope.plan is not None:
        emit_members(envelope.plan, out, result)
    out.append(envelope.closing)
    return HttpResponse(200, _headers(request_id), "".join(out).encode("utf-8"))


def error_details(service_model: ServiceModel, error: AwsError, info: ErrorInfo) -> list[str]:
    """``<Code>``, ``<Message>`` and the modeled fields, as they sit inside ``<Error>``."""
    out = [f"<Code>{xml_text(info.wire_code)}</Code>"]
    message = error.message or str(error.fields.get(info.message_member or "Message") or "")
    if message:
        out.append(f"<Message>{xml_text(message)}</Message>")
    if info.shape is not None and error.fields:
        plan = compiler_for(service_model).structure_plan(info.shape)
        emit_members(plan, out, info.fields_without_message(error.fields))
    return out


def query_error(service_model: ServiceModel, error: AwsError, request_id: str) -> HttpResponse:
    info = error_info(service_model, error.code)
    out = [f"<ErrorResponse{wire.namespace_attribute(service_model)}><Error>"]
    out.append(f"<Type>{fault_word(error.sender_fault)}</Type>")
    out.extend(error_details(service_model, error, info))
    out.append(f"</Error><RequestId>{xml_text(request_id)}</RequestId></ErrorResponse>")
    headers = {**_headers(request_id), **error.headers}
    return HttpResponse(error.status_code, headers, "".join(out).encode("utf-8"))


def ec2_error(service_model: ServiceModel, error: AwsError, request_id: str) -> HttpResponse:
    info = error_info(service_model, error.code)
    out = [wire.XML_DECLARATION, "<Response><Errors><Error>"]
    out.extend(error_details(service_model, error, info))
    out.append(f"</Error></Errors><RequestID>{xml_text(request_id)}</RequestID></Response>")
    headers = {**_headers(request_id), **error.headers}
    return HttpResponse(error.status_code, headers, "".join(out).encode("utf-8"))

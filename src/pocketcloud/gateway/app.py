"""The ASGI application: HTTP in, (service, operation) found, provider called, HTTP out."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from botocore.model import OperationModel, Shape

from pocketcloud.cloud import Cloud
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError, internal_error, not_implemented
from pocketcloud.gateway import admin
from pocketcloud.gateway.asgi import Receive, Scope, Send, read_body, send_response, to_request
from pocketcloud.gateway.authentication import (
    Caller,
    KeyLookup,
    authenticate,
    iam_keys,
    unverified_caller,
)
from pocketcloud.gateway.authorization import authorize
from pocketcloud.gateway.fallback import fallback_error_response
from pocketcloud.gateway.region_gate import check_region
from pocketcloud.gateway.routing import Route, route
from pocketcloud.gateway.unread_body import TrackedReceive, close_if_unread, track_body
from pocketcloud.infra import gate, unreachable
from pocketcloud.infra.region_opt_in import is_region_enabled
from pocketcloud.protocol.http import EXTRA_HEADERS, STATUS_OVERRIDE, HttpRequest, HttpResponse
from pocketcloud.protocol.parsing import parse_request
from pocketcloud.protocol.serializing import serialize_error, serialize_response
from pocketcloud.protocol.specs import service_model
from pocketcloud.protocol.streams import RequestBody, ResponseBody
from pocketcloud.services.constraints import check_constraints
from pocketcloud.services.iam import last_access
from pocketcloud.services.lambda_ import url_hook as function_urls
from pocketcloud.services.lifecycle import start_services, stop_services
from pocketcloud.services.registry import provider_function
from pocketcloud.services.required import check_required
from pocketcloud.services.s3 import edge as s3_edge
from pocketcloud.services.sqs import query_endpoint as sqs_query_endpoint

log = logging.getLogger("pocketcloud.gateway")

ADMIN_PREFIX = "/_pocketcloud/"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class Gateway:
    def __init__(self, cloud: Cloud, key_lookup: KeyLookup = iam_keys) -> None:
        self.cloud = cloud
        self.key_lookup = key_lookup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request_id = self.cloud.ids.request_id()
        request = to_request(scope, b"")
        if function_urls.is_function_url(request):  # Lambda function URLs: their own module
            await function_urls.serve(self.cloud, scope, receive, send, request, request_id,
                                      self.key_lookup)
            return
        if request.path.startswith(ADMIN_PREFIX):
            response = await self._admin(request, receive, request_id)
        else:
            response = await self.handle(request, receive, request_id)
        if await unreachable.drop_connection(scope, response):
            return
        await send_response(send, response)

    async def handle(self, request: HttpRequest, receive: Receive, request_id: str) -> HttpResponse:
        started = time.perf_counter()
        found: Route | None = None
        tracked = TrackedReceive(receive) if track_body(request) else None
        receive = tracked or receive
        try:
            if request.headers.get("content-type", "").startswith(FORM_CONTENT_TYPE):
                request.body = await read_body(receive)  # a query Action may sit in the body
                receive = _exhausted
            edge = await s3_edge.before_route(
                self.cloud, request, receive, request_id, self.key_lookup
            )
            if edge is not None:  # S3 website, CORS preflight, browser POST upload
                return edge
            found = route(request, self.cloud.settings.default_region)
            response = await self._dispatch(found, request, receive, request_id)
        except AwsError as error:
            response = self._error_response(error, found, request_id)
        except Exception:
            log.exception("request %s failed inside pocketcloud", request_id)
            response = self._error_response(internal_error(request_id), found, request_id)
        close_if_unread(response, tracked)
        if "origin" in request.headers and found is not None and found.service == "s3":
            s3_edge.after_response(self.cloud, request, found.uri_params, response)
        if log.isEnabledFor(logging.INFO):
            _log_request(found, response, request_id, started)
        return response

    async def _dispatch(
        self, found: Route, request: HttpRequest, receive: Receive, request_id: str
    ) -> HttpResponse:
        await gate.admit(self.cloud, found.service, found.operation, found.region, found.protocol,
                         request, request_id, found.access_key_id)
        if not found.operation:
            raise _unknown_operation(found)
        function = provider_function(found.service, found.operation)
        if function is None:
            raise not_implemented(found.service, found.operation)
        operation = found.operation_model()
        streamed = streaming_payload_member(operation.input_shape)
        if streamed is None and receive is not _exhausted:
            request.body = await read_body(receive)
        caller = self._caller(found, request, operation)
        check_region(found.region, found.service, found.protocol, self._enabled_for(caller))
        params = parse_request(operation, request, found.protocol, found.uri_params)
        if streamed is not None:  # a streamed body is always there, if only empty
            params[streamed] = RequestBody(receive, _content_length(request))
        if found.service == "sqs" and found.protocol == "query":
            sqs_query_endpoint.prepare(operation, request, params)
        check_required(found.service, operation, params)  # a missing member: 400, not KeyError
        check_constraints(found.service, found.operation, params)  # the model's, as AWS's front end
        ctx = RequestContext(
            cloud=self.cloud,
            request_id=request_id,
            account_id=caller.account_id,
            region=found.region,
            service=found.service,
            operation=found.operation,
            protocol=found.protocol,
            access_key_id=caller.access_key_id,
            request=request,
            caller=caller,
        )
        last_access.record(ctx)
        authorize(ctx, params)
        result: Any = function(ctx, params)
        if not isinstance(result, dict) and inspect.isawaitable(result):  # most answer a dict
            result = await result
        return _respond(operation, {} if result is None else result, request_id, found.protocol)

    async def _admin(self, request: HttpRequest, receive: Receive, request_id: str) -> HttpResponse:
        try:
            request.body = await read_body(receive)
        except AwsError as error:
            return fallback_error_response(error, request_id)
        return await admin.handle(self.cloud, request)

    def _caller(self, found: Route, request: HttpRequest, operation: OperationModel) -> Caller:
        if self.cloud.settings.iam == "off":  # the fast path: nothing to verify
            return unverified_caller(self.cloud, found.access_key_id, self.key_lookup)
        return authenticate(self.cloud, request, found.protocol, found.service, self.key_lookup,
                            unsigned_allowed=operation.auth_type == "none")

    def _enabled_for(self, caller: Caller) -> Callable[[str], bool]:
        return lambda region: is_region_enabled(self.cloud, caller.account_id, region)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await start_services(self.cloud)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                # Here, not after the server returns: uvicorn re-raises SIGTERM once shut down.
                await stop_services(self.cloud)
                self.cloud.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _error_response(
        self, error: AwsError, found: Route | None, request_id: str
    ) -> HttpResponse:
        if found is None:
            return fallback_error_response(error, request_id)
        try:
            operation = found.operation_model() if found.operation else None
            model = service_model(found.service)
            return serialize_error(model, error, request_id, found.protocol, operation)
        except Exception:
            log.exception("request %s: could not serialize error %s", request_id, error.code)
            return fallback_error_response(error, request_id)


@lru_cache(maxsize=4096)  # per input shape (models live as long as the process)
def streaming_payload_member(shape: Shape | None) -> str | None:
    """The input member that carries a streaming body (S3 PutObject's Body), if any."""
    if shape is None:
        return None
    name = shape.serialization.get("payload")
    member = shape.members.get(name) if name else None
    return name if member is not None and member.serialization.get("streaming") else None


def _respond(
    operation: OperationModel, result: dict[str, Any], request_id: str, protocol: str
) -> HttpResponse:
    stream = None
    output = operation.output_shape
    payload = output.serialization.get("payload") if output is not None else None
    if payload and isinstance(result.get(payload), ResponseBody):
        result = dict(result)
        stream = result.pop(payload)
    status = result.pop(STATUS_OVERRIDE, None)
    extra = result.pop(EXTRA_HEADERS, None)
    response = serialize_response(operation, result, request_id, protocol)
    if extra:
        response.headers.update(extra)
    if status is not None:
        response.status_code = status
    if stream is not None:
        response.stream = stream
        if stream.status_code is not None:
            response.status_code = stream.status_code
        if stream.content_length is not None:
            response.headers["Content-Length"] = str(stream.content_length)
    return response


def _content_length(request: HttpRequest) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


async def _exhausted() -> dict[str, Any]:
    """A receive() for a body already read."""
    return {"type": "http.request", "body": b"", "more_body": False}


def _unknown_operation(found: Route) -> AwsError:
    if found.protocol in ("query", "ec2"):
        action = found.form.get("Action", "")
        if not action:
            return AwsError("MissingAction", "The request must contain the parameter Action.")
        where = "endpoint" if found.service == "sqs" else "web service"  # SQS's wording
        return AwsError("InvalidAction", f"The action {action} is not valid for this {where}.")
    return AwsError(
        "UnknownOperationException",
        f"No {found.service} operation matches this request.",
        404 if found.protocol.startswith("rest") else 400,
    )


def _log_request(found: Route | None, response: HttpResponse, request_id: str, t0: float) -> None:
    what = f"{found.service}.{found.operation or '?'}" if found else "unrouted"
    where = f"{found.region}" if found else "-"
    elapsed_ms = (time.perf_counter() - t0) * 1000
    level = logging.WARNING if response.status_code >= 500 else logging.INFO
    log.log(level, "%s %s %s %d %.1fms", request_id, what, where, response.status_code, elapsed_ms)



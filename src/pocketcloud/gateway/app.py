"""The ASGI application: HTTP in, (service, operation) found, provider called, HTTP out."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from pocketcloud.cloud import Cloud
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError, internal_error, not_implemented
from pocketcloud.gateway import admin
from pocketcloud.gateway.asgi import Receive, Scope, Send, read_body, send_response, to_request
from pocketcloud.gateway.fallback import fallback_error_response
from pocketcloud.gateway.region_gate import check_region
from pocketcloud.gateway.routing import Route, route
from pocketcloud.gateway.scope import account_for_access_key
from pocketcloud.infra.region_opt_in import is_region_enabled
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.protocol.parsing import parse_request
from pocketcloud.protocol.serializing import serialize_error, serialize_response
from pocketcloud.protocol.specs import service_model
from pocketcloud.services.registry import provider_function

log = logging.getLogger("pocketcloud.gateway")

ADMIN_PREFIX = "/_pocketcloud/"


class Gateway:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request_id = self.cloud.ids.request_id()
        try:
            body = await read_body(receive)
            request = to_request(scope, body)
            if request.path.startswith(ADMIN_PREFIX):
                response = admin.handle(self.cloud, request)
            else:
                response = await self.handle(request, request_id)
        except AwsError as error:  # before a service was known: a body too large, say
            response = fallback_error_response(error, request_id)
        await send_response(send, response)

    async def handle(self, request: HttpRequest, request_id: str) -> HttpResponse:
        started = time.perf_counter()
        found: Route | None = None
        try:
            found = route(request, self.cloud.settings.default_region)
            response = await self._dispatch(found, request, request_id)
        except AwsError as error:
            response = self._error_response(error, found, request_id)
        except Exception:
            log.exception("request %s failed inside pocketcloud", request_id)
            response = self._error_response(internal_error(request_id), found, request_id)
        if log.isEnabledFor(logging.INFO):
            _log_request(found, response, request_id, started)
        return response

    async def _dispatch(self, found: Route, request: HttpRequest, request_id: str) -> HttpResponse:
        if not found.operation:
            raise _unknown_operation(found)
        function = provider_function(found.service, found.operation)
        if function is None:
            raise not_implemented(found.service, found.operation)
        account_id = account_for_access_key(found.access_key_id)
        check_region(found.region, found.service, found.protocol, self._enabled_for(account_id))
        operation = found.operation_model()
        params = parse_request(operation, request, found.protocol, found.uri_params)
        ctx = RequestContext(
            cloud=self.cloud,
            request_id=request_id,
            account_id=account_id,
            region=found.region,
            service=found.service,
            operation=found.operation,
            protocol=found.protocol,
            access_key_id=found.access_key_id,
            request=request,
        )
        result: Any = function(ctx, params)
        if inspect.isawaitable(result):
            result = await result
        return serialize_response(operation, result or {}, request_id, found.protocol)

    def _enabled_for(self, account_id: str) -> Callable[[str], bool]:
        return lambda region: is_region_enabled(self.cloud, account_id, region)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                # Here, not after the server returns: uvicorn re-raises SIGTERM once shut down.
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


def _unknown_operation(found: Route) -> AwsError:
    if found.protocol in ("query", "ec2"):
        action = found.form.get("Action", "")
        return AwsError("InvalidAction", f"The action {action} is not valid for this web service.")
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



"""The gateway's hook for function URLs: a cheap test, and the handler imported on first use
(so pocketcloud's start-up does not load Lambda)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketcloud.protocol.http import HttpRequest

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.gateway.asgi import Receive, Scope, Send
    from pocketcloud.gateway.authentication import KeyLookup

PATH_PREFIX = "/_pocketcloud/lambda-url/"


def is_function_url(request: HttpRequest) -> bool:
    return ".lambda-url." in request.host or request.path.startswith(PATH_PREFIX)


async def serve(cloud: Cloud, scope: Scope, receive: Receive, send: Send,
                request: HttpRequest, request_id: str, key_lookup: KeyLookup) -> None:
    from pocketcloud.services.lambda_.url_gateway import serve as serve_url

    await serve_url(cloud, scope, receive, send, request, request_id, key_lookup)

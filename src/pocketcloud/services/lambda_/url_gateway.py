"""Function URLs as HTTP endpoints: the request in AWS's payload format 2.0, the result mapped
back to an HTTP response as Lambda maps it.

A function URL is reached by any of these (``<url-id>`` from CreateFunctionUrlConfig):

    Host: <url-id>.lambda-url.<region>.on.aws                       (AWS's own name)
    Host: <url-id>.lambda-url.<region>.localhost.localstack.cloud   (resolves to 127.0.0.1)
    Host: <url-id>.lambda-url.<region>.localhost
    http://127.0.0.1:4566/_pocketcloud/lambda-url/<url-id>/<path>   (no DNS needed)

The gateway calls ``serve`` for such requests (``is_function_url`` decides, cheaply).
"""

from __future__ import annotations

import base64
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from pocketcloud.cloud import Cloud
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.gateway.asgi import Receive, Scope, Send, read_body
from pocketcloud.gateway.authentication import Caller, KeyLookup, anonymous_caller, authenticate
from pocketcloud.gateway.authorization import decide
from pocketcloud.iam.actions import Target
from pocketcloud.infra import gate
from pocketcloud.infra.unreachable import drop_connection
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.cors import cors_headers, preflight
from pocketcloud.services.lambda_.invoke import MAX_SYNC_PAYLOAD_BYTES, run_function
from pocketcloud.services.lambda_.names import LATEST, FunctionRef
from pocketcloud.services.lambda_.running import choose_version
from pocketcloud.services.lambda_.schema import ready_store
from pocketcloud.services.lambda_.url_hook import PATH_PREFIX

log = logging.getLogger("pocketcloud.lambda.urls")

_HOST = re.compile(r"^([a-z0-9]{1,64})\.lambda-url\.([a-z0-9-]+)\."
                   r"(?:on\.aws|localhost\.localstack\.cloud|localhost)(?::\d+)?$")
_TEXT_TYPES = re.compile(r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded)|"
                         r"[^;]*\+(json|xml))", re.IGNORECASE)

Headers = list[tuple[str, str]]


async def serve(cloud: Cloud, scope: Scope, receive: Receive, send: Send,
                request: HttpRequest, request_id: str, key_lookup: KeyLookup) -> None:
    try:
        answer = await _handle(cloud, scope, receive, request, request_id, key_lookup)
        if answer is None:  # the Region is down: the connection was closed, as in AWS
            return
        status, headers, body = answer
    except Exception:
        log.exception("function URL request %s failed inside pocketcloud", request_id)
        status, headers, body = _message(500, "Internal Server Error")
    headers.append(("x-amzn-requestid", request_id))
    headers.append(("content-length", str(len(body))))
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]})
    await send({"type": "http.response.body", "body": body})


async def _handle(cloud: Cloud, scope: Scope, receive: Receive, request: HttpRequest,
                  request_id: str, key_lookup: KeyLookup) -> tuple[int, Headers, bytes] | None:
    url_id, path = _target(request)
    found = _lookup(cloud, url_id)
    if found is None:  # AWS's answer for a URL id no function has
        return 403, [("content-type", "application/json"),
                     ("x-amzn-ErrorType", "AccessDeniedException")], b'{"Message":null}'
    ref, config = found
    try:  # the infrastructure's faults and latency, as for any request to the Region
        await gate.admit(cloud, "lambda", "InvokeFunctionUrl", ref.region, "rest-json",
                         request, request_id)
    except AwsError as error:
        if await drop_connection(scope, HttpResponse(error.status_code, dict(error.headers))):
            return None
        return _message(error.status_code, error.message)
    cors = config.get("Cors") or {}
    if request.method == "OPTIONS" and cors and "access-control-request-method" in \
            request.headers:
        return 200, preflight(cors, request.headers), b""
    try:
        request.body = await read_body(receive, MAX_SYNC_PAYLOAD_BYTES)
    except AwsError as error:
        if error.status_code != 413:  # the client went quiet mid-body (RequestTimeout)
            return _message(error.status_code, error.message)
        return _message(413, "Request must be smaller than 6291456 bytes for the "
                             "InvokeFunction operation")
    caller = _authorize(cloud, request, config, key_lookup, ref, request_id)
    if caller is None:
        return _message(403, "Forbidden")
    event = _event(request, scope, url_id, path, ref, caller, request_id, cloud)
    status, headers, body = await _invoke(cloud, ref, json.dumps(event).encode(), request_id)
    return status, headers + cors_headers(cors, request.headers), body


def _target(request: HttpRequest) -> tuple[str, str]:
    if request.path.startswith(PATH_PREFIX):
        url_id, _, rest = request.path[len(PATH_PREFIX):].partition("/")
        return url_id, "/" + rest
    match = _HOST.match(request.host.lower())
    return (match.group(1) if match else ""), request.path


def _lookup(cloud: Cloud, url_id: str) -> tuple[FunctionRef, dict[str, Any]] | None:
    if not url_id:
        return None
    with ready_store(cloud.store).read() as tx:
        row = tx.fetchone("SELECT account_id, region, name, qualifier, config FROM "
                          "lambda_function_urls WHERE url_id = ?", (url_id,))
    if row is None:
        return None
    account_id, region, name, qualifier, config = row
    return (FunctionRef(account_id, region, name, None if qualifier == LATEST else qualifier),
            json.loads(config))


def _authorize(cloud: Cloud, request: HttpRequest, config: dict[str, Any],
               key_lookup: KeyLookup, ref: FunctionRef,
               request_id: str) -> dict[str, Any] | None:
    """The event's authorizer ({} for AuthType NONE), or None to refuse (403): an AWS_IAM URL
    needs a valid signature; when IAM enforces, the caller (anyone, for NONE) must be allowed
    lambda:InvokeFunctionUrl by its policies or the function's resource policy, with
    lambda:FunctionUrlAuthType set as AWS sets it."""
    auth_type = str(config.get("AuthType") or "NONE")
    caller = anonymous_caller(ref.account_id)
    if auth_type == "AWS_IAM":
        signed = request.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256") or \
            "X-Amz-Signature=" in request.query_string
        if not signed:
            return None
        try:
            caller = authenticate(cloud, request, "rest-json", "lambda", key_lookup)
        except AwsError:
            return None
    if cloud.settings.iam != "off" and not _allowed(cloud, request, caller, ref, auth_type,
                                                     request_id):
        return None
    if auth_type != "AWS_IAM":
        return {}
    return {"iam": {"accessKey": caller.access_key_id, "accountId": caller.account_id,
                    "callerId": caller.principal_arn.rsplit("/", 1)[-1],
                    "cognitoIdentity": None, "principalOrgId": None,
                    "userArn": caller.principal_arn,
                    "userId": caller.principal_arn.rsplit("/", 1)[-1]}}


def _allowed(cloud: Cloud, request: HttpRequest, caller: Caller, ref: FunctionRef,
             auth_type: str, request_id: str) -> bool:
    ctx = RequestContext(cloud=cloud, request_id=request_id, account_id=caller.account_id,
                         region=ref.region, service="lambda", operation="InvokeFunctionUrl",
                         protocol="rest-json", access_key_id=caller.access_key_id,
                         caller=caller, request=request)
    target = Target("lambda:InvokeFunctionUrl", [ref.qualified_arn],
                    {"lambda:FunctionUrlAuthType": auth_type})
    decision = decide(ctx, target)
    if decision.allowed:
        return True
    if cloud.settings.iam == "audit":
        log.warning("%s audit: would deny lambda:InvokeFunctionUrl on %s: %s", request_id,
                    ref.qualified_arn, decision.message)
        return True
    return False


def _event(request: HttpRequest, scope: Scope, url_id: str, path: str, ref: FunctionRef,
           authorizer: dict[str, Any], request_id: str, cloud: Cloud) -> dict[str, Any]:
    now_s = cloud.clock.now()
    client = scope.get("client") or ("127.0.0.1", 0)
    headers = _forwarded_headers(request, scope, client[0], now_s, cloud)
    domain = f"{url_id}.lambda-url.{ref.region}.on.aws"
    event: dict[str, Any] = {
        "version": "2.0", "routeKey": "$default", "rawPath": path,
        "rawQueryString": request.query_string, "headers": headers,
        "requestContext": {
            "accountId": authorizer["iam"]["accountId"] if authorizer else "anonymous",
            "apiId": url_id, "domainName": domain, "domainPrefix": url_id,
            "http": {"method": request.method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": client[0], "userAgent": request.headers.get("user-agent", "")},
            "requestId": request_id, "routeKey": "$default", "stage": "$default",
            "time": datetime.fromtimestamp(now_s, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now_s * 1000),
        },
        "isBase64Encoded": False,
    }
    if authorizer:
        event["requestContext"]["authorizer"] = authorizer
    if request.headers.get("cookie"):
        event["cookies"] = [c.strip() for c in request.headers["cookie"].split(";") if c.strip()]
    query: dict[str, str] = {}
    for key, value in parse_qsl(request.query_string, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    if query:
        event["queryStringParameters"] = query
    if request.body:
        if _TEXT_TYPES.match(request.headers.get("content-type", "")):
            event["body"] = request.body.decode("utf-8", errors="replace")
        else:
            event["body"] = base64.b64encode(request.body).decode()
            event["isBase64Encoded"] = True
    return event


# Hop-by-hop headers end at Lambda's front end; the function never sees them.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer",
                         "transfer-encoding", "upgrade", "cookie"})


def _forwarded_headers(request: HttpRequest, scope: Scope, client_ip: str, now_s: float,
                       cloud: Cloud) -> dict[str, str]:
    """The request's headers as the function gets them: with the x-forwarded-* and trace
    headers Lambda's front end adds, and without hop-by-hop ones (cookies go apart)."""
    headers = {k: v for k, v in request.headers.items() if k not in _HOP_BY_HOP}
    server = scope.get("server") or ("", 443)
    trace = f"Root=1-{int(now_s):08x}-{cloud.ids.uuid4().replace('-', '')[:24]}"
    headers.setdefault("x-amzn-trace-id", trace)
    headers["x-forwarded-for"] = client_ip
    headers["x-forwarded-proto"] = str(scope.get("scheme") or "http")
    headers["x-forwarded-port"] = str(server[1] if server[1] else 443)
    return headers


async def _invoke(cloud: Cloud, ref: FunctionRef, payload: bytes,
                  request_id: str) -> tuple[int, Headers, bytes]:
    ctx = RequestContext(cloud=cloud, request_id=request_id, account_id=ref.account_id,
                         region=ref.region, service="lambda", operation="Invoke")
    with ready_store(cloud.store).read() as tx:
        try:
            version = choose_version(tx, ref)
        except AwsError:
            return _message(403, "Forbidden")
        found = records.load_version(tx, ref, version)
    if found is None:
        return _message(403, "Forbidden")
    if len(payload) > MAX_SYNC_PAYLOAD_BYTES:
        return _message(413, "Request must be smaller than 6291456 bytes for the "
                             "InvokeFunction operation")
    try:
        outcome = await run_function(ctx, ref, version, found, payload, request_id)
    except AwsError as error:
        if error.code == "TooManyRequestsException":
            return _message(429, "Rate Exceeded.")
        return _message(502, "Internal Server Error")
    if outcome.function_error:  # AWS answers a failed function in plain words
        return 502, [("content-type", "application/json")], b"Internal Server Error"
    return http_response(outcome.payload)


def http_response(payload: bytes) -> tuple[int, Headers, bytes]:
    """Lambda's reading of a function's result as an HTTP response (payload format 2.0)."""
    try:
        result = json.loads(payload) if payload else None
    except ValueError:
        return _message(502, "Internal Server Error")
    if not isinstance(result, dict) or "statusCode" not in result:
        body = result if isinstance(result, str) else json.dumps(result)
        return 200, [("content-type", "application/json")], body.encode()
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError):
        return _message(502, "Internal Server Error")
    headers: Headers = [(str(k).lower(), str(v)) for k, v in
                        (result.get("headers") or {}).items()]
    headers += [("set-cookie", str(cookie)) for cookie in result.get("cookies") or []]
    raw = result.get("body")
    if raw is None:
        data = b""
    elif result.get("isBase64Encoded"):
        try:
            data = base64.b64decode(str(raw))
        except ValueError:
            return _message(502, "Internal Server Error")
    else:
        data = (raw if isinstance(raw, str) else json.dumps(raw)).encode()
    if not any(name == "content-type" for name, _ in headers):
        headers.append(("content-type", "application/json"))
    return status, headers, data


def _message(status: int, message: str) -> tuple[int, Headers, bytes]:
    return status, [("content-type", "application/json")], json.dumps(
        {"Message": message}).encode()

"""S3's HTTP that no botocore operation describes, hooked into the gateway:

- website endpoints (Host ``<bucket>.s3-website-<region>.amazonaws.com``,
  ``<bucket>.s3-website.<region>.amazonaws.com`` or ``<bucket>.s3-website.localhost:<port>``),
- CORS preflight (OPTIONS on a bucket or object URL),
- browser POST uploads (multipart/form-data to a bucket URL),
- CORS headers on actual responses to requests that carry an Origin.

`before_route` answers the first three or returns None (cheap checks first: most requests
are none of these); `after_response` adds CORS headers."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote
from xml.sax.saxutils import escape

from pocketcloud.errors import AwsError
from pocketcloud.gateway.hosts import parse_host, strip_port
from pocketcloud.protocol.catalog import catalog
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.protocol.serializing.wire import s3_request_id_headers
from pocketcloud.services.s3.configs import read_config
from pocketcloud.services.s3.cors import CORS, cors_headers, matching_rule, requested_headers
from pocketcloud.services.s3.schema import store_of

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.gateway.asgi import Receive
    from pocketcloud.gateway.authentication import KeyLookup

_FORM_DATA = "multipart/form-data"

def is_website_host(host: str) -> bool:
    """Whether S3's own label, after any virtual-hosted bucket (whose name may hold
    "s3-website" too: ``my-s3-website-files.s3.localhost``), is a website endpoint's."""
    return "s3-website" in host.lower() and parse_host(host).s3_label.startswith("s3-website")


async def before_route(
    cloud: Cloud, request: HttpRequest, receive: Receive, request_id: str, key_lookup: KeyLookup
) -> HttpResponse | None:
    method = request.method
    if is_website_host(request.host):
        from pocketcloud.services.s3.website_serve import serve_website

        return await serve_website(cloud, request, request_id)
    if "s3-accelerate" in request.host.lower():
        refused = _not_accelerated(cloud, request, request_id)
        if refused is not None:
            return refused
    if method == "OPTIONS":
        target = bucket_and_key(request)
        return preflight(cloud, request, *target, request_id) if target else None
    if method == "POST" and request.headers.get("content-type", "").startswith(_FORM_DATA):
        target = bucket_and_key(request)
        if target is None or target[1]:
            return None
        from pocketcloud.services.s3.post_upload import post_object

        return await post_object(cloud, request, receive, target[0], request_id, key_lookup)
    return None


def _not_accelerated(cloud: Cloud, request: HttpRequest, request_id: str) -> HttpResponse | None:
    from pocketcloud.services.s3.accelerate import check_accelerated, is_accelerate_host

    target = bucket_and_key(request)
    if target is None or not is_accelerate_host(request.host):
        return None
    try:
        check_accelerated(store_of(cloud), target[0])
    except AwsError as error:
        return s3_error(error, request_id)
    return None


def bucket_and_key(request: HttpRequest) -> tuple[str, str] | None:
    """The bucket and key an S3 URL names (virtual-hosted or path-style), or None when the
    host names another service."""
    host = parse_host(request.host)
    bucket = host.bucket
    prefix = host.service_prefix
    if not bucket and prefix and prefix != "s3":
        if host.region or prefix in catalog.by_endpoint_prefix:
            return None
        bucket = prefix  # "mybucket.localhost"
    path = unquote(request.path)
    if bucket:
        return bucket, path[1:]
    name, _, key = path[1:].partition("/")
    return (name, key) if name else None


def s3_error(error: AwsError, request_id: str, extra: dict[str, str] | None = None) -> HttpResponse:
    fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in (extra or {}).items())
    ids = s3_request_id_headers(request_id)  # the body names the headers' ids
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
        f"{fields}<RequestId>{request_id}</RequestId><HostId>{ids['x-amz-id-2']}</HostId>"
        "</Error>"
    )
    headers = {"Content-Type": "application/xml", **ids, **error.headers}
    return HttpResponse(error.status_code, headers, body.encode())


def _bucket_account(cloud: Cloud, bucket: str) -> bool:
    with store_of(cloud).read() as tx:
        return tx.fetchone("SELECT 1 FROM s3_buckets WHERE name = ?", (bucket,)) is not None


def preflight(
    cloud: Cloud, request: HttpRequest, bucket: str, key: str, request_id: str
) -> HttpResponse:
    origin = request.headers.get("origin")
    method = request.headers.get("access-control-request-method")
    if not origin:
        return s3_error(AwsError("BadRequest", "Insufficient information. Origin request "
                                 "header needed."), request_id)  # fmt: skip
    # Before a method is asked for, S3 names the preflight's own (OPTIONS).
    what = {"Method": method or "OPTIONS", "ResourceType": "OBJECT" if key else "BUCKET"}
    if not _bucket_account(cloud, bucket):
        return s3_error(AwsError("AccessForbidden", "CORSResponse: Bucket not found", 403),
                        request_id, {**what, "ResourceType": "BUCKET"})  # fmt: skip
    rules = read_config(store_of(cloud), bucket, CORS)
    if not rules:  # S3 names the bucket here, even for an object's URL
        return s3_error(AwsError("AccessForbidden",
                                 "CORSResponse: CORS is not enabled for this bucket.", 403),
                        request_id, {**what, "ResourceType": "BUCKET"})  # fmt: skip
    if not method:
        return s3_error(AwsError("BadRequest", "Invalid Access-Control-Request-Method: null"),
                        request_id)  # fmt: skip
    asked = requested_headers(request.headers.get("access-control-request-headers", ""))
    rule = matching_rule(rules, origin, method, asked)
    if rule is None:
        return s3_error(AwsError(
            "AccessForbidden",
            "CORSResponse: This CORS request is not allowed. This is usually because the "
            "evalution of Origin, request method / Access-Control-Request-Method or "
            "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
            403), request_id, what)  # fmt: skip
    headers = {**s3_request_id_headers(request_id), **cors_headers(rule, origin, asked)}
    return HttpResponse(200, headers, b"")


def after_response(
    cloud: Cloud, request: HttpRequest, uri_params: dict[str, str] | None, response: HttpResponse
) -> None:
    """Add CORS headers to an actual S3 response when a rule allows the request's origin."""
    origin = request.headers.get("origin")
    bucket = (uri_params or {}).get("Bucket", "")
    if not origin or not bucket:
        return
    rules = read_config(store_of(cloud), bucket, CORS)
    if not rules:
        return
    # A request carrying preflight headers is judged as its preflight would be (S3 does so).
    method = request.headers.get("access-control-request-method") or request.method
    asked = requested_headers(request.headers.get("access-control-request-headers", ""))
    rule = matching_rule(rules, origin, method, asked)
    if rule is not None:
        headers = cors_headers(rule, origin, [])
        response.headers.update(headers)


def website_host_region(host: str) -> str:
    return parse_host(strip_port(host)).region

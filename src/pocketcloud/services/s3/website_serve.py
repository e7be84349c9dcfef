"""Serving a bucket as a static website, the way S3 website endpoints do: GET/HEAD only,
index documents for "folders", a 302 to add the trailing slash, routing rules and
RedirectAllRequestsTo, a custom error document, and HTML error pages (never XML).

As on AWS, a website serves only what anonymous users may read: a bucket policy granting
s3:GetObject to everyone (unless RestrictPublicBuckets), or a public-read ACL (when ACLs are
enabled and IgnorePublicAcls is off). A missing key is 404 only when anonymous users may also
s3:ListBucket; otherwise S3 answers 403, and so does this."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from pocketcloud.context import RequestContext
from pocketcloud.gateway.hosts import parse_host
from pocketcloud.iam.evaluation import ANONYMOUS, AuthorizationRequest, Principal, evaluate
from pocketcloud.iam.policy import parse_policy
from pocketcloud.protocol.http import HttpRequest, HttpResponse
from pocketcloud.services.s3.access import (
    ALL_USERS,
    object_ownership,
    public_access_block,
)
from pocketcloud.services.s3.acl_store import BUCKET_ACL, object_grants
from pocketcloud.services.s3.bodies import object_body
from pocketcloud.services.s3.buckets import Bucket, find_bucket
from pocketcloud.services.s3.configs import get_config
from pocketcloud.services.s3.rows import ObjectRow, current_row
from pocketcloud.services.s3.schema import s3_store
from pocketcloud.services.s3.website import WEBSITE

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud

_TITLES = {403: "403 Forbidden", 404: "404 Not Found", 405: "405 Method Not Allowed"}
_ANONYMOUS = Principal(arn="*", account_id="", type=ANONYMOUS)


class WebsiteError(Exception):
    def __init__(self, status: int, code: str, message: str, **fields: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.fields = status, code, message, fields


def _html_error(error: WebsiteError, request_id: str, nested: WebsiteError | None = None) -> str:
    def items(e: WebsiteError) -> str:
        lines = [f"<li>Code: {escape(e.code)}</li>", f"<li>Message: {escape(e.message)}</li>"]
        lines += [f"<li>{k}: {escape(v)}</li>" for k, v in e.fields.items()]
        return "\n".join(lines)

    title = _TITLES.get(error.status, f"{error.status} Error")
    body = f"<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n"
    body += items(error)
    body += f"\n<li>RequestId: {request_id}</li>\n<li>HostId: {request_id}</li>\n</ul>\n"
    if nested is not None:
        body += ("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>"
                 f"\n<ul>\n{items(nested)}\n</ul>\n")  # fmt: skip
    return body + "<hr/>\n</body>\n</html>\n"


def _error_response(
    error: WebsiteError, request: HttpRequest, request_id: str, nested: WebsiteError | None = None
) -> HttpResponse:
    body = _html_error(error, request_id, nested).encode()
    headers = {"Content-Type": "text/html; charset=utf-8", "x-amz-request-id": request_id,
               "Content-Length": str(len(body))}  # fmt: skip
    if error.code == "NoSuchKey":
        headers["x-amz-error-code"] = error.code
    return HttpResponse(error.status, headers, b"" if request.method == "HEAD" else body)


def _redirect(location: str, status: int = 301) -> HttpResponse:
    return HttpResponse(status, {"Location": location, "Content-Length": "0"}, b"")


async def serve_website(cloud: Cloud, request: HttpRequest, request_id: str) -> HttpResponse:
    try:
        return _serve(cloud, request, request_id)
    except WebsiteError as error:
        return _error_response(error, request, request_id)


def _serve(cloud: Cloud, request: HttpRequest, request_id: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        raise WebsiteError(405, "MethodNotAllowed",
                           "The specified method is not allowed against this resource.",
                           Method=request.method, ResourceType="OBJECT")  # fmt: skip
    name = parse_host(request.host).bucket
    ctx = RequestContext(cloud=cloud, request_id=request_id, account_id="", region="",
                         service="s3", operation="GetObject", request=request)  # fmt: skip
    bucket = find_bucket(ctx, name) if name else None
    if bucket is None:
        raise WebsiteError(404, "NoSuchBucket", "The specified bucket does not exist",
                           BucketName=name)  # fmt: skip
    ctx.account_id, ctx.region = bucket.account_id, bucket.region
    config = get_config(ctx, bucket.name, WEBSITE)
    if config is None:
        raise WebsiteError(404, "NoSuchWebsiteConfiguration",
                           "The specified bucket does not have a website configuration",
                           BucketName=bucket.name)  # fmt: skip
    site = _Site(ctx, bucket, config, request)
    return site.answer(request_id)


class _Site:
    def __init__(
        self, ctx: RequestContext, bucket: Bucket, config: dict[str, Any], request: HttpRequest
    ) -> None:
        self.ctx, self.bucket, self.config, self.request = ctx, bucket, config, request
        self.policy_text = get_config(ctx, bucket.name, "policy")
        self.block = public_access_block(ctx, bucket.name)

    def answer(self, request_id: str) -> HttpResponse:
        redirect_all = self.config.get("RedirectAllRequestsTo")
        if redirect_all is not None:
            protocol = redirect_all.get("Protocol") or "http"
            query = f"?{self.request.query_string}" if self.request.query_string else ""
            return _redirect(f"{protocol}://{redirect_all['HostName']}{self.request.path}{query}")
        key = unquote(self.request.path)[1:]
        early = self._routing_redirect(key, None)
        if early is not None:
            return early
        try:
            return self._object_response(key)
        except WebsiteError as error:
            late = self._routing_redirect(key, error.status)
            if late is not None:
                return late
            return self._error_document(error, request_id)

    def _object_response(self, key: str) -> HttpResponse:
        suffix = self.config["IndexDocument"]["Suffix"]
        wanted = key + suffix if key == "" or key.endswith("/") else key
        row = self._readable(wanted)
        if row is None:
            if (
                not wanted.endswith("/" + suffix)
                and wanted != suffix
                and (self._readable(f"{key}/{suffix}") is not None)
            ):
                return _redirect("/" + quote(key) + "/", 302)
            raise self._missing(wanted)
        redirect = row.headers.get("WebsiteRedirectLocation")
        if redirect:
            return _redirect(redirect)
        return self._send(row, 200)

    def _send(self, row: ObjectRow, status: int) -> HttpResponse:
        headers = {"Content-Type": str(row.headers.get("ContentType", "binary/octet-stream")),
                   "ETag": row.etag, "Content-Length": str(row.size),
                   "Last-Modified": _http_date(row.last_modified)}  # fmt: skip
        for member, header in (("CacheControl", "Cache-Control"),
                               ("ContentEncoding", "Content-Encoding"),
                               ("ContentLanguage", "Content-Language"),
                               ("ContentDisposition", "Content-Disposition")):  # fmt: skip
            if row.headers.get(member):
                headers[header] = str(row.headers[member])
        response = HttpResponse(status, headers, b"")
        if self.request.method == "GET":
            response.stream = object_body(self.ctx.cloud.store, row, 0, row.size)
        return response

    def _readable(self, key: str) -> ObjectRow | None:
        """The key's current object, or None when missing; WebsiteError 403 when private."""
        with s3_store(self.ctx).read() as tx:
            row = current_row(tx, self.bucket.name, key)
        if row is None or row.delete_marker:
            return None
        if not self._anonymous_may("s3:GetObject", f"arn:aws:s3:::{self.bucket.name}/{key}", row):
            raise WebsiteError(403, "AccessDenied", "Access Denied")
        return row

    def _missing(self, key: str) -> WebsiteError:
        if self._anonymous_may("s3:ListBucket", f"arn:aws:s3:::{self.bucket.name}", None):
            return WebsiteError(404, "NoSuchKey", "The specified key does not exist.", Key=key)
        return WebsiteError(403, "AccessDenied", "Access Denied")

    def _anonymous_may(self, action: str, resource: str, row: ObjectRow | None) -> bool:
        if self.policy_text and not self.block.get("RestrictPublicBuckets"):
            decision = evaluate(AuthorizationRequest(
                principal=_ANONYMOUS, action=action, resources=[resource],
                context={"aws:SecureTransport": "false"},
                resource_policy=parse_policy(self.policy_text, "resource"),
                resource_account=self.bucket.account_id,
            ))  # fmt: skip
            if decision.allowed:
                return True
        return self._public_acl(row)

    def _public_acl(self, row: ObjectRow | None) -> bool:
        if self.block.get("IgnorePublicAcls"):
            return False
        if object_ownership(self.ctx, self.bucket.name) == "BucketOwnerEnforced":
            return False
        if row is None:
            grants = get_config(self.ctx, self.bucket.name, BUCKET_ACL) or []
        else:
            grants = object_grants(self.ctx, self.bucket, row) or []
        return any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] in ("READ",
                   "FULL_CONTROL") for g in grants)  # fmt: skip

    def _routing_redirect(self, key: str, status: int | None) -> HttpResponse | None:
        for rule in self.config.get("RoutingRules") or []:
            condition = rule.get("Condition") or {}
            prefix = condition.get("KeyPrefixEquals")
            code = condition.get("HttpErrorCodeReturnedEquals")
            if code is not None and (status is None or str(status) != str(code)):
                continue
            if code is None and status is not None:
                continue
            if prefix is not None and not key.startswith(prefix):
                continue
            return _redirect(*self._redirect_target(rule["Redirect"], key, prefix or ""))
        return None

    def _redirect_target(self, redirect: dict[str, Any], key: str, prefix: str) -> tuple[str, int]:
        protocol = redirect.get("Protocol") or "http"
        host = redirect.get("HostName") or self.request.host
        if redirect.get("ReplaceKeyWith") is not None:
            key = redirect["ReplaceKeyWith"]
        elif redirect.get("ReplaceKeyPrefixWith") is not None:
            key = redirect["ReplaceKeyPrefixWith"] + key[len(prefix) :]
        status = int(redirect.get("HttpRedirectCode") or 301)
        return f"{protocol}://{host}/{quote(key)}", status

    def _error_document(self, error: WebsiteError, request_id: str) -> HttpResponse:
        document = (self.config.get("ErrorDocument") or {}).get("Key")
        if not document:
            return _error_response(error, self.request, request_id)
        try:
            row = self._readable(document)
            if row is None:
                raise WebsiteError(404, "NoSuchKey", "The specified key does not exist.",
                                   Key=document)  # fmt: skip
        except WebsiteError as nested:
            return _error_response(error, self.request, request_id, nested)
        return self._send(row, error.status)


def _http_date(epoch_s: float) -> str:
    from email.utils import formatdate

    return formatdate(epoch_s, usegmt=True)

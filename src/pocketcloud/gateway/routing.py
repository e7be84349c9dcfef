"""From what a real client sends to (service, protocol, operation, region, caller).

The order follows how specific each clue is: an ``X-Amz-Target`` header names service and
operation outright; a smithy-rpc-v2 path names the operation; a query ``Action`` names the
operation; the SigV4 credential scope names the signing service and region; the Host header
can name a service, a region or an S3 bucket; REST services are matched on method and URI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from urllib.parse import parse_qsl

from botocore.model import OperationModel

from pocketcloud.errors import AwsError
from pocketcloud.gateway.hosts import HostInfo, parse_host
from pocketcloud.gateway.scope import CredentialScope, credential_scope, legacy_access_key
from pocketcloud.protocol.catalog import ServiceInfo, catalog
from pocketcloud.protocol.http import HttpRequest
from pocketcloud.protocol.rest_router import RestRouter
from pocketcloud.protocol.specs import operation_model, service_model
from pocketcloud.services.registry import is_served

_FORM = "application/x-www-form-urlencoded"
_QUERY_PROTOCOLS = ("query", "ec2")


@dataclass
class Route:
    service: str  # botocore's service name
    protocol: str
    operation: str  # "" when the request names none we know
    region: str = ""
    access_key_id: str = ""
    uri_params: dict[str, str] | None = None
    form: dict[str, str] = field(default_factory=dict)

    def operation_model(self) -> OperationModel:
        return operation_model(self.service, self.operation)  # cached: asked on every request


def route(request: HttpRequest, default_region: str) -> Route:
    scope = credential_scope(request)
    host = parse_host(request.host) if request.host else HostInfo()
    region = (scope.region if scope else "") or host.region or default_region
    access_key = scope.access_key_id if scope else legacy_access_key(request)
    found = (
        _by_target(request)
        or _by_rpc_v2_path(request, scope)
        or _by_action(request, scope, host)
        or _by_rest(request, scope, host)
    )
    found.region = region
    found.access_key_id = access_key
    return found


def _by_target(request: HttpRequest) -> Route | None:
    target = request.headers.get("x-amz-target")
    if not target:
        return None
    prefix, _, operation = target.rpartition(".")
    info = catalog.by_target_prefix.get(prefix)
    if info is None:
        raise AwsError("UnknownOperationException", f"Unknown target prefix in {target!r}.", 400)
    return Route(info.name, "json", _known_operation(info.name, operation, target))


def _by_rpc_v2_path(request: HttpRequest, scope: CredentialScope | None) -> Route | None:
    if request.headers.get("smithy-protocol") != "rpc-v2-cbor":
        return None
    parts = request.path.split("/")
    # /service/{ServiceName}/operation/{OperationName}, possibly behind a path prefix
    if len(parts) < 5 or parts[-4] != "service" or parts[-2] != "operation":
        raise AwsError("UnknownOperationException", "Malformed smithy-rpc-v2-cbor path.", 404)
    service_shape, operation = parts[-3], parts[-1]
    info = _pick(_candidates(scope, None), "smithy-rpc-v2-cbor", service_shape)
    if info is None:
        raise AwsError("UnknownOperationException", f"Unknown service {service_shape!r}.", 404)
    return Route(info.name, "smithy-rpc-v2-cbor", _known_operation(info.name, operation, operation))


def _by_action(request: HttpRequest, scope: CredentialScope | None, host: HostInfo) -> Route | None:
    form: dict[str, str] = {}
    content_type = request.headers.get("content-type", "")
    if request.method == "POST" and content_type.startswith(_FORM):
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    action = form.get("Action")
    if action is None and "Action=" in request.query_string:
        form = dict(request.query_pairs())
        action = form.get("Action")
    if action is None:
        return None
    info = _pick(_candidates(scope, host), "query", form.get("Version", ""))
    if info is None and (scope is not None or host.service_prefix):
        return None  # a REST request whose query happens to hold "Action="
    if info is None:  # botocore sends a few operations unsigned: Action and Version suffice
        info = _unsigned_operation_service(action, form.get("Version", ""))
    if info is None:
        raise AwsError(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token: sign it with SigV4 so pocketcloud "
            "can tell which service it is for.",
            403,
        )
    protocol = "ec2" if "ec2" in info.protocols else "query"
    operation = action if action in _operation_names(info.name) else ""
    return Route(info.name, protocol, operation, form=form)


def _by_rest(request: HttpRequest, scope: CredentialScope | None, host: HostInfo) -> Route:
    candidates = _candidates(scope, host) or [catalog.services["s3"]]
    rest = [i for i in candidates if i.protocols[0] in ("rest-json", "rest-xml")] or candidates
    first: Route | None = None
    for info in _served_first(rest):
        bucket = _virtual_host_bucket(host) if info.name == "s3" else ""
        if bucket:
            request.path = "/" + bucket + request.path  # virtual-hosted -> path-style
        protocol = info.protocols[0]
        if protocol not in ("rest-json", "rest-xml"):  # e.g. an EC2 POST without any Action:
            first = first or Route(info.name, protocol, "")  # never its spec's first operation
            continue
        match = _rest_router(info.name).match(
            request.method, request.path, request.query_string, headers=request.headers
        )
        if match is not None:
            operation, labels = match
            return Route(info.name, protocol, operation.name, uri_params=labels)
        first = first or Route(info.name, protocol, "")
    assert first is not None
    return first


def _virtual_host_bucket(host: HostInfo) -> str:
    if host.bucket:
        return host.bucket
    # "mybucket.localhost": what botocore sends for virtual addressing to a local endpoint
    prefix = host.service_prefix
    if prefix and not host.region and prefix not in catalog.by_endpoint_prefix:
        return prefix
    return ""


def _candidates(scope: CredentialScope | None, host: HostInfo | None) -> list[ServiceInfo]:
    if scope is not None:
        found = catalog.by_signing_name.get(scope.signing_name)
        if found:
            return found
    if host is not None and host.service_prefix:
        return catalog.by_endpoint_prefix.get(host.service_prefix, [])
    return []


def _pick(candidates: list[ServiceInfo], protocol: str, hint: str) -> ServiceInfo | None:
    """Among services sharing a signing name, the one that speaks `protocol`; `hint` is
    the query Version or the rpc-v2 service shape name, which tell siblings apart."""
    speaking = [i for i in candidates if _speaks(i, protocol)]
    for info in speaking:
        if hint and hint in (info.api_version, info.target_prefix):
            return info
    ordered = _served_first(speaking)
    return ordered[0] if ordered else None


def _speaks(info: ServiceInfo, protocol: str) -> bool:
    if protocol == "query":
        return any(p in _QUERY_PROTOCOLS for p in info.protocols) or _accepts_legacy_query(
            info.name)
    return protocol in info.protocols


@cache
def _accepts_legacy_query(service: str) -> bool:
    """Services that moved from query to json (SQS) still answer query: their specs say
    awsQueryCompatible, though their protocol list names json only."""
    return is_served(service) and "awsQueryCompatible" in service_model(service).metadata


def _served_first(infos: list[ServiceInfo]) -> list[ServiceInfo]:
    return sorted(infos, key=lambda i: (not is_served(i.name), i.name != i.signing_name, i.name))


@lru_cache(maxsize=256)  # keyed by what a client sent: bounded
def _unsigned_operation_service(action: str, version: str) -> ServiceInfo | None:
    """The served query service whose API version is ``version`` and whose ``action`` AWS
    answers without a signature (STS's AssumeRoleWithWebIdentity, AssumeRoleWithSAML)."""
    for info in catalog.services.values():
        if (info.api_version == version and is_served(info.name)
                and any(p in _QUERY_PROTOCOLS for p in info.protocols)
                and action in _operation_names(info.name)
                and service_model(info.name).operation_model(action).auth_type == "none"):
            return info
    return None


@cache
def _operation_names(service: str) -> frozenset[str]:
    return frozenset(service_model(service).operation_names)


def _known_operation(service: str, operation: str, described: str) -> str:
    if operation in _operation_names(service):
        return operation
    raise AwsError("UnknownOperationException", f"Unknown operation {described!r}.", 400)


@cache
def _rest_router(service: str) -> RestRouter:
    return RestRouter(service_model(service))

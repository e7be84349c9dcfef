"""Mobile push: platform applications and their endpoints. Pushes never leave the machine:
a Publish to an endpoint (directly or through an `application` subscription) lands in the
outbox with protocol "application", as email and SMS do."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sns.schema import ready_store
from pocketcloud.store import Store, Tx

PLATFORMS = frozenset({"ADM", "APNS", "APNS_SANDBOX", "GCM", "BAIDU", "MPNS", "WNS"})
SECRET_ATTRIBUTES = frozenset({"PlatformCredential", "PlatformPrincipal"})
PAGE_SIZE = 100
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,256}")


def _load(tx: Tx, resource_arn: str, kind: str) -> dict[str, Any] | None:
    row = tx.fetchone("SELECT application_arn, attributes FROM sns_platform WHERE arn = ? "
                      "AND kind = ?", (resource_arn, kind))
    if row is None:
        return None
    return {"application_arn": row[0], "attributes": json.loads(row[1])}


def _application(ctx: RequestContext, application_arn: str | None) -> dict[str, Any]:
    with ready_store(ctx.cloud.store).read() as tx:
        found = _load(tx, application_arn or "", "application")
    if found is None:
        raise AwsError("NotFound", "PlatformApplication does not exist", 404)
    return found


def endpoint_record(store: Store, endpoint_arn: str) -> dict[str, Any] | None:
    with ready_store(store).read() as tx:
        return _load(tx, endpoint_arn, "endpoint")


def platform_of(endpoint_arn: str) -> str:
    """GCM, APNS...: the key a MessageStructure=json message uses for this endpoint."""
    resource = endpoint_arn.split(":", 5)[-1]
    parts = resource.split("/")
    return parts[1] if len(parts) > 2 else ""


def create_platform_application(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, platform = str(params.get("Name") or ""), str(params.get("Platform") or "")
    if not _NAME.fullmatch(name):
        raise AwsError("InvalidParameter", "Invalid parameter: Name")
    if platform not in PLATFORMS:
        raise AwsError("InvalidParameter", "Invalid parameter: Platform")
    attributes = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
    if not attributes.get("PlatformCredential"):
        raise AwsError("InvalidParameter", "Invalid parameter: Attributes Reason: "
                       "PlatformCredential attribute is required")
    attributes.setdefault("Enabled", "true")
    application_arn = arn("sns", ctx.region, ctx.account_id, f"app/{platform}/{name}")
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute("INSERT OR REPLACE INTO sns_platform (arn, kind, application_arn, account_id,"
                   " region, attributes, created_s) VALUES (?, 'application', ?, ?, ?, ?, ?)",
                   (application_arn, application_arn, ctx.account_id, ctx.region,
                    json.dumps(attributes), ctx.cloud.clock.now()))
    return {"PlatformApplicationArn": application_arn}


def _shown(attributes: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in attributes.items() if k not in SECRET_ATTRIBUTES}


def get_platform_application_attributes(ctx: RequestContext,
                                        params: dict[str, Any]) -> dict[str, Any]:
    found = _application(ctx, params.get("PlatformApplicationArn"))
    return {"Attributes": _shown(found["attributes"])}


def set_platform_application_attributes(ctx: RequestContext,
                                        params: dict[str, Any]) -> dict[str, Any]:
    application_arn = params.get("PlatformApplicationArn") or ""
    found = _application(ctx, application_arn)
    found["attributes"].update({str(k): str(v) for k, v in
                                (params.get("Attributes") or {}).items()})
    _save(ctx, application_arn, found["attributes"])
    return {}


def _save(ctx: RequestContext, resource_arn: str, attributes: dict[str, str]) -> None:
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute("UPDATE sns_platform SET attributes = ? WHERE arn = ?",
                   (json.dumps(attributes), resource_arn))


def delete_platform_application(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    application_arn = params.get("PlatformApplicationArn") or ""
    with ready_store(ctx.cloud.store).write() as tx:  # idempotent, as in AWS
        tx.execute("DELETE FROM sns_platform WHERE application_arn = ?", (application_arn,))
    return {}


def _page(ctx: RequestContext, sql: str, args: tuple[Any, ...], token: str | None,
          arn_member: str) -> tuple[list[dict[str, Any]], str | None]:
    if token is not None and not token.startswith("arn:aws:sns:"):
        raise AwsError("InvalidParameter", "Invalid parameter: NextToken")
    with ready_store(ctx.cloud.store).read() as tx:
        rows = tx.fetchall(sql + " AND arn > ? ORDER BY arn LIMIT ?",
                           (*args, token or "", PAGE_SIZE + 1))
    items = [{arn_member: row[0], "Attributes": _shown(json.loads(row[1]))}
             for row in rows[:PAGE_SIZE]]
    return items, (rows[PAGE_SIZE - 1][0] if len(rows) > PAGE_SIZE else None)


def list_platform_applications(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    items, token = _page(ctx, "SELECT arn, attributes FROM sns_platform WHERE account_id = ? "
                         "AND region = ? AND kind = 'application'",
                         (ctx.account_id, ctx.region), params.get("NextToken"),
                         "PlatformApplicationArn")
    result: dict[str, Any] = {"PlatformApplications": items}
    if token:
        result["NextToken"] = token
    return result


def create_platform_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    application_arn = params.get("PlatformApplicationArn") or ""
    _application(ctx, application_arn)
    token = str(params.get("Token") or "")
    if not token:
        raise AwsError("InvalidParameter", "Invalid parameter: Token")
    attributes = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
    attributes.update({"Token": token, "Enabled": attributes.get("Enabled", "true")})
    if params.get("CustomUserData") is not None:
        attributes["CustomUserData"] = str(params["CustomUserData"])
    with ready_store(ctx.cloud.store).write() as tx:
        for row in tx.fetchall("SELECT arn, attributes FROM sns_platform WHERE "
                               "application_arn = ? AND kind = 'endpoint'", (application_arn,)):
            existing = json.loads(row[1])
            if existing.get("Token") == token:
                if existing != attributes:
                    raise AwsError("InvalidParameter", "Invalid parameter: Token Reason: "
                                   f"Endpoint {row[0]} already exists with the same Token, but "
                                   "different attributes.")
                return {"EndpointArn": row[0]}
        platform_name = application_arn.split(":", 5)[5][len("app/"):]
        endpoint_arn = arn("sns", ctx.region, ctx.account_id,
                           f"endpoint/{platform_name}/{ctx.cloud.ids.uuid4()}")
        tx.execute("INSERT INTO sns_platform (arn, kind, application_arn, account_id, region, "
                   "attributes, created_s) VALUES (?, 'endpoint', ?, ?, ?, ?, ?)",
                   (endpoint_arn, application_arn, ctx.account_id, ctx.region,
                    json.dumps(attributes), ctx.cloud.clock.now()))
    return {"EndpointArn": endpoint_arn}


def _endpoint(ctx: RequestContext, endpoint_arn: str | None) -> dict[str, Any]:
    found = endpoint_record(ctx.cloud.store, endpoint_arn or "")
    if found is None:
        raise AwsError("NotFound", "Endpoint does not exist", 404)
    return found


def get_endpoint_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Attributes": _endpoint(ctx, params.get("EndpointArn"))["attributes"]}


def set_endpoint_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    endpoint_arn = params.get("EndpointArn") or ""
    found = _endpoint(ctx, endpoint_arn)
    changes = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
    if "Enabled" in changes and changes["Enabled"].lower() not in ("true", "false"):
        raise AwsError("InvalidParameter", "Invalid parameter: Attributes Reason: Enabled "
                       "must be true or false")
    found["attributes"].update(changes)
    _save(ctx, endpoint_arn, found["attributes"])
    return {}


def delete_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with ready_store(ctx.cloud.store).write() as tx:  # idempotent, as in AWS
        tx.execute("DELETE FROM sns_platform WHERE arn = ? AND kind = 'endpoint'",
                   (params.get("EndpointArn") or "",))
    return {}


def list_endpoints_by_platform_application(ctx: RequestContext,
                                           params: dict[str, Any]) -> dict[str, Any]:
    application_arn = params.get("PlatformApplicationArn") or ""
    _application(ctx, application_arn)
    items, token = _page(ctx, "SELECT arn, attributes FROM sns_platform WHERE "
                         "application_arn = ? AND kind = 'endpoint'", (application_arn,),
                         params.get("NextToken"), "EndpointArn")
    result: dict[str, Any] = {"Endpoints": items}
    if token:
        result["NextToken"] = token
    return result

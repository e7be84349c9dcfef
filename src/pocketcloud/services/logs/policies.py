"""Stored CloudWatch Logs documents: resource policies (10 per region, 5120 characters each),
destinations and their access policies, account policies, data protection policies, and a
log group's KMS key (Associate/DisassociateKmsKey; DescribeLogGroups shows it).

pocketcloud keeps and describes them as AWS does; it does not enforce them (no KMS service
encrypts the events, data protection masks nothing, a destination's Kinesis target is not
built), which the README's feature table says too.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.logs import tokens
from pocketcloud.services.logs.groups import check_tags, now_ms
from pocketcloud.services.logs.names import (
    check_group_name,
    group_name_of,
    invalid,
    like_prefix,
    no_group,
    page_limit,
    require_group,
    validation_error,
)
from pocketcloud.services.logs.schema import store
from pocketcloud.services.logs.subscriptions import check_filter_name

RESOURCE_POLICIES_MAX = 10
POLICY_CHARS_MAX = 5120
ACCOUNT_POLICY_TYPES = ("DATA_PROTECTION_POLICY", "SUBSCRIPTION_FILTER_POLICY",
                        "FIELD_INDEX_POLICY", "TRANSFORMER_POLICY", "METRIC_EXTRACTION_POLICY")
DATA_PROTECTION = "data-protection"


def _check_document(document: str, member: str = "policyDocument",
                    chars_max: int = POLICY_CHARS_MAX) -> str:
    if not 1 <= len(document) <= chars_max:
        raise validation_error(document, member, "Member must have length less than or "
                               f"equal to {chars_max}")
    try:
        json.loads(document)
    except ValueError:
        raise invalid("Policy document is not valid JSON.") from None
    return document


# --- resource policies --------------------------------------------------------------------

def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("policyName")
    if not name:
        raise invalid("policyName is required.")
    document = _check_document(params.get("policyDocument") or "")
    now = now_ms(ctx)
    key = (ctx.account_id, ctx.region)
    with store(ctx).write() as tx:
        others = tx.fetchvalue("SELECT count(*) FROM logs_resource_policies WHERE account_id = ? "
                               "AND region = ? AND name != ?", (*key, name))
        if others >= RESOURCE_POLICIES_MAX:
            raise AwsError("LimitExceededException", "Resource limit exceeded.")
        tx.execute("INSERT INTO logs_resource_policies (account_id, region, name, document, "
                   "updated_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, region, name) "
                   "DO UPDATE SET document = excluded.document, updated_ms = "
                   "excluded.updated_ms", (*key, name, document, now))
    return {"resourcePolicy": _resource_policy((name, document, now))}


def _resource_policy(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"policyName": row[0], "policyDocument": row[1], "lastUpdatedTime": row[2],
            "policyScope": "ACCOUNT"}


def describe_resource_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = page_limit(params)
    after = str(tokens.decode(params.get("nextToken")) or "")
    with store(ctx).read() as tx:
        rows = tx.fetchall("SELECT name, document, updated_ms FROM logs_resource_policies "
                           "WHERE account_id = ? AND region = ? AND name > ? ORDER BY name "
                           "LIMIT ?", (ctx.account_id, ctx.region, after, limit + 1))
    described = [_resource_policy((name, _canonical(document), updated))
                 for name, document, updated in rows[:limit]]
    result: dict[str, Any] = {"resourcePolicies": described}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode(rows[limit - 1][0])
    return result


def _canonical(document: str) -> str:
    """The stored form AWS describes (PutResourcePolicy echoes the document as sent): a
    missing Version is "2008-10-17" and a principal's one-element list is its element."""
    policy = json.loads(document)
    if not isinstance(policy, dict):
        return document
    changed = "Version" not in policy
    policy = {"Version": policy.get("Version", "2008-10-17"), **policy}
    statements = policy.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if not isinstance(principal, dict):
            continue
        for key, value in principal.items():
            if isinstance(value, list) and len(value) == 1:
                principal[key], changed = value[0], True
    return json.dumps(policy, separators=(",", ":")) if changed else document


def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("policyName") or ""
    with store(ctx).write() as tx:
        if not tx.execute("DELETE FROM logs_resource_policies WHERE account_id = ? AND "
                          "region = ? AND name = ?", (ctx.account_id, ctx.region, name)):
            raise AwsError("ResourceNotFoundException",
                           f"Policy with name [{name}] does not exist.")
    return {}


# --- destinations -------------------------------------------------------------------------

def _no_destination() -> AwsError:
    return AwsError("ResourceNotFoundException", "The specified destination does not exist.")


def _destination(ctx: RequestContext, row: tuple[Any, ...]) -> dict[str, Any]:
    name, target, role, policy, created = row
    found = {"destinationName": name, "targetArn": target, "roleArn": role,
             "arn": arn("logs", ctx.region, ctx.account_id, f"destination:{name}"),
             "creationTime": created}
    if policy:
        found["accessPolicy"] = policy
    return found


def put_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_filter_name(params["destinationName"])
    target, role = params["targetArn"], params["roleArn"]
    for member, value in (("targetArn", target), ("roleArn", role)):
        if not value.startswith("arn:"):
            raise invalid(f"Invalid {member}: {value}")
    tags = params.get("tags") or {}
    check_tags(tags)
    key = (ctx.account_id, ctx.region, name)
    with store(ctx).write() as tx:
        # tags are set when the destination is made; TagResource changes them afterwards
        tx.execute("INSERT INTO logs_destinations (account_id, region, name, target_arn, "
                   "role_arn, created_ms, tags) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                   "(account_id, region, name) DO UPDATE SET target_arn = excluded.target_arn, "
                   "role_arn = excluded.role_arn",
                   (*key, target, role, now_ms(ctx), json.dumps(tags)))
        row = tx.fetchone("SELECT name, target_arn, role_arn, access_policy, created_ms FROM "
                          "logs_destinations WHERE account_id = ? AND region = ? AND name = ?",
                          key)
    return {"destination": _destination(ctx, tuple(row or ()))}


def put_destination_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_filter_name(params["destinationName"])
    policy = _check_document(params["accessPolicy"], "accessPolicy")
    with store(ctx).write() as tx:
        if not tx.execute("UPDATE logs_destinations SET access_policy = ? WHERE account_id = ? "
                          "AND region = ? AND name = ?",
                          (policy, ctx.account_id, ctx.region, name)):
            raise _no_destination()
    return {}


def describe_destinations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = page_limit(params)
    after = str(tokens.decode(params.get("nextToken")) or "")
    sql = ("SELECT name, target_arn, role_arn, access_policy, created_ms FROM "
           "logs_destinations WHERE account_id = ? AND region = ? AND name > ?")
    args: list[Any] = [ctx.account_id, ctx.region, after]
    if params.get("DestinationNamePrefix"):
        sql += " AND name LIKE ? ESCAPE '\\'"
        args.append(like_prefix(params["DestinationNamePrefix"]))
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY name LIMIT ?", (*args, limit + 1))
    result: dict[str, Any] = {"destinations": [_destination(ctx, r) for r in rows[:limit]]}
    if len(rows) > limit:
        result["nextToken"] = tokens.encode(rows[limit - 1][0])
    return result


def delete_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_filter_name(params["destinationName"])
    with store(ctx).write() as tx:
        if not tx.execute("DELETE FROM logs_destinations WHERE account_id = ? AND region = ? "
                          "AND name = ?", (ctx.account_id, ctx.region, name)):
            raise _no_destination()
    return {}


# --- KMS keys of log groups ---------------------------------------------------------------

def associate_kms_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key_id = params["kmsKeyId"]
    parts = key_id.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "kms":
        raise invalid(f"Specified KMS key ARN is not valid: {key_id}")
    _set_kms_key(ctx, _kms_group(ctx, params), key_id)
    return {}


def disassociate_kms_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _set_kms_key(ctx, _kms_group(ctx, params), None)
    return {}


def _kms_group(ctx: RequestContext, params: dict[str, Any]) -> str:
    if params.get("resourceIdentifier"):
        if params.get("logGroupName"):
            raise invalid("LogGroupName and ResourceIdentifier are mutually exclusive "
                          "parameters.")
        return group_name_of(ctx, {"logGroupIdentifier": params["resourceIdentifier"]})
    if not params.get("logGroupName"):
        raise invalid("Either LogGroupName or ResourceIdentifier must be specified.")
    return check_group_name(params["logGroupName"])


def _set_kms_key(ctx: RequestContext, group: str, key_id: str | None) -> None:
    with store(ctx).write() as tx:
        if not tx.execute("UPDATE logs_groups SET kms_key_id = ? WHERE account_id = ? AND "
                          "region = ? AND name = ?", (key_id, ctx.account_id, ctx.region,
                                                      group)):
            raise no_group()


# --- data protection policies of log groups -----------------------------------------------

def put_data_protection_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    identifier = params["logGroupIdentifier"]
    group = group_name_of(ctx, {"logGroupIdentifier": identifier})
    document = _check_document(params["policyDocument"], chars_max=30_720)
    now = now_ms(ctx)
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        _put_document(tx, ctx, DATA_PROTECTION, group, document, now)
    return {"logGroupIdentifier": identifier, "policyDocument": document,
            "lastUpdatedTime": now}


def get_data_protection_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    identifier = params["logGroupIdentifier"]
    group = group_name_of(ctx, {"logGroupIdentifier": identifier})
    with store(ctx).read() as tx:
        require_group(tx, ctx, group)
        row = tx.fetchone("SELECT document, updated_ms FROM logs_policy_documents WHERE "
                          "account_id = ? AND region = ? AND kind = ? AND name = ?",
                          (ctx.account_id, ctx.region, DATA_PROTECTION, group))
    if row is None:
        return {"logGroupIdentifier": identifier}
    return {"logGroupIdentifier": identifier, "policyDocument": row[0],
            "lastUpdatedTime": row[1]}


def delete_data_protection_policy(ctx: RequestContext,
                                  params: dict[str, Any]) -> dict[str, Any]:
    group = group_name_of(ctx, {"logGroupIdentifier": params["logGroupIdentifier"]})
    with store(ctx).write() as tx:
        require_group(tx, ctx, group)
        if not _delete_document(tx, ctx, DATA_PROTECTION, group):
            raise AwsError("ResourceNotFoundException",
                           "The specified data protection policy does not exist.")
    return {}


def _put_document(tx: Any, ctx: RequestContext, kind: str, name: str, document: str,
                  now: int, extra: dict[str, Any] | None = None) -> None:
    tx.execute("INSERT INTO logs_policy_documents (account_id, region, kind, name, document, "
               "extra, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, "
               "region, kind, name) DO UPDATE SET document = excluded.document, extra = "
               "excluded.extra, updated_ms = excluded.updated_ms",
               (ctx.account_id, ctx.region, kind, name, document, json.dumps(extra or {}), now))


def _delete_document(tx: Any, ctx: RequestContext, kind: str, name: str) -> bool:
    return bool(tx.execute("DELETE FROM logs_policy_documents WHERE account_id = ? AND "
                           "region = ? AND kind = ? AND name = ?",
                           (ctx.account_id, ctx.region, kind, name)))


# --- account policies ---------------------------------------------------------------------

def _policy_type(value: Any) -> str:
    if value not in ACCOUNT_POLICY_TYPES:
        raise validation_error(value, "policyType", "Member must satisfy enum value set: "
                               f"[{', '.join(ACCOUNT_POLICY_TYPES)}]")
    return str(value)


def put_account_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy_type = _policy_type(params["policyType"])
    name = params["policyName"]
    document = _check_document(params["policyDocument"], chars_max=30_720)
    extra = {"scope": params.get("scope") or "ALL"}
    if params.get("selectionCriteria"):
        extra["selectionCriteria"] = params["selectionCriteria"]
    now = now_ms(ctx)
    with store(ctx).write() as tx:
        _put_document(tx, ctx, "account:" + policy_type, name, document, now, extra)
    return {"accountPolicy": _account_policy(ctx, policy_type, (name, document, now,
                                                                  json.dumps(extra)))}


def _account_policy(ctx: RequestContext, policy_type: str,
                    row: tuple[Any, ...]) -> dict[str, Any]:
    name, document, updated, extra = row
    return {"policyName": name, "policyDocument": document, "lastUpdatedTime": updated,
            "policyType": policy_type, "accountId": ctx.account_id, **json.loads(extra)}


def describe_account_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy_type = _policy_type(params["policyType"])
    sql = ("SELECT name, document, updated_ms, extra FROM logs_policy_documents WHERE "
           "account_id = ? AND region = ? AND kind = ?")
    args: list[Any] = [ctx.account_id, ctx.region, "account:" + policy_type]
    if params.get("policyName"):
        sql += " AND name = ?"
        args.append(params["policyName"])
    with store(ctx).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY name LIMIT 1000", args)
    return {"accountPolicies": [_account_policy(ctx, policy_type, tuple(r)) for r in rows]}


def delete_account_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy_type = _policy_type(params["policyType"])
    name = params["policyName"]
    with store(ctx).write() as tx:
        if not _delete_document(tx, ctx, "account:" + policy_type, name):
            raise AwsError("ResourceNotFoundException",
                           f"Policy with name [{name}] does not exist.")
    return {}

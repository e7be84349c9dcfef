"""Inline policies and managed-policy attachments of users, groups and roles."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.common import (
    document_size,
    encoded_document,
    iam_arn,
    no_such_entity,
    page,
    path_prefix,
    policy_document,
    valid_name,
)
from pocketcloud.services.iam.managed import policy_exists, require_attachable, valid_arn
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

MAX_ATTACHED_POLICIES = 10
# kind -> (table, the owner's name member, quota in characters for all its inline policies)
_OWNERS = {
    "user": ("iam_users", "UserName", 2048),
    "group": ("iam_groups", "GroupName", 5120),
    "role": ("iam_roles", "RoleName", 10240),
}


def _require_owner(tx: Tx, account_id: str, kind: str, name: str) -> None:
    table = _OWNERS[kind][0]
    if not tx.fetchvalue(f"SELECT 1 FROM {table} WHERE account_id = ? AND name = ?",
                         (account_id, name)):
        raise no_such_entity(f"The {kind} with name {name} cannot be found.")


def _put(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    owner = params[_OWNERS[kind][1]]
    name = valid_name(params["PolicyName"], "policyName", 128)
    document = params["PolicyDocument"]
    policy_document(document)
    with writing(ctx.cloud) as tx:
        _require_owner(tx, ctx.account_id, kind, owner)
        _check_inline_quota(tx, ctx.account_id, kind, owner, name, document)
        tx.execute(
            "INSERT INTO iam_inline_policies (account_id, owner_kind, owner_name, policy_name, "
            "document) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, owner_kind, owner_name, "
            "policy_name) DO UPDATE SET document = excluded.document",
            (ctx.account_id, kind, owner, name, document))
    return {}


def _check_inline_quota(
    tx: Tx, account_id: str, kind: str, owner: str, name: str, document: str
) -> None:
    """The quota is on all of an owner's inline policies together (whitespace not counted),
    the one being replaced aside."""
    others = tx.fetchall("SELECT document FROM iam_inline_policies WHERE account_id = ? AND "
                         "owner_kind = ? AND owner_name = ? AND policy_name != ?",
                         (account_id, kind, owner, name))
    quota = _OWNERS[kind][2]
    if sum(document_size(text) for text in [document, *(r[0] for r in others)]) > quota:
        raise AwsError("LimitExceededException", f"Maximum policy size of {quota} bytes "
                       f"exceeded for {kind} {owner}", 409)


def _get(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    member = _OWNERS[kind][1]
    owner, name = params[member], params["PolicyName"]
    with reading(ctx.cloud) as tx:
        _require_owner(tx, ctx.account_id, kind, owner)
        document = tx.fetchvalue(
            "SELECT document FROM iam_inline_policies WHERE account_id = ? AND owner_kind = ? "
            "AND owner_name = ? AND policy_name = ?", (ctx.account_id, kind, owner, name))
    if document is None:
        raise no_such_entity(f"The {kind} policy with name {name} cannot be found.")
    return {member: owner, "PolicyName": name, "PolicyDocument": encoded_document(document)}


def _delete(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    owner, name = params[_OWNERS[kind][1]], params["PolicyName"]
    with writing(ctx.cloud) as tx:
        _require_owner(tx, ctx.account_id, kind, owner)
        deleted = tx.execute(
            "DELETE FROM iam_inline_policies WHERE account_id = ? AND owner_kind = ? AND "
            "owner_name = ? AND policy_name = ?", (ctx.account_id, kind, owner, name))
    if not deleted:
        raise no_such_entity(f"The {kind} policy with name {name} cannot be found.")
    return {}


def _list(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    owner = params[_OWNERS[kind][1]]
    with reading(ctx.cloud) as tx:
        _require_owner(tx, ctx.account_id, kind, owner)
        names = [r[0] for r in tx.fetchall(
            "SELECT policy_name FROM iam_inline_policies WHERE account_id = ? AND owner_kind = ? "
            "AND owner_name = ? ORDER BY policy_name", (ctx.account_id, kind, owner))]
    return page(names, params, "PolicyNames")


def _attach(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    owner, arn = params[_OWNERS[kind][1]], params["PolicyArn"]
    with writing(ctx.cloud) as tx:
        _require_owner(tx, ctx.account_id, kind, owner)
        require_attachable(tx, ctx.account_id, arn)
        count = tx.fetchvalue("SELECT COUNT(*) FROM iam_attachments WHERE account_id = ? AND "
                              "owner_kind = ? AND owner_name = ? AND policy_arn != ?",
                              (ctx.account_id, kind, owner, arn))
        if count >= MAX_ATTACHED_POLICIES:
            raise AwsError("LimitExceededException", "Cannot exceed quota for PoliciesPer"
                           f"{kind.capitalize()}: {MAX_ATTACHED_POLICIES}", 409)
        tx.execute("INSERT INTO iam_attachments (account_id, owner_kind, owner_name, policy_arn) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   (ctx.account_id, kind, owner, arn))
    return {}


def _detach(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    owner, arn = params[_OWNERS[kind][1]], valid_arn(params["PolicyArn"])
    with writing(ctx.cloud) as tx:
        _require_owner(tx, ctx.account_id, kind, owner)
        deleted = tx.execute("DELETE FROM iam_attachments WHERE account_id = ? AND "
                             "owner_kind = ? AND owner_name = ? AND policy_arn = ?",
                             (ctx.account_id, kind, owner, arn))
    if not deleted:
        raise no_such_entity(f"Policy {arn} was not found.")
    return {}


def _list_attached(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    owner = params[_OWNERS[kind][1]]
    prefix = path_prefix(params)
    with reading(ctx.cloud) as tx:
        _require_owner(tx, ctx.account_id, kind, owner)
        arns = [r[0] for r in tx.fetchall(
            "SELECT policy_arn FROM iam_attachments WHERE account_id = ? AND owner_kind = ? "
            "AND owner_name = ? ORDER BY policy_arn", (ctx.account_id, kind, owner))]
    attached = [{"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn} for arn in arns
                if arn.split(":policy", 1)[1].startswith(prefix)]
    return page(attached, params, "AttachedPolicies")


def list_entities_for_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Groups, then users, then roles (each in name order) as one list that Marker/MaxItems
    page through; PolicyUsageFilter PermissionsBoundary lists the users and roles whose
    boundary the policy is."""
    arn = params["PolicyArn"]
    wanted = (params.get("EntityFilter") or "").lower()
    prefix = path_prefix(params)
    with reading(ctx.cloud) as tx:
        if not policy_exists(tx, ctx.account_id, arn):
            raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")
        usage = params.get("PolicyUsageFilter")
        rows = [] if usage == "PermissionsBoundary" else _attached_entities(tx, ctx.account_id,
                                                                             arn)
        if usage != "PermissionsPolicy":
            rows += _boundary_entities(tx, ctx.account_id, arn)
    entities = [(kind, name, entity_id) for kind, name, entity_id, path in sorted(
        set(rows), key=lambda r: (_ENTITY_ORDER.index(r[0]), r[1].lower(), r[1]))
        if path.startswith(prefix)
        and wanted in ("", kind)]  # the policy filters match no user, group or role
    result = page(entities, params, "Entities")
    for member in _ENTITY_MEMBERS.values():
        result[member] = []
    for kind, name, entity_id in result.pop("Entities"):
        word = kind.capitalize()
        result[_ENTITY_MEMBERS[kind]].append({f"{word}Name": name, f"{word}Id": entity_id})
    return result


_ENTITY_ORDER = ("group", "user", "role")
_ENTITY_MEMBERS = {"group": "PolicyGroups", "user": "PolicyUsers", "role": "PolicyRoles"}


def _attached_entities(tx: Tx, account_id: str, arn: str) -> list[tuple[str, str, str, str]]:
    return [(r[0], r[1], r[2], r[3]) for r in tx.fetchall(
        "SELECT a.owner_kind, a.owner_name, COALESCE(u.user_id, g.group_id, r.role_id), "
        "COALESCE(u.path, g.path, r.path) FROM iam_attachments a "
        "LEFT JOIN iam_users u ON a.owner_kind = 'user' AND u.account_id = a.account_id "
        "AND u.name = a.owner_name "
        "LEFT JOIN iam_groups g ON a.owner_kind = 'group' AND g.account_id = a.account_id "
        "AND g.name = a.owner_name "
        "LEFT JOIN iam_roles r ON a.owner_kind = 'role' AND r.account_id = a.account_id "
        "AND r.name = a.owner_name "
        "WHERE a.account_id = ? AND a.policy_arn = ?", (account_id, arn))]


def _boundary_entities(tx: Tx, account_id: str, arn: str) -> list[tuple[str, str, str, str]]:
    users = tx.fetchall("SELECT 'user', name, user_id, path FROM iam_users WHERE account_id = ? "
                        "AND boundary_arn = ?", (account_id, arn))
    roles = tx.fetchall("SELECT 'role', name, role_id, path FROM iam_roles WHERE account_id = ? "
                        "AND boundary_arn = ?", (account_id, arn))
    return [(r[0], r[1], r[2], r[3]) for r in [*users, *roles]]


def attached_arns(tx: Tx, account_id: str, kind: str, owner: str) -> list[str]:
    return [r[0] for r in tx.fetchall(
        "SELECT policy_arn FROM iam_attachments WHERE account_id = ? AND owner_kind = ? AND "
        "owner_name = ?", (account_id, kind, owner))]


def inline_documents(tx: Tx, account_id: str, kind: str, owner: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in tx.fetchall(
        "SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ? AND "
        "owner_kind = ? AND owner_name = ?", (account_id, kind, owner))]


def owner_arn(account_id: str, kind: str, path: str, name: str) -> str:
    return iam_arn(account_id, kind, path, name)


def put_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _put(ctx, params, "user")


def put_group_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _put(ctx, params, "group")


def put_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _put(ctx, params, "role")


def get_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _get(ctx, params, "user")


def get_group_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _get(ctx, params, "group")


def get_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _get(ctx, params, "role")


def delete_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _delete(ctx, params, "user")


def delete_group_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _delete(ctx, params, "group")


def delete_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _delete(ctx, params, "role")


def list_user_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list(ctx, params, "user")


def list_group_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list(ctx, params, "group")


def list_role_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list(ctx, params, "role")


def attach_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _attach(ctx, params, "user")


def attach_group_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _attach(ctx, params, "group")


def attach_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _attach(ctx, params, "role")


def detach_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _detach(ctx, params, "user")


def detach_group_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _detach(ctx, params, "group")


def detach_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _detach(ctx, params, "role")


def list_attached_user_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list_attached(ctx, params, "user")


def list_attached_group_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list_attached(ctx, params, "group")


def list_attached_role_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list_attached(ctx, params, "role")

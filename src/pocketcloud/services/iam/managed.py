"""Customer managed policies and their versions (at most five), plus AWS's managed ones."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import aws_managed
from pocketcloud.services.iam.common import (
    already_exists,
    encoded_document,
    iam_arn,
    name_taken,
    new_id,
    no_such_entity,
    page,
    path_prefix,
    policy_document,
    timestamp,
    valid_name,
    valid_path,
    valid_tags,
    valid_version_id,
)
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

MAX_VERSIONS = 5
MAX_MANAGED_POLICY_CHARS = 6144
_ARN_SHAPE = re.compile(r"arn:[\w-]+:[\w-]*:[\w-]*:[\w-]*:.+")
_POLICY_ARN = re.compile(r"arn:aws:iam::(\d{12}|aws):policy/.+")
_COLUMNS = ("arn, name, policy_id, path, description, create_date, update_date, "
            "default_version, next_version, tags")


def create_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["PolicyName"], "policyName", 128)
    path = valid_path(params.get("Path"))
    document = params["PolicyDocument"]
    policy_document(document, "managed", MAX_MANAGED_POLICY_CHARS)
    tags = valid_tags(params.get("Tags"), keys_case_sensitive=True)
    arn = iam_arn(ctx.account_id, "policy", path, name)
    now = ctx.cloud.clock.now()
    with writing(ctx.cloud) as tx:
        if name_taken(tx, "iam_policies", ctx.account_id, name):
            raise already_exists(f"A policy called {name} already exists. Duplicate names are "
                                 "not allowed.")
        tx.execute(
            f"INSERT INTO iam_policies (account_id, {_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'v1', 2, ?)",
            (ctx.account_id, arn, name, new_id(ctx, "ANPA"), path,
             params.get("Description") or "", now, now, json.dumps(tags)),
        )
        tx.execute("INSERT INTO iam_policy_versions (account_id, policy_arn, version_id, "
                   "document, create_date) VALUES (?, ?, 'v1', ?, ?)",
                   (ctx.account_id, arn, document, now))
        # CreatePolicy answers Tags only when some were given, and never the Description
        shape = policy_shape(tx, ctx.account_id, policy_row(tx, ctx.account_id, arn),
                             with_tags=bool(tags))
    shape.pop("Description", None)
    return {"Policy": shape}


def get_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        return {"Policy": policy_shape(tx, ctx.account_id,
                                       policy_row(tx, ctx.account_id, params["PolicyArn"]))}


def list_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    scope = params.get("Scope") or "All"
    with reading(ctx.cloud) as tx:
        rows = []
        if scope in ("All", "AWS"):
            rows += [_aws_row(arn) for arn in sorted(aws_managed.ARNS)]
        if scope in ("All", "Local"):
            rows += tx.fetchall(f"SELECT {_COLUMNS} FROM iam_policies WHERE account_id = ? "
                                "ORDER BY lower(name), name", (ctx.account_id,))
        shapes = [policy_shape(tx, ctx.account_id, row, with_tags=False) for row in rows]
    for shape in shapes:  # AWS's listing leaves out even AWS managed policies' descriptions
        shape.pop("Description", None)
    prefix = path_prefix(params)
    shapes = [s for s in shapes if s["Path"].startswith(prefix)]
    if params.get("OnlyAttached"):
        shapes = [s for s in shapes if s["AttachmentCount"] > 0]
    return page(shapes, params, "Policies")


def delete_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["PolicyArn"]
    with writing(ctx.cloud) as tx:
        row = _local_row(tx, ctx.account_id, arn)
        # a policy some user or role has as its permissions boundary is "attached" too
        if _attachment_count(tx, ctx.account_id, arn) or _boundary_count(tx, ctx.account_id,
                                                                          arn):
            raise AwsError("DeleteConflictException",
                           "Cannot delete a policy attached to entities.", 409)
        versions = tx.fetchvalue("SELECT COUNT(*) FROM iam_policy_versions WHERE account_id = ? "
                                 "AND policy_arn = ?", (ctx.account_id, arn))
        if versions > 1:
            raise AwsError("DeleteConflictException", "This policy has more than one version. "
                           "Before you delete a policy, you must delete the policy's versions. "
                           "The default version is deleted with the policy.", 409)
        tx.execute("DELETE FROM iam_policy_versions WHERE account_id = ? AND policy_arn = ?",
                   (ctx.account_id, row[0]))
        tx.execute("DELETE FROM iam_policies WHERE account_id = ? AND arn = ?",
                   (ctx.account_id, row[0]))
    return {}


def create_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, document = params["PolicyArn"], params["PolicyDocument"]
    policy_document(document, "managed", MAX_MANAGED_POLICY_CHARS)
    now = ctx.cloud.clock.now()
    with writing(ctx.cloud) as tx:
        row = _local_row(tx, ctx.account_id, arn)
        count = tx.fetchvalue("SELECT COUNT(*) FROM iam_policy_versions WHERE account_id = ? "
                              "AND policy_arn = ?", (ctx.account_id, arn))
        if count >= MAX_VERSIONS:
            raise AwsError("LimitExceededException", f"A managed policy can have up to "
                           f"{MAX_VERSIONS} versions. Before you create a new version, you must "
                           "delete an existing version.", 409)
        version_id = f"v{row[8]}"
        tx.execute("INSERT INTO iam_policy_versions (account_id, policy_arn, version_id, "
                   "document, create_date) VALUES (?, ?, ?, ?, ?)",
                   (ctx.account_id, arn, version_id, document, now))
        default = version_id if params.get("SetAsDefault") else row[7]
        tx.execute("UPDATE iam_policies SET next_version = next_version + 1, update_date = ?, "
                   "default_version = ? WHERE account_id = ? AND arn = ?",
                   (now, default, ctx.account_id, arn))
    return {"PolicyVersion": {"VersionId": version_id, "IsDefaultVersion": default == version_id,
                              "CreateDate": timestamp(now)}}


def get_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, version_id = params["PolicyArn"], valid_version_id(params["VersionId"])
    with reading(ctx.cloud) as tx:
        row = policy_row(tx, ctx.account_id, arn, _no_such_version(arn, version_id))
        version = _version_row(tx, ctx.account_id, arn, version_id)
    return {"PolicyVersion": {"Document": encoded_document(version[0]), "VersionId": version_id,
                              "IsDefaultVersion": row[7] == version_id,
                              "CreateDate": timestamp(version[1])}}


def list_policy_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["PolicyArn"]
    with reading(ctx.cloud) as tx:
        row = policy_row(tx, ctx.account_id, arn)
        versions = _versions(tx, ctx.account_id, arn)
    shapes = [{"VersionId": v, "IsDefaultVersion": v == row[7], "CreateDate": timestamp(c)}
              for v, _, c in sorted(versions, key=lambda v: -int(v[0][1:]))]
    return page(shapes, params, "Versions")


def set_default_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, version_id = params["PolicyArn"], valid_version_id(params["VersionId"])
    with writing(ctx.cloud) as tx:
        _local_row(tx, ctx.account_id, arn, _no_such_version(arn, version_id))
        _version_row(tx, ctx.account_id, arn, version_id)
        tx.execute("UPDATE iam_policies SET default_version = ?, update_date = ? "
                   "WHERE account_id = ? AND arn = ?",
                   (version_id, ctx.cloud.clock.now(), ctx.account_id, arn))
    return {}


def delete_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, version_id = params["PolicyArn"], valid_version_id(params["VersionId"])
    with writing(ctx.cloud) as tx:
        row = _local_row(tx, ctx.account_id, arn)
        _version_row(tx, ctx.account_id, arn, version_id)
        if row[7] == version_id:
            raise AwsError("DeleteConflictException",
                           "Cannot delete the default version of a policy.", 409)
        tx.execute("DELETE FROM iam_policy_versions WHERE account_id = ? AND policy_arn = ? "
                   "AND version_id = ?", (ctx.account_id, arn, version_id))
    return {}


def stored_tags(tx: Tx, account_id: str, arn: str, changing: bool) -> str:
    """A policy's tags as stored; TagPolicy/UntagPolicy refuse AWS's policies and word a missing
    one as their own, ListPolicyTags answers none for AWS's and words it as GetPolicy."""
    row = _local_row(tx, account_id, arn, _not_found(arn)) if changing \
        else policy_row(tx, account_id, arn)
    return str(row[9])


def policy_exists(tx: Tx, account_id: str, arn: str) -> bool:
    return arn in aws_managed.ARNS or bool(tx.fetchvalue(
        "SELECT 1 FROM iam_policies WHERE account_id = ? AND arn = ?", (account_id, arn)))


def valid_arn(arn: str) -> str:
    """A PolicyArn that is no ARN at all (a bare policy name, say) is a ValidationError."""
    if not _ARN_SHAPE.fullmatch(arn):
        raise AwsError("ValidationError", f"ARN {arn} is not valid.")
    return arn


def require_attachable(tx: Tx, account_id: str, arn: str) -> None:
    if not policy_exists(tx, account_id, valid_arn(arn)):
        raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")


def require_boundary(tx: Tx, account_id: str, arn: str) -> None:
    """A permissions boundary must be a managed policy's ARN (InvalidInput for another ARN);
    IAM calls it the scope in its message."""
    if not _POLICY_ARN.fullmatch(valid_arn(arn)):
        raise AwsError("InvalidInputException", f"ARN {arn} is not valid.")
    if not policy_exists(tx, account_id, arn):
        raise no_such_entity(f"Scope ARN: {arn} does not exist or is not attachable.")


def default_document(tx: Tx, account_id: str, arn: str) -> str | None:
    """The default version's document of a managed policy, or None if there is no such one."""
    builtin = aws_managed.document_for(arn)
    if builtin is not None:
        return builtin
    value: str | None = tx.fetchvalue(
        "SELECT v.document FROM iam_policies p JOIN iam_policy_versions v ON "
        "v.account_id = p.account_id AND v.policy_arn = p.arn AND v.version_id = "
        "p.default_version WHERE p.account_id = ? AND p.arn = ?", (account_id, arn))
    return value


def policy_row(
    tx: Tx, account_id: str, arn: str, missing: AwsError | None = None
) -> tuple[Any, ...]:
    if arn in aws_managed.ARNS:
        return _aws_row(arn)
    return _local_row(tx, account_id, arn, missing)


def _local_row(tx: Tx, account_id: str, arn: str, missing: AwsError | None = None) -> Any:
    """``missing``: the operation's own NoSuchEntity for a well-formed ARN naming no policy."""
    if arn in aws_managed.ARNS:
        raise AwsError("InvalidInputException", f"ARN {arn} is not valid for this operation: "
                       "an AWS managed policy cannot be changed.")
    row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_policies WHERE account_id = ? AND arn = ?",
                      (account_id, arn))
    if row is None:
        if not arn.startswith("arn:aws:iam::") or ":policy/" not in arn:
            raise AwsError("InvalidInputException", f"ARN {arn} is not valid.")
        raise missing or no_such_entity(f"Policy {arn} does not exist or is not attachable.")
    return row


def _no_such_version(arn: str, version_id: str) -> AwsError:
    """Version operations name the version even when the policy itself is missing."""
    return no_such_entity(f"Policy {arn} version {version_id} does not exist or is not "
                          "attachable.")


def _not_found(arn: str) -> AwsError:
    """TagPolicy/UntagPolicy word a missing policy differently from the other operations."""
    return no_such_entity(f"Policy {arn} was not found.")


def _aws_row(arn: str) -> tuple[Any, ...]:
    name = aws_managed.ARNS[arn]
    policy_id = "ANPA" + hashlib.sha256(name.encode()).hexdigest()[:17].upper()
    created = aws_managed.CREATED_S
    return (arn, name, policy_id, aws_managed.DOCUMENTS[name][0], aws_managed.description(name),
            created, created, aws_managed.default_version(name), 2, "[]")


def versions_of(tx: Tx, account_id: str, arn: str) -> list[tuple[Any, ...]]:
    """A managed policy's versions: (version id, document, create date)."""
    return _versions(tx, account_id, arn)


def _versions(tx: Tx, account_id: str, arn: str) -> list[tuple[Any, ...]]:
    if arn in aws_managed.ARNS:  # only the default version of AWS's policies is held
        version_id = aws_managed.default_version(aws_managed.ARNS[arn])
        return [(version_id, aws_managed.document_for(arn), aws_managed.CREATED_S)]
    return tx.fetchall("SELECT version_id, document, create_date FROM iam_policy_versions "
                       "WHERE account_id = ? AND policy_arn = ?", (account_id, arn))


def _version_row(tx: Tx, account_id: str, arn: str, version_id: str) -> tuple[Any, ...]:
    for version, document, created in _versions(tx, account_id, arn):
        if version == version_id:
            return document, created
    raise _no_such_version(arn, version_id)


def _attachment_count(tx: Tx, account_id: str, arn: str) -> int:
    count: int = tx.fetchvalue("SELECT COUNT(*) FROM iam_attachments WHERE account_id = ? AND "
                               "policy_arn = ?", (account_id, arn), 0)
    return count


def _boundary_count(tx: Tx, account_id: str, arn: str) -> int:
    users = tx.fetchvalue("SELECT COUNT(*) FROM iam_users WHERE account_id = ? AND "
                          "boundary_arn = ?", (account_id, arn), 0)
    roles = tx.fetchvalue("SELECT COUNT(*) FROM iam_roles WHERE account_id = ? AND "
                          "boundary_arn = ?", (account_id, arn), 0)
    return int(users) + int(roles)


def policy_shape(
    tx: Tx, account_id: str, row: tuple[Any, ...], with_tags: bool = True
) -> dict[str, Any]:
    arn, name, policy_id, path, description, created, updated, default, _, tags = row
    shape: dict[str, Any] = {
        "PolicyName": name, "PolicyId": policy_id, "Arn": arn, "Path": path,
        "DefaultVersionId": default, "AttachmentCount": _attachment_count(tx, account_id, arn),
        "PermissionsBoundaryUsageCount": _boundary_count(tx, account_id, arn),
        "IsAttachable": True, "CreateDate": timestamp(created), "UpdateDate": timestamp(updated),
    }
    if description:
        shape["Description"] = description
    if with_tags:  # GetPolicy always answers Tags, even []
        shape["Tags"] = json.loads(tags)
    return shape

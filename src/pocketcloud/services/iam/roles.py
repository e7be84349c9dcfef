"""IAM roles (trust policies, session duration) and instance profiles."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import last_access
from pocketcloud.services.iam.common import (
    already_exists,
    encoded_document,
    iam_arn,
    name_taken,
    new_id,
    no_such_entity,
    page,
    path_prefix_filter,
    policy_document,
    timestamp,
    valid_name,
    valid_path,
    valid_tags,
    validation_error,
)
from pocketcloud.services.iam.managed import require_boundary
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

MAX_SESSION_DEFAULT_S = 3600
MAX_SESSION_LIMIT_S = 43200
MAX_TRUST_POLICY_CHARS = 2048
_COLUMNS = ("name, role_id, path, create_date, trust_policy, description, max_session_s, "
            "boundary_arn, tags, last_used, last_used_region")
_PROFILE_COLUMNS = "name, profile_id, path, create_date, role_name, tags"
def create_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["RoleName"], "roleName")
    path = valid_path(params.get("Path"))
    trust = params["AssumeRolePolicyDocument"]
    max_session_s = _max_session(params.get("MaxSessionDuration"))
    tags = valid_tags(params.get("Tags"))
    boundary = params.get("PermissionsBoundary")
    with writing(ctx.cloud) as tx:
        _check_trust(tx, ctx.account_id, trust)
        if name_taken(tx, "iam_roles", ctx.account_id, name):
            raise already_exists(f"Role with name {name} already exists.")
        if boundary:
            require_boundary(tx, ctx.account_id, boundary)
        insert_role(tx, ctx, name, path, trust, params.get("Description") or "",
                     max_session_s, boundary, tags)
        row = role_row(tx, ctx.account_id, name)
    return {"Role": _brief(role_shape(ctx.account_id, row, with_last_used=False),
                           "Description")}


def _brief(shape: dict[str, Any], *left_out: str, keep_session: bool = False) -> dict[str, Any]:
    """CreateRole and UpdateRoleDescription answer without MaxSessionDuration (and CreateRole
    without the Description it was given), as IAM does; GetRole shows them."""
    for member in (*(() if keep_session else ("MaxSessionDuration",)), *left_out):
        shape.pop(member, None)
    return shape


def insert_role(
    tx: Tx, ctx: RequestContext, name: str, path: str, trust: str, description: str,
    max_session_s: int, boundary: str | None, tags: list[dict[str, str]],
) -> None:
    tx.execute(
        "INSERT INTO iam_roles (account_id, name, role_id, path, create_date, trust_policy, "
        "description, max_session_s, boundary_arn, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.account_id, name, new_id(ctx, "AROA"), path, ctx.cloud.clock.now(), trust,
         description, max_session_s, boundary, json.dumps(tags)),
    )


def get_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    last_access.flush(ctx.cloud)  # RoleLastUsed: what its sessions did until now
    with reading(ctx.cloud) as tx:
        return {"Role": role_shape(ctx.account_id, role_row(tx, ctx.account_id,
                                                            params["RoleName"]))}


def list_roles(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM iam_roles WHERE account_id = ? "
                           "ORDER BY lower(name), name", (ctx.account_id,))
    # ListRoles leaves out the permissions boundary that GetRole shows (as AWS recorded)
    roles = [_brief(role_shape(ctx.account_id, r, with_tags=False, with_last_used=False),
                    "PermissionsBoundary", keep_session=True) for r in rows]
    return page(path_prefix_filter(roles, params), params, "Roles")


def update_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        row = role_row(tx, ctx.account_id, params["RoleName"])
        description = params["Description"] if "Description" in params else row[5]
        max_session_s = (_max_session(params["MaxSessionDuration"])
                         if params.get("MaxSessionDuration") else row[6])
        tx.execute("UPDATE iam_roles SET description = ?, max_session_s = ? WHERE "
                   "account_id = ? AND name = ?",
                   (description, max_session_s, ctx.account_id, row[0]))
    return {}


def update_role_description(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    update_role(ctx, {"RoleName": params["RoleName"], "Description": params["Description"]})
    with reading(ctx.cloud) as tx:
        row = role_row(tx, ctx.account_id, params["RoleName"])
    return {"Role": _brief(role_shape(ctx.account_id, row, with_last_used=False))}


def update_assume_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        row = role_row(tx, ctx.account_id, params["RoleName"])
        _check_trust(tx, ctx.account_id, params["PolicyDocument"])
        tx.execute("UPDATE iam_roles SET trust_policy = ? WHERE account_id = ? AND name = ?",
                   (params["PolicyDocument"], ctx.account_id, row[0]))
    return {}


def delete_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["RoleName"]
    with writing(ctx.cloud) as tx:
        role_row(tx, ctx.account_id, name)
        checks = (
            ("SELECT 1 FROM iam_instance_profiles WHERE account_id = ? AND role_name = ?",
             "Cannot delete entity, must remove roles from instance profile first."),
            ("SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND owner_kind = 'role' "
             "AND owner_name = ?", "Cannot delete entity, must delete policies first."),
            ("SELECT 1 FROM iam_attachments WHERE account_id = ? AND owner_kind = 'role' "
             "AND owner_name = ?", "Cannot delete entity, must detach all policies first."),
        )
        for sql, message in checks:
            if tx.fetchvalue(sql, (ctx.account_id, name)):
                raise AwsError("DeleteConflictException", message, 409)
        tx.execute("DELETE FROM iam_roles WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    return {}


def put_role_permissions_boundary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    boundary = params["PermissionsBoundary"]
    with writing(ctx.cloud) as tx:
        row = role_row(tx, ctx.account_id, params["RoleName"])
        require_boundary(tx, ctx.account_id, boundary)
        tx.execute("UPDATE iam_roles SET boundary_arn = ? WHERE account_id = ? AND name = ?",
                   (boundary, ctx.account_id, row[0]))
    return {}


def delete_role_permissions_boundary(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        row = role_row(tx, ctx.account_id, params["RoleName"])
        tx.execute("UPDATE iam_roles SET boundary_arn = NULL WHERE account_id = ? AND name = ?",
                   (ctx.account_id, row[0]))
    return {}


def create_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["InstanceProfileName"], "instanceProfileName", 128)
    path = valid_path(params.get("Path"))
    tags = valid_tags(params.get("Tags"))
    with writing(ctx.cloud) as tx:
        if _profile_row(tx, ctx.account_id, name, required=False):
            raise already_exists(f"Instance Profile {name} already exists.")
        tx.execute("INSERT INTO iam_instance_profiles (account_id, name, profile_id, path, "
                   "create_date, tags) VALUES (?, ?, ?, ?, ?, ?)",
                   (ctx.account_id, name, new_id(ctx, "AIPA"), path, ctx.cloud.clock.now(),
                    json.dumps(tags)))
        shape = _profile_shape(tx, ctx.account_id, _profile_row(tx, ctx.account_id, name))
    return {"InstanceProfile": shape}


def get_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        row = _profile_row(tx, ctx.account_id, params["InstanceProfileName"])
        return {"InstanceProfile": _profile_shape(tx, ctx.account_id, row, tags_always=True)}


def list_instance_profiles(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall(f"SELECT {_PROFILE_COLUMNS} FROM iam_instance_profiles WHERE "
                           "account_id = ? ORDER BY name", (ctx.account_id,))
        shapes = [_profile_shape(tx, ctx.account_id, row) for row in rows]
    return page(path_prefix_filter(shapes, params), params, "InstanceProfiles")


def list_instance_profiles_for_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        role_row(tx, ctx.account_id, params["RoleName"])
        rows = tx.fetchall(f"SELECT {_PROFILE_COLUMNS} FROM iam_instance_profiles WHERE "
                           "account_id = ? AND role_name = ? ORDER BY name",
                           (ctx.account_id, params["RoleName"]))
        shapes = [_profile_shape(tx, ctx.account_id, row) for row in rows]
    return page(shapes, params, "InstanceProfiles")


def delete_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["InstanceProfileName"]
    with writing(ctx.cloud) as tx:
        row = _profile_row(tx, ctx.account_id, name)
        if row[4]:
            raise AwsError("DeleteConflictException",
                           "Cannot delete entity, must remove roles from instance profile "
                           "first.", 409)
        tx.execute("DELETE FROM iam_instance_profiles WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    return {}


def add_role_to_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        row = _profile_row(tx, ctx.account_id, params["InstanceProfileName"])
        role_row(tx, ctx.account_id, params["RoleName"])
        if row[4]:
            raise AwsError("LimitExceededException", "Cannot exceed quota for "
                           "InstanceSessionsPerInstanceProfile: 1", 409)
        tx.execute("UPDATE iam_instance_profiles SET role_name = ? WHERE account_id = ? AND "
                   "name = ?", (params["RoleName"], ctx.account_id, row[0]))
    return {}


def remove_role_from_instance_profile(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        row = _profile_row(tx, ctx.account_id, params["InstanceProfileName"])
        role_row(tx, ctx.account_id, params["RoleName"])
        if row[4] != params["RoleName"]:
            raise no_such_entity(f"Role {params['RoleName']} in Instance Profile {row[0]} "
                                 "cannot be found.")
        tx.execute("UPDATE iam_instance_profiles SET role_name = NULL WHERE account_id = ? AND "
                   "name = ?", (ctx.account_id, row[0]))
    return {}


def profiles_of_role(tx: Tx, account_id: str, role_name: str) -> list[dict[str, Any]]:
    """The instance profiles holding the role, as ListInstanceProfilesForRole shows them."""
    rows = tx.fetchall(f"SELECT {_PROFILE_COLUMNS} FROM iam_instance_profiles WHERE "
                       "account_id = ? AND role_name = ? ORDER BY name", (account_id, role_name))
    return [_profile_shape(tx, account_id, row) for row in rows]


def role_row(tx: Tx, account_id: str, name: str, required: bool = True) -> Any:
    row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_roles WHERE account_id = ? AND name = ?",
                      (account_id, name))
    if row is None and required:
        raise no_such_entity(f"The role with name {name} cannot be found.")
    return row


def _profile_row(tx: Tx, account_id: str, name: str, required: bool = True) -> Any:
    row = tx.fetchone(f"SELECT {_PROFILE_COLUMNS} FROM iam_instance_profiles WHERE "
                      "account_id = ? AND name = ?", (account_id, name))
    if row is None and required:
        raise no_such_entity(f"Instance Profile {name} cannot be found.")
    return row


def _profile_shape(
    tx: Tx, account_id: str, row: tuple[Any, ...], tags_always: bool = False
) -> dict[str, Any]:
    """``tags_always``: GetInstanceProfile answers Tags even when there are none."""
    name, profile_id, path, created, role_name, tags = row
    roles = []
    if role_name:
        role = role_row(tx, account_id, role_name, required=False)
        if role:
            # a profile's role comes without MaxSessionDuration (as recorded from AWS)
            member = role_shape(account_id, role, with_tags=False, with_last_used=False)
            del member["MaxSessionDuration"]
            roles.append(member)
    shape: dict[str, Any] = {
        "Path": path, "InstanceProfileName": name, "InstanceProfileId": profile_id,
        "Arn": iam_arn(account_id, "instance-profile", path, name),
        "CreateDate": timestamp(created), "Roles": roles,
    }
    if tags_always or json.loads(tags):
        shape["Tags"] = json.loads(tags)
    return shape


def _max_session(value: int | None) -> int:
    if value is None:
        return MAX_SESSION_DEFAULT_S
    if not MAX_SESSION_DEFAULT_S <= value <= MAX_SESSION_LIMIT_S:
        raise validation_error(value, "maxSessionDuration",
                               f"Member must have value less than or equal to "
                               f"{MAX_SESSION_LIMIT_S}")
    return value


def _check_trust(tx: Tx, account_id: str, document: str) -> None:
    """AWS refuses trust policies naming users or roles of this account that do not exist."""
    policy = policy_document(document, "trust", MAX_TRUST_POLICY_CHARS, "ACLSizePerRole")
    for statement in policy.statements:
        for name in statement.principal.aws if statement.principal else ():
            match = re.fullmatch(r"arn:aws:iam::(\d{12}):(user|role)/(?:.*/)?([^/]+)", name)
            if not match or match.group(1) != account_id:
                continue
            table = "iam_users" if match.group(2) == "user" else "iam_roles"
            if not tx.fetchvalue(f"SELECT 1 FROM {table} WHERE account_id = ? AND name = ?",
                                 (account_id, match.group(3))):
                raise AwsError("MalformedPolicyDocumentException",
                               f'Invalid principal in policy: "AWS":"{name}"')


def role_shape(
    account_id: str, row: tuple[Any, ...], with_tags: bool = True, with_last_used: bool = True
) -> dict[str, Any]:
    (name, role_id, path, created, trust, description, max_session_s, boundary, tags,
     last_used, last_used_region) = row
    shape: dict[str, Any] = {
        "Path": path, "RoleName": name, "RoleId": role_id,
        "Arn": iam_arn(account_id, "role", path, name), "CreateDate": timestamp(created),
        "AssumeRolePolicyDocument": encoded_document(trust), "MaxSessionDuration": max_session_s,
    }
    if description:
        shape["Description"] = description
    if boundary:
        shape["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                        "PermissionsBoundaryArn": boundary}
    if with_tags and json.loads(tags):
        shape["Tags"] = json.loads(tags)
    if with_last_used:
        shape["RoleLastUsed"] = ({"LastUsedDate": timestamp(last_used),
                                  "Region": last_used_region} if last_used else {})
    return shape

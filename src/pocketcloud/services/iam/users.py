"""IAM users, groups and group membership."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.common import (
    already_exists,
    iam_arn,
    name_taken,
    new_id,
    no_such_entity,
    page,
    path_prefix_filter,
    timestamp,
    valid_name,
    valid_path,
    valid_tags,
)
from pocketcloud.services.iam.managed import require_boundary
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.store import Tx

_USER_COLUMNS = "name, user_id, path, create_date, boundary_arn, tags, password_set"
_GROUP_COLUMNS = "name, group_id, path, create_date"


def create_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["UserName"], "userName")
    path = valid_path(params.get("Path"))
    tags = valid_tags(params.get("Tags"))
    boundary = params.get("PermissionsBoundary")
    with writing(ctx.cloud) as tx:
        if name_taken(tx, "iam_users", ctx.account_id, name):
            raise already_exists(f"User with name {name} already exists.")
        if boundary:
            require_boundary(tx, ctx.account_id, boundary)
        tx.execute(
            "INSERT INTO iam_users (account_id, name, user_id, path, create_date, boundary_arn, "
            "tags) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ctx.account_id, name, new_id(ctx, "AIDA"), path, ctx.cloud.clock.now(), boundary,
             json.dumps(tags)),
        )
        row = _user_row(tx, ctx.account_id, name)
    return {"User": user_shape(ctx.account_id, row)}


def get_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("UserName")
    if not name:
        from pocketcloud.services.iam.credentials import caller_of

        caller = caller_of(ctx)
        if caller.principal_type == "root":
            return {"User": {"UserId": caller.account_id, "Arn": caller.principal_arn,
                             "CreateDate": timestamp(0), "Path": "/", "UserName": ""}}
        if caller.principal_type != "user":
            raise AwsError("ValidationError",
                           "Must specify userName when calling with non-User credentials")
        name = caller.principal_arn.rsplit("/", 1)[1]
    with reading(ctx.cloud) as tx:
        row = _user_row(tx, ctx.account_id, name)
    return {"User": user_shape(ctx.account_id, row)}


def list_users(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall(f"SELECT {_USER_COLUMNS} FROM iam_users WHERE account_id = ? "
                           "ORDER BY lower(name), name", (ctx.account_id,))
    users = [user_shape(ctx.account_id, row, with_tags=False) for row in rows]
    return page(path_prefix_filter(users, params), params, "Users")


def update_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["UserName"]
    new_name = valid_name(params.get("NewUserName") or name, "newUserName")
    new_path = params.get("NewPath")
    with writing(ctx.cloud) as tx:
        row = _user_row(tx, ctx.account_id, name)
        if name_taken(tx, "iam_users", ctx.account_id, new_name, renamed=name):
            raise already_exists(f"User with name {new_name} already exists.")
        path = valid_path(new_path) if new_path else row[2]
        tx.execute("UPDATE iam_users SET name = ?, path = ? WHERE account_id = ? AND name = ?",
                   (new_name, path, ctx.account_id, name))
        for table, column in _USER_REFERENCES:
            tx.execute(f"UPDATE {table} SET {column} = ? WHERE account_id = ? AND {column} = ?"
                       + (" AND owner_kind = 'user'" if column == "owner_name" else ""),
                       (new_name, ctx.account_id, name))
    return {}


_USER_REFERENCES = (
    ("iam_group_members", "user_name"),
    ("iam_access_keys", "user_name"),
    ("iam_inline_policies", "owner_name"),
    ("iam_attachments", "owner_name"),
    ("iam_signing_certificates", "user_name"),
    ("iam_ssh_public_keys", "user_name"),
    ("iam_service_credentials", "user_name"),
)


def delete_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["UserName"]
    with writing(ctx.cloud) as tx:
        row = _user_row(tx, ctx.account_id, name)
        checks = (
            ("SELECT 1 FROM iam_access_keys WHERE account_id = ? AND user_name = ?",
             "must delete access keys first."),
            ("SELECT 1 FROM iam_group_members WHERE account_id = ? AND user_name = ?",
             "must remove users from group first."),
            ("SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND owner_kind = 'user' "
             "AND owner_name = ?", "must delete policies first."),
            ("SELECT 1 FROM iam_attachments WHERE account_id = ? AND owner_kind = 'user' "
             "AND owner_name = ?", "must detach all policies first."),
            ("SELECT 1 FROM iam_mfa_devices WHERE account_id = ? AND user_name = ?",
             "must remove MFA device first."),
            ("SELECT 1 FROM iam_signing_certificates WHERE account_id = ? AND user_name = ?",
             "must delete signing certificates first."),
            ("SELECT 1 FROM iam_ssh_public_keys WHERE account_id = ? AND user_name = ?",
             "must delete SSH public keys first."),
            ("SELECT 1 FROM iam_service_credentials WHERE account_id = ? AND user_name = ?",
             "must delete service specific credentials first."),
        )
        for sql, why in checks:
            if tx.fetchvalue(sql, (ctx.account_id, name)):
                raise AwsError("DeleteConflictException", f"Cannot delete entity, {why}", 409)
        if row[6] is not None:
            raise AwsError("DeleteConflictException",
                           "Cannot delete entity, must delete login profile first.", 409)
        tx.execute("DELETE FROM iam_users WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    return {}


def put_user_permissions_boundary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        row = _user_row(tx, ctx.account_id, params["UserName"])
        require_boundary(tx, ctx.account_id, params["PermissionsBoundary"])
        tx.execute("UPDATE iam_users SET boundary_arn = ? WHERE account_id = ? AND name = ?",
                   (params["PermissionsBoundary"], ctx.account_id, row[0]))
    return {}


def delete_user_permissions_boundary(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        row = _user_row(tx, ctx.account_id, params["UserName"])
        tx.execute("UPDATE iam_users SET boundary_arn = NULL WHERE account_id = ? AND name = ?",
                   (ctx.account_id, row[0]))
    return {}


def create_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = valid_name(params["GroupName"], "groupName", 128)
    path = valid_path(params.get("Path"))
    with writing(ctx.cloud) as tx:
        if name_taken(tx, "iam_groups", ctx.account_id, name):
            raise already_exists(f"Group with name {name} already exists.")
        tx.execute("INSERT INTO iam_groups (account_id, name, group_id, path, create_date) "
                   "VALUES (?, ?, ?, ?, ?)",
                   (ctx.account_id, name, new_id(ctx, "AGPA"), path, ctx.cloud.clock.now()))
        row = group_row(tx, ctx.account_id, name)
    return {"Group": group_shape(ctx.account_id, row)}


def get_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        row = group_row(tx, ctx.account_id, params["GroupName"])
        users = tx.fetchall(
            f"SELECT {', '.join('u.' + c.strip() for c in _USER_COLUMNS.split(','))} "
            "FROM iam_group_members m JOIN iam_users u ON u.account_id = m.account_id "
            "AND u.name = m.user_name WHERE m.account_id = ? AND m.group_name = ? "
            "ORDER BY lower(u.name), u.name", (ctx.account_id, row[0]))
    shapes = [user_shape(ctx.account_id, u, with_tags=False) for u in users]
    return {"Group": group_shape(ctx.account_id, row), **page(shapes, params, "Users")}


def list_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        rows = tx.fetchall(f"SELECT {_GROUP_COLUMNS} FROM iam_groups WHERE account_id = ? "
                           "ORDER BY lower(name), name", (ctx.account_id,))
    groups = [group_shape(ctx.account_id, row) for row in rows]
    return page(path_prefix_filter(groups, params), params, "Groups")


def list_groups_for_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with reading(ctx.cloud) as tx:
        _user_row(tx, ctx.account_id, params["UserName"])
        rows = tx.fetchall(
            "SELECT g.name, g.group_id, g.path, g.create_date FROM iam_group_members m "
            "JOIN iam_groups g ON g.account_id = m.account_id AND g.name = m.group_name "
            "WHERE m.account_id = ? AND m.user_name = ? ORDER BY lower(g.name), g.name",
            (ctx.account_id, params["UserName"]))
    return page([group_shape(ctx.account_id, row) for row in rows], params, "Groups")


def update_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GroupName"]
    new_name = valid_name(params.get("NewGroupName") or name, "newGroupName", 128)
    with writing(ctx.cloud) as tx:
        row = group_row(tx, ctx.account_id, name)
        if name_taken(tx, "iam_groups", ctx.account_id, new_name, renamed=name):
            raise already_exists(f"Group with name {new_name} already exists.")
        path = valid_path(params["NewPath"]) if params.get("NewPath") else row[2]
        tx.execute("UPDATE iam_groups SET name = ?, path = ? WHERE account_id = ? AND name = ?",
                   (new_name, path, ctx.account_id, name))
        tx.execute("UPDATE iam_group_members SET group_name = ? WHERE account_id = ? "
                   "AND group_name = ?", (new_name, ctx.account_id, name))
        for table in ("iam_inline_policies", "iam_attachments"):
            tx.execute(f"UPDATE {table} SET owner_name = ? WHERE account_id = ? AND "
                       "owner_kind = 'group' AND owner_name = ?", (new_name, ctx.account_id, name))
    return {}


def delete_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GroupName"]
    with writing(ctx.cloud) as tx:
        group_row(tx, ctx.account_id, name)
        checks = (
            ("SELECT 1 FROM iam_group_members WHERE account_id = ? AND group_name = ?",
             "must remove users from group first."),
            ("SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND owner_kind = 'group' "
             "AND owner_name = ?", "must delete policies first."),
            ("SELECT 1 FROM iam_attachments WHERE account_id = ? AND owner_kind = 'group' "
             "AND owner_name = ?", "must detach all policies first."),
            ("SELECT 1 FROM iam_mfa_devices WHERE account_id = ? AND user_name = ?",
             "must remove MFA device first."),
        )
        for sql, why in checks:
            if tx.fetchvalue(sql, (ctx.account_id, name)):
                raise AwsError("DeleteConflictException", f"Cannot delete entity, {why}", 409)
        tx.execute("DELETE FROM iam_groups WHERE account_id = ? AND name = ?",
                   (ctx.account_id, name))
    return {}


def add_user_to_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        group_row(tx, ctx.account_id, params["GroupName"])
        _user_row(tx, ctx.account_id, params["UserName"])
        tx.execute("INSERT INTO iam_group_members (account_id, group_name, user_name) "
                   "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                   (ctx.account_id, params["GroupName"], params["UserName"]))
    return {}


def remove_user_from_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    with writing(ctx.cloud) as tx:
        # the user is looked up first: with neither known, AWS names the user
        _user_row(tx, ctx.account_id, params["UserName"])
        group_row(tx, ctx.account_id, params["GroupName"])
        tx.execute("DELETE FROM iam_group_members WHERE account_id = ? AND group_name = ? "
                   "AND user_name = ?", (ctx.account_id, params["GroupName"], params["UserName"]))
    return {}


def user_row(tx: Tx, account_id: str, name: str) -> tuple[Any, ...]:
    return _user_row(tx, account_id, name)


def _user_row(tx: Tx, account_id: str, name: str, required: bool = True) -> Any:
    row = tx.fetchone(f"SELECT {_USER_COLUMNS} FROM iam_users WHERE account_id = ? AND name = ?",
                      (account_id, name))
    if row is None and required:
        raise no_such_entity(f"The user with name {name} cannot be found.")
    return row


def group_row(tx: Tx, account_id: str, name: str, required: bool = True) -> Any:
    row = tx.fetchone(f"SELECT {_GROUP_COLUMNS} FROM iam_groups WHERE account_id = ? AND "
                      "name = ?", (account_id, name))
    if row is None and required:
        raise no_such_entity(f"The group with name {name} cannot be found.")
    return row


def user_shape(account_id: str, row: tuple[Any, ...], with_tags: bool = True) -> dict[str, Any]:
    name, user_id, path, create_date, boundary, tags, password_set = row
    shape: dict[str, Any] = {
        "Path": path, "UserName": name, "UserId": user_id,
        "Arn": iam_arn(account_id, "user", path, name), "CreateDate": timestamp(create_date),
    }
    if boundary:
        shape["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                        "PermissionsBoundaryArn": boundary}
    if with_tags and json.loads(tags):
        shape["Tags"] = json.loads(tags)
    return shape


def group_shape(account_id: str, row: tuple[Any, ...]) -> dict[str, Any]:
    name, group_id, path, create_date = row
    return {"Path": path, "GroupName": name, "GroupId": group_id,
            "Arn": iam_arn(account_id, "group", path, name), "CreateDate": timestamp(create_date)}

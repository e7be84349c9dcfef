"""GetAccountAuthorizationDetails: every user, group, role and managed policy of the account
with the policies and relations that give them permissions, as one paged snapshot.

The four kinds are one list (users, groups, roles, policies, each in name order) that
Marker/MaxItems page through, as IAM pages it; each page answers all four lists. AWS managed
policies appear only when something in the account uses them (attached or as a boundary):
the account's snapshot, not AWS's catalogue.
"""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam import aws_managed, last_access
from pocketcloud.services.iam.common import encoded_document, iam_arn, page, timestamp
from pocketcloud.services.iam.inline import attached_arns, inline_documents
from pocketcloud.services.iam.managed import policy_row, policy_shape, versions_of
from pocketcloud.services.iam.roles import profiles_of_role, role_row
from pocketcloud.services.iam.schema import reading
from pocketcloud.services.iam.users import group_row, user_row, user_shape
from pocketcloud.store import Tx

FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
_LISTS = {"User": "UserDetailList", "Group": "GroupDetailList", "Role": "RoleDetailList",
          "LocalManagedPolicy": "Policies", "AWSManagedPolicy": "Policies"}


def get_account_authorization_details(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    wanted = _filter(params.get("Filter"))
    last_access.flush(ctx.cloud)  # RoleLastUsed as of now
    with reading(ctx.cloud) as tx:
        entries = _entries(tx, ctx.account_id, wanted)
        result = page(entries, params, "Entries")
        lists: dict[str, list[dict[str, Any]]] = {
            "UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
        for kind, name in result.pop("Entries"):
            lists[_LISTS[kind]].append(_DETAILS[kind](tx, ctx.account_id, name))
    return {**lists, **result}


def _filter(values: list[str] | None) -> set[str]:
    """No Filter (or an empty one) means every kind; an unknown kind is a ValidationError."""
    for value in values or ():
        if value not in FILTERS:
            raise AwsError("ValidationError", f"1 validation error detected: Value "
                           f"'[{', '.join(values or ())}]' at 'filter' failed to satisfy "
                           "constraint: Member must satisfy constraint: [Member must satisfy "
                           f"enum value set: [{', '.join(FILTERS)}]]")
    return set(values or FILTERS)


def _entries(tx: Tx, account_id: str, wanted: set[str]) -> list[tuple[str, str]]:
    """(kind, name or ARN) in answer order: what the page boundaries are counted over."""
    entries: list[tuple[str, str]] = []
    for kind, table in (("User", "iam_users"), ("Group", "iam_groups"), ("Role", "iam_roles")):
        if kind in wanted:
            entries += [(kind, r[0]) for r in tx.fetchall(
                f"SELECT name FROM {table} WHERE account_id = ? ORDER BY lower(name), name",
                (account_id,))]
    if "LocalManagedPolicy" in wanted:
        entries += [("LocalManagedPolicy", r[0]) for r in tx.fetchall(
            "SELECT arn FROM iam_policies WHERE account_id = ? ORDER BY lower(name), name",
            (account_id,))]
    if "AWSManagedPolicy" in wanted:
        entries += [("AWSManagedPolicy", arn) for arn in _aws_policies_in_use(tx, account_id)]
    return entries


def _aws_policies_in_use(tx: Tx, account_id: str) -> list[str]:
    used = {r[0] for r in tx.fetchall(
        "SELECT policy_arn FROM iam_attachments WHERE account_id = ? UNION "
        "SELECT boundary_arn FROM iam_users WHERE account_id = ? UNION "
        "SELECT boundary_arn FROM iam_roles WHERE account_id = ?",
        (account_id, account_id, account_id))}
    return sorted((arn for arn in used if arn in aws_managed.ARNS),
                  key=lambda arn: aws_managed.ARNS[arn].lower())


def _inline(tx: Tx, account_id: str, kind: str, owner: str) -> list[dict[str, str]]:
    return [{"PolicyName": name, "PolicyDocument": encoded_document(document)}
            for name, document in sorted(inline_documents(tx, account_id, kind, owner))]


def _attached(tx: Tx, account_id: str, kind: str, owner: str) -> list[dict[str, str]]:
    return [{"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn}
            for arn in sorted(attached_arns(tx, account_id, kind, owner))]


def _user(tx: Tx, account_id: str, name: str) -> dict[str, Any]:
    row = user_row(tx, account_id, name)
    shape = user_shape(account_id, row, with_tags=False)
    shape["UserPolicyList"] = _inline(tx, account_id, "user", name)
    shape["GroupList"] = [r[0] for r in tx.fetchall(
        "SELECT group_name FROM iam_group_members WHERE account_id = ? AND user_name = ? "
        "ORDER BY lower(group_name), group_name", (account_id, name))]
    shape["AttachedManagedPolicies"] = _attached(tx, account_id, "user", name)
    shape["Tags"] = _tags(row[5])
    return shape


def _group(tx: Tx, account_id: str, name: str) -> dict[str, Any]:
    _, group_id, path, created = group_row(tx, account_id, name)
    return {"Path": path, "GroupName": name, "GroupId": group_id,
            "Arn": iam_arn(account_id, "group", path, name), "CreateDate": timestamp(created),
            "GroupPolicyList": _inline(tx, account_id, "group", name),
            "AttachedManagedPolicies": _attached(tx, account_id, "group", name)}


def _role(tx: Tx, account_id: str, name: str) -> dict[str, Any]:
    (_, role_id, path, created, trust, _, _, boundary, tags, last_used,
     last_used_region) = role_row(tx, account_id, name)
    shape: dict[str, Any] = {
        "Path": path, "RoleName": name, "RoleId": role_id,
        "Arn": iam_arn(account_id, "role", path, name), "CreateDate": timestamp(created),
        "AssumeRolePolicyDocument": encoded_document(trust),
        "InstanceProfileList": profiles_of_role(tx, account_id, name),
        "RolePolicyList": _inline(tx, account_id, "role", name),
        "AttachedManagedPolicies": _attached(tx, account_id, "role", name),
    }
    if boundary:
        shape["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                        "PermissionsBoundaryArn": boundary}
    shape["Tags"] = _tags(tags)
    shape["RoleLastUsed"] = ({"LastUsedDate": timestamp(last_used), "Region": last_used_region}
                             if last_used else {})
    return shape


def _policy(tx: Tx, account_id: str, arn: str) -> dict[str, Any]:
    row = policy_row(tx, account_id, arn)
    shape = policy_shape(tx, account_id, row, with_tags=False)
    shape["PolicyVersionList"] = [
        {"Document": encoded_document(document), "VersionId": version,
         "IsDefaultVersion": version == shape["DefaultVersionId"],
         "CreateDate": timestamp(created)}
        for version, document, created in sorted(versions_of(tx, account_id, arn),
                                                 key=lambda v: -int(v[0][1:].split(".")[0]))]
    return shape


def _tags(stored: str) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = json.loads(stored)
    return tags


_DETAILS = {"User": _user, "Group": _group, "Role": _role, "LocalManagedPolicy": _policy,
            "AWSManagedPolicy": _policy}

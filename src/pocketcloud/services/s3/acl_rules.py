"""ACL grants from what a request carries: a canned ACL (`x-amz-acl`), grant headers
(`x-amz-grant-read: id="...", uri="..."`) or an AccessControlPolicy body; S3's errors for
each. A grant is {"Grantee": {"Type": ..., "ID"|"URI"|"EmailAddress": ...}, "Permission": ...}."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.s3.access import ALL_USERS, AUTHENTICATED_USERS
from pocketcloud.services.s3.buckets import owner_of

LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
GROUPS = (ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY)
PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
GRANTS_MAX = 100  # AWS: an ACL holds at most 100 grants
GRANT_MEMBERS = {
    "GrantFullControl": "FULL_CONTROL", "GrantRead": "READ", "GrantReadACP": "READ_ACP",
    "GrantWrite": "WRITE", "GrantWriteACP": "WRITE_ACP",
}  # fmt: skip
CANNED = (
    "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
    "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write",
)  # fmt: skip
_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*(?:,|$)', re.IGNORECASE)
_ID = re.compile(r"[0-9a-f]{64}")
_MALFORMED_ACL = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def group(uri: str, permission: str) -> dict[str, Any]:
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


def owner_grant(account_id: str) -> dict[str, Any]:
    owner = owner_of(account_id)
    return {"Grantee": {"Type": "CanonicalUser", **owner}, "Permission": "FULL_CONTROL"}


def canned_grants(acl: str, account_id: str, bucket_owner: str = "") -> list[dict[str, Any]]:
    """`account_id` owns the resource; an object's `bucket_owner` may be another account,
    whom bucket-owner-read and bucket-owner-full-control grant to."""
    if acl not in CANNED:
        raise AwsError("InvalidArgument", "", fields={"ArgumentName": "x-amz-acl",
                                                     "ArgumentValue": acl})  # fmt: skip
    grants = [owner_grant(account_id)]
    if acl.startswith("bucket-owner-") and bucket_owner and bucket_owner != account_id:
        grant = owner_grant(bucket_owner)
        if acl == "bucket-owner-read":
            grant["Permission"] = "READ"
        grants.append(grant)
    if acl in ("public-read", "public-read-write"):
        grants.append(group(ALL_USERS, "READ"))
    if acl == "public-read-write":
        grants.append(group(ALL_USERS, "WRITE"))
    if acl == "authenticated-read":
        grants.append(group(AUTHENTICATED_USERS, "READ"))
    if acl == "log-delivery-write":
        grants += [group(LOG_DELIVERY, "WRITE"), group(LOG_DELIVERY, "READ_ACP")]
    return grants


def grants_from_request(
    params: dict[str, Any], account_id: str, bucket_owner: str = ""
) -> list[dict[str, Any]] | None:
    """The grants a request sets, or None when it names no ACL at all (`account_id`: the
    resource's owner; `bucket_owner`: an object's bucket's, for the canned bucket-owner-*)."""
    headers = {m: params[m] for m in GRANT_MEMBERS if params.get(m)}
    acl = params.get("ACL")
    body = params.get("AccessControlPolicy")
    if acl and headers:
        raise AwsError(
            "InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed"
        )
    if body is not None and (acl or headers):
        raise AwsError("UnexpectedContent", "This request does not support content")
    if acl:
        return canned_grants(acl, account_id, bucket_owner)
    if headers:
        return [grant for member, text in headers.items()
                for grant in _header_grants(text, member)]  # fmt: skip
    if body is not None:
        return _body_grants(body)
    return None


def _header_name(member: str) -> str:
    """GrantReadACP -> x-amz-grant-read-acp."""
    return "x-amz-grant-" + member[len("Grant"):].replace("ACP", "-acp").replace(
        "FullControl", "full-control").lower()


def _header_grants(text: str, member: str) -> list[dict[str, Any]]:
    grants: list[dict[str, Any]] = []
    position = 0
    while position < len(text):
        match = _GRANTEE.match(text, position)
        if match is None or match.end() == position:
            raise AwsError("InvalidArgument", "Argument format not recognized",
                           fields={"ArgumentName": _header_name(member),
                                   "ArgumentValue": text})  # fmt: skip
        kind, value = match.group(1).lower(), match.group(2).strip()
        grantee = _grantee(kind, value, kind)  # a header's bad grantee names its key: id, uri
        grants.append({"Grantee": grantee, "Permission": GRANT_MEMBERS[member]})
        position = match.end()
    if len(grants) > GRANTS_MAX:
        raise AwsError("InvalidArgument", f"An ACL can have at most {GRANTS_MAX} grants")
    return grants


def _grantee(kind: str, value: str, argument: str = "") -> dict[str, str]:
    if kind == "id":
        _check_id(value, argument or "CanonicalUser/ID")
        return {"Type": "CanonicalUser", "ID": value}
    if kind == "uri":
        if value not in GROUPS:
            raise AwsError(
                "InvalidArgument",
                "Invalid group uri",
                fields={"ArgumentName": argument or "Group/URI", "ArgumentValue": value},
            )
        return {"Type": "Group", "URI": value}
    raise AwsError(
        "UnresolvableGrantByEmailAddress",
        "The e-mail address you provided does not match any account on record.",
        fields={"EmailAddress": value},
    )


def _check_id(value: str, argument: str) -> None:
    if not _ID.fullmatch(value):
        raise AwsError("InvalidArgument", "Invalid id",
                       fields={"ArgumentName": argument, "ArgumentValue": value})  # fmt: skip


def _body_grants(body: dict[str, Any]) -> list[dict[str, Any]]:
    """An AccessControlPolicy body: S3 requires its Owner (MalformedACLError without)."""
    raw = body.get("Grants") or []
    owner_id = (body.get("Owner") or {}).get("ID")
    if len(raw) > GRANTS_MAX or not owner_id:
        raise AwsError("MalformedACLError", _MALFORMED_ACL)
    grants = []
    for grant in raw:
        grantee = grant.get("Grantee") or {}
        permission = grant.get("Permission")
        if permission not in PERMISSIONS:
            raise AwsError("MalformedACLError", _MALFORMED_ACL)
        kind = {"CanonicalUser": "id", "Group": "uri",
                "AmazonCustomerByEmail": "emailAddress"}.get(grantee.get("Type", ""))  # fmt: skip
        value = {"id": grantee.get("ID"), "uri": grantee.get("URI"),
                 "emailAddress": grantee.get("EmailAddress")}.get(kind or "")  # fmt: skip
        if kind is None or not value:
            raise AwsError("MalformedACLError", _MALFORMED_ACL)
        grants.append({"Grantee": _grantee(kind, value), "Permission": permission})
    _check_id(owner_id, "CanonicalUser/ID")
    return grants


def only_owner_full_control(grants: list[dict[str, Any]], account_id: str) -> bool:
    """What BucketOwnerEnforced still accepts: the bucket owner's full control, nothing else."""
    owner_id = owner_of(account_id)["ID"]
    return all(
        g["Permission"] == "FULL_CONTROL" and g["Grantee"].get("ID") == owner_id for g in grants
    )


def with_display_names(grants: list[dict[str, Any]], *account_ids: str) -> list[dict[str, Any]]:
    """The grants with the DisplayName of each grantee among `account_ids` (the owners)."""
    names = {o["ID"]: o["DisplayName"] for o in map(owner_of, account_ids)}
    out = []
    for grant in grants:
        grantee = dict(grant["Grantee"])
        name = names.get(grantee.get("ID", ""))
        if name is not None:
            grantee["DisplayName"] = name
        out.append({"Grantee": grantee, "Permission": grant["Permission"]})
    return out

"""Service-specific credentials: a user name and password for one service (CodeCommit's Git
over HTTPS, Amazon Keyspaces' Cassandra drivers), at most two per user per service."""

from __future__ import annotations

import base64
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.iam.access_keys import _user_name
from pocketcloud.services.iam.common import no_such_entity, page, timestamp, valid_name
from pocketcloud.services.iam.schema import reading, writing
from pocketcloud.services.iam.user_credentials import _status
from pocketcloud.services.iam.users import user_row
from pocketcloud.store import Tx

SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com")
MAX_PER_USER_PER_SERVICE = 2
PASSWORD_BYTES = 44  # base64: 60 characters, the length of IAM's generated passwords
_COLUMNS = ("credential_id, user_name, service_name, service_user_name, password, status, "
            "create_date")


def create_service_specific_credential(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    name = valid_name(params["UserName"], "userName")
    service = _service(params["ServiceName"])
    if params.get("CredentialAgeDays") is not None:  # only for services with API keys
        raise AwsError("InvalidInputException", "CredentialAgeDays is only valid for "
                       "services that support long-term API keys.")
    credential_id = "ACCA" + ctx.cloud.ids.upper_alnum(17)
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        if tx.fetchvalue("SELECT COUNT(*) FROM iam_service_credentials WHERE account_id = ? "
                         "AND user_name = ? AND service_name = ?",
                         (ctx.account_id, name, service)) >= MAX_PER_USER_PER_SERVICE:
            raise AwsError("LimitExceededException", "Cannot exceed quota for "
                           "ServiceSpecificCredentialsPerUserPerService: "
                           f"{MAX_PER_USER_PER_SERVICE}", 409)
        tx.execute(f"INSERT INTO iam_service_credentials (account_id, {_COLUMNS}) "
                   "VALUES (?, ?, ?, ?, ?, ?, 'Active', ?)",
                   (ctx.account_id, credential_id, name, service,
                    f"{name}-at-{ctx.account_id}", _password(ctx), ctx.cloud.clock.now()))
        row = _required(tx, ctx.account_id, name, credential_id)
    return {"ServiceSpecificCredential": _shape(row, with_password=True)}


def list_service_specific_credentials(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """One user's (the caller's without UserName), or with AllUsers every user's."""
    service = _service(params["ServiceName"]) if params.get("ServiceName") else None
    with reading(ctx.cloud) as tx:
        if params.get("AllUsers") and not params.get("UserName"):
            rows = tx.fetchall(f"SELECT {_COLUMNS} FROM iam_service_credentials WHERE "
                               "account_id = ? ORDER BY user_name, create_date",
                               (ctx.account_id,))
        else:
            name = _user_name(ctx, params)
            user_row(tx, ctx.account_id, name)
            rows = tx.fetchall(f"SELECT {_COLUMNS} FROM iam_service_credentials WHERE "
                               "account_id = ? AND user_name = ? ORDER BY create_date",
                               (ctx.account_id, name))
    credentials = [_shape(tuple(row), with_password=False) for row in rows
                   if service is None or row[2] == service]
    return page(credentials, params, "ServiceSpecificCredentials")


def reset_service_specific_credential(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    name = _user_name(ctx, params)
    credential_id = params["ServiceSpecificCredentialId"]
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        _required(tx, ctx.account_id, name, credential_id)
        tx.execute("UPDATE iam_service_credentials SET password = ? WHERE credential_id = ? "
                   "AND account_id = ?", (_password(ctx), credential_id, ctx.account_id))
        row = _required(tx, ctx.account_id, name, credential_id)
    return {"ServiceSpecificCredential": _shape(row, with_password=True)}


def update_service_specific_credential(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    status = _status(params)
    name = _user_name(ctx, params)
    credential_id = params["ServiceSpecificCredentialId"]
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        _required(tx, ctx.account_id, name, credential_id)
        tx.execute("UPDATE iam_service_credentials SET status = ? WHERE credential_id = ? AND "
                   "account_id = ?", (status, credential_id, ctx.account_id))
    return {}


def delete_service_specific_credential(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    name = _user_name(ctx, params)
    credential_id = params["ServiceSpecificCredentialId"]
    with writing(ctx.cloud) as tx:
        user_row(tx, ctx.account_id, name)
        _required(tx, ctx.account_id, name, credential_id)
        tx.execute("DELETE FROM iam_service_credentials WHERE credential_id = ? AND "
                   "account_id = ?", (credential_id, ctx.account_id))
    return {}


def _service(service: str) -> str:
    if service not in SERVICES:
        raise AwsError("ServiceNotSupportedException", f"No such service {service} is "
                       "supported for Service Specific Credentials", 404)
    return service


def _password(ctx: RequestContext) -> str:
    return base64.b64encode(bytes.fromhex(ctx.cloud.ids.hex(PASSWORD_BYTES * 2))).decode()


def _required(tx: Tx, account_id: str, user_name: str, credential_id: str) -> tuple[Any, ...]:
    row = tx.fetchone(f"SELECT {_COLUMNS} FROM iam_service_credentials WHERE "
                      "credential_id = ? AND account_id = ? AND user_name = ?",
                      (credential_id, account_id, user_name))
    if row is None:
        raise no_such_entity(f"No such credential {credential_id} exists")
    return tuple(row)


def _shape(row: tuple[Any, ...], with_password: bool) -> dict[str, Any]:
    credential_id, user, service, service_user, password, status, created = row
    shape = {"UserName": user, "Status": status, "ServiceUserName": service_user,
             "CreateDate": timestamp(created), "ServiceSpecificCredentialId": credential_id,
             "ServiceName": service}
    if with_password:
        shape["ServicePassword"] = password
    return shape

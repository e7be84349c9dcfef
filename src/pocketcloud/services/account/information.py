"""The account's name and primary email, GetAccountInformation, and the primary email update:
StartPrimaryEmailUpdate mails a one-time password to the new address (into the account
outbox, /_pocketcloud/account/outbox: mail never leaves the machine) and
AcceptPrimaryEmailUpdate takes it back.

A new account is named after its id, created when first asked about, and its primary email is
``<account id>@pocketcloud.invalid`` until changed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pocketcloud.cloud import Cloud
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.account.common import target_account, validation_error
from pocketcloud.services.account.schema import store
from pocketcloud.store import Tx

OUTBOX_MAX = 1000  # the newest messages are kept
OUTBOX_PAGE_MAX = 1000
OTP_LENGTH = 6
DEFAULT_EMAIL_DOMAIN = "pocketcloud.invalid"
_ACCOUNT_NAME = re.compile(r"[ -;=?-~]{1,50}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_OTP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
OTP_SUBJECT = "AWS primary email address change verification"
OTP_TEXT = "Your verification code to change the primary email of account {account} is {otp}."


def ensure_account(ctx: RequestContext, tx: Tx, account_id: str) -> None:
    tx.execute("INSERT OR IGNORE INTO account_information (account_id, created_s) "
               "VALUES (?, ?)", (account_id, ctx.cloud.clock.now()))


def _row(ctx: RequestContext, account_id: str, columns: str) -> tuple[Any, ...]:
    with store(ctx.cloud).write() as tx:
        ensure_account(ctx, tx, account_id)
        row = tx.fetchone(f"SELECT {columns} FROM account_information WHERE account_id = ?",
                          (account_id,))
    assert row is not None
    return row


def put_account_name(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    name = params.get("AccountName")
    if not isinstance(name, str) or not _ACCOUNT_NAME.fullmatch(name):
        raise validation_error("AccountName must be 1 to 50 printable ASCII characters.",
                               field="AccountName")
    with store(ctx.cloud).write() as tx:
        ensure_account(ctx, tx, account_id)
        tx.execute("UPDATE account_information SET account_name = ? WHERE account_id = ?",
                   (name, account_id))
    return {}


def get_account_information(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    name, created_s = _row(ctx, account_id, "account_name, created_s")
    return {"AccountId": account_id, "AccountName": name or account_id,
            "AccountCreatedDate": datetime.fromtimestamp(created_s, UTC),
            "AccountState": "ACTIVE"}


def get_primary_email(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    (email,) = _row(ctx, account_id, "primary_email")
    return {"PrimaryEmail": email or f"{account_id}@{DEFAULT_EMAIL_DOMAIN}"}


def _email(params: dict[str, Any]) -> str:
    email = params.get("PrimaryEmail")
    if not isinstance(email, str) or not 5 <= len(email) <= 64 or not _EMAIL.fullmatch(email):
        raise validation_error("PrimaryEmail must be a valid email address of 5 to 64 "
                               "characters.", field="PrimaryEmail")
    return email


def start_primary_email_update(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    email = _email(params)
    otp = "".join(_OTP_ALPHABET[int(ctx.cloud.ids.hex(2), 16) % len(_OTP_ALPHABET)]
                  for _ in range(OTP_LENGTH))
    now = ctx.cloud.clock.now()
    with store(ctx.cloud).write() as tx:
        ensure_account(ctx, tx, account_id)
        tx.execute("UPDATE account_information SET pending_email = ?, pending_otp = ?, "
                   "email_update_status = 'PENDING', email_updated_s = ? WHERE account_id = ?",
                   (email, otp, now, account_id))
        _mail(tx, account_id, email, OTP_SUBJECT,
              OTP_TEXT.format(account=account_id, otp=otp), now)
    return {"Status": "PENDING"}


def accept_primary_email_update(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    email = _email(params)
    pending, otp = _row(ctx, account_id, "pending_email, pending_otp")
    if pending is None or pending != email:
        raise AwsError("ResourceNotFoundException", "No pending primary email update was "
                       "found for this account and email address.", 404)
    if str(params.get("Otp") or "").upper() != otp:
        raise validation_error("The one-time password is not valid.", field="Otp")
    with store(ctx.cloud).write() as tx:
        tx.execute("UPDATE account_information SET primary_email = ?, pending_email = NULL, "
                   "pending_otp = NULL, email_update_status = 'ACCEPTED', email_updated_s = ? "
                   "WHERE account_id = ?", (email, ctx.cloud.clock.now(), account_id))
    return {"Status": "ACCEPTED"}


def get_primary_email_update_status(ctx: RequestContext, params: dict[str, Any]
                                    ) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    status, updated_s = _row(ctx, account_id, "email_update_status, email_updated_s")
    if status is None:
        raise AwsError("ResourceNotFoundException", "No primary email update was found for "
                       "this account.", 404)
    return {"Status": status, "UpdatedAt": datetime.fromtimestamp(updated_s, UTC)}


def _mail(tx: Tx, account_id: str, to: str, subject: str, text: str, now_s: float) -> None:
    tx.execute("INSERT INTO account_outbox (account_id, to_address, subject, message, "
               "created_s) VALUES (?, ?, ?, ?, ?)", (account_id, to, subject, text, now_s))
    tx.execute("DELETE FROM account_outbox WHERE seq <= (SELECT MAX(seq) FROM account_outbox) "
               "- ?", (OUTBOX_MAX,))


def read_outbox(cloud: Cloud, *, after: int = 0, limit: int = 100,
                to: str | None = None) -> list[dict[str, Any]]:
    """Mail the account service sent, oldest first, after sequence number `after`."""
    limit = max(1, min(limit, OUTBOX_PAGE_MAX))
    sql = ("SELECT seq, account_id, to_address, subject, message, created_s FROM "
           "account_outbox WHERE seq > ?")
    args: list[Any] = [after]
    if to:
        sql, args = sql + " AND to_address = ?", [*args, to]
    with store(cloud).read() as tx:
        rows = tx.fetchall(sql + " ORDER BY seq LIMIT ?", (*args, limit))
    names = ("seq", "account_id", "to", "subject", "message", "created_s")
    return [dict(zip(names, row, strict=True)) for row in rows]

"""The SMS sandbox's destination phone numbers: added as Pending with a one-time password
texted to them (into the outbox: texts never leave the machine), Verified once the password
comes back. Kept per account and region, at most SANDBOX_NUMBERS_MAX of them, as in AWS."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sns import outbound
from pocketcloud.services.sns.schema import ready_store

SANDBOX_NUMBERS_MAX = 10  # destination numbers per account in the SMS sandbox
LIST_MAX = 100
ORIGINATION_LIST_MAX = 30
OTP_DIGITS = 6
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")  # '+', country code and number: 15 digits at most
LANGUAGE_CODES = frozenset({"en-US", "en-GB", "es-419", "es-ES", "de-DE", "fr-CA", "fr-FR",
                            "it-IT", "ja-JP", "pt-BR", "kr-KR", "zh-CN", "zh-TW"})
OTP_TEXT = "Your Amazon SNS verification code is: {otp}"


def _phone(params: dict[str, Any]) -> str:
    phone = str(params.get("PhoneNumber") or "")
    if not _E164.fullmatch(phone):
        raise AwsError("InvalidParameter", "Invalid parameter: PhoneNumber Reason: the number "
                       "must be in E.164 format, e.g. +14255550100.")
    return phone


def _key(ctx: RequestContext, phone: str) -> tuple[str, str, str]:
    return ctx.account_id, ctx.region, phone


def _not_found() -> AwsError:
    return AwsError("ResourceNotFound", "Can not find resource: PhoneNumber", 404)


def create_sms_sandbox_phone_number(ctx: RequestContext, params: dict[str, Any]
                                    ) -> dict[str, Any]:
    phone = _phone(params)
    if params.get("LanguageCode") and params["LanguageCode"] not in LANGUAGE_CODES:
        raise AwsError("InvalidParameter", "Invalid parameter: LanguageCode")
    otp = str(int(ctx.cloud.ids.hex(8), 16) % 10 ** OTP_DIGITS).zfill(OTP_DIGITS)
    with ready_store(ctx.cloud.store).write() as tx:
        status = tx.fetchvalue("SELECT status FROM sns_sms_sandbox WHERE account_id = ? AND "
                               "region = ? AND phone_number = ?", _key(ctx, phone))
        if status == "Verified":
            return {}
        if status is None:
            count = tx.fetchvalue("SELECT COUNT(*) FROM sns_sms_sandbox WHERE account_id = ? "
                                  "AND region = ?", (ctx.account_id, ctx.region))
            if count >= SANDBOX_NUMBERS_MAX:
                raise AwsError("UserError", "You have reached the maximum number of "
                               f"({SANDBOX_NUMBERS_MAX}) sandbox destination phone numbers.")
        tx.execute("INSERT OR REPLACE INTO sns_sms_sandbox VALUES (?, ?, ?, 'Pending', ?, ?)",
                   (*_key(ctx, phone), otp, ctx.cloud.clock.now()))
    outbound.write_outbox(ctx.cloud, ctx.account_id, ctx.region, "sms", phone, None, None,
                          ctx.cloud.ids.uuid4(), "SandboxVerification", None,
                          OTP_TEXT.format(otp=otp))
    return {}


def verify_sms_sandbox_phone_number(ctx: RequestContext, params: dict[str, Any]
                                    ) -> dict[str, Any]:
    phone = _phone(params)
    with ready_store(ctx.cloud.store).write() as tx:
        row = tx.fetchone("SELECT status, one_time_password FROM sns_sms_sandbox WHERE "
                          "account_id = ? AND region = ? AND phone_number = ?",
                          _key(ctx, phone))
        if row is None:
            raise _not_found()
        if row[0] == "Verified":
            return {}
        if str(params.get("OneTimePassword") or "") != row[1]:
            raise AwsError("VerificationException", "Invalid one-time password.")
        tx.execute("UPDATE sns_sms_sandbox SET status = 'Verified', one_time_password = NULL "
                   "WHERE account_id = ? AND region = ? AND phone_number = ?", _key(ctx, phone))
    return {}


def delete_sms_sandbox_phone_number(ctx: RequestContext, params: dict[str, Any]
                                    ) -> dict[str, Any]:
    phone = _phone(params)
    with ready_store(ctx.cloud.store).write() as tx:
        if not tx.execute("DELETE FROM sns_sms_sandbox WHERE account_id = ? AND region = ? AND "
                          "phone_number = ?", _key(ctx, phone)):
            raise _not_found()
    return {}


def _limit(params: dict[str, Any], ceiling: int) -> int:
    raw = params.get("MaxResults")
    if raw is None:
        return ceiling
    if not 1 <= int(raw) <= ceiling:
        raise AwsError("InvalidParameter", f"Invalid parameter: MaxResults Reason: must be "
                       f"between 1 and {ceiling}")
    return int(raw)


def list_sms_sandbox_phone_numbers(ctx: RequestContext, params: dict[str, Any]
                                   ) -> dict[str, Any]:
    limit = _limit(params, LIST_MAX)
    after = str(params.get("NextToken") or "")
    with ready_store(ctx.cloud.store).read() as tx:
        rows = tx.fetchall("SELECT phone_number, status FROM sns_sms_sandbox WHERE "
                           "account_id = ? AND region = ? AND phone_number > ? ORDER BY "
                           "phone_number LIMIT ?", (ctx.account_id, ctx.region, after, limit + 1))
    result: dict[str, Any] = {"PhoneNumbers": [{"PhoneNumber": p, "Status": s}
                                               for p, s in rows[:limit]]}
    if len(rows) > limit:
        result["NextToken"] = rows[limit - 1][0]
    return result


def list_origination_numbers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """No account here owns origination numbers (AWS sells them through the console)."""
    _limit(params, ORIGINATION_LIST_MAX)
    return {"PhoneNumbers": []}

"""What every Account Management operation shares: its errors and the account it is about."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError

ACCOUNT_ID_PATTERN = re.compile(r"\d{12}")


def validation_error(message: str, reason: str = "fieldValidationFailed",
                      field: str | None = None) -> AwsError:
    fields: dict[str, Any] = {"reason": reason}
    if field is not None:
        fields["fieldList"] = [{"name": field, "message": message}]
    return AwsError("ValidationException", message, 400, fields=fields)


def target_account(ctx: RequestContext, params: dict[str, Any]) -> str:
    """The account the call is about: the caller's, unless AccountId names another."""
    account_id = params.get("AccountId")
    if account_id is None:
        return ctx.account_id
    if not isinstance(account_id, str) or not ACCOUNT_ID_PATTERN.fullmatch(account_id):
        raise validation_error("AccountId must be a 12-digit account ID.", field="AccountId")
    if account_id != ctx.account_id:
        raise AwsError(
            "AccessDeniedException",
            f"Account {ctx.account_id} is not authorized to manage account {account_id}: "
            "that needs an organization's management or delegated administrator account.",
            403,
        )
    return account_id

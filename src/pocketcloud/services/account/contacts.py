"""Contact information and the three alternate contacts (billing, operations, security)."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.account.common import target_account, validation_error
from pocketcloud.services.account.information import ensure_account
from pocketcloud.services.account.schema import store

CONTACT_TYPES = ("BILLING", "OPERATIONS", "SECURITY")
# member -> (longest, pattern or None, required): the API's ContactInformation shape
CONTACT_FIELDS: dict[str, tuple[int, re.Pattern[str] | None, bool]] = {
    "FullName": (50, None, True), "AddressLine1": (60, None, True),
    "AddressLine2": (60, None, False), "AddressLine3": (60, None, False),
    "City": (50, None, True), "StateOrRegion": (50, None, False),
    "DistrictOrCounty": (50, None, False), "PostalCode": (20, None, True),
    "CountryCode": (2, re.compile(r"[A-Z]{2}"), True),
    "PhoneNumber": (20, re.compile(r"[+][\s0-9()-]+"), True),
    "CompanyName": (50, None, False), "WebsiteUrl": (256, None, False),
}
ALTERNATE_FIELDS: dict[str, tuple[int, re.Pattern[str] | None, bool]] = {
    "Name": (64, None, True), "Title": (50, None, True),
    "EmailAddress": (254, re.compile(r"[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*"), True),
    "PhoneNumber": (25, re.compile(r"[\s0-9()+-]+"), True),
}


def _checked(values: dict[str, Any], fields: dict[str, tuple[int, re.Pattern[str] | None,
                                                              bool]]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, (longest, pattern, required) in fields.items():
        value = values.get(name)
        if value is None:
            if required:
                raise validation_error(f"{name} is required.", field=name)
            continue
        if not isinstance(value, str) or not 1 <= len(value) <= longest or (
                pattern is not None and not pattern.fullmatch(value)):
            raise validation_error(f"Invalid {name}.", field=name)
        checked[name] = value
    return checked


def put_contact_information(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    contact = _checked(params.get("ContactInformation") or {}, CONTACT_FIELDS)
    with store(ctx.cloud).write() as tx:
        ensure_account(ctx, tx, account_id)
        tx.execute("UPDATE account_information SET contact = ? WHERE account_id = ?",
                   (json.dumps(contact), account_id))
    return {}


def get_contact_information(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    with store(ctx.cloud).read() as tx:
        raw = tx.fetchvalue("SELECT contact FROM account_information WHERE account_id = ?",
                            (account_id,))
    if not raw:
        raise AwsError("ResourceNotFoundException", "No contact information found for this "
                       "account.", 404)
    return {"ContactInformation": json.loads(raw)}


def _contact_type(params: dict[str, Any]) -> str:
    kind = params.get("AlternateContactType")
    if kind not in CONTACT_TYPES:
        raise validation_error("AlternateContactType must be one of BILLING, OPERATIONS, "
                               "SECURITY.", field="AlternateContactType")
    return str(kind)


def put_alternate_contact(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    kind = _contact_type(params)
    contact = _checked(params, ALTERNATE_FIELDS)
    with store(ctx.cloud).write() as tx:
        tx.execute("INSERT OR REPLACE INTO account_alternate_contacts VALUES (?, ?, ?)",
                   (account_id, kind, json.dumps(contact)))
    return {}


def _no_contact() -> AwsError:
    return AwsError("ResourceNotFoundException", "No contact of the inputted alternate "
                    "contact type found.", 404)


def get_alternate_contact(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    kind = _contact_type(params)
    with store(ctx.cloud).read() as tx:
        raw = tx.fetchvalue("SELECT contact FROM account_alternate_contacts WHERE "
                            "account_id = ? AND contact_type = ?", (account_id, kind))
    if raw is None:
        raise _no_contact()
    return {"AlternateContact": {"AlternateContactType": kind, **json.loads(raw)}}


def delete_alternate_contact(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    kind = _contact_type(params)
    with store(ctx.cloud).write() as tx:
        if not tx.execute("DELETE FROM account_alternate_contacts WHERE account_id = ? AND "
                          "contact_type = ?", (account_id, kind)):
            raise _no_contact()
    return {}

"""Account-level SMS settings and the opt-out list. Texts never leave the machine (they land in
the outbox), so no phone number ever opts out and the account is out of the SMS sandbox."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.sns.schema import ready_store
from pocketcloud.services.sns.topic_operations import find_topic, sns_book

SMS_ATTRIBUTES = frozenset({"MonthlySpendLimit", "DeliveryStatusIAMRole",
                            "DeliveryStatusSuccessSamplingRate", "DefaultSenderID",
                            "DefaultSMSType", "UsageReportS3Bucket"})
SMS_TYPES = ("Promotional", "Transactional")
_PHONE = re.compile(r"\+?[0-9]{7,15}")


def _stored(ctx: RequestContext) -> dict[str, str]:
    with ready_store(ctx.cloud.store).read() as tx:
        raw = tx.fetchvalue("SELECT attributes FROM sns_sms_attributes WHERE account_id = ? "
                            "AND region = ?", (ctx.account_id, ctx.region))
    return dict(json.loads(raw)) if raw else {}


def set_sms_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    attributes = _stored(ctx)
    for name, value in (params.get("attributes") or {}).items():
        if name not in SMS_ATTRIBUTES:
            raise AwsError("InvalidParameter", f"Invalid parameter: {name}")
        if name == "DefaultSMSType" and value not in SMS_TYPES:
            raise AwsError("InvalidParameter", "Invalid parameter: DefaultSMSType Reason: "
                           "must be Promotional or Transactional")
        attributes[name] = str(value)
    with ready_store(ctx.cloud.store).write() as tx:
        tx.execute("INSERT OR REPLACE INTO sns_sms_attributes (account_id, region, attributes) "
                   "VALUES (?, ?, ?)", (ctx.account_id, ctx.region, json.dumps(attributes)))
    return {}


def get_sms_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    attributes = _stored(ctx)
    wanted = params.get("attributes")
    if wanted:
        attributes = {k: v for k, v in attributes.items() if k in wanted}
    return {"attributes": attributes}


def _phone(params: dict[str, Any]) -> str:
    phone = str(params.get("phoneNumber") or "")
    if not _PHONE.fullmatch(phone):
        raise AwsError("InvalidParameter", "Invalid parameter: PhoneNumber")
    return phone


def check_if_phone_number_is_opted_out(ctx: RequestContext,
                                       params: dict[str, Any]) -> dict[str, Any]:
    _phone(params)
    return {"isOptedOut": False}


def list_phone_numbers_opted_out(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"phoneNumbers": []}


def opt_in_phone_number(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _phone(params)
    return {}


def get_sms_sandbox_account_status(ctx: RequestContext,
                                   params: dict[str, Any]) -> dict[str, Any]:
    return {"IsInSandbox": False}


# -- data protection policies: kept on the topic ---------------------------------------------

def put_data_protection_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("ResourceArn"), "ResourceArn")
    text = str(params.get("DataProtectionPolicy") or "")
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise AwsError("InvalidParameter", "Invalid parameter: DataProtectionPolicy: failed "
                       "to parse JSON.")
    topic.attributes["DataProtectionPolicy"] = text
    sns_book(ctx).save_topic(topic)
    return {}


def get_data_protection_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = find_topic(ctx, params.get("ResourceArn"), "ResourceArn")
    policy = topic.attributes.get("DataProtectionPolicy")
    return {"DataProtectionPolicy": policy} if policy else {}

"""AWS Account Management: the Region opt-in operations (here), contacts (contacts.py), the
account's name and primary email (information.py).

The opt-in state itself lives in ``pocketcloud.infra.region_opt_in`` (EC2's DescribeRegions
reads it too). Enabling or disabling starts an ENABLING/DISABLING transition that settles on the
cloud's clock; by default it settles at once, so the next read already says ENABLED/DISABLED.

Organizations are not modelled: ``AccountId`` may only name the caller's own account.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.infra import region_opt_in
from pocketcloud.infra.region_opt_in import OPT_STATUSES, OptStatusConflict, OptStatusUnchangeable
from pocketcloud.infra.regions import get_region
from pocketcloud.services.account.common import target_account, validation_error
from pocketcloud.services.account.contacts import (
    delete_alternate_contact,
    get_alternate_contact,
    get_contact_information,
    put_alternate_contact,
    put_contact_information,
)
from pocketcloud.services.account.information import (
    accept_primary_email_update,
    get_account_information,
    get_primary_email,
    get_primary_email_update_status,
    put_account_name,
    start_primary_email_update,
)

MAX_RESULTS_MAX = 50  # the spec's bound on MaxResults; also the page size when none is given
NEXT_TOKEN_MAX_CHARS = 1000
_TOKEN_PREFIX = "after:"

__all__ = [
    "accept_primary_email_update", "delete_alternate_contact", "get_account_information",
    "get_alternate_contact", "get_contact_information", "get_primary_email",
    "get_primary_email_update_status", "put_account_name", "put_alternate_contact",
    "put_contact_information", "start_primary_email_update", "get_region_opt_status",
    "enable_region", "disable_region", "list_regions",
]


def _region_name(params: dict[str, Any]) -> str:
    name = params.get("RegionName")
    if not isinstance(name, str) or not name:
        raise validation_error("RegionName is required.", field="RegionName")
    if get_region(name) is None:
        raise validation_error(f"Invalid region name: {name[:50]}", field="RegionName")
    return name


def get_region_opt_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    name = _region_name(params)
    status = region_opt_in.region_opt_status(ctx.cloud, account_id, name)
    return {"RegionName": name, "RegionOptStatus": status}


def _set_region(ctx: RequestContext, params: dict[str, Any], enabled: bool) -> dict[str, Any]:
    account_id = target_account(ctx, params)
    name = _region_name(params)
    try:
        region_opt_in.set_region_enabled(ctx.cloud, account_id, name, enabled)
    except OptStatusConflict as conflict:
        raise AwsError(
            "ConflictException",
            f"Region {name} is {conflict}; wait for that to finish before changing it again.",
            409,
        ) from None
    except OptStatusUnchangeable:
        raise validation_error(
            "Unable to switch region status because of its current opt-in status.",
            reason="invalidRegionOptTarget",
        ) from None
    return {}


def enable_region(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_region(ctx, params, enabled=True)


def disable_region(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_region(ctx, params, enabled=False)


def _encode_token(last_region: str) -> str:
    return base64.urlsafe_b64encode((_TOKEN_PREFIX + last_region).encode()).decode()


def _decode_token(token: Any) -> str:
    """The Region code a previous page ended with."""
    try:
        if not isinstance(token, str) or len(token) > NEXT_TOKEN_MAX_CHARS:
            raise ValueError(token)
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise validation_error("The NextToken is invalid.", field="NextToken") from None
    if not text.startswith(_TOKEN_PREFIX):
        raise validation_error("The NextToken is invalid.", field="NextToken")
    return text[len(_TOKEN_PREFIX):]


def _max_results(params: dict[str, Any]) -> int:
    value = params.get("MaxResults", MAX_RESULTS_MAX)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_RESULTS_MAX:
        raise validation_error(
            f"MaxResults must be between 1 and {MAX_RESULTS_MAX}.", field="MaxResults"
        )
    return value


def _wanted_statuses(params: dict[str, Any]) -> frozenset[str]:
    wanted = params.get("RegionOptStatusContains") or []
    if not isinstance(wanted, list) or any(s not in OPT_STATUSES for s in wanted):
        raise validation_error(
            f"RegionOptStatusContains values must be among {', '.join(OPT_STATUSES)}.",
            field="RegionOptStatusContains",
        )
    return frozenset(wanted)


def list_regions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The account's Regions and their statuses, by Region code, a page at a time."""
    account_id = target_account(ctx, params)
    wanted = _wanted_statuses(params)
    page_size = _max_results(params)
    after = _decode_token(params["NextToken"]) if params.get("NextToken") else ""
    statuses = region_opt_in.region_opt_statuses(ctx.cloud, account_id)
    rows = [
        {"RegionName": code, "RegionOptStatus": status}
        for code, status in sorted(statuses.items())
        if code > after and (not wanted or status in wanted)
    ]
    output: dict[str, Any] = {"Regions": rows[:page_size]}
    if len(rows) > page_size:
        output["NextToken"] = _encode_token(rows[page_size - 1]["RegionName"])
    return output

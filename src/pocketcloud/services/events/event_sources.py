"""Partner event sources, answered as for an account that no SaaS partner has offered an
event source to (and that is no partner itself): lists are empty, names are not found."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events.buses import page_limit, page_start


def _not_found(name: str) -> AwsError:
    return AwsError("ResourceNotFoundException", f"Event source {name} does not exist.")


def _empty(params: dict[str, Any], member: str) -> dict[str, Any]:
    page_limit(params)  # malformed paging is still refused
    page_start(params)
    return {member: []}


def list_event_sources(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _empty(params, "EventSources")


def list_partner_event_sources(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _empty(params, "PartnerEventSources")


def describe_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    raise _not_found(params["Name"])


def describe_partner_event_source(ctx: RequestContext,
                                  params: dict[str, Any]) -> dict[str, Any]:
    raise _not_found(params["Name"])


def list_partner_event_source_accounts(ctx: RequestContext,
                                       params: dict[str, Any]) -> dict[str, Any]:
    raise _not_found(params["EventSourceName"])


def activate_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    raise _not_found(params["Name"])


def deactivate_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    raise _not_found(params["Name"])

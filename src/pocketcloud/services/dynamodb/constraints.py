"""The constraints DynamoDB's request model checks before an operation runs (enum values,
number ranges, lengths and patterns of a request's top-level members), checked by the protocol
layer's `Constraints` with DynamoDB's quirks: its enum order and the members it words itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.protocol.constraints import Constraints

# DynamoDB lists an enum's values in its own order, not the spec's (from its messages).
_ENUM_ORDER = {
    "ReturnValue": ("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"),
    "ReturnConsumedCapacity": ("INDEXES", "TOTAL", "NONE"),
    "ReturnItemCollectionMetrics": ("SIZE", "NONE"),
    "Select": ("SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"),
    "ConditionalOperator": ("OR", "AND"),
}

# Checked by the operations themselves, in DynamoDB's wording for them (a statement's value is
# hidden; a table class is refused as "Invalid table-class parameter provided").
_OWN_CHECKS = ("Statement", "TableClass")

CONSTRAINTS = Constraints("dynamodb", "ValidationException", enum_order=_ENUM_ORDER,
                          own_checks=_OWN_CHECKS)
Provider = Callable[..., Any]


def checked(function: Provider) -> Provider:
    """`function` behind its operation's constraint checks (internal calls are checked too)."""

    @functools.wraps(function)
    def run(ctx: RequestContext, params: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        CONSTRAINTS.check(ctx.operation, params)
        return function(ctx, params, *args, **kwargs)

    return run


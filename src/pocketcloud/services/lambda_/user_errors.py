"""Lambda's `Type: "User"` on the client errors whose shapes carry a Type member.

Lambda answers InvalidParameterValueException, ResourceConflictException and
ResourceNotFoundException with ``"Type": "User"``; every operation is wrapped once, so no
raise site needs to say so."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from pocketcloud.errors import AwsError

USER_ERRORS = frozenset({
    "InvalidParameterValueException", "ResourceConflictException", "ResourceNotFoundException",
})


def with_user_type(error: AwsError) -> AwsError:
    if error.code in USER_ERRORS:
        error.fields.setdefault("Type", "User")
    return error


def lambda_operation(function: Callable[..., Any]) -> Callable[..., Any]:
    """The operation, its user errors marked (a try costs nothing until an error is raised)."""
    if inspect.iscoroutinefunction(function):
        @functools.wraps(function)
        async def run_async(ctx: Any, params: dict[str, Any]) -> Any:
            try:
                return await function(ctx, params)
            except AwsError as error:
                with_user_type(error)
                raise

        return run_async

    @functools.wraps(function)
    def run(ctx: Any, params: dict[str, Any]) -> Any:
        try:
            return function(ctx, params)
        except AwsError as error:
            with_user_type(error)
            raise

    return run

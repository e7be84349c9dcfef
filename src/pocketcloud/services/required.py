"""Required members, checked from the service's spec as AWS's model validation does.

The protocol layer parses types but leaves required members to the services; a missing one
gets AWS's ``ValidationException`` (``Value null at 'targets.1.member.arn' ...``), never a 500.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from botocore import xform_name

from pocketcloud.errors import AwsError
from pocketcloud.protocol.specs import service_model

NESTING_MAX = 32  # the specs nest far less; bounds the walk


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def missing_member(shape: Any, value: Any, path: str = "", depth: int = 0) -> str | None:
    """The path of the first required member missing from `value`, or None."""
    if depth > NESTING_MAX or value is None:
        return None
    if shape.type_name == "structure" and isinstance(value, dict):
        for name in shape.required_members:
            if value.get(name) is None:
                return f"{path}{_camel(name)}"
        for name, member in shape.members.items():
            found = missing_member(member, value.get(name), f"{path}{_camel(name)}.", depth + 1)
            if found:
                return found
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value, start=1):
            found = missing_member(shape.member, item, f"{path[:-1]}.{index}.member.", depth + 1)
            if found:
                return found
    return None


def checked(service: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` (a provider operation) with its required members checked first."""
    operation = next(op for op in service_model(service).operation_names
                     if xform_name(op) == function.__name__)

    def check(params: dict[str, Any]) -> None:
        shape = service_model(service).operation_model(operation).input_shape
        found = missing_member(shape, params) if shape is not None else None
        if found:
            raise AwsError("ValidationException", f"1 validation error detected: Value null "
                           f"at '{found}' failed to satisfy constraint: Member must not be null")

    if inspect.iscoroutinefunction(function):
        @functools.wraps(function)
        async def run_async(ctx: Any, params: dict[str, Any]) -> Any:
            check(params)
            return await function(ctx, params)
        return run_async

    @functools.wraps(function)
    def run(ctx: Any, params: dict[str, Any]) -> Any:
        check(params)
        return function(ctx, params)
    return run

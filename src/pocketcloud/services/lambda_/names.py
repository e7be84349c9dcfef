"""Function names, ARNs and qualifiers, as Lambda accepts them in FunctionName parameters.

FunctionName may be a name (``my-function``), a partial ARN (``123456789012:function:my-function``)
or a full ARN, each optionally followed by ``:qualifier`` (a version or an alias).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError

LATEST = "$LATEST"
MAX_FUNCTION_NAME_LENGTH = 64
_NAME = re.compile(r"[a-zA-Z0-9\-_]{1,64}")
_QUALIFIER = re.compile(r"[a-zA-Z0-9$_-]{1,128}")  # the model's (|[a-zA-Z0-9$_-]+)
_FULL_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d{1}):(\d{12}):function:"
    r"([a-zA-Z0-9\-_]+)(?::(\$LATEST|[a-zA-Z0-9\-_]+))?"
)
_PARTIAL_ARN = re.compile(r"(\d{12}):function:([a-zA-Z0-9\-_]+)(?::(\$LATEST|[a-zA-Z0-9\-_]+))?")
_NAME_WITH_QUALIFIER = re.compile(r"([a-zA-Z0-9\-_]+)(?::(\$LATEST|[a-zA-Z0-9\-_]+))?")
_VERSION = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class FunctionRef:
    """Which function a request means: account, region, name and qualifier (None if none)."""

    account_id: str
    region: str
    name: str
    qualifier: str | None = None

    @property
    def arn(self) -> str:
        return function_arn(self.region, self.account_id, self.name)

    @property
    def qualified_arn(self) -> str:
        return f"{self.arn}:{self.qualifier}" if self.qualifier else self.arn


def function_arn(region: str, account_id: str, name: str, qualifier: str | None = None) -> str:
    base = arn("lambda", region, account_id, f"function:{name}")
    return f"{base}:{qualifier}" if qualifier else base


def parse_function_name(
    ctx: RequestContext, value: str, qualifier: str | None = None, *, field: str = "functionName"
) -> FunctionRef:
    """The FunctionRef a FunctionName (and an optional Qualifier parameter) names."""
    found = _match(ctx, value)
    if found is None:
        raise validation_error(
            value,
            field,
            "Member must satisfy regular expression pattern: "
            r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?"
            r"(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?",
        )
    account_id, region, name, in_name = found
    if len(name) > MAX_FUNCTION_NAME_LENGTH:
        raise validation_error(value, field, "Member must have length less than or equal to 64")
    if region != ctx.region:
        raise AwsError(
            "ResourceNotFoundException",
            f"Functions from '{region}' are not reachable in this region ('{ctx.region}')",
            404,
        )
    if in_name and qualifier and in_name != qualifier:
        raise AwsError(
            "InvalidParameterValueException",
            "The derived qualifier from the function name does not match the specified qualifier.",
        )
    chosen = qualifier or in_name
    if chosen is not None and not _QUALIFIER.fullmatch(chosen):
        raise validation_error(chosen, "qualifier", r"Member must satisfy regular expression "
                               r"pattern: (|[a-zA-Z0-9$_-]+)")
    return FunctionRef(account_id, region, name, chosen)


def _match(ctx: RequestContext, value: str) -> tuple[str, str, str, str | None] | None:
    if m := _FULL_ARN.fullmatch(value):
        return m.group(2), m.group(1), m.group(3), m.group(4)
    if m := _PARTIAL_ARN.fullmatch(value):
        return m.group(1), ctx.region, m.group(2), m.group(3)
    if m := _NAME_WITH_QUALIFIER.fullmatch(value):
        return ctx.account_id, ctx.region, m.group(1), m.group(2)
    return None


def valid_new_name(value: str) -> str:
    """A name for CreateFunction: a plain name (or an ARN naming one) without a qualifier."""
    if not _NAME.fullmatch(value):
        raise validation_error(
            value, "functionName", "Member must satisfy regular expression pattern: "
            r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?"
            r"(function:)?([a-zA-Z0-9-_]+)"
        )
    return value


def is_version(qualifier: str) -> bool:
    return qualifier == LATEST or bool(_VERSION.fullmatch(qualifier))


def validation_error(value: object, field: str, constraint: str) -> AwsError:
    """AWS's model-validation error, worded as Lambda words it."""
    return AwsError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: {constraint}",
    )


def function_not_found(ref: FunctionRef) -> AwsError:
    return AwsError(
        "ResourceNotFoundException",
        f"Function not found: {ref.qualified_arn}",
        404,
    )

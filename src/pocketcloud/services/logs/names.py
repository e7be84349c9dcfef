"""Names, ARNs and lookups shared by CloudWatch Logs' operations."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.arns import arn
from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError

GROUP_NAME_RE = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
STREAM_NAME_MAX = 512
PAGE_SIZE_MAX = 50
TOKEN_DIGITS = 56  # event ids and sequence tokens are 56-digit numbers, as in AWS


def invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterException", message)


def validation_error(value: object, member: str, constraint: str) -> AwsError:
    # CloudWatch Logs answers its constraint failures as InvalidParameterException
    return AwsError("InvalidParameterException",
                    f"1 validation error detected: Value '{value}' at '{member}' failed to "
                    f"satisfy constraint: {constraint}")


_NAME_TOO_LONG = ("Invalid LogGroup or LogStream, both must have length less than or equal "
                  f"to {STREAM_NAME_MAX}.")


def check_group_name(name: str, member: str = "logGroupName") -> str:
    if len(name) > STREAM_NAME_MAX:
        raise invalid(_NAME_TOO_LONG)
    if not GROUP_NAME_RE.match(name):
        raise validation_error(name, member, "Member must satisfy regular expression pattern: "
                               r"[\.\-_/#A-Za-z0-9]+")
    return name


def check_stream_name(name: str) -> str:
    if len(name) > STREAM_NAME_MAX:
        raise invalid(_NAME_TOO_LONG)
    if not name or len(name) > STREAM_NAME_MAX or ":" in name or "*" in name:
        raise validation_error(name, "logStreamName", r"Member must satisfy regular "
                               r"expression pattern: [^:*]*")
    return name


def group_arn(ctx: RequestContext, name: str) -> str:
    """logGroupArn: the group's ARN without the trailing ':*' that the `arn` field has."""
    return arn("logs", ctx.region, ctx.account_id, f"log-group:{name}")


def group_name_of(ctx: RequestContext, params: dict[str, Any]) -> str:
    """logGroupName or logGroupIdentifier (a name or an ARN), exactly one of them."""
    name, identifier = params.get("logGroupName"), params.get("logGroupIdentifier")
    if name and identifier:
        # AWS answers this one as ValidationException, unlike its other parameter errors
        raise AwsError("ValidationException",
                       "LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    if identifier:
        return name_from_identifier(ctx, identifier)
    if not name:
        raise invalid("Either the LogGroupName or LogGroupIdentifier parameter is required.")
    return check_group_name(name)


def name_from_identifier(ctx: RequestContext, identifier: str) -> str:
    if not identifier.startswith("arn:"):
        return check_group_name(identifier, "logGroupIdentifier")
    parts = identifier.split(":", 6)
    if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
        raise invalid(f"Invalid log group identifier: {identifier}")
    if parts[3] != ctx.region or parts[4] != ctx.account_id:
        raise AwsError("ResourceNotFoundException", "The specified log group does not exist.")
    return check_group_name(parts[6].removesuffix(":*"), "logGroupIdentifier")


def no_group() -> AwsError:
    return AwsError("ResourceNotFoundException", "The specified log group does not exist.")


def no_stream() -> AwsError:
    return AwsError("ResourceNotFoundException", "The specified log stream does not exist.")


def require_group(tx: Any, ctx: RequestContext, name: str) -> tuple[Any, ...]:
    row = tx.fetchone("SELECT created_ms, retention_days FROM logs_groups WHERE account_id = ? "
                      "AND region = ? AND name = ?", (ctx.account_id, ctx.region, name))
    if row is None:
        raise no_group()
    return tuple(row)


def page_limit(params: dict[str, Any], default: int = PAGE_SIZE_MAX,
               maximum: int = PAGE_SIZE_MAX) -> int:
    limit = params.get("limit")
    if limit is None:
        return default
    if not 1 <= limit <= maximum:
        raise validation_error(limit, "limit", f"Member must have value less than or equal "
                               f"to {maximum}" if limit > maximum else
                               "Member must have value greater than or equal to 1")
    return int(limit)


def like_prefix(prefix: str) -> str:
    """A LIKE pattern matching names that start with `prefix` (escape char '\\')."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"

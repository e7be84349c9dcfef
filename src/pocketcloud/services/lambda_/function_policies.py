"""Get/Put/DeleteResourcePolicy: a function's (or version's, or alias's) whole policy by ARN.

They share AddPermission's statements: the policy on an ARN is the statements whose Resource
is that ARN, so PutResourcePolicy replaces what AddPermission added there (as AWS warns),
GetPolicy shows what PutResourcePolicy wrote, and both APIs share one RevisionId per ARN.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_ import records
from pocketcloud.services.lambda_.names import (
    LATEST,
    FunctionRef,
    parse_function_name,
    validation_error,
)
from pocketcloud.services.lambda_.policies import (
    MAX_POLICY_BYTES,
    attached_policy,
    require_policy_revision,
    require_qualifier,
    save_statements,
)
from pocketcloud.services.lambda_.schema import store

_ARN_PATTERN = (r"arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-"
                r"\d{1}:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_])+)?")
_FUNCTION_ARN = re.compile(_ARN_PATTERN)
_EFFECTS = ("Allow", "Deny")


def get_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _resource(ctx, params["ResourceArn"])
    with store(ctx).read() as tx:
        require_qualifier(tx, ref)
        return attached_policy(tx, ref)


def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _resource(ctx, params["ResourceArn"])
    if ref.qualifier == LATEST:
        raise AwsError("InvalidParameterValueException",
                       "We currently do not support adding policies for $LATEST.")
    statements = _statements(params["Policy"], ref.qualified_arn)
    with store(ctx).write() as tx:
        require_qualifier(tx, ref)
        require_policy_revision(tx, ref, params.get("RevisionId"), "GetResourcePolicy")
        stored = json.loads(records.function_column(tx, ref, "policy"))
        others = [s for s in stored if s.get("Resource") != ref.qualified_arn]
        revision = save_statements(ctx, tx, ref, others + statements)
    policy = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
    return {"Policy": json.dumps(policy, separators=(",", ":")), "RevisionId": revision}


def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ref = _resource(ctx, params["ResourceArn"])
    with store(ctx).write() as tx:
        require_qualifier(tx, ref)
        require_policy_revision(tx, ref, params.get("RevisionId"), "GetResourcePolicy")
        stored = json.loads(records.function_column(tx, ref, "policy"))
        kept = [s for s in stored if s.get("Resource") != ref.qualified_arn]
        if len(kept) == len(stored):
            raise AwsError("ResourceNotFoundException",
                           "No policy is associated with the given resource.", 404)
        save_statements(ctx, tx, ref, kept)
    return {}


def _resource(ctx: RequestContext, value: str) -> FunctionRef:
    """A complete function ARN (optionally qualified); names and wildcards are refused."""
    if not _FUNCTION_ARN.fullmatch(value):
        raise validation_error(value, "resourceArn",
                               f"Member must satisfy regular expression pattern: {_ARN_PATTERN}")
    return parse_function_name(ctx, value, field="resourceArn")


def _statements(text: str, resource: str) -> list[dict[str, Any]]:
    """The policy's statements, each bound to `resource` (a Resource naming another is refused)."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise AwsError("PolicyLengthExceededException",
                       "The final policy size is bigger than the limit.", 400,
                       fields={"Type": "User"})
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise _invalid("The policy is not valid JSON.") from None
    found = document.get("Statement") if isinstance(document, dict) else None
    listed = [found] if isinstance(found, dict) else found
    if not isinstance(listed, list) or not listed:
        raise _invalid("The policy must contain at least one Statement.")
    statements = [_statement(item, resource) for item in listed]
    sids = [s["Sid"] for s in statements if "Sid" in s]
    if len(sids) != len(set(sids)):
        raise _invalid("Statement IDs (Sid) in a single policy must be unique.")
    return statements


def _statement(item: Any, resource: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _invalid("Each policy statement must be a JSON object.")
    if item.get("Effect") not in _EFFECTS:
        raise _invalid("Each policy statement needs an Effect of Allow or Deny.")
    if not item.get("Principal") or not item.get("Action"):
        raise _invalid("Each policy statement needs a Principal and an Action.")
    named = item.get("Resource", resource)
    if named not in (resource, [resource]):
        raise _invalid(f"The policy statement's Resource must be the resource the policy is "
                       f"attached to: {resource}")
    return {**item, "Resource": resource}


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValueException", message)


"""STS's limits its model does not state (session policy size, policy ARNs, session tags),
and the constraints of the members inside its lists (each tag's key and value, each policy
ARN), answered as STS answers them: one ValidationError naming every broken member
("tags.1.member.key", as Coral names list elements), before any role is looked up. The
model's own top-level constraints (names, durations, codes) are checked before the operation
runs (pocketcloud.services.constraints)."""

from __future__ import annotations

from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.protocol.constraints import string_check

MAX_SESSION_POLICY_CHARS = 2048
MAX_POLICY_ARNS = 10
MAX_SESSION_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
# the model's tagKeyType, tagValueType and arnType (botocore's sts service-2.json)
_TAG_KEY = string_check(1, MAX_TAG_KEY_LENGTH, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
_TAG_VALUE = string_check(0, MAX_TAG_VALUE_LENGTH, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*")
_POLICY_ARN = string_check(20, 2048, None)


def role_request(params: dict[str, Any]) -> None:
    """AssumeRole's and AssumeRoleWithWebIdentity's session members the model leaves open."""
    _session_members(params)


def federation_request(params: dict[str, Any]) -> None:
    """GetFederationToken's session members the model leaves open."""
    _session_members(params)


def _session_members(params: dict[str, Any]) -> None:
    """Policy ARNs, the session policy and tags, in the request's member order."""
    problems: list[tuple[object, str, str]] = []
    arns = params.get("PolicyArns") or []
    if len(arns) > MAX_POLICY_ARNS:
        problems.append((arns, "policyArns", "Member must have length less than or equal to "
                         f"{MAX_POLICY_ARNS}"))
    for number, descriptor in enumerate(arns, 1):
        _member(problems, descriptor.get("arn"), f"policyArns.{number}.member.arn", _POLICY_ARN)
    policy = params.get("Policy")
    if policy is not None and len(policy) > MAX_SESSION_POLICY_CHARS:
        problems.append((policy, "policy", "Member must have length less than or equal to "
                         f"{MAX_SESSION_POLICY_CHARS}"))
    tags = params.get("Tags") or []
    if len(tags) > MAX_SESSION_TAGS:
        problems.append((tags, "tags", "Member must have length less than or equal to "
                         f"{MAX_SESSION_TAGS}"))
    for number, tag in enumerate(tags, 1):
        _member(problems, tag.get("Key"), f"tags.{number}.member.key", _TAG_KEY)
        _member(problems, tag.get("Value"), f"tags.{number}.member.value", _TAG_VALUE)
    if problems:
        count = len(problems)
        raise AwsError("ValidationError", f"{count} validation error{'s' if count > 1 else ''} "
                       "detected: " + "; ".join(
                           f"Value '{value}' at '{member}' failed to satisfy constraint: "
                           f"{constraint}" for value, member, constraint in problems))


def _member(problems: list[tuple[object, str, str]], value: str | None, member: str,
            check: Any) -> None:
    if value is not None and check is not None:
        problems += [(value, member, problem) for problem in check(value)]

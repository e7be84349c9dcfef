"""STS's limits its model does not state (session policy size, policy ARNs, session tags),
answered as STS answers them: a ValidationError naming the member, before any role is looked
up. The model's own constraints (names, durations, codes) are checked before the operation
runs (pocketcloud.services.constraints)."""

from __future__ import annotations

from typing import Any

from pocketcloud.errors import AwsError

MAX_SESSION_POLICY_CHARS = 2048
MAX_POLICY_ARNS = 10
MAX_SESSION_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256


def validation_error(value: object, member: str, constraint: str) -> AwsError:
    return AwsError("ValidationError", f"1 validation error detected: Value '{value}' at "
                    f"'{member}' failed to satisfy constraint: {constraint}")


def role_request(params: dict[str, Any]) -> None:
    """AssumeRole's and AssumeRoleWithWebIdentity's session members the model leaves open."""
    _session_members(params)


def federation_request(params: dict[str, Any]) -> None:
    """GetFederationToken's session members the model leaves open."""
    _session_members(params)


def _session_members(params: dict[str, Any]) -> None:
    """Session policies and tags, as AssumeRole and GetFederationToken check them."""
    policy = params.get("Policy")
    if policy is not None and len(policy) > MAX_SESSION_POLICY_CHARS:
        raise validation_error(policy, "policy", "Member must have length less than or equal "
                               f"to {MAX_SESSION_POLICY_CHARS}")
    arns = params.get("PolicyArns") or []
    if len(arns) > MAX_POLICY_ARNS:
        raise validation_error(arns, "policyArns", "Member must have length less than or "
                               f"equal to {MAX_POLICY_ARNS}")
    _tags(params.get("Tags") or [])


def _tags(tags: list[dict[str, str]]) -> None:
    if len(tags) > MAX_SESSION_TAGS:
        raise validation_error(tags, "tags", "Member must have length less than or equal to "
                               f"{MAX_SESSION_TAGS}")
    for number, tag in enumerate(tags, 1):
        for name, limit in (("Key", MAX_TAG_KEY_LENGTH), ("Value", MAX_TAG_VALUE_LENGTH)):
            if len(tag.get(name, "")) > limit:
                raise validation_error(tag[name], f"tags.{number}.member.{name.lower()}",
                                       f"Member must have length less than or equal to {limit}")

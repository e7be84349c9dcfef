"""STS's member constraints (lengths, patterns, ranges), answered as STS answers them: a
ValidationError naming the member, before any role is looked up."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.errors import AwsError

MIN_DURATION_S = 900
MAX_ROLE_DURATION_S = 43200
SESSION_NAME = (re.compile(r"[\w+=,.@-]*"), r"[\w+=,.@-]*", 2, 64)
SOURCE_IDENTITY = SESSION_NAME
FEDERATED_NAME = (SESSION_NAME[0], SESSION_NAME[1], 2, 32)
MAX_FEDERATION_DURATION_S = 129600
EXTERNAL_ID = (re.compile(r"[\w+=,.@:/-]*"), r"[\w+=,.@:\/-]*", 2, 1224)
ACCESS_KEY_ID = (re.compile(r"\w*"), r"[\w]*", 16, 128)
MAX_SESSION_POLICY_CHARS = 2048
MAX_POLICY_ARNS = 10
MAX_SESSION_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256


def validation_error(value: object, member: str, constraint: str) -> AwsError:
    return AwsError("ValidationError", f"1 validation error detected: Value '{value}' at "
                    f"'{member}' failed to satisfy constraint: {constraint}")


def text(value: str, member: str, rule: tuple[re.Pattern[str], str, int, int]) -> str:
    """A string member with a length range and a pattern (RoleSessionName, ExternalId, ...)."""
    pattern, spelled, min_length, max_length = rule
    if len(value) < min_length:
        raise validation_error(value, member, "Member must have length greater than or equal "
                               f"to {min_length}")
    if len(value) > max_length:
        raise validation_error(value, member, "Member must have length less than or equal to "
                               f"{max_length}")
    if not pattern.fullmatch(value):
        raise validation_error(value, member, "Member must satisfy regular expression pattern: "
                               + spelled)
    return value


def duration(value: int | None, max_s: int = MAX_ROLE_DURATION_S) -> None:
    if value is None:
        return
    if value < MIN_DURATION_S:
        raise validation_error(value, "durationSeconds", "Member must have value greater than "
                               f"or equal to {MIN_DURATION_S}")
    if value > max_s:
        raise validation_error(value, "durationSeconds", "Member must have value less than or "
                               f"equal to {max_s}")


def role_request(params: dict[str, Any]) -> None:
    """AssumeRole's and AssumeRoleWithWebIdentity's members, as the API checks them."""
    text(params["RoleSessionName"], "roleSessionName", SESSION_NAME)
    if params.get("ExternalId") is not None:
        text(params["ExternalId"], "externalId", EXTERNAL_ID)
    if params.get("SourceIdentity") is not None:
        text(params["SourceIdentity"], "sourceIdentity", SOURCE_IDENTITY)
    duration(params.get("DurationSeconds"))
    _session_members(params)


def federation_request(params: dict[str, Any]) -> None:
    """GetFederationToken's members besides Name."""
    duration(params.get("DurationSeconds"), MAX_FEDERATION_DURATION_S)
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

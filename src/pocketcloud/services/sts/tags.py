"""Session tags: the ones AssumeRole passes, and the transitive ones a chained session inherits
from the session that calls it (which it may not set again)."""

from __future__ import annotations

from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.iam.credentials import Credential


def requested(params: dict[str, Any]) -> dict[str, str]:
    """The request's Tags (their number and lengths: validation.role_request); keys are
    unique regardless of case, and every TransitiveTagKeys entry names one of them."""
    result: dict[str, str] = {}
    for tag in params.get("Tags") or []:
        if tag["Key"].lower() in (k.lower() for k in result):
            raise _invalid("Duplicate tag keys found. Please note that Tag keys are case "
                           "insensitive.")
        result[tag["Key"]] = tag["Value"]
    keys = {k.lower() for k in result}
    if any(key.lower() not in keys for key in params.get("TransitiveTagKeys") or []):
        raise _invalid("The specified transitive tag key must be included in the requested "
                       "tags.")
    return result


def for_session(
    caller: Credential, tags: dict[str, str], params: dict[str, Any]
) -> tuple[dict[str, str], list[str]]:
    """The new session's tags and transitive keys: the caller's transitive tags first."""
    inherited = {key: caller.session_tags[key] for key in caller.transitive_tag_keys
                 if key in caller.session_tags}
    if {k.lower() for k in inherited} & {k.lower() for k in tags}:
        raise _invalid("One of the specified transitive tag keys can't be set because it "
                       "conflicts with a transitive tag key from the calling session.")
    transitive = [*inherited, *(params.get("TransitiveTagKeys") or [])]
    return {**inherited, **tags}, transitive


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)

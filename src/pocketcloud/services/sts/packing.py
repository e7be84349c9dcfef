"""PackedPolicySize: how much of a session token's packed-policy space the session policy,
the managed policy ARNs and the session tags take, as a percentage, and AWS's
PackedPolicyTooLarge when they take more than all of it.

AWS compresses them into a binary format it does not document; the percentage here is their
plain length over 2,048 characters, rounded up, which gives the PackedPolicySize values of
AWS's own examples in the STS API reference (AssumeRole: a 117-character policy and three
tags, 8; GetFederationToken: the same policy and two tags, 8)."""

from __future__ import annotations

import math
from typing import Any

from pocketcloud.errors import AwsError

PACKED_CHARS_MAX = 2048


def packed_size(params: dict[str, Any], tags: dict[str, str]) -> int:
    """The request's PackedPolicySize, or PackedPolicyTooLarge with AWS's two messages
    (AWS re:Post, "PackedPolicyTooLarge error when I assume an IAM role"): one for the
    tags alone, one for everything packed together."""
    tags_pct = _percent(sum(len(k) + len(v) for k, v in tags.items()))
    if tags_pct > 100:
        raise AwsError("PackedPolicyTooLargeException", f"Packed size of session tags consumes "
                       f"{tags_pct}% of allotted space.")
    policy_chars = len(params.get("Policy") or "") + sum(
        len(p.get("arn") or "") for p in params.get("PolicyArns") or [])
    total_pct = _percent(policy_chars + sum(len(k) + len(v) for k, v in tags.items()))
    if total_pct > 100:
        raise AwsError("PackedPolicyTooLargeException", f"Packed policy consumes {total_pct}% "
                       "of allotted space, please use smaller policy.")
    return total_pct


def _percent(chars: int) -> int:
    return math.ceil(chars * 100 / PACKED_CHARS_MAX)

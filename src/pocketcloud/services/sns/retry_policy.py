"""When to try a failed delivery again: AWS's delivery policy phases.

A policy's retries run in four phases: immediate retries (numNoDelayRetries), retries at
minDelayTarget (numMinDelayRetries), a backoff phase from min to max delay, then retries at
maxDelayTarget (numMaxDelayRetries). numRetries counts all of them. AWS-managed endpoints
(SQS, Lambda) use AWS's fixed policy for server-side errors (DEFAULT_MANAGED_POLICY).
"""

from __future__ import annotations

import math
from typing import Any

DEFAULT_MANAGED_POLICY = {  # AWS: 3 immediate, 2 at 1 s, 10 backing off to 20 s, then 20 s
    "numNoDelayRetries": 3, "numMinDelayRetries": 2, "minDelayTarget": 1,
    "maxDelayTarget": 20, "numMaxDelayRetries": 100_000, "numRetries": 100_015,
    "backoffFunction": "exponential",
}


def retry_delay_s(policy: dict[str, Any], retry: int) -> float | None:
    """Seconds before retry number `retry` (1-based), or None when retries are exhausted."""
    total = int(policy.get("numRetries", 3))
    if retry > total:
        return None
    no_delay = int(policy.get("numNoDelayRetries", 0))
    min_retries = int(policy.get("numMinDelayRetries", 0))
    max_retries = int(policy.get("numMaxDelayRetries", 0))
    min_s = float(policy.get("minDelayTarget", 20))
    max_s = max(float(policy.get("maxDelayTarget", 20)), min_s)
    if retry <= no_delay:
        return 0.0
    if retry <= no_delay + min_retries:
        return min_s
    backoff = max(total - no_delay - min_retries - max_retries, 0)
    step = retry - no_delay - min_retries
    if step > backoff:
        return max_s
    return _backoff(str(policy.get("backoffFunction", "linear")), step, backoff, min_s, max_s)


def _backoff(function: str, step: int, steps: int, min_s: float, max_s: float) -> float:
    fraction = step / steps if steps else 1.0
    if function == "exponential" and min_s > 0:
        return float(min_s * math.pow(max_s / min_s, fraction))
    if function == "geometric":
        return min_s + (max_s - min_s) * fraction ** 3
    if function == "arithmetic":
        return min_s + (max_s - min_s) * fraction ** 2
    return min_s + (max_s - min_s) * fraction

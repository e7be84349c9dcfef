"""The engine's one exception: a policy document IAM would refuse."""

from __future__ import annotations


class PolicyError(ValueError):
    """Carries IAM's MalformedPolicyDocument message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

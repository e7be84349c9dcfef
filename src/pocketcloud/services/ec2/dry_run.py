"""EC2's DryRun flag: a request that would succeed answers DryRunOperation (HTTP 412)."""

from __future__ import annotations

from typing import Any

from pocketcloud.errors import AwsError


def check_dry_run(params: dict[str, Any]) -> None:
    """Stop a DryRun request before it changes anything (pocketcloud grants every call)."""
    if params.get("DryRun"):
        raise AwsError(
            "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412
        )

"""ARNs, built in one place: arn:partition:service:region:account-id:resource."""

from __future__ import annotations

PARTITION = "aws"


def arn(service: str, region: str, account_id: str, resource: str) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{account_id}:{resource}"


def global_arn(service: str, account_id: str, resource: str) -> str:
    """For global services (IAM, Route 53, CloudFront): the region field stays empty."""
    return arn(service, "", account_id, resource)

"""ARNs, built in one place: arn:partition:service:region:account-id:resource."""

from __future__ import annotations

import hashlib
from functools import cache

PARTITION = "aws"


def arn(service: str, region: str, account_id: str, resource: str) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{account_id}:{resource}"


def global_arn(service: str, account_id: str, resource: str) -> str:
    """For global services (IAM, Route 53, CloudFront): the region field stays empty."""
    return arn(service, "", account_id, resource)


@cache
def canonical_user_id(account_id: str) -> str:
    """An account's S3 canonical user id: a stable 64-hex id per account, shaped like S3's
    (ACL grants and `CanonicalUser` policy principals name accounts by it)."""
    return hashlib.sha256(f"pocketcloud-canonical-{account_id}".encode()).hexdigest()

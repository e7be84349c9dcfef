"""Requests aimed at a region that does not exist, or that the account has not enabled.

AWS answers these at the front door, before any service runs: a credential scoped to an
unknown region is a signature error; an opt-in region the account has not enabled rejects
the caller's credentials, each protocol family with its own code.
"""

from __future__ import annotations

from collections.abc import Callable

from pocketcloud.errors import AwsError
from pocketcloud.infra.regions import is_valid_region

# Region names botocore signs with for global endpoints, besides real regions.
GLOBAL_SIGNING_REGIONS = frozenset({"aws-global", "us-east-1"})

_TOKEN_INVALID = "The security token included in the request is invalid."


def check_region(
    region: str, service: str, protocol: str, region_enabled: Callable[[str], bool]
) -> None:
    """Raise AWS's error if `region` is unknown, or is an opt-in region not enabled."""
    if region in GLOBAL_SIGNING_REGIONS:
        return
    if not is_valid_region(region):
        raise _unknown_region(region, service)
    if not region_enabled(region):
        raise _disabled_region(protocol)


def _unknown_region(region: str, service: str) -> AwsError:
    if service == "s3":
        return AwsError(
            "AuthorizationHeaderMalformed",
            f"The authorization header is malformed; the region '{region}' is wrong.",
            400,
        )
    return AwsError(
        "SignatureDoesNotMatch",
        f"Credential should be scoped to a valid region, not '{region}'.",
        403,
    )


def _disabled_region(protocol: str) -> AwsError:
    if protocol == "ec2":
        return AwsError("AuthFailure", "AWS was not able to validate the provided access "
                        "credentials.", 401)
    if protocol == "query":
        return AwsError("InvalidClientTokenId", _TOKEN_INVALID, 403)
    if protocol == "rest-xml":
        return AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not "
                        "exist in our records.", 403)
    return AwsError("UnrecognizedClientException", _TOKEN_INVALID, 403)

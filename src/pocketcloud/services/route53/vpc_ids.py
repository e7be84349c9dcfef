"""Checking the VPC a private zone names.

pocketcloud's EC2 has no VPCs to look up, so a VPC "exists" when its id has AWS's form
(`vpc-` and 8 or 17 hex digits); any other id gets the InvalidVPCId AWS gives an unknown VPC.
"""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.errors import AwsError

_VPC_ID = re.compile(r"vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})")


def check_vpc(vpc: dict[str, Any]) -> None:
    if not vpc.get("VPCId") or not vpc.get("VPCRegion"):
        raise AwsError("InvalidVPCId", "The VPC ID and VPC region must both be given.")
    if not _VPC_ID.fullmatch(vpc["VPCId"]):
        raise AwsError("InvalidVPCId", "The VPC ID is invalid.")

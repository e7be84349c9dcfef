"""Amazon EC2: one function per operation, named as botocore names it (``describe_regions``).

Each takes the request context and the parsed input (the spec's member names) and returns the
output dict; errors are AwsError with EC2's codes. The operations live in topic modules; this
module only gathers them for the gateway's registry.
"""

from __future__ import annotations

from pocketcloud.services.ec2.key_pairs import (
    create_key_pair,
    delete_key_pair,
    describe_key_pairs,
    import_key_pair,
)
from pocketcloud.services.ec2.regions import describe_availability_zones, describe_regions

__all__ = [
    "create_key_pair",
    "delete_key_pair",
    "describe_availability_zones",
    "describe_key_pairs",
    "describe_regions",
    "import_key_pair",
]

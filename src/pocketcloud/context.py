"""What a provider function receives besides its input dict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pocketcloud.cloud import Cloud
    from pocketcloud.gateway.authentication import Caller
    from pocketcloud.protocol.http import HttpRequest


@dataclass
class RequestContext:
    """Who is calling, where, and what: the gateway fills this in before a provider runs."""

    cloud: Cloud
    request_id: str
    account_id: str
    region: str
    service: str  # botocore's service name: "sts", "ec2", "s3"...
    operation: str = ""  # the spec's operation name: "GetCallerIdentity"
    protocol: str = ""  # the wire protocol this request used: "query", "json", ...
    access_key_id: str = ""
    request: HttpRequest | None = None
    caller: Caller | None = None  # the verified principal (account root when IAM is off)

"""What the Host header says: a region, a service, or a virtual-hosted S3 bucket.

Covers AWS's own names (``bucket.s3.us-west-2.amazonaws.com``, ``sqs.eu-west-1.amazonaws.com``,
``bucket.s3-accelerate.amazonaws.com``)
and the local names tools already use (``bucket.s3.localhost``,
``sqs.us-east-1.localhost.localstack.cloud``), so scripts written for other local clouds work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_BASE_DOMAINS = (".localhost.localstack.cloud", ".amazonaws.com", ".localhost")


@dataclass(frozen=True)
class HostInfo:
    service_prefix: str = ""  # an endpoint prefix like "sqs" or "s3"
    region: str = ""
    bucket: str = ""  # a virtual-hosted S3 bucket
    # S3's own label after the bucket: "s3", "s3-website...", "s3-accelerate", "s3-control"
    s3_label: str = field(default="", compare=False)


def strip_port(host: str) -> str:
    if host.startswith("["):  # IPv6 literal
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


@lru_cache(maxsize=4096)  # clients reuse a handful of Host values: parse each once
def parse_host(host: str) -> HostInfo:
    name = strip_port(host).lower()
    base = next((b for b in _BASE_DOMAINS if name.endswith(b)), None)
    if base is None:
        return HostInfo()
    labels = name[: -len(base)].split(".") if name != base[1:] else []
    s3_at = _s3_label_index(labels)
    if s3_at is not None:
        region = _first_region(labels[s3_at:])
        return HostInfo("s3", region, ".".join(labels[:s3_at]), labels[s3_at])
    if not labels:
        return HostInfo()
    region = _first_region(labels[1:])
    if region or len(labels) == 1:
        return HostInfo(labels[0], region)
    return HostInfo()


def _s3_label_index(labels: list[str]) -> int | None:
    for i in range(len(labels) - 1, -1, -1):
        label = labels[i]
        if label in ("s3", "s3-control", "s3-accelerate") or label.startswith("s3-website"):
            return i
    return None


def _first_region(labels: list[str]) -> str:
    for label in labels:
        if _REGION.match(label):
            return label
        if label.startswith("s3-website-") and _REGION.match(label[len("s3-website-") :]):
            return label[len("s3-website-") :]
    return ""


def is_region_shaped(value: str) -> bool:
    return bool(_REGION.match(value))

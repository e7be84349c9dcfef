"""A small index of every service botocore knows: names, signing names, target prefixes.

Built from the `metadata` block at the head of each service-2 file, without loading whole
specs (~0.15 s for all of them), so that requests for services pocketcloud does not serve
yet can still be named precisely in the 501 answer. The index is cached on disk per botocore
version (a few ms to read), so start-up does not pay for it twice.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import botocore

_DATA_ROOT = os.path.join(os.path.dirname(botocore.__file__), "data")
_HEAD_BYTES = 16 * 1024  # the metadata block sits in the first few KB of every spec


@dataclass(frozen=True)
class ServiceInfo:
    name: str  # botocore's service name
    signing_name: str
    endpoint_prefix: str
    target_prefix: str
    protocols: tuple[str, ...]
    api_version: str


class ServiceCatalog:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    @cached_property
    def services(self) -> dict[str, ServiceInfo]:
        with self._lock:
            cached = _read_cache()
            if cached is not None:
                return cached
            services = {name: info for name in _service_names() if (info := _read_info(name))}
            _write_cache(services)
            return services

    @cached_property
    def by_signing_name(self) -> dict[str, list[ServiceInfo]]:
        index: dict[str, list[ServiceInfo]] = {}
        for info in self.services.values():
            index.setdefault(info.signing_name, []).append(info)
        return index

    @cached_property
    def by_target_prefix(self) -> dict[str, ServiceInfo]:
        return {i.target_prefix: i for i in self.services.values() if i.target_prefix}

    @cached_property
    def by_endpoint_prefix(self) -> dict[str, list[ServiceInfo]]:
        index: dict[str, list[ServiceInfo]] = {}
        for info in self.services.values():
            index.setdefault(info.endpoint_prefix, []).append(info)
        return index


def _cache_path() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "pocketcloud" / f"service-catalog-{botocore.__version__}.json"


def _read_cache() -> dict[str, ServiceInfo] | None:
    try:
        entries = json.loads(_cache_path().read_text(encoding="utf-8"))
        return {e["name"]: ServiceInfo(**{**e, "protocols": tuple(e["protocols"])})
                for e in entries}
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write_cache(services: dict[str, ServiceInfo]) -> None:
    """Best effort: an unwritable cache directory only costs the rebuild next time."""
    path = _cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps([asdict(i) for i in services.values()]), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def _service_names() -> list[str]:
    return sorted(
        entry for entry in os.listdir(_DATA_ROOT) if os.path.isdir(os.path.join(_DATA_ROOT, entry))
    )


def _spec_path(name: str) -> str | None:
    folder = os.path.join(_DATA_ROOT, name)
    for version in sorted(os.listdir(folder), reverse=True):
        for file_name in ("service-2.json.gz", "service-2.json"):
            path = os.path.join(folder, version, file_name)
            if os.path.exists(path):
                return path
    return None


def _read_info(name: str) -> ServiceInfo | None:
    path = _spec_path(name)
    if path is None:
        return None
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        head = f.read(_HEAD_BYTES)
    start = head.find("{", head.find('"metadata"'))
    try:
        metadata, _ = json.JSONDecoder().raw_decode(head, start)
    except ValueError:  # an unusually long head: fall back to the whole file
        with opener(path, "rt", encoding="utf-8") as f:
            metadata = json.load(f)["metadata"]
    protocol = metadata.get("protocol", "")
    return ServiceInfo(
        name=name,
        signing_name=metadata.get("signingName") or metadata.get("endpointPrefix", name),
        endpoint_prefix=metadata.get("endpointPrefix", name),
        target_prefix=metadata.get("targetPrefix", ""),
        protocols=tuple(metadata.get("protocols") or [protocol]),
        api_version=metadata.get("apiVersion", ""),
    )


catalog = ServiceCatalog()

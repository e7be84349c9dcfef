"""S3's flexible checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256, as base64 big-endian digests.

CRC32 comes from zlib; CRC32C and CRC64NVME, which the standard library lacks, from awscrt
(a dependency already: botocore signs SigV4a with it).
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable
from typing import Any, Protocol

from awscrt import checksums as crt_checksums

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
CHECKSUM_MEMBERS = {name: f"Checksum{name}" for name in ALGORITHMS}
CHECKSUM_HEADERS = {f"x-amz-checksum-{name.lower()}": name for name in ALGORITHMS}
# a multipart object's part checksums, kept in its checksum document (no wire member has it)
PART_CHECKSUMS = "PartChecksums"
# a part's CRC64NVME in an upload created without an algorithm: S3 combines these into the
# object's default checksum at completion but lists none of them (no wire member has it)
DEFAULT_PART_CRC = "DefaultCRC64NVME"
DIGEST_BYTES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


class Hasher(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...
    def digest(self) -> bytes: ...


class Crc:
    """A running CRC: zlib's CRC32, or awscrt's CRC32C and CRC64/NVME (C, hardware-accelerated
    where the CPU allows); `next_crc(data, previous)` continues it."""

    __slots__ = ("_next", "_value", "_width_bytes")

    def __init__(self, next_crc: Callable[[Any, int], int], width_bytes: int) -> None:
        self._next = next_crc
        self._value = 0
        self._width_bytes = width_bytes

    def update(self, data: bytes | memoryview, /) -> None:
        self._value = self._next(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width_bytes, "big")


def crc64nvme() -> Crc:
    """S3's default checksum, for uploads that name none."""
    return Crc(crt_checksums.crc64nvme, 8)


_CRCS: dict[str, tuple[Callable[[Any, int], int], int]] = {
    "CRC32": (zlib.crc32, 4), "CRC32C": (crt_checksums.crc32c, 4),
    "CRC64NVME": (crt_checksums.crc64nvme, 8)}


def new_hasher(algorithm: str) -> Hasher:
    if algorithm in _CRCS:
        return Crc(*_CRCS[algorithm])
    if algorithm == "SHA1":
        return hashlib.sha1(usedforsecurity=False)
    return hashlib.sha256()


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def composite_checksum(algorithm: str, part_digests: list[bytes]) -> str:
    """A multipart object's COMPOSITE checksum: the checksum of the parts' checksums, -N."""
    hasher = new_hasher(algorithm)
    for digest in part_digests:
        hasher.update(digest)
    return f"{b64(hasher.digest())}-{len(part_digests)}"


# A FULL_OBJECT multipart checksum is the whole object's CRC, combined from the parts' CRCs
# and sizes without reading the bytes again (only the CRCs can be combined, not SHA digests).
_COMBINE = {"CRC32": crt_checksums.combine_crc32, "CRC32C": crt_checksums.combine_crc32c,
            "CRC64NVME": crt_checksums.combine_crc64nvme}
COMBINABLE = frozenset(_COMBINE)


def combine_all(algorithm: str, parts: list[tuple[bytes, int]]) -> bytes:
    """The whole object's CRC digest from (part digest, part size) in part order."""
    combine = _COMBINE[algorithm]
    value = 0  # the CRC of nothing
    for digest, size in parts:
        value = combine(value, int.from_bytes(digest, "big"), size)
    return value.to_bytes(DIGEST_BYTES[algorithm], "big")

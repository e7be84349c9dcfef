"""S3's flexible checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256, as base64 big-endian digests.

CRC32 comes from zlib. CRC32C and CRC64NVME have no implementation in the standard library
(botocore's need the optional awscrt), so they are computed here with a 256-entry table; that
runs at tens of MB/s, fine for the objects clients ask those algorithms for.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Protocol

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
CHECKSUM_MEMBERS = {name: f"Checksum{name}" for name in ALGORITHMS}
CHECKSUM_HEADERS = {f"x-amz-checksum-{name.lower()}": name for name in ALGORITHMS}
# a multipart object's part checksums, kept in its checksum document (no wire member has it)
PART_CHECKSUMS = "PartChecksums"
DIGEST_BYTES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


class Hasher(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...
    def digest(self) -> bytes: ...


def _reflected_table(polynomial: int) -> tuple[int, ...]:
    table = []
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ polynomial if value & 1 else value >> 1
        table.append(value)
    return tuple(table)


class _TableCrc:
    """A reflected CRC with all-ones initial value and final xor (CRC32C, CRC64/NVME)."""

    __slots__ = ("_value",)
    table: tuple[int, ...] = ()
    mask = 0
    width_bytes = 0

    def __init__(self) -> None:
        self._value = self.mask

    def update(self, data: bytes | memoryview, /) -> None:
        value, table = self._value, self.table
        for byte in bytes(data):
            value = table[(value ^ byte) & 0xFF] ^ (value >> 8)
        self._value = value

    def digest(self) -> bytes:
        return (self._value ^ self.mask).to_bytes(self.width_bytes, "big")


class Crc32c(_TableCrc):
    table = _reflected_table(0x82F63B78)
    mask = 0xFFFFFFFF
    width_bytes = 4


class Crc64Nvme(_TableCrc):
    table = _reflected_table(0x9A6C9329AC4BC9B5)
    mask = 0xFFFFFFFFFFFFFFFF
    width_bytes = 8


class Crc32:
    __slots__ = ("_value",)

    def __init__(self) -> None:
        self._value = 0

    def update(self, data: bytes | memoryview, /) -> None:
        self._value = zlib.crc32(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(4, "big")


def new_hasher(algorithm: str) -> Hasher:
    if algorithm == "CRC32":
        return Crc32()
    if algorithm == "CRC32C":
        return Crc32c()
    if algorithm == "CRC64NVME":
        return Crc64Nvme()
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

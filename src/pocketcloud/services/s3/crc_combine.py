"""Combining CRCs: the CRC of A+B from crc(A), crc(B) and len(B), without reading A or B.

A multipart upload of type FULL_OBJECT reports the CRC of the whole object; S3 (and we) get it
from the parts' CRCs. For a reflected CRC whose initial value and final xor are both all ones
(CRC32, CRC32C, CRC64/NVME), crc(A+B) = crc(A) * x^(8*len(B)) mod P, xor crc(B): the
conditioning terms cancel (the argument zlib's crc32_combine rests on). Polynomials are held
bit-reflected, so the top bit stands for x^0.
"""

from __future__ import annotations

from functools import lru_cache

# bit-reflected generator polynomials and widths
_POLYNOMIALS = {"CRC32": (0xEDB88320, 32), "CRC32C": (0x82F63B78, 32),
                "CRC64NVME": (0x9A6C9329AC4BC9B5, 64)}  # fmt: skip
COMBINABLE = frozenset(_POLYNOMIALS)
_POWERS = 64  # x^(2^k) for k < 64 covers any byte count S3 allows


def _multiply(a: int, b: int, polynomial: int, width: int) -> int:
    """a * b modulo the polynomial, both in reflected form."""
    bit = 1 << (width - 1)
    product = 0
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ polynomial if b & 1 else b >> 1
    return product


@lru_cache(maxsize=len(_POLYNOMIALS))
def _powers_of_two(algorithm: str) -> tuple[int, ...]:
    """x^(2^k) mod P for k = 0, 1, ... (squaring the one before)."""
    polynomial, width = _POLYNOMIALS[algorithm]
    powers = [1 << (width - 2)]  # x^1
    for _ in range(_POWERS - 1):
        powers.append(_multiply(powers[-1], powers[-1], polynomial, width))
    return tuple(powers)


@lru_cache(maxsize=1024)  # parts of an upload mostly share one size
def _shift(algorithm: str, length_bytes: int) -> int:
    """x^(8 * length_bytes) mod P: what appending that many bytes multiplies a CRC by."""
    polynomial, width = _POLYNOMIALS[algorithm]
    powers = _powers_of_two(algorithm)
    result, k, n = 1 << (width - 1), 3, length_bytes  # x^0; 8 = 2^3
    while n:
        if n & 1:
            result = _multiply(powers[k], result, polynomial, width)
        n >>= 1
        k += 1
    return result


def combine(algorithm: str, first: int, second: int, second_length_bytes: int) -> int:
    """The CRC of two byte strings joined, from each one's CRC and the second's length."""
    polynomial, width = _POLYNOMIALS[algorithm]
    shifted = _multiply(_shift(algorithm, second_length_bytes), first, polynomial, width)
    return shifted ^ second


def combine_all(algorithm: str, parts: list[tuple[bytes, int]]) -> bytes:
    """The whole object's CRC digest from (part digest, part size) in part order."""
    width_bytes = _POLYNOMIALS[algorithm][1] // 8
    value = 0  # the CRC of nothing
    for digest, size in parts:
        value = combine(algorithm, value, int.from_bytes(digest, "big"), size)
    return value.to_bytes(width_bytes, "big")

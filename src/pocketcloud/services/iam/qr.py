"""A QR code (ISO/IEC 18004, byte mode, error correction level L, versions 1-15) drawn into a
PNG, for CreateVirtualMFADevice's QRCodePNG: an authenticator app scans the otpauth:// URI.
Standard library only (zlib for the PNG); one fixed mask (any mask decodes; the standard's
penalty scoring only picks the prettiest)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

Put = Callable[[int, int, bool], None]  # draws one module, marking it as a function module

# version -> (EC codewords per block, [(blocks, data codewords per block)]), level L
_BLOCKS = {
    1: (7, [(1, 19)]), 2: (10, [(1, 34)]), 3: (15, [(1, 55)]), 4: (20, [(1, 80)]),
    5: (26, [(1, 108)]), 6: (18, [(2, 68)]), 7: (20, [(2, 78)]), 8: (24, [(2, 97)]),
    9: (30, [(2, 116)]), 10: (18, [(2, 68), (2, 69)]), 11: (20, [(4, 81)]),
    12: (24, [(2, 92), (2, 93)]), 13: (26, [(4, 107)]), 14: (30, [(3, 115), (1, 116)]),
    15: (22, [(5, 87), (1, 88)]),
}
_ALIGNMENT = {
    1: [], 2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34], 7: [6, 22, 38],
    8: [6, 24, 42], 9: [6, 26, 46], 10: [6, 28, 50], 11: [6, 30, 54], 12: [6, 32, 58],
    13: [6, 34, 62], 14: [6, 26, 46, 66], 15: [6, 26, 48, 70],
}
MODULE_PIXELS = 4
QUIET_MODULES = 4
_LEVEL_L = 1  # the format bits' code for error correction level L
_MASK = 0  # (x + y) % 2 == 0


def png_of(text: str) -> bytes:
    return _png(_matrix(text.encode()))


def _matrix(data: bytes) -> list[list[bool]]:
    version = _version_for(len(data))
    size = version * 4 + 17
    dark = [[False] * size for _ in range(size)]
    reserved = [[False] * size for _ in range(size)]

    def put(x: int, y: int, value: bool) -> None:
        dark[y][x], reserved[y][x] = value, True

    _function_patterns(version, size, put)
    _format_bits(size, put)
    bits = _codeword_bits(data, version)
    _place(bits, size, dark, reserved)
    _format_bits(size, put)  # again, now over the reserved area with the real values
    return dark


def _version_for(length: int) -> int:
    for version, (_, blocks) in _BLOCKS.items():
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= 8 * sum(n * k for n, k in blocks):
            return version
    raise ValueError("text too long for a version 15 QR code")


def _function_patterns(version: int, size: int, put: Put) -> None:
    for i in range(size):  # timing patterns
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):  # finders with their separators
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                if 0 <= cx + dx < size and 0 <= cy + dy < size:
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) not in (2, 4))
    positions = _ALIGNMENT[version]
    last = len(positions) - 1
    for i, cx in enumerate(positions):
        for j, cy in enumerate(positions):
            if (i, j) in ((0, 0), (0, last), (last, 0)):
                continue  # under a finder
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
    if version >= 7:
        remainder = version
        for _ in range(12):
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        bits = version << 12 | remainder
        for i in range(18):
            bit = (bits >> i) & 1 == 1
            put(size - 11 + i % 3, i // 3, bit)
            put(i // 3, size - 11 + i % 3, bit)


def _format_bits(size: int, put: Put) -> None:
    data = _LEVEL_L << 3 | _MASK
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    bits = (data << 10 | remainder) ^ 0x5412

    def bit(i: int) -> bool:
        return (bits >> i) & 1 == 1

    for i in range(6):
        put(8, i, bit(i))
    put(8, 7, bit(6))
    put(8, 8, bit(7))
    put(7, 8, bit(8))
    for i in range(9, 15):
        put(14 - i, 8, bit(i))
    for i in range(8):
        put(size - 1 - i, 8, bit(i))
    for i in range(8, 15):
        put(8, size - 15 + i, bit(i))
    put(8, size - 8, True)  # the dark module


def _codeword_bits(data: bytes, version: int) -> list[bool]:
    ec_length, groups = _BLOCKS[version]
    capacity = sum(n * k for n, k in groups)
    bits: list[int] = []

    def append(value: int, length: int) -> None:
        bits.extend((value >> i) & 1 for i in range(length - 1, -1, -1))

    append(0b0100, 4)  # byte mode
    append(len(data), 8 if version < 10 else 16)
    for byte in data:
        append(byte, 8)
    append(0, min(4, capacity * 8 - len(bits)))  # terminator
    append(0, -len(bits) % 8)
    codewords = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    codewords += [(0xEC, 0x11)[i % 2] for i in range(capacity - len(codewords))]
    blocks, start = [], 0
    for count, length in groups:
        for _ in range(count):
            blocks.append(codewords[start : start + length])
            start += length
    generator = _generator(ec_length)
    corrections = [_remainder(block, generator) for block in blocks]
    ordered = [block[i] for i in range(max(map(len, blocks))) for block in blocks
               if i < len(block)]
    ordered += [ec[i] for i in range(ec_length) for ec in corrections]
    return [(word >> i) & 1 == 1 for word in ordered for i in range(7, -1, -1)]


def _place(bits: list[bool], size: int, dark: list[list[bool]],
           reserved: list[list[bool]]) -> None:
    """The zigzag from the bottom-right corner, two columns at a time, masked."""
    index = 0
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5  # the vertical timing pattern's column is skipped
        upward = (right + 1) & 2 == 0
        for vertical in range(size):
            y = size - 1 - vertical if upward else vertical
            for x in (right, right - 1):
                if reserved[y][x]:
                    continue
                value = bits[index] if index < len(bits) else False
                index += 1
                dark[y][x] = value != ((x + y) % 2 == 0)
        right -= 2


def _multiply(a: int, b: int) -> int:
    """Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11D
        b >>= 1
    return product


def _generator(degree: int) -> list[int]:
    """The Reed-Solomon generator's coefficients, highest power first (leading 1 dropped)."""
    coefficients = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            coefficients[j] = _multiply(coefficients[j], root)
            if j + 1 < degree:
                coefficients[j] ^= coefficients[j + 1]
        root = _multiply(root, 2)
    return coefficients


def _remainder(data: list[int], generator: list[int]) -> list[int]:
    result = [0] * len(generator)
    for byte in data:
        factor = byte ^ result.pop(0)
        result.append(0)
        for i, coefficient in enumerate(generator):
            result[i] ^= _multiply(coefficient, factor)
    return result


def _png(dark: list[list[bool]]) -> bytes:
    """8-bit greyscale, each module MODULE_PIXELS square, with a quiet zone."""
    modules = len(dark) + 2 * QUIET_MODULES
    width = modules * MODULE_PIXELS
    rows = bytearray()
    for y in range(modules):
        line = bytearray()
        for x in range(modules):
            inside = QUIET_MODULES <= x < modules - QUIET_MODULES and (
                QUIET_MODULES <= y < modules - QUIET_MODULES)
            black = inside and dark[y - QUIET_MODULES][x - QUIET_MODULES]
            line += (b"\x00" if black else b"\xff") * MODULE_PIXELS
        rows += (b"\x00" + line) * MODULE_PIXELS  # filter type 0 per scanline
    header = struct.pack(">IIBBBBB", width, width, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): what a virtual MFA device
shows. HMAC-SHA1, 30-second steps, 6 digits, counted on the cloud clock (so a test that moves
the clock moves the codes too)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

STEP_S = 30
DIGITS = 6
SEED_BYTES = 40  # AWS's seeds are 64 Base32 characters


def seed_text(raw: bytes) -> str:
    """The Base32 form authenticator apps are given (no padding: 40 bytes need none)."""
    return base64.b32encode(raw).decode()


def step_at(epoch_s: float) -> int:
    return int(epoch_s // STEP_S)


def code(seed: str, step: int) -> str:
    """The device's code for one step (RFC 4226 section 5.3's dynamic truncation)."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def matching_step(seed: str, given: str, center: int, window: int) -> int | None:
    """The step within ``window`` steps of ``center`` whose code is ``given``, newest first."""
    for step in range(center + window, center - window - 1, -1):
        if hmac.compare_digest(code(seed, step), given):
            return step
    return None


def consecutive_step(seed: str, first: str, second: str, center: int, window: int) -> int | None:
    """The step of ``second`` when ``first`` is the code just before it (EnableMFADevice and
    ResyncMFADevice take two codes in a row), within ``window`` steps of ``center``."""
    for step in range(center + window, center - window - 1, -1):
        if (hmac.compare_digest(code(seed, step), second)
                and hmac.compare_digest(code(seed, step - 1), first)):
            return step
    return None

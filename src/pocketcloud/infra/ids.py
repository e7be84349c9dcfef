"""One seeded random source for ids, so a run can be replayed from its seed."""

from __future__ import annotations

import random
import string

_ALNUM_UPPER = string.ascii_uppercase + string.digits


class IdGenerator:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**63)
        self._random = random.Random(self.seed)

    def uuid4(self) -> str:
        """The same string as str(uuid.UUID(int=bits, version=4)), at a third of the cost."""
        bits = self._random.getrandbits(128)
        bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        h = f"{bits:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def hex(self, length: int) -> str:
        return f"{self._random.getrandbits(length * 4):0{length}x}"

    def upper_alnum(self, length: int) -> str:
        return "".join(self._random.choice(_ALNUM_UPPER) for _ in range(length))

    request_id = uuid4  # the same: AWS's request ids are UUIDs

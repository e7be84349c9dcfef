"""One seeded random source for ids, so a run can be replayed from its seed."""

from __future__ import annotations

import random
import string
import uuid

_ALNUM_UPPER = string.ascii_uppercase + string.digits


class IdGenerator:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**63)
        self._random = random.Random(self.seed)

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        return f"{self._random.getrandbits(length * 4):0{length}x}"

    def upper_alnum(self, length: int) -> str:
        return "".join(self._random.choice(_ALNUM_UPPER) for _ in range(length))

    def request_id(self) -> str:
        return self.uuid4()

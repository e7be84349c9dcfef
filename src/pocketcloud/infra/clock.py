"""One clock for the whole cloud, so tests and fault scenarios can move time."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time plus an adjustable offset (never goes backwards on its own)."""

    def __init__(self, offset_s: float = 0.0) -> None:
        self.offset_s = offset_s

    def now(self) -> float:
        """Seconds since the epoch, as the cloud sees it."""
        return time.time() + self.offset_s

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def advance(self, seconds: float) -> None:
        self.offset_s += seconds

"""The one object a running cloud hangs together by: settings, state, clock, ids."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

from pocketcloud.config import Settings
from pocketcloud.infra.background import Background
from pocketcloud.infra.clock import Clock
from pocketcloud.infra.ids import IdGenerator
from pocketcloud.store import Store

log = logging.getLogger("pocketcloud")


class Cloud:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.ids = IdGenerator(settings.seed)
        self.started_at_s = time.monotonic()
        self._temporary_dir: str | None = None
        if settings.ephemeral:
            self._temporary_dir = tempfile.mkdtemp(prefix="pocketcloud-")
            self.data_dir = Path(self._temporary_dir)
        else:
            self.data_dir = settings.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir)
        self.background = Background(self)

    def uptime_s(self) -> float:
        return time.monotonic() - self.started_at_s

    def close(self) -> None:
        """Idempotent: the server's shutdown and the CLI's exit may both call it."""
        self.store.close()
        if self._temporary_dir:
            shutil.rmtree(self._temporary_dir, ignore_errors=True)
            self._temporary_dir = None

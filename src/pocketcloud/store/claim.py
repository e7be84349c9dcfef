"""One server per data directory: two processes writing one store would each trust caches the
other makes stale, and each would take the other's uploads in progress for leftovers."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from pocketcloud.store.errors import StoreError

LOCK_FILE = "pocketcloud.lock"


class DataDirInUseError(StoreError):
    """Another live process holds the data directory."""


def claim_data_dir(data_dir: Path) -> IO[str]:
    """Hold `data_dir` for this process until the returned file is closed (or the process
    dies: the kernel drops the lock of a killed process, so a restart after kill -9 works)."""
    handle = open(data_dir / LOCK_FILE, "a+")  # noqa: SIM115 (held open for the server's life)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise DataDirInUseError(
            f"{data_dir} is in use by pocketcloud (pid {holder}). Stop that server first, "
            "or use another --data-dir.") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle

"""Child process for the crash test: writes rows + blobs forever, printing each acknowledged one.

Run as ``python crash_writer.py DATA_DIR``. A line ``n blob_id md5`` is printed only after the row
naming the blob has committed, so every printed line is a write pocketcloud would have
acknowledged to a client. The test kills this process with SIGKILL at a random moment.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

from pocketcloud.store import Store

SCHEMA = [
    """
    CREATE TABLE crash_objects (
        n INTEGER PRIMARY KEY, blob_id TEXT NOT NULL, md5_hex TEXT NOT NULL, size_bytes INTEGER
    );
    """
]
REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-1")


def blob_bytes(n: int) -> bytes:
    """The bytes of write `n`, so the checker can recompute them (up to ~200 KB)."""
    return hashlib.sha256(str(n).encode()).digest() * (1 + (n * 7919) % 6000)


def chunks(data: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def main(data_dir: Path) -> None:
    store = Store(data_dir)
    store.register_schema("crash", SCHEMA)
    with store.read() as tx:
        n = int(tx.fetchvalue("SELECT coalesce(max(n), 0) FROM crash_objects")) + 1
    while True:
        info = store.blobs.put(REGIONS[n % len(REGIONS)], chunks(blob_bytes(n)))
        with store.write() as tx:
            tx.execute(
                "INSERT INTO crash_objects (n, blob_id, md5_hex, size_bytes) VALUES (?, ?, ?, ?)",
                (n, info.blob_id, info.md5_hex, info.size_bytes),
            )
        sys.stdout.write(f"{n} {info.blob_id} {info.md5_hex}\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]))

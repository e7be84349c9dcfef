"""kill -9 a process in the middle of writing: every acknowledged row and blob must survive."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pocketcloud.store import Store

WRITER = Path(__file__).with_name("crash_writer.py")
ACKS_BEFORE_KILL = 150  # kill after this many acknowledged writes...
RUN_TIMEOUT_S = 3.0  # ...or after this long, on a slow or busy machine
MIN_ACKS = 10  # below this, the writer did not really run
KILL_ROUNDS = 3

sys.path.insert(0, str(WRITER.parent))
from crash_writer import SCHEMA, blob_bytes  # noqa: E402


def run_and_kill(data_dir: Path, acks_wanted: int) -> list[tuple[int, str, str]]:
    """Start the writer, SIGKILL it once it has acknowledged `acks_wanted` writes; its acks."""
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(child.stdout or []), daemon=True)
    reader.start()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while len(lines) < acks_wanted and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=5)
    reader.join(timeout=5)
    stderr = child.stderr.read() if child.stderr else ""
    assert child.returncode == -signal.SIGKILL, f"writer died on its own: {stderr}"
    assert len(lines) >= MIN_ACKS, f"writer too slow or stuck: {len(lines)} acks; {stderr}"
    acked = [line.split() for line in lines if line.endswith("\n")]  # a torn last line is no ack
    return [(int(n), blob_id, md5) for n, blob_id, md5 in acked]


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    acknowledged: list[tuple[int, str, str]] = []
    for _ in range(KILL_ROUNDS):  # each round resumes on the state the last kill left
        acknowledged += run_and_kill(data_dir, ACKS_BEFORE_KILL)

    with Store(data_dir) as store:
        store.register_schema("crash", SCHEMA)
        with store.read() as tx:
            rows = {
                n: (blob_id, md5)
                for n, blob_id, md5 in tx.fetchall("SELECT n, blob_id, md5_hex FROM crash_objects")
            }
        for n, blob_id, md5 in acknowledged:
            assert rows.get(n) == (blob_id, md5), f"acknowledged write {n} lost"
            with store.blobs.open(blob_id) as f:
                data = f.read()
            assert data == blob_bytes(n) and hashlib.md5(data).hexdigest() == md5

        referenced = {blob_id for blob_id, _ in rows.values()}
        store.blobs.sweep(referenced.__contains__)
        on_disk = {
            f"{path.parent.parent.name}_{path.name}"
            for path in (data_dir / "blobs").rglob("*")
            if path.is_file()
        }
        assert on_disk == referenced  # orphans and half-written puts are gone, nothing else

"""Unzipping deployment packages safely: no path outside the target, bounded total size."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

MAX_UNZIPPED_BYTES = 262_144_000  # AWS's 250 MB quota for a function and its layers
MAX_ENTRIES = 100_000
_CHUNK_BYTES = 1 << 20


class UnsafePackage(Exception):
    """A package that would write outside its directory or past the size quota."""


def extract_once(zip_path: Path, target: Path, max_bytes: int = MAX_UNZIPPED_BYTES) -> Path:
    """Unzip into `target` unless already done; the rename makes a half-done unzip invisible."""
    if target.is_dir():
        return target
    staging = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            _extract_all(archive, staging, max_bytes)
        os.replace(staging, target) if not target.exists() else shutil.rmtree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _extract_all(archive: zipfile.ZipFile, root: Path, max_bytes: int) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise UnsafePackage(f"more than {MAX_ENTRIES} entries")
    written = 0
    for entry in entries:
        relative = _safe_relative(entry.filename)
        if relative is None:
            continue
        destination = root.joinpath(*relative.parts)
        if entry.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        written = _copy_entry(archive, entry, destination, written, max_bytes)
        mode = (entry.external_attr >> 16) & 0o777
        os.chmod(destination, 0o755 if mode & stat.S_IXUSR else 0o644)


def _copy_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, destination: Path,
                written: int, max_bytes: int) -> int:
    # Symlinks in a zip are extracted as plain files: a link could point anywhere.
    with archive.open(entry) as source, open(destination, "wb") as sink:
        while chunk := source.read(_CHUNK_BYTES):
            written += len(chunk)  # counted as read: a header may lie about file_size
            if written > max_bytes:
                raise UnsafePackage(f"unzipped size exceeds {max_bytes} bytes")
            sink.write(chunk)
    return written


def _safe_relative(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise UnsafePackage(f"entry {name!r} points outside the package")
    parts = [p for p in path.parts if p not in ("", ".")]
    return PurePosixPath(*parts) if parts else None

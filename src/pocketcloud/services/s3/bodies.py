"""Response bodies spanning several blobs (a completed multipart upload's parts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from pocketcloud.protocol.streams import FILE_CHUNK_BYTES, FileBody, ResponseBody


class SegmentsBody(ResponseBody):
    """Byte ranges of several files, sent one after another in bounded chunks."""

    def __init__(self, segments: list[tuple[Path, int, int]]) -> None:
        self._segments = segments  # (path, offset, length)
        self.content_length = sum(length for _, _, length in segments)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for path, offset, length in self._segments:
            with open(path, "rb") as file:
                file.seek(offset)
                remaining = length
                while remaining > 0:
                    chunk = file.read(min(FILE_CHUNK_BYTES, remaining))
                    if not chunk:
                        return
                    remaining -= len(chunk)
                    yield chunk


def body_for(paths: list[Path], sizes: list[int], first: int, length: int) -> ResponseBody:
    """`length` bytes from offset `first` of the concatenation of `paths` (sizes given)."""
    if len(paths) == 1:
        return FileBody(paths[0], first, length)
    segments: list[tuple[Path, int, int]] = []
    start = 0
    end = first + length
    for path, size in zip(paths, sizes, strict=True):
        stop = start + size
        if stop > first and start < end:
            offset = max(first - start, 0)
            segments.append((path, offset, min(stop, end) - start - offset))
        start = stop
    return SegmentsBody(segments)

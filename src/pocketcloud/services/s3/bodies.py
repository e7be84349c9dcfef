"""Response bodies: an object's bytes from its file, its parts' files (a completed multipart
upload), or the database (a small object kept inline)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from pocketcloud.protocol.streams import FILE_CHUNK_BYTES, FileBody, ResponseBody
from pocketcloud.services.s3.inline import is_inline, read_inline
from pocketcloud.services.s3.rows import ObjectRow
from pocketcloud.store import Store


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


class BytesBody(ResponseBody):
    """Bytes already in memory (a small inline object), sent as one chunk."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.content_length = len(data)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._data:
            yield self._data


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


def object_body(store: Store, row: ObjectRow, first: int, length: int) -> ResponseBody:
    """`length` bytes of an object from offset `first`, wherever its bytes live.
    Raises FileNotFoundError if they are gone (a bug or a damaged data dir)."""
    if is_inline(row.blob_ids):
        data = read_inline(store, row.blob_ids[0])
        if data is None:
            raise FileNotFoundError(row.blob_ids[0])
        return BytesBody(data[first : first + length])
    paths = [store.blobs.path(blob_id) for blob_id in row.blob_ids]
    return body_for(paths, row.part_sizes or [row.size], first, length)

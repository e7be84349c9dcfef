"""Decoding `aws-chunked` request bodies as they stream in.

Framing (SigV4 streaming, with or without trailers)::

    <hex size>[;chunk-signature=<64 hex>]\\r\\n<size bytes>\\r\\n ... 0[;chunk-signature=...]\\r\\n
    [<trailer name>:<value>\\r\\n ...]\\r\\n

The decoder yields the payload bytes and keeps the trailer headers (`x-amz-checksum-crc32`...)
for the caller to verify after the last chunk. Memory stays bounded: a chunk's bytes are passed
on as they arrive, and a size line or trailer longer than its limit is refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import TYPE_CHECKING

from pocketcloud.errors import AwsError

if TYPE_CHECKING:
    from pocketcloud.gateway.chunk_signatures import ChunkSigner

LINE_BYTES_MAX = 4096  # a size line with its chunk signature is ~90 bytes
TRAILER_LINES_MAX = 16

_SIZE, _DATA, _DATA_END, _TRAILER, _DONE = range(5)


def _malformed(detail: str) -> AwsError:
    return AwsError("IncompleteBody", f"The aws-chunked request body is malformed: {detail}.")


def is_aws_chunked(headers: dict[str, str]) -> bool:
    """Is the body aws-chunked framed? The streaming payload hash says so; Content-Encoding
    naming aws-chunked alone does not (S3 then stores the body as sent and only drops the
    token from the object's encoding), unless a decoded length comes with it."""
    if headers.get("x-amz-content-sha256", "").startswith("STREAMING-"):
        return True
    return "aws-chunked" in headers.get("content-encoding", "") and (
        "x-amz-decoded-content-length" in headers
    )


class ChunkedDecoder:
    """Iterate once over the decoded payload; `trailers` is filled once iteration ends."""

    def __init__(self, body: AsyncIterable[bytes], signer: ChunkSigner | None = None) -> None:
        self._body = body
        self.trailers: dict[str, str] = {}
        self._signer = signer  # checks each chunk-signature when the request was verified
        self._trailer_lines: list[str] = []
        self._trailer_signature = ""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        buffer = bytearray()
        state, remaining = _SIZE, 0
        async for incoming in self._body:
            buffer += incoming
            while buffer:
                if state == _DATA:
                    take = min(remaining, len(buffer))
                    data = bytes(buffer[:take])
                    if self._signer is not None:
                        self._signer.update(data)
                    yield data
                    del buffer[:take]
                    remaining -= take
                    if remaining == 0:
                        state = _DATA_END
                    continue
                line = _take_line(buffer)
                if line is None:
                    break
                state, remaining = self._on_line(state, line)
                if state == _DONE:
                    if buffer.strip():
                        raise _malformed("bytes after the final chunk")
                    buffer.clear()
        if state == _TRAILER and buffer:  # a last trailer line without its CRLF
            self._on_line(_TRAILER, bytes(buffer))
            state = _DONE
        if state not in (_DONE, _TRAILER):
            raise AwsError("IncompleteBody", "The request body terminated unexpectedly", 400)
        if self._signer is not None and self._trailer_lines:
            self._signer.check_trailer(self._trailer_lines, self._trailer_signature)

    def _on_line(self, state: int, line: bytes) -> tuple[int, int]:
        if state == _SIZE:
            size = _chunk_size(line)
            if self._signer is not None:
                self._signer.begin_chunk(_chunk_signature(line))
                if size == 0:
                    self._signer.end_chunk()
            return (_TRAILER, 0) if size == 0 else (_DATA, size)
        if state == _DATA_END:
            if line:
                raise _malformed("a chunk is longer than its size")
            if self._signer is not None:
                self._signer.end_chunk()
            return _SIZE, 0
        # trailers, ended by an empty line
        if not line:
            return _DONE, 0
        if line.startswith(b"x-amz-trailer-signature:"):
            self._trailer_signature = line.split(b":", 1)[1].strip().decode("latin-1")
            return _TRAILER, 0
        if len(self.trailers) >= TRAILER_LINES_MAX:
            raise _malformed("too many trailers")
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            raise _malformed("a trailer line has no ':'")
        self.trailers[name.strip().lower()] = value.strip()
        self._trailer_lines.append(line.decode("latin-1"))
        return _TRAILER, 0


def _take_line(buffer: bytearray) -> bytes | None:
    end = buffer.find(b"\r\n")
    if end < 0:
        if len(buffer) > LINE_BYTES_MAX:
            raise _malformed("a line is too long")
        return None
    if end > LINE_BYTES_MAX:
        raise _malformed("a line is too long")
    line = bytes(buffer[:end])
    del buffer[: end + 2]
    return line


def _chunk_signature(line: bytes) -> str:
    for extension in line.split(b";")[1:]:
        name, _, value = extension.partition(b"=")
        if name.strip() == b"chunk-signature":
            return value.strip().decode("latin-1")
    return ""


def _chunk_size(line: bytes) -> int:
    text = line.split(b";", 1)[0].strip()
    try:
        size = int(text, 16)
    except ValueError:
        raise _malformed("a chunk size is not hexadecimal") from None
    if size < 0:
        raise _malformed("a chunk size is negative")
    return size

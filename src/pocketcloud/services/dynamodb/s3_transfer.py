"""Exports and imports talk to S3 through S3's own operations (internal calls), so objects
land in the bucket's region and S3's errors are S3's. Bytes move in bounded chunks."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any

from pocketcloud.services.internal import acall

LINE_MAX_BYTES = 1024 * 1024  # an item is at most 400 KB; its JSON (base64, quotes) more
LIST_PAGE_MAX = 1000
INFLATED_MAX_BYTES = 64 * 1024 * 1024  # per compressed chunk: refuses a decompression bomb


@dataclass(frozen=True)
class Bucket:
    """Where to: the bucket, the account that asks, and the owner it must have (if given)."""

    cloud: Any
    account_id: str
    region: str
    name: str
    owner: str | None = None

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if self.owner:
            params["ExpectedBucketOwner"] = self.owner
        return await acall(self.cloud, "s3", operation, {"Bucket": self.name, **params},
                           account_id=self.account_id, region=self.region)

    async def put(self, key: str, body: bytes | AsyncIterable[bytes]) -> str:
        """Write an object; its ETag (without quotes)."""
        source = _once(body) if isinstance(body, bytes) else body
        answer = await self.call("PutObject", {"Key": key, "Body": source})
        return str(answer.get("ETag", "")).strip('"')

    async def keys(self, prefix: str, count_max: int) -> AsyncIterator[tuple[str, int]]:
        """(key, size) of every object under `prefix`, in key order, at most `count_max`."""
        token: str | None = None
        seen = 0
        while True:
            params: dict[str, Any] = {"Prefix": prefix, "MaxKeys": LIST_PAGE_MAX}
            if token:
                params["ContinuationToken"] = token
            page = await self.call("ListObjectsV2", params)
            for entry in page.get("Contents") or ():
                seen += 1
                if seen > count_max:
                    return
                yield str(entry["Key"]), int(entry.get("Size") or 0)
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return

    async def chunks(self, key: str) -> AsyncIterator[bytes]:
        answer = await self.call("GetObject", {"Key": key})
        body = answer["Body"]
        try:
            async for chunk in body:
                yield bytes(chunk)
        finally:
            body.close()


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


class Decompressor:
    """GZIP (every member of a multi-member file) or NONE, chunk by chunk."""

    def __init__(self, compression: str) -> None:
        self._gzip = compression == "GZIP"
        self._inflate = zlib.decompressobj(wbits=47) if self._gzip else None

    def feed(self, data: bytes) -> bytes:
        if self._inflate is None:
            return data
        out = [self._inflate.decompress(data, LINE_MAX_BYTES)]
        size = len(out[0])
        while size <= INFLATED_MAX_BYTES:
            if self._inflate.unconsumed_tail:  # bounded output per call: drain the rest
                out.append(self._inflate.decompress(self._inflate.unconsumed_tail,
                                                    LINE_MAX_BYTES))
            elif self._inflate.eof and self._inflate.unused_data:  # the next gzip member
                rest = self._inflate.unused_data
                self._inflate = zlib.decompressobj(wbits=47)
                out.append(self._inflate.decompress(rest, LINE_MAX_BYTES))
            else:
                return b"".join(out)
            size += len(out[-1])
        raise ValueError("the object decompresses to more than this import reads at once")


async def lines(chunks: AsyncIterable[bytes], compression: str) -> AsyncIterator[bytes | None]:
    """The object's lines (without line ends); None for a line longer than LINE_MAX_BYTES,
    which is skipped. Raises zlib.error for a body that is not what `compression` says."""
    inflate = Decompressor(compression)
    pending = b""
    skipping = False
    async for chunk in chunks:
        pending += inflate.feed(chunk)
        *complete, pending = pending.split(b"\n")
        for line in complete:
            if skipping:
                skipping = False
                continue
            yield line if len(line) <= LINE_MAX_BYTES else None
        if len(pending) > LINE_MAX_BYTES:
            if not skipping:
                yield None
            skipping, pending = True, b""
    if pending and not skipping:
        yield pending

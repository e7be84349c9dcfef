"""Receiving an object's bytes (PutObject, UploadPart): stream to a blob in the bucket's
region, decoding `aws-chunked` framing, computing MD5 and the requested flexible checksum as
the bytes pass, then verifying Content-MD5, checksums and lengths before anything commits.

S3 gives every new object a checksum: a body that names none gets CRC64NVME, S3's default
(computed beside the MD5 in the same pass; awscrt's CRC costs ~2 ms per 64 MiB)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.checksums import (
    ALGORITHMS,
    CHECKSUM_HEADERS,
    CHECKSUM_MEMBERS,
    DIGEST_BYTES,
    Hasher,
    b64,
    crc64nvme,
    new_hasher,
)
from pocketcloud.services.s3.chunked import ChunkedDecoder, is_aws_chunked
from pocketcloud.services.s3.inline import INLINE_MAX_BYTES
from pocketcloud.store import BlobInfo

OBJECT_SIZE_MAX_BYTES = 5 * 1024**3  # a single PUT (and a part) is at most 5 GiB
DEFAULT_ALGORITHM = "CRC64NVME"  # S3's default data integrity protection (since Dec 2024)


@dataclass
class Received:
    blob: BlobInfo  # blob_id "" when the bytes are in `data`
    algorithm: str  # the flexible checksum computed, "" for none
    checksum: str  # its base64 value
    data: bytes | None = None  # a small body's bytes, to keep inline (services/s3/inline.py)
    crc64nvme: str = ""  # the body's CRC64NVME when asked for (`with_crc64nvme`), base64

    @property
    def etag(self) -> str:
        return f'"{self.blob.md5_hex}"'


@contextmanager
def body_unread_closes_connection() -> Iterator[None]:
    """An error answered before the body is read ends the connection: a client that sent
    `Expect: 100-continue` never sends the body, one that did not has sent bytes we skip."""
    try:
        yield
    except AwsError as error:
        error.headers.setdefault("Connection", "close")
        raise


def requested_algorithm(params: dict[str, Any], headers: dict[str, str]) -> str:
    """The checksum algorithm a request names: a checksum header, a trailer, or the
    x-amz-sdk-checksum-algorithm header (ChecksumAlgorithm)."""
    for header, algorithm in CHECKSUM_HEADERS.items():
        if header in headers:
            return algorithm
    trailer = headers.get("x-amz-trailer", "").strip().lower()
    if trailer:
        if trailer not in CHECKSUM_HEADERS:
            raise AwsError(
                "InvalidRequest",
                "The value specified in the x-amz-trailer header is not supported",
            )
        return CHECKSUM_HEADERS[trailer]
    algorithm = (params.get("ChecksumAlgorithm") or "").upper()
    if algorithm and algorithm not in ALGORITHMS:
        raise AwsError(
            "InvalidRequest",
            "Checksum algorithm provided is unsupported. Please try again with any of the "
            "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
        )
    return algorithm


async def receive_body(
    ctx: RequestContext, region: str, params: dict[str, Any], *, inline: bool = False,
    default: bool = False, with_crc64nvme: bool = False,
) -> Received:  # fmt: skip
    """The body, verified; with `inline`, a body declared at most INLINE_MAX_BYTES long is
    kept in memory (bounded) rather than written to a blob. With `default`, a body naming no
    checksum gets S3's default one; with `with_crc64nvme`, its CRC64NVME is computed whatever
    it names (a part of an upload created without an algorithm)."""
    request = ctx.request
    headers = request.headers if request is not None else {}
    body = params.get("Body")
    if request is not None and not _length_known(headers):
        raise AwsError("MissingContentLength", "You must provide the Content-Length HTTP header.",
                       411)  # fmt: skip
    length = _declared_length(headers)
    if length is not None and length > OBJECT_SIZE_MAX_BYTES:
        raise AwsError(
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
            fields={"ProposedSize": str(length), "MaxSizeAllowed": str(OBJECT_SIZE_MAX_BYTES)},
        )
    algorithm = requested_algorithm(params, headers) or (DEFAULT_ALGORITHM if default else "")
    hasher = new_hasher(algorithm) if algorithm else None
    crc = crc64nvme() if with_crc64nvme and algorithm != DEFAULT_ALGORITHM else None
    digests = tuple(d for d in (hasher, crc) if d is not None)
    if request is not None and request.body:
        body = _buffered(request.body)  # the gateway read a form-typed body already
    signer = request.chunk_signer if request is not None else None
    chunked = body is not None and is_aws_chunked(headers)
    decoder = ChunkedDecoder(body, signer) if chunked and body is not None else None
    source: AsyncIterable[bytes] = decoder or body or _nothing()
    if inline and length is not None and length <= INLINE_MAX_BYTES:
        data = await _collect(source, INLINE_MAX_BYTES)
        for digest in digests:
            digest.update(data)
        info = BlobInfo("", len(data), hashlib.md5(data, usedforsecurity=False).hexdigest())
        checksum = _verify(params, info, length, hasher, algorithm, decoder)
        return Received(info, algorithm, checksum, data, _crc_text(crc, algorithm, checksum))
    blobs = ctx.cloud.store.blobs
    info = await blobs.put_async(region, source, digests)
    try:
        checksum = _verify(params, info, length, hasher, algorithm, decoder)
    except BaseException:
        blobs.delete(info.blob_id)
        raise
    return Received(info, algorithm, checksum, crc64nvme=_crc_text(crc, algorithm, checksum))


def _crc_text(crc: Hasher | None, algorithm: str, checksum: str) -> str:
    if crc is not None:
        return b64(crc.digest())
    return checksum if algorithm == DEFAULT_ALGORITHM else ""


async def _collect(source: AsyncIterable[bytes], limit_bytes: int) -> bytes:
    """The body's bytes, reading no further once past `limit_bytes` (the caller then finds
    the length wrong)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in source:
        chunks.append(chunk)
        size += len(chunk)
        if size > limit_bytes:
            break
    return b"".join(chunks)


def _verify(
    params: dict[str, Any], info: BlobInfo, length: int | None, hasher: Hasher | None,
    algorithm: str, decoder: ChunkedDecoder | None,
) -> str:  # fmt: skip
    """Check the length, Content-MD5 and flexible checksum; return the checksum computed."""
    if length is not None and info.size_bytes != length:
        raise AwsError(
            "IncompleteBody",
            "You did not provide the number of bytes specified by the Content-Length "
            "HTTP header",
        )
    _check_md5(params.get("ContentMD5"), info.md5_hex)
    checksum = ""
    if hasher is not None:
        checksum = b64(hasher.digest())
        trailers = decoder.trailers if decoder is not None else {}
        expected = params.get(CHECKSUM_MEMBERS[algorithm]) or trailers.get(
            f"x-amz-checksum-{algorithm.lower()}"
        )
        if expected:
            _check_checksum(algorithm, expected, checksum)
    return checksum


def _length_known(headers: dict[str, str]) -> bool:
    """Does the request say how long its body is (a body of unknown length is refused)?"""
    return any(name in headers for name in
               ("content-length", "x-amz-decoded-content-length", "transfer-encoding"))  # fmt: skip


def _declared_length(headers: dict[str, str]) -> int | None:
    text = headers.get("x-amz-decoded-content-length")
    if text is None and not is_aws_chunked(headers):
        text = headers.get("content-length")
    if text is None:
        return None
    if not text.isdigit():
        raise AwsError("InvalidArgument", "The Content-Length you specified is not valid.")
    return int(text)


async def _buffered(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""


def _check_md5(content_md5: str | None, md5_hex: str) -> None:
    if content_md5 is None:
        return
    try:
        expected = base64.b64decode(content_md5, validate=True)
    except (binascii.Error, ValueError):
        expected = b""
    if len(expected) != 16:
        raise AwsError(
            "InvalidDigest",
            "The Content-MD5 you specified was invalid.",
            fields={"Content-MD5": content_md5},
        )
    if expected.hex() != md5_hex:
        raise AwsError(
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            fields={
                "ExpectedDigest": content_md5,
                "CalculatedDigest": base64.b64encode(bytes.fromhex(md5_hex)).decode(),
            },
        )


def _check_checksum(algorithm: str, expected: str, calculated: str) -> None:
    try:
        raw = base64.b64decode(expected, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != DIGEST_BYTES[algorithm]:
        raise AwsError(
            "InvalidRequest",
            f"Value for x-amz-checksum-{algorithm.lower()} header is invalid.",
        )
    if expected != calculated:
        raise AwsError(
            "BadDigest", f"The {algorithm} you specified did not match the calculated checksum."
        )

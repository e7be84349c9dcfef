"""Deployment packages: check a zip, fingerprint it as AWS does, keep it in the blob store."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.protocol.streams import ResponseBody
from pocketcloud.services.internal import acall

# AWS's quotas: 50 MB zipped for a direct upload, 250 MB unzipped (function and layers).
MAX_DIRECT_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 262_144_000
MAX_ZIP_ENTRIES = 100_000


@dataclass(frozen=True)
class StoredCode:
    blob_id: str
    sha256_b64: str
    size_bytes: int
    unzipped_bytes: int


async def store_code(ctx: RequestContext, code: dict[str, Any], *,
                     operation: str) -> StoredCode:
    """Check the package named by a FunctionCode (ZipFile or S3Bucket/S3Key) and store it."""
    data = await _package_bytes(ctx, code, operation)
    unzipped = check_zip(data)
    info = ctx.cloud.store.blobs.put(ctx.region, [data])
    sha = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return StoredCode(info.blob_id, sha, len(data), unzipped)


def check_zip(data: bytes) -> int:
    """The unzipped size of a package; AWS's errors for packages it cannot use."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise AwsError(
            "InvalidParameterValueException",
            "Could not unzip uploaded file. Please check your file, then try to upload again.",
        ) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise AwsError("InvalidParameterValueException",
                       f"The package holds more than {MAX_ZIP_ENTRIES} files.")
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise AwsError(
            "InvalidParameterValueException",
            f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes",
        )
    return unzipped


async def _package_bytes(ctx: RequestContext, code: dict[str, Any], operation: str) -> bytes:
    zip_file = code.get("ZipFile")
    if zip_file is not None:
        if len(zip_file) > MAX_DIRECT_UPLOAD_BYTES:
            raise AwsError(
                "RequestEntityTooLargeException",
                f"Request must be smaller than 69905067 bytes for the {operation} operation",
                413,
            )
        return bytes(zip_file)
    if code.get("S3Bucket") or code.get("S3Key"):
        return await _s3_object_bytes(ctx, code)
    if code.get("ImageUri"):
        raise AwsError("InvalidParameterValueException",
                       "pocketcloud runs Zip functions only; ImageUri is not supported.")
    raise AwsError(
        "InvalidParameterValueException",
        "Please provide a source for function code.",
    )


async def _s3_object_bytes(ctx: RequestContext, code: dict[str, Any]) -> bytes:
    """The package as S3 holds it, read through S3's own GetObject (its errors, its regions)."""
    bucket, key = code.get("S3Bucket"), code.get("S3Key")
    if not bucket or not key:
        raise AwsError("InvalidParameterValueException",
                       "Please provide both S3Bucket and S3Key for function code.")
    wanted = {"Bucket": bucket, "Key": key}
    if code.get("S3ObjectVersion"):
        wanted["VersionId"] = code["S3ObjectVersion"]
    try:
        answer = await acall(ctx.cloud, "s3", "GetObject", wanted, account_id=ctx.account_id,
                             region=ctx.region)
    except AwsError as refused:
        raise AwsError(
            "InvalidParameterValueException",
            f"Error occurred while GetObject. S3 Error Code: {refused.code}. "
            f"S3 Error Message: {refused.message}",
        ) from None
    return await _read_package(answer["Body"])


async def _read_package(body: ResponseBody) -> bytes:
    """The body's bytes, refused once past what Lambda unzips (bounded memory)."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in body:
            size += len(chunk)
            if size > MAX_UNZIPPED_BYTES:
                raise AwsError(
                    "InvalidParameterValueException",
                    f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes",
                )
            chunks.append(chunk)
    finally:
        body.close()
    return b"".join(chunks)


def code_location(ctx: RequestContext, blob_id: str) -> str:
    """The download link GetFunction and GetLayerVersion show for a package."""
    host = ctx.request.host if ctx.request is not None else "localhost"
    return f"http://{host}/_pocketcloud/lambda/code/{blob_id}"

"""GetObjectAttributes: an object's ETag, checksum, parts, storage class and size in one
call, read from its row (archived objects too: no bytes are touched).

A multipart object uploaded with checksums keeps each part's checksum in its row's checksum
document (PART_CHECKSUMS, space-separated base64 in part order), so its parts can be listed
as S3 lists them; the wire never shows that member (no shape has it)."""

from __future__ import annotations

from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.checksums import PART_CHECKSUMS
from pocketcloud.services.s3.objects import find_object
from pocketcloud.services.s3.rows import ObjectRow

ATTRIBUTES = frozenset({"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"})
MAX_PARTS_DEFAULT = 1000
PART_NUMBER_MAX = 10_000


def get_object_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    wanted = _requested(params.get("ObjectAttributes"))
    row = find_object(ctx, bucket, params)
    result: dict[str, Any] = {"LastModified": row.last_modified}
    if bucket.versioning:
        result["VersionId"] = row.version_id
    if "ETag" in wanted:
        result["ETag"] = row.etag.strip('"')
    if "Checksum" in wanted and _checksum(row):
        result["Checksum"] = _checksum(row)
    if "ObjectParts" in wanted and row.part_sizes:
        result["ObjectParts"] = _parts(row, params)
    if "StorageClass" in wanted:
        result["StorageClass"] = row.storage_class
    if "ObjectSize" in wanted:
        result["ObjectSize"] = row.size
    return result


def _requested(names: Any) -> set[str]:
    if isinstance(names, str):
        names = names.split(",")
    wanted = {str(name).strip() for name in names or [] if str(name).strip()}
    if not wanted:
        raise AwsError("InvalidArgument", "The x-amz-object-attributes header specifying the "
                       "attributes to be retrieved is either missing or empty")  # fmt: skip
    unknown = sorted(wanted - ATTRIBUTES)
    if unknown:
        raise AwsError("InvalidArgument", "Invalid attribute name specified.",
                       fields={"ArgumentName": "x-amz-object-attributes",
                               "ArgumentValue": unknown[0]})  # fmt: skip
    return wanted


def _checksum(row: ObjectRow) -> dict[str, str]:
    """The object's checksum; a composite one without its "-N" part count, as S3 answers."""
    found = {}
    for name, value in row.checksum.items():
        if name.startswith("Checksum") and name != "ChecksumType":
            found[name] = value.split("-")[0] if row.part_sizes else value
        elif name == "ChecksumType":
            found[name] = value
    return found if len(found) > ("ChecksumType" in found) else {}


def _parts(row: ObjectRow, params: dict[str, Any]) -> dict[str, Any]:
    parts: dict[str, Any] = {"TotalPartsCount": len(row.part_sizes)}
    checksums = (row.checksum.get(PART_CHECKSUMS) or "").split()
    if len(checksums) != len(row.part_sizes):
        return parts  # parts are listed only for uploads that carried checksums
    member = next(name for name in row.checksum
                  if name.startswith("Checksum") and name != "ChecksumType")  # fmt: skip
    marker = _bounded(params.get("PartNumberMarker"), 0, "x-amz-part-number-marker")
    max_parts = _bounded(params.get("MaxParts"), MAX_PARTS_DEFAULT, "x-amz-max-parts")
    numbers = list(range(marker + 1, len(row.part_sizes) + 1))
    page = numbers[:max_parts]
    parts.update(PartNumberMarker=marker, MaxParts=max_parts,
                 IsTruncated=len(numbers) > max_parts)  # fmt: skip
    parts["NextPartNumberMarker"] = page[-1] if page else 0  # 0 past the last part, as S3
    if page:
        parts["Parts"] = [{"PartNumber": n, "Size": row.part_sizes[n - 1],
                           member: checksums[n - 1]} for n in page]  # fmt: skip
    return parts


def _bounded(value: Any, default: int, header: str) -> int:
    if value is None:
        return default
    number = int(value)
    if not 0 <= number <= PART_NUMBER_MAX:
        raise AwsError("InvalidArgument", f"Argument {header} must be an integer between 0 "
                       f"and {PART_NUMBER_MAX}",
                       fields={"ArgumentName": header, "ArgumentValue": str(value)})  # fmt: skip
    return number

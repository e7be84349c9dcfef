"""Flexible checksums of multipart uploads, as S3 documents them.

An upload is created with an algorithm and a type: COMPOSITE (the checksum of the parts'
checksums, suffixed "-N"; not for CRC64NVME) or FULL_OBJECT (the checksum of the whole object;
CRCs only, combined here from the parts' CRCs without reading the bytes again). CRC64NVME
defaults to FULL_OBJECT, the others to COMPOSITE. The completion may name the type again and
carry the object's checksum, which is checked against the one computed.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pocketcloud.errors import AwsError
from pocketcloud.services.s3.checksums import (
    ALGORITHMS,
    CHECKSUM_MEMBERS,
    COMBINABLE,
    DEFAULT_PART_CRC,
    DIGEST_BYTES,
    PART_CHECKSUMS,
    combine_all,
    composite_checksum,
)

CHECKSUM_TYPES = ("COMPOSITE", "FULL_OBJECT")


def _invalid_header(header: str) -> AwsError:
    return AwsError("InvalidRequest", f"Value for {header} header is invalid.")


def upload_checksum(params: dict[str, Any]) -> dict[str, str]:
    """CreateMultipartUpload's algorithm and type, defaulted and checked as S3 does."""
    algorithm = (params.get("ChecksumAlgorithm") or "").upper()
    kind = params.get("ChecksumType") or ""
    if algorithm and algorithm not in ALGORITHMS:
        raise AwsError("InvalidRequest", "Checksum algorithm provided is unsupported.")
    if kind and kind not in CHECKSUM_TYPES:
        raise _invalid_header("x-amz-checksum-type")
    if not algorithm:
        if kind:
            raise AwsError("InvalidRequest", "The x-amz-checksum-type header can only be used "
                           "with the x-amz-checksum-algorithm header.")  # fmt: skip
        return {}
    kind = kind or ("FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE")
    if (kind == "FULL_OBJECT" and algorithm not in COMBINABLE) or (
        kind == "COMPOSITE" and algorithm == "CRC64NVME"
    ):
        raise AwsError("InvalidRequest", f"The {kind} checksum type cannot be used with the "
                       f"{algorithm.lower()} checksum algorithm.")  # fmt: skip
    return {"Algorithm": algorithm, "Type": kind}


def completed_checksum(
    upload: dict[str, str], params: dict[str, Any], requested: list[dict[str, Any]],
    chosen: list[int], stored: dict[int, tuple[Any, ...]],
) -> dict[str, str]:  # fmt: skip
    """The object's checksum document for CompleteMultipartUpload, after checking what the
    request says about it; S3's default CRC64NVME for an upload created without an algorithm."""
    _check_single_checksum(params)
    algorithm, kind = upload.get("Algorithm"), upload.get("Type", "")
    _check_type(kind, params.get("ChecksumType"))
    if not algorithm:
        return _default_checksum(chosen, stored)
    member = CHECKSUM_MEMBERS[algorithm]
    part_values = {n: json.loads(stored[n][3]).get(member) for n in chosen}
    _check_requested_parts(algorithm, kind, requested, part_values)
    values = [part_values[n] for n in chosen]
    if not all(values):  # a part without a checksum (none was asked of an old upload)
        return {}
    digests = [base64.b64decode(value) for value in values]
    if kind == "FULL_OBJECT":
        sizes = [stored[n][1] for n in chosen]
        value = base64.b64encode(combine_all(algorithm, list(zip(digests, sizes, strict=True))))
        checksum = value.decode("ascii")
    else:
        checksum = composite_checksum(algorithm, digests)
    _check_expected(algorithm, kind, params.get(member), checksum)
    return {member: checksum, "ChecksumType": kind,
            PART_CHECKSUMS: " ".join(values)}  # GetObjectAttributes lists them  # fmt: skip


def _default_checksum(chosen: list[int], stored: dict[int, tuple[Any, ...]]) -> dict[str, str]:
    """The whole object's CRC64NVME, combined from its parts' (FULL_OBJECT); {} when a part
    predates S3's default checksums and has none."""
    values = [json.loads(stored[n][3]).get(DEFAULT_PART_CRC) for n in chosen]
    if not all(values):
        return {}
    parts = [(base64.b64decode(v), stored[n][1]) for v, n in zip(values, chosen, strict=True)]
    value = base64.b64encode(combine_all("CRC64NVME", parts)).decode("ascii")
    return {"ChecksumCRC64NVME": value, "ChecksumType": "FULL_OBJECT"}


def _check_single_checksum(params: dict[str, Any]) -> None:
    named = [n for n in params if n.startswith("Checksum") and n != "ChecksumType" and params[n]]
    if len(named) > 1:
        raise AwsError("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple "
                       "checksum Types are not allowed.")  # fmt: skip


def _check_type(kind: str, requested: str | None) -> None:
    """x-amz-checksum-type on the completion must name the type the upload was created with."""
    if not requested:
        return
    if requested not in CHECKSUM_TYPES:
        raise _invalid_header("x-amz-checksum-type")
    if kind and requested != kind:
        raise AwsError("InvalidRequest", f"The upload was created using the {kind} checksum "
                       "mode. The complete request must use the same checksum mode.")  # fmt: skip


def _decoded(value: str, algorithm: str) -> bytes | None:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == DIGEST_BYTES[algorithm] else None


def _check_requested_parts(
    algorithm: str, kind: str, requested: list[dict[str, Any]], stored: dict[int, str | None]
) -> None:
    """Each part's checksum in the completion: required for COMPOSITE, optional for
    FULL_OBJECT, and when given it must be well formed and the one the part was stored with."""
    member = CHECKSUM_MEMBERS[algorithm]
    for part in requested:
        number = int(part.get("PartNumber") or 0)
        given = {n: v for n, v in part.items() if n.startswith("Checksum") and v}
        if len(given) > 1 or any(_decoded(v, n[8:]) is None for n, v in given.items()
                                 if n[8:] in DIGEST_BYTES):  # fmt: skip
            raise AwsError("InvalidArgument",
                           "Invalid Base64 or multiple checksums present in request")
        other = next((n[8:] for n in given if n != member), None)
        if other is not None:
            raise AwsError("BadDigest", f"The {other.lower()} you specified for part {number} "
                           "did not match what we received.")  # fmt: skip
        if member not in given:
            if kind == "COMPOSITE":
                raise AwsError("InvalidRequest", f"The upload was created using a "
                               f"{algorithm.lower()} checksum. The complete request must "
                               f"include the checksum for each part. It was missing for part "
                               f"{number} in the request.")  # fmt: skip
            continue
        if given[member] != stored.get(number):
            raise _invalid_part(number, part)


def _invalid_part(number: int, part: dict[str, Any]) -> AwsError:
    return AwsError(
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have "
        "been uploaded, or the specified entity tag may not match the part's entity tag.",
        fields={"PartNumber": str(number), "ETag": (part.get("ETag") or "").strip('"')},
    )


def _check_expected(algorithm: str, kind: str, expected: str | None, checksum: str) -> None:
    """The object checksum a completion carries: well formed ("-N" allowed for COMPOSITE),
    and the one computed."""
    if not expected:
        return
    value, dash, count = expected.partition("-")
    if _decoded(value, algorithm) is None or (dash and (kind != "COMPOSITE" or
                                                         not count.isdigit())):  # fmt: skip
        raise _invalid_header(f"x-amz-checksum-{algorithm.lower()}")
    if expected != checksum:
        raise AwsError(
            "BadDigest", f"The {algorithm} you specified did not match the calculated checksum."
        )

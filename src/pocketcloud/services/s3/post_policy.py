"""A browser POST upload's policy document: base64 JSON with an expiration and conditions
(exact matches, ["eq", "$f", v], ["starts-with", "$f", p], ["content-length-range", lo, hi]),
every form field covered by a condition, and its SigV4 (or V2) signature, with S3's errors."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import Any

from pocketcloud.errors import AwsError

# Fields no condition needs to cover (AWS: the signature, the file, the policy itself).
EXEMPT_FIELDS = frozenset({"policy", "x-amz-signature", "file", "awsaccesskeyid", "signature"})
_SIGNING_FIELDS = ("x-amz-credential", "x-amz-date", "x-amz-signature")
# ISO 8601 as AWS shows it (2007-12-01T12:00:00.000Z); a numeric UTC offset is taken too
_ISO_8601_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def invalid_policy(message: str) -> AwsError:
    return AwsError("InvalidPolicyDocument", f"Invalid Policy: {message}")


def policy_refused(message: str) -> AwsError:
    return AwsError("AccessDenied", f"Invalid according to Policy: {message}", 403)


def missing_field(name: str) -> AwsError:
    return AwsError(
        "InvalidArgument",
        f"Bucket POST must contain a field named '{name}'.  If it is specified, please check "
        "the order of the fields.",
        fields={"ArgumentName": name, "ArgumentValue": ""},
    )


def decode_policy(text: str) -> dict[str, Any]:
    try:
        document = json.loads(base64.b64decode(text, validate=False))
    except (binascii.Error, ValueError, RecursionError):
        raise invalid_policy("Invalid JSON.") from None
    if not isinstance(document, dict):
        raise invalid_policy("Invalid JSON.")
    if "expiration" not in document:
        raise invalid_policy("Policy missing expiration.")
    if not isinstance(document.get("conditions"), list):
        raise invalid_policy("Policy missing conditions.")
    return document


def check_expiration(document: dict[str, Any], now_s: float) -> None:
    text = document["expiration"]
    try:
        if not _ISO_8601_UTC.fullmatch(str(text)):
            raise ValueError(text)  # fromisoformat alone would take "2030-01-01 00:00:00"
        expires = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise invalid_policy(f"Invalid 'expiration' value: '{text}'") from None
    if expires.timestamp() <= now_s:
        raise policy_refused("Policy expired.")


def check_conditions(
    document: dict[str, Any], fields: dict[str, str], bucket: str
) -> tuple[int, int] | None:
    """Every condition holds and every field is covered; returns content-length-range."""
    values = {**fields, "bucket": bucket}
    covered = {"bucket"}
    length_range: tuple[int, int] | None = None
    for condition in document["conditions"]:
        if isinstance(condition, dict):
            for name, expected in condition.items():
                _require(values, "eq", name, expected, condition)
                covered.add(name.lower())
        elif isinstance(condition, list) and len(condition) == 3:
            operator = str(condition[0]).lower()
            if operator == "content-length-range":
                try:
                    length_range = (int(condition[1]), int(condition[2]))
                except (TypeError, ValueError):
                    raise invalid_policy("Invalid content-length-range.") from None
                continue
            if operator not in ("eq", "starts-with") or not str(condition[1]).startswith("$"):
                raise invalid_policy(f"Invalid Condition: {json.dumps(condition)}")
            name = str(condition[1])[1:]
            _require(values, operator, name, condition[2], condition)
            covered.add(name.lower())
        else:
            raise invalid_policy("Invalid Policy: Invalid Simple-Condition: value must be a "
                                 "string.")  # fmt: skip
    extra = [name for name in fields if name not in covered and name not in EXEMPT_FIELDS
             and not name.startswith("x-ignore-")]  # fmt: skip
    if extra:
        raise policy_refused(f"Extra input fields: {', '.join(extra)}")
    return length_range


def _require(values: dict[str, str], operator: str, name: str, expected: Any, raw: Any) -> None:
    if not isinstance(expected, str):
        raise invalid_policy("Invalid Simple-Condition: value must be a string.")
    value = values.get(name.lower())
    holds = value is not None and (
        value == expected if operator == "eq" else value.startswith(expected)
    )
    if not holds:
        shown = raw if isinstance(raw, list) else ["eq", f"${name}", expected]
        raise policy_refused(f"Policy Condition failed: {json.dumps(shown)}")


def signing_parts(fields: dict[str, str]) -> tuple[str, str, str]:
    """(access key id, date stamp, region) from x-amz-credential, after the SigV4 checks."""
    for name in _SIGNING_FIELDS:
        if not fields.get(name):
            raise missing_field("-".join(part.capitalize() for part in name.split("-")))
    if fields.get("x-amz-algorithm", "").upper() != "AWS4-HMAC-SHA256":
        raise AwsError("InvalidArgument", "Only the AWS4-HMAC-SHA256 algorithm is supported",
                       fields={"ArgumentName": "x-amz-algorithm",
                               "ArgumentValue": fields.get("x-amz-algorithm", "")})  # fmt: skip
    parts = fields["x-amz-credential"].split("/")
    if len(parts) != 5 or parts[3] != "s3" or parts[4] != "aws4_request":
        raise AwsError("InvalidArgument", "Invalid credential: the credential must be "
                       "<key>/<date>/<region>/s3/aws4_request",
                       fields={"ArgumentName": "x-amz-credential"})  # fmt: skip
    return parts[0], parts[1], parts[2]


def sigv4_signature(secret_key: str, date_stamp: str, region: str, policy: str) -> str:
    key = hmac.new(f"AWS4{secret_key}".encode(), date_stamp.encode(), hashlib.sha256).digest()
    for part in (region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()


def sigv2_signature(secret_key: str, policy: str) -> str:
    digest = hmac.new(secret_key.encode(), policy.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_mismatch() -> AwsError:
    return AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        403,
    )

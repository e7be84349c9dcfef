"""Who is calling and where: the SigV4 credential scope and the account behind an access key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from pocketcloud.config import DEFAULT_ACCOUNT_ID
from pocketcloud.protocol.http import HttpRequest

_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")
_ACCOUNT_KEY = re.compile(r"\d{12}")


@dataclass(frozen=True)
class CredentialScope:
    access_key_id: str
    date: str
    region: str
    signing_name: str


def credential_scope(request: HttpRequest) -> CredentialScope | None:
    """The scope from an Authorization header or a presigned URL's X-Amz-Credential."""
    authorization = request.headers.get("authorization", "")
    credential = ""
    if authorization.startswith("AWS4-HMAC-SHA256 "):
        return _header_scope(authorization)
    if authorization.startswith("AWS4-"):
        match = _CREDENTIAL.search(authorization)
        credential = match.group(1) if match else ""
    elif "X-Amz-Credential=" in request.query_string:
        for pair in request.query_string.split("&"):
            if pair.startswith("X-Amz-Credential="):
                credential = unquote(pair[len("X-Amz-Credential=") :])
                break
    parts = credential.split("/")
    if len(parts) == 4 and parts[3] == "aws4_request":  # SigV4a: no region in the scope
        return CredentialScope(parts[0], parts[1], _single_region(request), parts[2])
    if len(parts) != 5 or parts[4] != "aws4_request":
        return None
    return CredentialScope(parts[0], parts[1], parts[2], parts[3])


@lru_cache(maxsize=1024)
def _header_scope(authorization: str) -> CredentialScope | None:
    """A SigV4 Authorization header's scope: a pure function of the header, so a client's
    requests within the same second (and every replay) parse it once."""
    match = _CREDENTIAL.search(authorization)
    parts = match.group(1).split("/") if match else []
    if len(parts) != 5 or parts[4] != "aws4_request":
        return None
    return CredentialScope(parts[0], parts[1], parts[2], parts[3])


def _single_region(request: HttpRequest) -> str:
    """A SigV4a region set naming one region routes there; a wildcard set routes by Host."""
    region_set = request.headers.get("x-amz-region-set", "")
    if not region_set and "X-Amz-Region-Set=" in request.query_string:
        for pair in request.query_string.split("&"):
            if pair.startswith("X-Amz-Region-Set="):
                region_set = unquote(pair[len("X-Amz-Region-Set=") :])
    return region_set if region_set and "," not in region_set and "*" not in region_set else ""


def legacy_access_key(request: HttpRequest) -> str:
    """The key id of a SigV2 ``AWS AKID:signature`` header or presigned URL, if any."""
    authorization = request.headers.get("authorization", "")
    if authorization.startswith("AWS ") and ":" in authorization:
        return authorization[4:].rsplit(":", 1)[0].strip()
    if "AWSAccessKeyId=" in request.query_string:
        for pair in request.query_string.split("&"):
            if pair.startswith("AWSAccessKeyId="):
                return unquote(pair[len("AWSAccessKeyId=") :])
    return ""


def account_for_access_key(access_key_id: str) -> str:
    """A 12-digit key id is that account (a convention for testing several accounts)."""
    if _ACCOUNT_KEY.fullmatch(access_key_id):
        return access_key_id
    return DEFAULT_ACCOUNT_ID

"""CORS: Put/Get/DeleteBucketCors (validated as S3 validates), and matching a browser's
request against the rules: a preflight (OPTIONS) answer, or the headers an actual request
with an Origin gets. S3 uses the first rule that matches origin, method and headers."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.s3.buckets import require_bucket
from pocketcloud.services.s3.configs import delete_config, get_config, put_config

CORS = "cors"
CORS_RULES_MAX = 100
CORS_CONFIG_BYTES_MAX = 64 * 1024  # AWS: a CORS configuration is at most 64 KB
_RULE_MEMBERS = ("ID", "AllowedHeaders", "AllowedMethods", "AllowedOrigins", "ExposeHeaders",
                 "MaxAgeSeconds")  # fmt: skip
METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
_MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def _check_rule(rule: dict[str, Any]) -> dict[str, Any]:
    methods = rule.get("AllowedMethods") or []
    origins = rule.get("AllowedOrigins") or []
    if not methods or not origins:
        raise AwsError("MalformedXML", _MALFORMED_XML)
    for method in methods:
        if method not in METHODS:
            raise AwsError("InvalidRequest", "Found unsupported HTTP method in CORS config. "
                           f"Unsupported method is {method}")  # fmt: skip
    for origin in origins:
        if origin.count("*") > 1:
            raise AwsError(
                "InvalidRequest", f'AllowedOrigin "{origin}" can not have more than one wildcard.'
            )
    for header in rule.get("AllowedHeaders") or []:
        if header.count("*") > 1:
            raise AwsError(
                "InvalidRequest", f'AllowedHeader "{header}" can not have more than one wildcard.'
            )
    return {name: rule[name] for name in _RULE_MEMBERS if rule.get(name) is not None}


def put_bucket_cors(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    rules = (params.get("CORSConfiguration") or {}).get("CORSRules") or []
    if not rules or len(rules) > CORS_RULES_MAX:
        raise AwsError("MalformedXML", _MALFORMED_XML)
    put_config(ctx, bucket.name, CORS, [_check_rule(rule) for rule in rules])
    return {}


def get_bucket_cors(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    rules = get_config(ctx, bucket.name, CORS)
    if rules is None:
        raise AwsError("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404,
                       fields={"BucketName": bucket.name})  # fmt: skip
    return {"CORSRules": rules}


def delete_bucket_cors(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = require_bucket(ctx, params["Bucket"])
    delete_config(ctx, bucket.name, CORS)
    return {}


# --- matching -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _pattern(wildcard: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in wildcard.split("*")), re.IGNORECASE)


def _matches(value: str, patterns: list[str], case_sensitive: bool = True) -> bool:
    for pattern in patterns:
        if "*" in pattern:
            if _pattern(pattern).fullmatch(value):
                return True
        elif pattern == value or (not case_sensitive and pattern.lower() == value.lower()):
            return True
    return False


def matching_rule(
    rules: list[dict[str, Any]], origin: str, method: str, headers: list[str]
) -> dict[str, Any] | None:
    for rule in rules:
        if not _matches(origin, rule["AllowedOrigins"]):
            continue
        if method not in rule["AllowedMethods"]:
            continue
        allowed = rule.get("AllowedHeaders") or []
        if all(_matches(h, allowed, case_sensitive=False) for h in headers):
            return rule
    return None


def cors_headers(rule: dict[str, Any], origin: str, request_headers: list[str]) -> dict[str, str]:
    """The Access-Control-* headers S3 answers for a matched rule."""
    wildcard = rule["AllowedOrigins"] == ["*"]
    headers = {
        "Access-Control-Allow-Origin": "*" if wildcard else origin,
        "Access-Control-Allow-Methods": ", ".join(rule["AllowedMethods"]),
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
    if not wildcard:
        headers["Access-Control-Allow-Credentials"] = "true"
    if request_headers:
        headers["Access-Control-Allow-Headers"] = ", ".join(request_headers)
    if rule.get("ExposeHeaders"):
        headers["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None:
        headers["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return headers


def requested_headers(value: str) -> list[str]:
    return [h.strip().lower() for h in value.split(",") if h.strip()]

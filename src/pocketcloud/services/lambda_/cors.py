"""CORS for function URLs: preflight answers and the headers added to real responses."""

from __future__ import annotations

from typing import Any

Headers = list[tuple[str, str]]


def _allowed_origin(cors: dict[str, Any], origin: str) -> str | None:
    origins = cors.get("AllowOrigins") or []
    if "*" in origins:
        return "*"
    return origin if origin and origin in origins else None


def preflight(cors: dict[str, Any], request_headers: dict[str, str]) -> Headers:
    origin = _allowed_origin(cors, request_headers.get("origin", ""))
    if origin is None:
        return []
    method = request_headers.get("access-control-request-method", "").upper()
    methods = [m.upper() for m in cors.get("AllowMethods") or []]
    if "*" not in methods and method not in methods:
        return []
    headers: Headers = [("access-control-allow-origin", origin),
                        ("access-control-allow-methods", ",".join(methods) or method)]
    if cors.get("AllowHeaders"):
        headers.append(("access-control-allow-headers", ",".join(cors["AllowHeaders"])))
    if cors.get("MaxAge"):
        headers.append(("access-control-max-age", str(cors["MaxAge"])))
    if cors.get("AllowCredentials"):
        headers.append(("access-control-allow-credentials", "true"))
    return headers


def cors_headers(cors: dict[str, Any], request_headers: dict[str, str]) -> Headers:
    if not cors:
        return []
    origin = _allowed_origin(cors, request_headers.get("origin", ""))
    if origin is None:
        return []
    headers: Headers = [("access-control-allow-origin", origin)]
    if cors.get("ExposeHeaders"):
        headers.append(("access-control-expose-headers", ",".join(cors["ExposeHeaders"])))
    if cors.get("AllowCredentials"):
        headers.append(("access-control-allow-credentials", "true"))
    return headers

"""Building deployment packages in memory and functions from them, for Lambda's tests."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

HELLO = '''
import os

def handler(event, context):
    return {"hello": event.get("name", "world"), "request_id": context.aws_request_id}
'''


def zip_of(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def unique_name(prefix: str = "fn") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def create(lam: Any, source: str = HELLO, name: str | None = None, **options: Any) -> str:
    name = name or unique_name()
    params: dict[str, Any] = {
        "FunctionName": name, "Runtime": "python3.11", "Role": ROLE,
        "Handler": "app.handler", "Code": {"ZipFile": zip_of({"app.py": source})},
    }
    params.update(options)
    lam.create_function(**params)
    return name

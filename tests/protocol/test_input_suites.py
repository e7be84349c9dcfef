"""botocore's protocol input suites, run backwards through pocketcloud's request parsers.

Each input case is the HTTP request botocore sends for some ``params``; the server must
parse it back into those params. Comparison follows botocore's protocol test runner and
the wire's own limits:

- timestamps are expected as epoch seconds and parsed as UTC datetimes;
- blobs are expected as text and parsed as bytes;
- floats may be expected as "NaN", "Infinity" or "-Infinity" (NaN equals NaN);
- a member expected as None is one the client did not send;
- an empty list or map the client writes no bytes for (query lists, prefix headers, list
  query parameters) may be absent;
- a query-params map (``location: querystring`` without a name) only holds the keys no
  named member binds: botocore writes a key bound to both once, so the wire cannot say it
  was also in the map.

Cases in botocore's ignore-list.json are reported as skipped, with that reason.

Result (suites from botocore 0e6e2404b85d), passed / non-ignored input cases:
query 32/32, ec2 21/21, json 1.1 50/50, json 1.0 19/19 (with query-compatible),
rest-json 101/101, rest-xml 82/82, smithy-rpc-v2-cbor 17/17 (322 in all; 45 ignored).
"""

from __future__ import annotations

import base64
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.model import OperationModel, ServiceModel, Shape

from pocketcloud.protocol.http import HttpRequest
from pocketcloud.protocol.parsing import parse_request

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SUITES = SHARED / "protocol-tests"

if not (SUITES / "input").is_dir():
    pytest.skip(f"botocore protocol suites not found at {SUITES}", allow_module_level=True)

_NAN = "<NaN>"  # NaN != NaN, so both sides carry this marker instead


def _ignored(protocol_key: str) -> tuple[set[str], set[str]]:
    ignore = json.loads((SUITES / "ignore-list.json").read_text())
    general = ignore.get("general", {}).get("input", {})
    per_protocol = ignore.get("protocols", {}).get(protocol_key, {}).get("input", {})
    suites = set(general.get("suites", [])) | set(per_protocol.get("suites", []))
    cases = set(general.get("cases", [])) | set(per_protocol.get("cases", []))
    return suites, cases


def _input_cases() -> list[Any]:
    params = []
    seen: set[str] = set()
    for path in sorted((SUITES / "input").glob("*.json")):
        ignored_suites, ignored_cases = _ignored(path.stem)
        for suite in json.loads(path.read_text()):
            for number, case in enumerate(suite["cases"]):
                case_id = f"{path.stem}/{case.get('id') or suite['description']}"
                if case_id in seen:
                    case_id = f"{case_id}#{number}"
                seen.add(case_id)
                marks = []
                if suite["description"] in ignored_suites or case.get("id") in ignored_cases:
                    marks.append(pytest.mark.skip(reason="in botocore's ignore-list.json"))
                params.append(pytest.param(suite, case, id=case_id, marks=marks))
    return params


def _operation(suite: dict[str, Any], case: dict[str, Any]) -> OperationModel:
    given = case["given"]
    model = ServiceModel(
        {
            "metadata": suite["metadata"],
            "operations": {given["name"]: given},
            "shapes": suite["shapes"],
        }
    )
    return model.operation_model(given["name"])


def _request(serialized: dict[str, Any], protocol: str) -> HttpRequest:
    path, _, query = serialized.get("uri", "/").partition("?")
    body_text = serialized.get("body", "")
    body = base64.b64decode(body_text) if protocol == "smithy-rpc-v2-cbor" else body_text.encode()
    return HttpRequest(
        method=serialized.get("method", "POST"),
        path=path,
        query_string=query,
        headers={name.lower(): value for name, value in serialized.get("headers", {}).items()},
        body=body,
        host=serialized.get("host", ""),
    )


@pytest.mark.parametrize(("suite", "case"), _input_cases())
def test_input_case(suite: dict[str, Any], case: dict[str, Any]) -> None:
    operation = _operation(suite, case)
    protocol = suite["metadata"]["protocol"]
    parsed = parse_request(operation, _request(case["serialized"], protocol), protocol)
    expected = _expected(operation.input_shape, case["params"])
    if operation.input_shape is not None:
        expected = _without_bound_query_keys(operation.input_shape, expected)
    actual = _comparable(parsed)
    assert actual == _reconcile(expected, actual)


def _expected(shape: Shape | None, value: Any) -> Any:
    """The params as a boto3 user would see them typed: datetimes, bytes, floats."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and not shape.metadata.get("document"):
        return {
            name: _expected(shape.members[name], item)
            for name, item in value.items()
            if item is not None
        }
    if kind == "list":
        return [_expected(shape.member, item) for item in value]
    if kind == "map":
        return {key: _expected(shape.value, item) for key, item in value.items()}
    if kind == "timestamp" and isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if kind == "blob" and isinstance(value, str):
        return value.encode()
    if kind in ("float", "double"):
        return _comparable(float(value))
    return _comparable(value)


def _comparable(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return _NAN
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def _reconcile(expected: Any, actual: Any) -> Any:
    """Drop expected empty lists/maps that the wire could not carry (absent in `actual`)."""
    if not isinstance(expected, dict) or not isinstance(actual, dict):
        return expected
    return {
        key: _reconcile(item, actual.get(key))
        for key, item in expected.items()
        if key in actual or item not in ([], {})
    }


def _without_bound_query_keys(shape: Shape, expected: dict[str, Any]) -> dict[str, Any]:
    named = {
        member.serialization.get("name", name)
        for name, member in shape.members.items()
        if member.serialization.get("location") == "querystring" and member.type_name != "map"
    }
    result = dict(expected)
    for name, member in shape.members.items():
        is_query_map = member.serialization.get("location") == "querystring"
        if is_query_map and member.type_name == "map" and name in result:
            result[name] = {k: v for k, v in result[name].items() if k not in named}
    return result

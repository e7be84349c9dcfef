"""botocore's own protocol output suites, run against pocketcloud's serializers.

Each output case holds a ``result`` a client must end up with. We serialize that result
(or, for error cases, an ``AwsError`` with the expected code, message and fields) and parse
our HTTP response back with botocore's own response parser, the way a boto3 client would.
The comparison rules are those of botocore's protocol test runner: ResponseMetadata is
dropped, parsed timestamps equal the expected epoch seconds, parsed blobs decode to the
expected text, and floats may be expected as "NaN", "Infinity" or "-Infinity".
"""

from __future__ import annotations

import copy
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser

from pocketcloud.errors import AwsError
from pocketcloud.protocol.http import HttpResponse
from pocketcloud.protocol.serializing import serialize_error, serialize_response

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SUITES = SHARED / "protocol-tests"
REQUEST_ID = "pc-request-0001"

# Cases that cannot pass while every response carries its protocol's request-id header.
KNOWN_IMPOSSIBLE = {
    "HttpPrefixHeadersResponse": (
        "an httpPrefixHeaders map with an empty prefix captures every response header, so "
        "the x-amzn-RequestId header every rest-json response carries lands in the map"
    ),
}

if not (SUITES / "output").is_dir():
    pytest.skip(f"botocore protocol suites not found at {SUITES}", allow_module_level=True)


def _ignored(protocol_key: str) -> tuple[set[str], set[str]]:
    ignore = json.loads((SUITES / "ignore-list.json").read_text())
    suites = set(ignore.get("general", {}).get("output", {}).get("suites", []))
    cases = set(ignore.get("general", {}).get("output", {}).get("cases", []))
    per_protocol = ignore.get("protocols", {}).get(protocol_key, {}).get("output", {})
    suites |= set(per_protocol.get("suites", []))
    cases |= set(per_protocol.get("cases", []))
    return suites, cases


def _output_cases() -> list[Any]:
    params = []
    for path in sorted((SUITES / "output").glob("*.json")):
        protocol_key = path.stem
        ignored_suites, ignored_cases = _ignored(protocol_key)
        for suite in json.loads(path.read_text()):
            if suite["description"] in ignored_suites:
                continue
            for case in suite["cases"]:
                if case["id"] in ignored_cases:
                    continue
                marks = []
                if case["id"] in KNOWN_IMPOSSIBLE:
                    marks.append(
                        pytest.mark.xfail(reason=KNOWN_IMPOSSIBLE[case["id"]], strict=True)
                    )
                params.append(
                    pytest.param(suite, case, id=f"{protocol_key}:{case['id']}", marks=marks)
                )
    return params


def _models(suite: dict[str, Any], case: dict[str, Any]) -> tuple[ServiceModel, OperationModel]:
    given = copy.deepcopy(case["given"])
    name = given["name"]
    if suite["metadata"]["protocol"] == "query" and "output" in given:
        # Real query models name the result wrapper; the suites leave that to the runner.
        given["output"].setdefault("resultWrapper", f"{name}Result")
    model = ServiceModel(
        {
            "metadata": copy.deepcopy(suite["metadata"]),
            "operations": {name: given},
            "shapes": copy.deepcopy(suite["shapes"]),
        }
    )
    return model, model.operation_model(name)


def _parse_as_client(response: HttpResponse, operation_model: OperationModel) -> dict[str, Any]:
    """What a botocore client makes of our response, modeled error fields included."""
    protocol = operation_model.service_model.metadata["protocol"]
    parser = create_parser(protocol)
    wire = {
        "status_code": response.status_code,
        "headers": HeadersDict(response.headers),
        "body": response.body,
        "context": {"operation_name": operation_model.name},
    }
    parsed: dict[str, Any] = parser.parse(wire, operation_model.output_shape)
    if response.status_code >= 300:
        code = parsed.get("Error", {}).get("Code")
        error_shape = operation_model.service_model.shape_for_error_code(code)
        if error_shape is not None:
            parsed.update(parser.parse(wire, error_shape))
    parsed.pop("ResponseMetadata", None)
    return parsed


def assert_matches(actual: Any, expected: Any, path: str = "result") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        assert set(actual) == set(expected), f"{path}: keys {sorted(actual)} != {sorted(expected)}"
        for key, value in expected.items():
            assert_matches(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{path}: {actual!r} != {expected!r}"
        for index, (item, expected_item) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(item, expected_item, f"{path}[{index}]")
    elif isinstance(actual, datetime):
        assert math.isclose(actual.timestamp(), expected, abs_tol=1e-6), (
            f"{path}: {actual} != {expected}"
        )
    elif isinstance(actual, bytes):
        assert actual.decode("utf-8") == expected, f"{path}: {actual!r} != {expected!r}"
    elif isinstance(actual, float) and isinstance(expected, str):
        assert repr(actual) == {"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}[expected], (
            path
        )
    else:
        assert actual == expected and type(actual) is type(expected), (
            f"{path}: {actual!r} != {expected!r}"
        )


@pytest.mark.parametrize(("suite", "case"), _output_cases())
def test_output_case(suite: dict[str, Any], case: dict[str, Any]) -> None:
    service_model, operation_model = _models(suite, case)
    if "errorCode" in case or "error" in case:
        error = AwsError(
            case["errorCode"],
            case.get("errorMessage", ""),
            case["response"]["status_code"],
            sender_fault=case["response"]["status_code"] < 500,
            fields=copy.deepcopy(case.get("error", {})),
        )
        response = serialize_error(
            service_model, error, REQUEST_ID, operation_model=operation_model
        )
        parsed = _parse_as_client(response, operation_model)
        parsed["Error"] = {
            "Code": parsed["Error"]["Code"],
            "Message": parsed["Error"].get("Message") or "",
        }
        expected = {
            "Error": {"Code": case["errorCode"], "Message": case.get("errorMessage", "")},
            **case.get("error", {}),
        }
        assert_matches(parsed, expected)
    else:
        response = serialize_response(operation_model, copy.deepcopy(case["result"]), REQUEST_ID)
        assert_matches(_parse_as_client(response, operation_model), case["result"])

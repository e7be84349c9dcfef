"""Invoke's answers for Python functions against those AWS recorded (LocalStack's AWS-validated
tests/aws/services/lambda_/test_lambda.py snapshots).

Each failure case runs on pocketcloud's own Python (AWS's awslambdaric runs the handler) and,
when one is installed, on the next Python version (pocketcloud's stdlib runtime client)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import sys
from typing import Any

import pytest
from tests.services.lambda_.helpers import create
from tests.services.lambda_.test_invoke import _report_events

OWN = f"python3.{sys.version_info[1]}"
OTHER = f"python3.{sys.version_info[1] + 1}"
RUNTIMES = [OWN, pytest.param(OTHER, marks=pytest.mark.skipif(
    shutil.which(OTHER) is None, reason=f"no local {OTHER} interpreter"))]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _invoke(lam: Any, name: str, **params: Any) -> tuple[dict[str, Any], Any]:
    response = lam.invoke(FunctionName=name, **params)
    return response, json.loads(response["Payload"].read())


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_module_raising_at_import_is_reported_as_its_own_exception(
        lam: Any, runtime: str) -> None:
    # test_lambda_runtime_error: errorType is the exception's class, requestId is empty and the
    # stack trace runs through importlib into the module.
    name = create(lam, 'raise Exception("Runtime startup fails")\n', Runtime=runtime)
    response, error = _invoke(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert error["errorMessage"] == "Runtime startup fails"
    assert error["errorType"] == "Exception"
    assert error["requestId"] == ""
    assert "in import_module" in error["stackTrace"][0]
    assert error["stackTrace"][-1] == ('  File "/var/task/app.py", line 1, in <module>\n'
                                       '    raise Exception("Runtime startup fails")\n')


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_unserializable_result_is_a_marshal_error(lam: Any, runtime: str) -> None:
    name = create(lam, "def handler(event, context):\n    return {1, 2}\n", Runtime=runtime)
    response, error = _invoke(lam, name)
    assert response["FunctionError"] == "Unhandled"
    request_id = response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert error == {"errorMessage": "Unable to marshal response: Object of type set is not "
                                     "JSON serializable",
                     "errorType": "Runtime.MarshalError", "requestId": request_id,
                     "stackTrace": []}
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_syntax_error_names_the_file_and_line(lam: Any, runtime: str) -> None:
    name = create(lam, "def handler(event, context)\n    pass\n", Runtime=runtime)
    _, error = _invoke(lam, name)
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert error["stackTrace"] == ['  File "/var/task/app.py" Line 1\n'
                                   '    def handler(event, context)\n']


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("source", ["import sys\nsys.exit(0)\n",
                                    "import sys\ndef handler(event, context):\n    sys.exit(0)\n"],
                         ids=["runtime_exit", "handler_exit"])
def test_clean_exit_gives_no_reason(lam: Any, runtime: str, source: str) -> None:
    # test_lambda_runtime_exit and test_lambda_handler_exit.
    name = create(lam, source, Runtime=runtime)
    response, error = _invoke(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.ExitError"
    assert re.fullmatch(f"RequestId: {UUID} Error: Runtime exited without providing a reason",
                        error["errorMessage"]), error


def test_response_over_the_limit_names_aws_byte_count(lam: Any) -> None:
    # test_lambda_too_large_response: AWS allows 6 MB plus 100 bytes and says so.
    name = create(lam, "def handler(event, context):\n    return 'x' * (7 * 1024 * 1024)\n",
                  MemorySize=512)
    response, error = _invoke(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert error == {"errorMessage": "Response payload size exceeded maximum allowed payload "
                                     "size (6291556 bytes).",
                     "errorType": "Function.ResponseSizeTooLarge"}


def test_response_just_over_6_mib_still_arrives(lam: Any) -> None:
    name = create(lam, "def handler(event, context):\n    return 'x' * (6 * 1024 * 1024 + 50)\n",
                  MemorySize=512)
    response = lam.invoke(FunctionName=name)
    assert "FunctionError" not in response
    assert len(response["Payload"].read()) == 6 * 1024 * 1024 + 52


def test_cold_start_tail_has_no_init_start_line(lam: Any, client: Any) -> None:
    # test_invocation_with_logs: START, output, END, REPORT with Init Duration, nothing before.
    name = create(lam, "def handler(event, context):\n    print(event)\n    return event\n")
    response = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    lines = base64.b64decode(response["LogResult"]).decode().splitlines(keepends=True)
    request_id = response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert lines[:3] == [f"START RequestId: {request_id} Version: $LATEST\n", "{}\n",
                         f"END RequestId: {request_id}\n"]
    assert re.fullmatch(rf"REPORT RequestId: {request_id}\tDuration: \d+\.\d\d ms\t"
                        r"Billed Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB"
                        r"\tInit Duration: \d+\.\d\d ms\t\n", lines[3]), lines[3]
    assert len(lines) == 4
    # CloudWatch Logs still get the INIT_START line.
    messages = _report_events(client("logs"), f"/aws/lambda/{name}", 1)
    assert messages[0].startswith("INIT_START Runtime Version: ")

"""Invoking functions end to end: real workers, AWS's runtime client, errors, limits, logs."""

from __future__ import annotations

import base64
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create

CONTEXT = '''
import os, sys
def handler(event, context):
    print("event", event)
    return {
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "memory": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "arn": context.invoked_function_arn,
        "log_group": context.log_group_name,
        "env": {k: os.environ.get(k) for k in ("AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION",
                "_HANDLER", "LAMBDA_TASK_ROOT", "GREETING", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE")},
        "ric": "awslambdaric" in sys.modules,
        "cwd": os.getcwd(),
    }
'''

FAILING = '''
def handler(event, context):
    raise ValueError("bad input: " + str(event.get("x")))
'''

SLEEPING = '''
import time
def handler(event, context):
    time.sleep(event.get("sleep_s", 0))
    return "woke"
'''

HUNGRY = '''
def handler(event, context):
    hog = bytearray(event["mb"] * 1024 * 1024)
    for i in range(0, len(hog), 4096):
        hog[i] = 1
    return len(hog)
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _payload(response) -> object:  # type: ignore[no-untyped-def]
    return json.loads(response["Payload"].read())


def test_invoke_runs_handler_with_aws_context(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, CONTEXT, MemorySize=256, Timeout=5,
                  Environment={"Variables": {"GREETING": "hello"}})
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"a": 1}), LogType="Tail")
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    result = _payload(response)
    assert result["function_name"] == name
    assert result["memory"] == "256"
    assert 0 < result["remaining_ms"] <= 5000
    assert result["arn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert result["log_group"] == f"/aws/lambda/{name}"
    assert result["ric"] is True  # AWS's own runtime interface client ran the handler
    assert result["env"]["GREETING"] == "hello"
    assert result["env"]["AWS_REGION"] == "us-east-1"
    assert result["env"]["_HANDLER"] == "app.handler"
    assert result["env"]["LAMBDA_TASK_ROOT"] == result["cwd"]
    log = base64.b64decode(response["LogResult"]).decode()
    request_id = result["request_id"]
    assert f"START RequestId: {request_id} Version: $LATEST" in log
    assert "event {'a': 1}" in log
    assert f"END RequestId: {request_id}" in log
    assert f"REPORT RequestId: {request_id}\tDuration: " in log
    assert "Memory Size: 256 MB" in log and "Init Duration: " in log
    warm = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    assert "Init Duration" not in base64.b64decode(warm["LogResult"]).decode()


def test_function_error_is_reported_as_aws_does(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, FAILING)
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"x": 7}))
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    error = _payload(response)
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "bad input: 7"
    assert isinstance(error["stackTrace"], list) and error["requestId"]


def test_import_error_reported_as_init_failure(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, "import no_such_module\n")
    response = lam.invoke(FunctionName=name)
    assert response["FunctionError"] == "Unhandled"
    assert _payload(response)["errorType"] == "Runtime.ImportModuleError"


def test_timeout_kills_the_worker(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, SLEEPING, Timeout=1)
    started = time.monotonic()
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"sleep_s": 30}),
                          LogType="Tail")
    assert time.monotonic() - started < 10
    assert response["FunctionError"] == "Unhandled"
    error = _payload(response)
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert "Status: timeout" in base64.b64decode(response["LogResult"]).decode()
    # The next invocation gets a fresh worker.
    again = lam.invoke(FunctionName=name, Payload=json.dumps({"sleep_s": 0}))
    assert _payload(again) == "woke"


def test_memory_limit_kills_the_worker(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, HUNGRY, MemorySize=128, Timeout=10)
    assert _payload(lam.invoke(FunctionName=name, Payload=json.dumps({"mb": 10}))) == 10485760
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"mb": 400}), LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    error = _payload(response)
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].endswith("Runtime exited with error: signal: killed")
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "Max Memory Used: 128 MB" in tail
    assert "Status: error\tError Type: Runtime.OutOfMemory" in tail


def test_payload_limits_and_bad_json(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    with pytest.raises(ClientError) as error:
        lam.invoke(FunctionName=name, Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    assert error.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    with pytest.raises(ClientError) as error:
        lam.invoke(FunctionName=name, InvocationType="Event",
                   Payload=b'"' + b"x" * (1024 * 1024) + b'"')
    assert error.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    with pytest.raises(ClientError) as error:
        lam.invoke(FunctionName=name, Payload=b"{not json")
    assert error.value.response["Error"]["Code"] == "InvalidRequestContentException"


def test_dry_run_and_missing_function(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    assert lam.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204
    with pytest.raises(ClientError) as error:
        lam.invoke(FunctionName=name + "-missing")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_runtime_without_local_support_fails_clearly(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Runtime="java21", Handler="example.Handler::handleRequest")
    with pytest.raises(ClientError) as error:
        lam.invoke(FunctionName=name)
    assert error.value.response["Error"]["Code"] == "InvalidRuntimeException"
    assert "java21" in error.value.response["Error"]["Message"]


def test_reserved_concurrency_throttles(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, SLEEPING, Timeout=5)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as error:
        lam.invoke(FunctionName=name)
    assert error.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert error.value.response["Reason"] == (
        "ReservedFunctionConcurrentInvocationLimitExceeded")
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)

    def call(_: int) -> str:
        try:
            lam.invoke(FunctionName=name, Payload=json.dumps({"sleep_s": 1}))
            return "ok"
        except ClientError as failure:
            return str(failure.response["Error"]["Code"])

    with ThreadPoolExecutor(3) as pool:
        results = sorted(pool.map(call, range(3)))
    assert "ok" in results and "TooManyRequestsException" in results


def test_versions_and_aliases_run_their_own_code(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, "def handler(e, c):\n    return 'one'\n", Publish=True)
    lam.update_function_code(FunctionName=name, Publish=True,
                             ZipFile=_zip("def handler(e, c):\n    return 'two'\n"))
    lam.create_alias(FunctionName=name, Name="stable", FunctionVersion="1")
    assert _payload(lam.invoke(FunctionName=name, Qualifier="stable")) == "one"
    response = lam.invoke(FunctionName=name)
    assert _payload(response) == "two" and response["ExecutedVersion"] == "$LATEST"
    assert lam.invoke(FunctionName=f"{name}:1")["ExecutedVersion"] == "1"


def _zip(source: str) -> bytes:
    from tests.services.lambda_.helpers import zip_of
    return zip_of({"app.py": source})


def _report_events(logs, group: str, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The messages of `group` once it holds `count` REPORT lines (delivery is asynchronous)."""
    deadline = time.monotonic() + 15
    messages: list[str] = []
    while time.monotonic() < deadline:
        try:
            events = logs.filter_log_events(logGroupName=group)["events"]
        except ClientError:
            events = []
        messages = [e["message"] for e in events]
        if sum(m.startswith("REPORT ") for m in messages) >= count:
            return messages
        time.sleep(0.1)
    raise AssertionError(f"{group} got {messages}")


def test_invocations_are_logged_to_cloudwatch_logs(lam, client) -> None:  # type: ignore[no-untyped-def]
    logs = client("logs")
    name = create(lam, CONTEXT, MemorySize=256)
    first = lam.invoke(FunctionName=name, Payload=json.dumps({"n": 1}))
    lam.invoke(FunctionName=name, Payload=json.dumps({"n": 2}))
    request_id = first["ResponseMetadata"]["RequestId"]
    group = f"/aws/lambda/{name}"
    messages = _report_events(logs, group, 2)
    reports = [m for m in messages if m.startswith("REPORT ")]
    assert f"START RequestId: {request_id} Version: $LATEST" in messages
    assert f"END RequestId: {request_id}" in messages
    assert "event {'n': 1}" in messages
    assert "Init Duration:" in reports[0] and "Init Duration:" not in reports[1]
    for field in ("Duration:", "Billed Duration:", "Memory Size: 256 MB", "Max Memory Used:"):
        assert field in reports[0]
    numbers = dict(re.findall(r"([A-Za-z ]+): ([\d.]+)", reports[0]))
    # AWS bills the INIT phase of on-demand functions since August 2025.
    assert int(numbers["Billed Duration"]) >= float(numbers["Init Duration"]) + float(
        numbers["Duration"])
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert len(streams) == 1
    assert streams[0]["logStreamName"].endswith("]" + streams[0]["logStreamName"][-32:])
    assert "[$LATEST]" in streams[0]["logStreamName"]
    found = logs.filter_log_events(logGroupName=group, filterPattern='"Billed Duration"')
    assert len(found["events"]) == 2


def test_usage_is_metered_per_function(lam, endpoint) -> None:  # type: ignore[no-untyped-def]
    import urllib.request

    name = create(lam, MemorySize=512)
    for _ in range(3):
        lam.invoke(FunctionName=name)
    with urllib.request.urlopen(endpoint + "/_pocketcloud/usage/lambda", timeout=10) as r:
        usage = json.load(r)
    mine = [f for f in usage["functions"] if f["functionName"] == name]
    assert len(mine) == 1 and mine[0]["requests"] == 3
    assert mine[0]["region"] == "us-east-1" and mine[0]["accountId"] == "000000000000"
    billed_s = mine[0]["billedDurationMs"] / 1000
    assert mine[0]["gbSeconds"] == pytest.approx(billed_s * 0.5, rel=1e-3)
    assert any(a["requests"] >= 3 for a in usage["accounts"])


def test_logs_come_back_after_the_log_group_is_deleted(lam, client) -> None:  # type: ignore[no-untyped-def]
    logs = client("logs")
    name = create(lam)
    lam.invoke(FunctionName=name)
    group = f"/aws/lambda/{name}"
    _report_events(logs, group, 1)
    logs.delete_log_group(logGroupName=group)
    lam.invoke(FunctionName=name)
    assert sum(m.startswith("REPORT ") for m in _report_events(logs, group, 1)) == 1


def test_logs_through_the_aws_cli(lam, client, endpoint) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess

    from tests.services.sqs.test_cli import AWS

    name = create(lam)
    lam.invoke(FunctionName=name)
    group = f"/aws/lambda/{name}"
    _report_events(client("logs"), group, 1)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", "logs",
                           "filter-log-events", "--log-group-name", group, "--filter-pattern",
                           "REPORT"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    events = json.loads(done.stdout)["events"]
    assert len(events) == 1 and "Billed Duration" in events[0]["message"]
    groups = subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", "logs",
                             "describe-log-groups", "--log-group-name-prefix", group],
                            capture_output=True, text=True, env=env, timeout=60)
    assert json.loads(groups.stdout)["logGroups"][0]["logGroupName"] == group


def test_logging_config_names_the_log_group(lam, client) -> None:  # type: ignore[no-untyped-def]
    import uuid

    group = f"/custom/{uuid.uuid4().hex[:8]}"
    name = create(lam, LoggingConfig={"LogGroup": group})
    assert lam.get_function_configuration(FunctionName=name)["LoggingConfig"]["LogGroup"] == group
    lam.invoke(FunctionName=name)
    assert any(m.startswith("REPORT ") for m in _report_events(client("logs"), group, 1))


def test_shutdown_sends_the_last_logs_and_usage(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import urllib.request

    import boto3
    from tests.support import start_server

    server = start_server(tmp_path)
    options = {"region_name": "us-east-1"}
    try:
        lam = boto3.client("lambda", endpoint_url=server.endpoint, **options)
        name = create(lam)
        lam.invoke(FunctionName=name)
    finally:
        server.stop()  # SIGTERM right away: lines still buffered are sent by lifecycle.stop
    server = start_server(tmp_path)
    try:
        logs = boto3.client("logs", endpoint_url=server.endpoint, **options)
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        assert any(e["message"].startswith("REPORT ") for e in events)
        with urllib.request.urlopen(server.endpoint + "/_pocketcloud/usage/lambda") as r:
            usage = json.load(r)
        assert [f["requests"] for f in usage["functions"] if f["functionName"] == name] == [1]
    finally:
        server.stop()

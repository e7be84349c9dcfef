"""nodejs<major>.x functions end to end: pocketcloud's Node.js runtime client on the local node."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import ROLE, unique_name, zip_of
from tests.support import start_server

from pocketcloud.runtime.lambda_ import interpreters, node
from pocketcloud.runtime.lambda_.runtime_api import RuntimeApi

_INSTALLED = interpreters.node_executables()
_MAJOR = next((m for m in interpreters.NODE_MAJORS if m in _INSTALLED), None)
pytestmark = pytest.mark.skipif(
    _MAJOR is None, reason="no local Node.js of a major AWS offers (18, 20, 22, 24) is "
    f"installed (found: {sorted(i.version for i in _INSTALLED.values()) or 'none'})")
RUNTIME = f"nodejs{_MAJOR}.x"

CJS_ASYNC = """
exports.handler = async (event, context) => {
  console.log("hello from", context.functionName, {nested: [1, 2]});
  return {hello: event.name || "world", requestId: context.awsRequestId};
};
"""

ESM = """
import { hostname } from "node:os";
export const handler = async (event) => ({esm: true, doubled: event.n * 2, host: hostname()});
"""

CALLBACK = """
exports.handler = (event, context, callback) => {
  setTimeout(() => { console.info("late timer ran"); }, 50);
  callback(null, {viaCallback: event.n + 1});
};
"""

THROWS = """
exports.handler = async (event) => {
  throw new TypeError("bad input: " + event.x);
};
"""

CONTEXT = """
exports.handler = async (event, context) => ({
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop,
  clientContext: context.clientContext,
  env: Object.fromEntries(["GREETING", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER",
    "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV", "NODE_PATH"].map((k) => [k, process.env[k]])),
  cwd: process.cwd(),
});
"""

SLEEPS = """
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return "woke";
};
"""


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _create(lam: Any, files: dict[str, str], handler: str = "index.handler",
            **options: Any) -> str:
    name = unique_name("node")
    lam.create_function(FunctionName=name, Runtime=options.pop("Runtime", RUNTIME), Role=ROLE,
                        Handler=handler, Code={"ZipFile": zip_of(files)}, **options)
    return name


def _invoke(lam: Any, name: str, event: object = None, **options: Any) -> tuple[Any, Any]:
    response = lam.invoke(FunctionName=name, Payload=json.dumps(event or {}), **options)
    return response, json.loads(response["Payload"].read())


def _tail(response: Any) -> str:
    return base64.b64decode(response["LogResult"]).decode()


def test_commonjs_async_handler_and_console_log(lam) -> None:  # type: ignore[no-untyped-def]
    name = _create(lam, {"index.js": CJS_ASYNC})
    response, body = _invoke(lam, name, {"name": "node"}, LogType="Tail")
    assert "FunctionError" not in response
    assert body["hello"] == "node"
    request_id = response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert body["requestId"] == request_id
    tail = _tail(response)
    # AWS's Node.js log line: ISO timestamp, request id, level, util.format'ed message.
    pattern = (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t" + re.escape(request_id) +
               r"\tINFO\thello from " + re.escape(name) + r" \{ nested: \[ 1, 2 \] \}")
    assert re.search(pattern, tail), tail
    # AWS's recorded tail of a cold start (nodejs16.x too) starts at START: INIT_START goes
    # only to CloudWatch Logs.
    assert tail.startswith(f"START RequestId: {request_id} Version: $LATEST\n"), tail
    warm, body = _invoke(lam, name, {}, LogType="Tail")
    assert body["hello"] == "world"
    assert "Init Duration" not in _tail(warm)


def test_es_module_handlers(lam) -> None:  # type: ignore[no-untyped-def]
    mjs = _create(lam, {"index.mjs": ESM})
    body = _invoke(lam, mjs, {"n": 21})[1]
    assert (body["esm"], body["doubled"]) == (True, 42) and body["host"]
    typed = _create(lam, {"src/app.js": ESM, "package.json": '{"type": "module"}'},
                    handler="src/app.handler")
    assert _invoke(lam, typed, {"n": 4})[1]["doubled"] == 8


def test_nested_handler_path_and_commonjs_extension(lam) -> None:  # type: ignore[no-untyped-def]
    source = "module.exports = {api: {handler: async () => 'nested'}};"
    name = _create(lam, {"lib/handlers/main.cjs": source}, handler="lib/handlers/main.api.handler")
    assert _invoke(lam, name)[1] == "nested"


def test_callback_handler(lam) -> None:  # type: ignore[no-untyped-def]
    name = _create(lam, {"index.js": CALLBACK})
    response, body = _invoke(lam, name, {"n": 1}, LogType="Tail")
    assert body == {"viaCallback": 2}
    # callbackWaitsForEmptyEventLoop (true by default): the pending timer ran first.
    assert "\tINFO\tlate timer ran" in _tail(response)


def test_thrown_error_is_reported_as_aws_does(lam) -> None:  # type: ignore[no-untyped-def]
    name = _create(lam, {"index.js": THROWS})
    response, body = _invoke(lam, name, {"x": 7}, LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "TypeError"
    assert body["errorMessage"] == "bad input: 7"
    assert body["trace"][0] == "TypeError: bad input: 7"
    assert any("index.js" in line for line in body["trace"])
    assert "\tERROR\tInvoke Error \t" in _tail(response)
    # The worker survives a handled error.
    assert _invoke(lam, name, {"x": 8})[1]["errorMessage"] == "bad input: 8"


def test_missing_handler_and_module(lam) -> None:  # type: ignore[no-untyped-def]
    name = _create(lam, {"index.js": CJS_ASYNC}, handler="index.nope")
    response, body = _invoke(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.HandlerNotFound"
    assert body["errorMessage"] == "index.nope is undefined or not exported"
    name = _create(lam, {"index.js": CJS_ASYNC}, handler="missing.handler")
    body = _invoke(lam, name)[1]
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "Cannot find module 'missing'" in body["errorMessage"]
    name = _create(lam, {"index.js": "exports.handler = async () => {;"})
    assert _invoke(lam, name)[1]["errorType"] == "Runtime.UserCodeSyntaxError"


def test_context_and_environment(lam) -> None:  # type: ignore[no-untyped-def]
    name = _create(lam, {"index.js": CONTEXT}, MemorySize=256, Timeout=7,
                   Environment={"Variables": {"GREETING": "hi"}})
    client_context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    response, body = _invoke(lam, name, ClientContext=client_context)
    assert body["clientContext"] == {"custom": {"k": "v"}}
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    assert body["functionName"] == name
    assert body["functionVersion"] == "$LATEST"
    assert body["invokedFunctionArn"] == arn
    assert body["memoryLimitInMB"] == "256"
    assert body["awsRequestId"] == response["ResponseMetadata"]["RequestId"]
    assert body["logGroupName"] == f"/aws/lambda/{name}"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", body["logStreamName"])
    assert 5000 < body["remaining"] <= 7000
    assert body["waits"] is True
    env = body["env"]
    assert env["GREETING"] == "hi" and env["AWS_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name and env["_HANDLER"] == "index.handler"
    assert env["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{RUNTIME}"
    assert env["NODE_PATH"].split(":")[-1] == env["LAMBDA_TASK_ROOT"] == body["cwd"]
    assert "/nodejs/node_modules" in env["NODE_PATH"]


def test_layer_modules_resolve_through_node_path(lam) -> None:  # type: ignore[no-untyped-def]
    layer = lam.publish_layer_version(
        LayerName=unique_name("nodelayer"),
        Content={"ZipFile": zip_of({"nodejs/node_modules/greeter/index.js":
                                    "exports.greet = (n) => 'hi ' + n;"})})
    source = "const {greet} = require('greeter'); exports.handler = async () => greet('layer');"
    name = _create(lam, {"index.js": source}, Layers=[layer["LayerVersionArn"]])
    assert _invoke(lam, name)[1] == "hi layer"


def test_timeout_kills_the_worker(lam) -> None:  # type: ignore[no-untyped-def]
    name = _create(lam, {"index.js": SLEEPS}, Timeout=1)
    started = time.monotonic()
    response, body = _invoke(lam, name, {"sleepMs": 30000}, LogType="Tail")
    assert time.monotonic() - started < 10
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert "Status: timeout" in _tail(response)
    assert _invoke(lam, name, {"sleepMs": 0})[1] == "woke"


def test_uncaught_exception_fails_the_invocation(lam) -> None:  # type: ignore[no-untyped-def]
    source = "exports.handler = (e, c, cb) => { setTimeout(() => { throw new Error('late'); });};"
    name = _create(lam, {"index.js": source})
    response, body = _invoke(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert (body["errorType"], body["errorMessage"]) == ("Error", "late")
    # The runtime exited; the next invocation gets a new worker.
    assert _invoke(lam, name)[1]["errorMessage"] == "late"


def test_other_major_fails_clearly(lam) -> None:  # type: ignore[no-untyped-def]
    missing = next((m for m in interpreters.NODE_MAJORS if m not in _INSTALLED), None)
    if missing is None:
        pytest.skip("every Node.js major AWS offers is installed here")
    name = _create(lam, {"index.js": CJS_ASYNC}, Runtime=f"nodejs{missing}.x")
    with pytest.raises(ClientError) as error:
        lam.invoke(FunctionName=name)
    assert error.value.response["Error"]["Code"] == "InvalidRuntimeException"
    message = error.value.response["Error"]["Message"]
    assert f"needs a local Node.js {missing}" in message
    assert f"nodejs{_MAJOR}.x" in message


@pytest.fixture(scope="module")
def unsandboxed_lam(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A server of its own whose PATH has node but no bwrap: workers run without a sandbox."""
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "node").symlink_to(_INSTALLED[_MAJOR].executable)  # type: ignore[index]
    server = start_server(settings={"PATH": str(bin_dir)})
    try:
        yield boto3.client("lambda", endpoint_url=f"http://127.0.0.1:{server.port}",
                           region_name="us-east-1", aws_access_key_id="000000000000",
                           aws_secret_access_key="test")
    finally:
        server.stop()


def test_runs_without_a_sandbox(unsandboxed_lam) -> None:  # type: ignore[no-untyped-def]
    lam = unsandboxed_lam
    name = _create(lam, {"index.mjs": CONTEXT.replace("exports.handler =", "export const "
                                                      "handler =")})
    body = _invoke(lam, name)[1]
    task_root = body["env"]["LAMBDA_TASK_ROOT"]
    assert task_root != "/var/task" and body["cwd"] == task_root
    assert body["env"]["NODE_PATH"].endswith(":" + task_root)
    layer = lam.publish_layer_version(
        LayerName=unique_name("nodelayer"),
        Content={"ZipFile": zip_of({"nodejs/node_modules/greeter/index.js":
                                    "exports.greet = (n) => 'hi ' + n;"})})
    source = "const {greet} = require('greeter'); exports.handler = async () => greet('host');"
    name = _create(lam, {"index.js": source}, Layers=[layer["LayerVersionArn"]])
    assert _invoke(lam, name)[1] == "hi host"


def test_nodejs24_rejects_callback_handlers_as_aws_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # No nodejs24.x without a local Node.js 24: the runtime client alone, on the installed
    # node, against pocketcloud's Runtime API, told it is nodejs24.x as AWS_EXECUTION_ENV says.
    (tmp_path / "index.js").write_text(CALLBACK)
    init_errors: list[tuple[bytes, str]] = []

    async def run() -> int:
        api = RuntimeApi(lambda body, kind: init_errors.append((body, kind)), lambda: None)
        await api.start()
        try:
            process = await asyncio.create_subprocess_exec(
                _INSTALLED[_MAJOR].executable, node.BOOTSTRAP_PATH,  # type: ignore[index]
                env={"AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api.port}", "_HANDLER":
                     "index.handler", "LAMBDA_TASK_ROOT": str(tmp_path),
                     "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs24.x"},
                stdout=asyncio.subprocess.DEVNULL)
            return await asyncio.wait_for(process.wait(), 20)
        finally:
            api.close()

    assert asyncio.run(run()) == 129
    [(body, error_type)] = init_errors
    assert error_type == "Runtime.CallbackHandlerDeprecated"
    error = json.loads(body)
    assert error["errorType"] == "Runtime.CallbackHandlerDeprecated"
    assert "removed support for callback-based function handlers" in error["errorMessage"]


def test_memory_limit_kills_the_worker(lam) -> None:  # type: ignore[no-untyped-def]
    source = "exports.handler = async (e) => Buffer.alloc(e.mb * 1024 * 1024, 1).length;"
    name = _create(lam, {"index.js": source}, MemorySize=128, Timeout=10)
    assert _invoke(lam, name, {"mb": 10})[1] == 10 * 1024 * 1024
    response, body = _invoke(lam, name, {"mb": 400}, LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert "Status: error\tError Type: Runtime.OutOfMemory" in _tail(response)

"""Lambda's limits end to end: the account's concurrency (from settings), provisioned
concurrency configurations, reserved concurrency against the account's quota."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create

SLEEPING = '''
import time
def handler(event, context):
    time.sleep(event.get("sleep_s", 0))
    return "woke"
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_account_concurrency_limit_comes_from_settings() -> None:
    import boto3
    from botocore.config import Config
    from tests.support import start_server

    server = start_server(settings={"POCKETCLOUD_LAMBDA_CONCURRENCY_LIMIT": "2"})
    try:
        lam = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                           config=Config(retries={"max_attempts": 1}, read_timeout=60))
        assert lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 2
        name = create(lam, SLEEPING, Timeout=10)

        def call(_: int) -> str:
            try:
                lam.invoke(FunctionName=name, Payload=json.dumps({"sleep_s": 1.5}))
                return "ok"
            except ClientError as failure:
                return str(failure.response.get("Reason"))

        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(call, range(4)))
        assert results.count("ok") >= 1
        assert "ConcurrentInvocationLimitExceeded" in results
    finally:
        server.stop()


def test_reserved_concurrency_is_bounded_by_the_account(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    with pytest.raises(ClientError) as error:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=901)
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "UnreservedConcurrentExecution below its minimum value of [100]" in (
        error.value.response["Error"]["Message"])
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5
    lam.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)


def test_provisioned_concurrency_configs_are_stored(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as error:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST",
                                               ProvisionedConcurrentExecutions=2)
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    put = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                 ProvisionedConcurrentExecutions=2)
    assert put["Status"] == "IN_PROGRESS" and put["RequestedProvisionedConcurrentExecutions"] == 2
    got = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert got["Status"] == "READY" and got["AvailableProvisionedConcurrentExecutions"] == 2
    lam.update_function_configuration(FunctionName=name, Description="second")
    lam.publish_version(FunctionName=name)  # version 1 is provisioned through its alias
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="2",
                                           ProvisionedConcurrentExecutions=1)
    listed = lam.list_provisioned_concurrency_configs(FunctionName=name)
    assert sorted(c["FunctionArn"].rsplit(":", 1)[1]
                  for c in listed["ProvisionedConcurrencyConfigs"]) == ["2", "live"]
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    with pytest.raises(ClientError) as error:
        lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert error.value.response["Error"]["Code"] == (
        "ProvisionedConcurrencyConfigNotFoundException")
    with pytest.raises(ClientError) as error:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="7",
                                               ProvisionedConcurrentExecutions=1)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_sync_response_over_6_mb_is_a_function_error(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, "def handler(e, c):\n    return 'x' * (7 * 1024 * 1024)\n",
                  MemorySize=512)
    response = lam.invoke(FunctionName=name)
    assert response["FunctionError"] == "Unhandled"
    error = json.loads(response["Payload"].read())
    assert error["errorType"] == "Function.ResponseSizeTooLarge"


def test_idle_workers_are_reaped_after_the_configured_idle_time() -> None:
    import base64
    import time

    import boto3
    from tests.support import start_server

    server = start_server(settings={"POCKETCLOUD_LAMBDA_IDLE_TIMEOUT_S": "1"})
    try:
        lam = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1")
        name = create(lam)

        def tail() -> str:
            return base64.b64decode(lam.invoke(FunctionName=name, LogType="Tail")[
                "LogResult"]).decode()

        assert "Init Duration" in tail()
        assert "Init Duration" not in tail()  # warm
        time.sleep(2.5)
        assert "Init Duration" in tail()  # the idle worker was stopped: a cold start again
    finally:
        server.stop()

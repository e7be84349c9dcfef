"""Every served operation, fed hostile input: AWS's 4xx answer, never a 500, a hang or a crash.

Requests are built from each operation's botocore input shape (tests/e2e/fuzzing.py) and sent
by botocore with client-side validation off, so the server sees what a careless or hostile
client would send. A second pass swaps the serialized body for malformed bytes of the
operation's protocol. Seeded: a failure message names the seed that reproduces it.
POCKETCLOUD_FUZZ_EXAMPLES (default 2) sets the examples per operation; POCKETCLOUD_FUZZ_SEED
the seed. The default run takes well under a minute.
"""

from __future__ import annotations

import json
import os
import random
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError
from tests.e2e.fuzzing import hostile_params, mutated_bodies, plausible_value
from tests.support import Server, start_server

from pocketcloud.protocol.specs import service_model
from pocketcloud.services.registry import PROVIDERS, provider_function

EXAMPLES = int(os.environ.get("POCKETCLOUD_FUZZ_EXAMPLES", "2"))
SEED = int(os.environ.get("POCKETCLOUD_FUZZ_SEED", "20261206"))
ROOT_SECRET = "fuzz-root-secret"
READ_TIMEOUT_S = 20  # a hang shows up as a timeout, not a stuck suite
SERVICES = sorted(PROVIDERS)
# h11's own 400 for a header value it will not parse (a NUL, a line break): HTTP-level, like
# AWS's front door refusing it, and never reaching pocketcloud.
HTTP_LEVEL_REFUSAL = b"Invalid HTTP request received."
CLIENT_SIDE = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError,
               RecursionError, UnicodeError)


def served_operations(service: str) -> list[str]:
    model = service_model(service)
    return [op for op in model.operation_names if provider_function(service, op) is not None]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: the fuzzing leaves junk resources behind."""
    running = start_server(tmp_path_factory.mktemp("fuzz-data"))
    yield running
    running.stop()


class Fuzzer:
    """One botocore client per service; sends hostile requests and records what went wrong."""

    def __init__(self, server: Server, service: str, key: str = "test",
                 secret: str = "test") -> None:
        self.server = server
        self.service = service
        config = Config(parameter_validation=False, retries={"total_max_attempts": 1},
                        connect_timeout=5, read_timeout=READ_TIMEOUT_S,
                        s3={"addressing_style": "path"})
        self.client = boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint,
                                   aws_access_key_id=key, aws_secret_access_key=secret,
                                   config=config)
        self.client.meta.events.register("before-send", self._swap_body)
        self.client.meta.events.register("before-parse", self._keep_body)
        self.last_body = b""
        self.last_status = 0
        self.body: Callable[[AWSPreparedRequest], None] | None = None
        self.failures: list[str] = []
        self.sent = 0

    def _swap_body(self, request: AWSPreparedRequest, **_: Any) -> None:
        if self.body is not None:
            self.body(request)

    def _keep_body(self, response_dict: dict[str, Any], **_: Any) -> None:
        body = response_dict.get("body")
        self.last_body = body[:300] if isinstance(body, bytes) else b"(stream)"
        self.last_status = int(response_dict.get("status_code") or 0)

    def send(self, operation: str, params: dict[str, Any], what: str) -> None:
        try:
            response = self.client._make_api_call(operation, params)  # noqa: SLF001
        except ClientError as error:
            self._judge_error(operation, error.response, what)
        except (ReadTimeoutError, ConnectionError, HTTPClientError) as error:
            if "Invalid header" in str(error):
                return  # the HTTP client refused to send it (a line break in a header)
            self.failures.append(f"{self.service}.{operation} [{what}]: no answer: {error}")
        except ResponseParserError as error:  # the server's answer is not well-formed
            if self.body is not None and self.last_status < 500 and self.last_body:
                return  # a raw body with no Action: routed elsewhere, answered in that protocol
            self.failures.append(f"{self.service}.{operation} [{what}]: {str(error)[:300]}")
        except (BotoCoreError, *CLIENT_SIDE):
            if self.service == "s3" and params.get("Bucket") != "fuzz-bucket":
                # botocore checks bucket names even without validation: keep the rest hostile
                self.send(operation, {**params, "Bucket": "fuzz-bucket"}, what)
            return  # botocore itself could not serialize this one: nothing was sent
        else:
            body = response.get("Body") if isinstance(response, dict) else None
            if hasattr(body, "close"):
                body.close()
        self.sent += 1

    def _judge_error(self, operation: str, response: dict[str, Any], what: str) -> None:
        status = response["ResponseMetadata"].get("HTTPStatusCode", 0)
        code = str(response.get("Error", {}).get("Code", ""))
        http_method = self.client.meta.service_model.operation_model(operation).http.get("method")
        if status >= 500:
            self.failures.append(f"{self.service}.{operation} [{what}]: {status} {code} "
                                 f"{response.get('Error', {}).get('Message', '')[:200]}")
        elif self.last_body == HTTP_LEVEL_REFUSAL or self.body is not None and self.last_body:
            return  # refused by the HTTP server (a header no HTTP/1.1 parser takes), or routed
        elif http_method != "HEAD" and (not code or code.isdigit()):
            self.failures.append(f"{self.service}.{operation} [{what}]: {status} without an "
                                 f"AWS error body ({code!r}): {self.last_body!r}")
        elif not response["ResponseMetadata"].get("RequestId") and self.service != "s3":
            self.failures.append(f"{self.service}.{operation} [{what}]: no request id")

    def healthy(self) -> bool:
        url = self.server.endpoint + "/_pocketcloud/health"
        with urllib.request.urlopen(url, timeout=10) as answer:
            return bool(answer.status == 200)


def _replace_body(body: bytes, content_type: str | None = None,
                  ) -> Callable[[AWSPreparedRequest], None]:
    def swap(request: AWSPreparedRequest) -> None:
        request.body = body
        request.headers["Content-Length"] = str(len(body))
        if "Transfer-Encoding" in request.headers:
            del request.headers["Transfer-Encoding"]
        if content_type is not None:
            request.headers["Content-Type"] = content_type
    return swap


@pytest.mark.parametrize("service", SERVICES)
def test_hostile_parameters_get_aws_errors(fuzz_server: Server, service: str) -> None:
    fuzzer = Fuzzer(fuzz_server, service)
    model = service_model(service)
    rng = random.Random(f"{SEED}-{service}")
    for operation in served_operations(service):
        shape = model.operation_model(operation).input_shape
        for example in range(EXAMPLES):
            fuzzer.send(operation, hostile_params(shape, rng), f"seed {SEED} example {example}")
    assert fuzzer.healthy()
    assert not fuzzer.failures, "\n".join(fuzzer.failures)


@pytest.mark.parametrize("service", SERVICES)
def test_malformed_bodies_get_aws_errors(fuzz_server: Server, service: str) -> None:
    fuzzer = Fuzzer(fuzz_server, service)
    model = service_model(service)
    protocol = model.metadata["protocol"]
    rng = random.Random(f"{SEED}-{service}-raw")
    operations = served_operations(service)
    wrong_type = "text/plain" if protocol != "query" else "application/json"
    for operation in rng.sample(operations, min(len(operations), 4 * EXAMPLES)):
        bodies = mutated_bodies(protocol, rng, operation, model.api_version)
        for index, body in enumerate(bodies):
            content_type = wrong_type if index == 0 else None
            fuzzer.body = _replace_body(body, content_type)
            shape = model.operation_model(operation).input_shape
            params = plausible_value(shape, rng, 0.0) if shape is not None else {}
            fuzzer.send(operation, params, f"raw body {index}")
    fuzzer.body = None
    assert fuzzer.healthy()
    assert not fuzzer.failures, "\n".join(fuzzer.failures)


@pytest.fixture(scope="module")
def enforcing() -> Iterator[tuple[Server, dict[str, str]]]:
    """A server deciding every request by IAM policy, and a user allowed a little of S3."""
    running = start_server(None, "--iam", "enforce", "--root-secret-key", ROOT_SECRET)
    iam = Fuzzer(running, "iam", secret=ROOT_SECRET).client
    iam.create_user(UserName="fuzzer")
    iam.put_user_policy(UserName="fuzzer", PolicyName="some-s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "sqs:*"], "Resource": "*"}]}))
    key = iam.create_access_key(UserName="fuzzer")["AccessKey"]
    yield running, {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    running.stop()


@pytest.mark.parametrize("service", SERVICES)
def test_hostile_parameters_under_iam_enforcement(
    enforcing: tuple[Server, dict[str, str]], service: str,
) -> None:
    """Authorization builds resource ARNs from the request's own values: hostile ones too."""
    server, user = enforcing
    fuzzer = Fuzzer(server, service, **user)
    model = service_model(service)
    rng = random.Random(f"{SEED}-{service}-iam")
    for operation in served_operations(service):
        shape = model.operation_model(operation).input_shape
        fuzzer.send(operation, hostile_params(shape, rng), f"seed {SEED} under IAM")
    assert fuzzer.healthy()
    assert not fuzzer.failures, "\n".join(fuzzer.failures)


def test_fuzzing_reached_every_served_service() -> None:
    assert {"sts", "s3", "sqs", "dynamodb", "lambda", "iam"} <= set(SERVICES)
    assert all(served_operations(service) for service in SERVICES)


def _files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*")} if root.is_dir() else set()

"""Names and keys that try to climb out of the data directory never write outside it.

S3 keys, Lambda function and layer names, a deployment package whose entries climb ("zip
slip"), log group and table names: each is sent, then the file system around the data
directory is checked for anything new outside it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from tests.support import Server, start_server

CLIMBS = ["../../escape", "..%2f..%2fescape", "/../../../escape", "a/../../../escape",
          "..\\..\\escape", "%2e%2e/%2e%2e/escape", "./../escape"]


@pytest.fixture(scope="module")
def jail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    root = tmp_path_factory.mktemp("jail")
    (root / "data").mkdir()
    running = start_server(root / "data")
    yield running, root
    running.stop()


def _client(server: Server, service: str) -> Any:
    config = Config(parameter_validation=False, retries={"total_max_attempts": 1},
                    read_timeout=60, s3={"addressing_style": "path"})
    return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test", config=config)


def _outside(root: Path) -> set[Path]:
    """Everything under `root` except the data directory."""
    return {path for path in root.rglob("*") if not path.is_relative_to(root / "data")}


def _refused(call: Any, **params: Any) -> int:
    """The status of a call expected to fail; 0 when it succeeded or never left the client."""
    try:
        call(**params)
    except ClientError as error:
        status = int(error.response["ResponseMetadata"]["HTTPStatusCode"])
        assert status < 500, error.response
        return status
    except ParamValidationError:
        return 0
    return 0


def _nothing_escaped(root: Path, before: set[Path]) -> None:
    assert _outside(root) == before
    for path in (root / "data").rglob("*"):
        assert path.resolve().is_relative_to((root / "data").resolve()), path
    assert not list(root.parent.glob("escape*")) and not list(root.glob("escape*"))


def test_s3_keys_that_climb_stay_keys(jail: tuple[Server, Path]) -> None:
    server, root = jail
    before = _outside(root)
    s3 = _client(server, "s3")
    s3.create_bucket(Bucket="jail-bucket")
    for index, key in enumerate(CLIMBS):
        s3.put_object(Bucket="jail-bucket", Key=key, Body=b"body %d" % index)
        assert s3.get_object(Bucket="jail-bucket", Key=key)["Body"].read() == b"body %d" % index
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket="jail-bucket")["Contents"]}
    assert listed == set(CLIMBS)
    _nothing_escaped(root, before)


def test_names_that_climb_are_refused(jail: tuple[Server, Path]) -> None:
    server, root = jail
    before = _outside(root)
    awslambda, logs, ddb = (_client(server, s) for s in ("lambda", "logs", "dynamodb"))
    for name in CLIMBS:
        assert _refused(awslambda.create_function, FunctionName=name, Runtime="python3.12",
                        Role="arn:aws:iam::000000000000:role/r", Handler="h.h",
                        Code={"ZipFile": _zip({"h.py": "def h(e, c): return 1"})}) in (0, 400, 404)
        assert _refused(awslambda.publish_layer_version, LayerName=name,
                        Content={"ZipFile": _zip({"x.py": ""})}) in (0, 400, 404)
        assert _refused(awslambda.get_layer_version, LayerName=name, VersionNumber=1) in \
            (0, 400, 404)
        # AWS's log group pattern takes dots and slashes: "../../escape" is a fine name there
        valid = re.fullmatch(r"[.\-_/#A-Za-z0-9]+", name) is not None
        assert _refused(logs.create_log_group, logGroupName=name) == (0 if valid else 400)
        assert _refused(ddb.create_table, TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}]) == 400
    _nothing_escaped(root, before)


def test_zip_slip_package_is_refused_without_writing(jail: tuple[Server, Path]) -> None:
    server, root = jail
    before = _outside(root)
    awslambda = _client(server, "lambda")
    package = _zip({"h.py": "def h(e, c):\n    return 1\n", "../../escape-zip.txt": "climbed",
                    "/tmp/escape-abs.txt": "absolute"})
    created = _refused(awslambda.create_function, FunctionName="zip-slip", Runtime="python3.12",
                       Role="arn:aws:iam::000000000000:role/r", Handler="h.h",
                       Code={"ZipFile": package})
    if created == 0:  # accepted at create (AWS checks only the size): refused when unpacked
        try:
            answer = awslambda.invoke(FunctionName="zip-slip", Payload=b"{}")
            assert answer.get("FunctionError") or answer["StatusCode"] < 500
        except ClientError as error:
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    _nothing_escaped(root, before)
    assert not Path("/tmp/escape-abs.txt").exists()


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()

"""Packages from S3 (how SAM, the CDK and Terraform deploy functions and layers), and the
Code.Location link GetFunction gives for downloading a package back."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import HELLO, ROLE, unique_name, zip_of

GREETER = HELLO.replace('"hello"', '"greeting"')


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


@pytest.fixture
def s3(client):  # type: ignore[no-untyped-def]
    return client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = unique_name("code")
    s3.create_bucket(Bucket=name)
    return name


def _sha(package: bytes) -> str:
    return base64.b64encode(hashlib.sha256(package).digest()).decode()


def _invoke(lam: Any, name: str) -> dict[str, Any]:
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    return dict(json.load(lam.invoke(FunctionName=name, Payload=b"{}")["Payload"]))


def test_a_function_created_and_updated_from_s3_runs_that_code(
        lam: Any, s3: Any, bucket: str) -> None:
    first, second = zip_of({"app.py": HELLO}), zip_of({"app.py": GREETER})
    s3.put_object(Bucket=bucket, Key="build/fn.zip", Body=first)
    name = unique_name()
    created = lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                  Handler="app.handler",
                                  Code={"S3Bucket": bucket, "S3Key": "build/fn.zip"})
    assert (created["CodeSha256"], created["CodeSize"]) == (_sha(first), len(first))
    assert _invoke(lam, name)["hello"] == "world"
    s3.put_object(Bucket=bucket, Key="build/fn.zip", Body=second)
    updated = lam.update_function_code(FunctionName=name, S3Bucket=bucket, S3Key="build/fn.zip")
    assert updated["CodeSha256"] == _sha(second)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert _invoke(lam, name)["greeting"] == "world"


def test_s3_object_version_picks_that_version(lam: Any, s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = zip_of({"app.py": HELLO})
    version = s3.put_object(Bucket=bucket, Key="fn.zip", Body=old)["VersionId"]
    s3.put_object(Bucket=bucket, Key="fn.zip", Body=zip_of({"app.py": GREETER}))
    created = lam.create_function(
        FunctionName=unique_name(), Runtime="python3.11", Role=ROLE, Handler="app.handler",
        Code={"S3Bucket": bucket, "S3Key": "fn.zip", "S3ObjectVersion": version})
    assert created["CodeSha256"] == _sha(old)


def test_a_missing_object_is_s3s_error_inside_lambdas(lam: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as refused:
        lam.create_function(FunctionName=unique_name(), Runtime="python3.11", Role=ROLE,
                            Handler="app.handler", Code={"S3Bucket": bucket, "S3Key": "nope.zip"})
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert error["Message"].startswith(
        "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message:")


def test_a_layer_published_from_s3(lam: Any, s3: Any, bucket: str) -> None:
    package = zip_of({"python/shared.py": "VALUE = 1\n"})
    s3.put_object(Bucket=bucket, Key="layer.zip", Body=package)
    layer = lam.publish_layer_version(LayerName=unique_name("layer"),
                                      Content={"S3Bucket": bucket, "S3Key": "layer.zip"})
    assert layer["Content"]["CodeSha256"] == _sha(package)


def test_code_location_downloads_the_package_and_nothing_else(lam: Any, endpoint: str) -> None:
    package = zip_of({"app.py": HELLO})
    name = unique_name()
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                        Handler="app.handler", Code={"ZipFile": package})
    location = lam.get_function(FunctionName=name)["Code"]["Location"]
    with urllib.request.urlopen(location, timeout=10) as answer:
        assert answer.read() == package
    for wrong in ("us-east-1_" + "0" * 32, "../../state.db", "us-east-1_zz"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{endpoint}/_pocketcloud/lambda/code/{wrong}", timeout=10)
        assert missing.value.code == 404

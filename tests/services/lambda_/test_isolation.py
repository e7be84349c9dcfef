"""Workers' isolation and packaging: sandbox, layers under /opt, custom runtimes, safe unzip."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from tests.services.lambda_.helpers import ROLE, create, unique_name, zip_of

from pocketcloud.runtime.lambda_.extract import UnsafePackage, extract_once

INSPECT = '''
import os
def handler(event, context):
    root = os.environ["LAMBDA_TASK_ROOT"]
    try:
        open(os.path.join(root, "written"), "w").close()
        code_writable = True
    except OSError:
        code_writable = False
    open("/tmp/mine", "w").write("x")
    return {"root": root, "code_writable": code_writable, "tmp": sorted(os.listdir("/tmp")),
            "var": sorted(os.listdir("/var"))}
'''

USE_LAYER = '''
import shared
def handler(event, context):
    return shared.VALUE
'''

CUSTOM_BOOTSTRAP = '''#!/usr/bin/env python3
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read())
    body = json.dumps({"custom": True, "echo": event}).encode()
    urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", body))
'''


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_worker_sees_only_its_own_code_and_tmp(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, INSPECT)
    first = json.loads(lam.invoke(FunctionName=name)["Payload"].read())
    assert "mine" in first["tmp"]
    if shutil.which("bwrap"):
        assert first["root"] == "/var/task"
        assert first["code_writable"] is False
        assert first["tmp"] == ["mine"]  # not the host's /tmp
        assert first["var"] == ["runtime", "task"]
    else:  # no sandbox: still a working directory and TMPDIR of its own
        assert first["root"] != "/var/task"


def test_layers_are_importable_from_opt(lam) -> None:  # type: ignore[no-untyped-def]
    layer = lam.publish_layer_version(
        LayerName=unique_name("layer"),
        Content={"ZipFile": zip_of({"python/shared.py": "VALUE = 'from the layer'"})})
    name = create(lam, USE_LAYER, Layers=[layer["LayerVersionArn"]])
    assert json.loads(lam.invoke(FunctionName=name)["Payload"].read()) == "from the layer"


def test_custom_runtime_bootstrap(lam) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("bootstrap")
        info.external_attr = 0o755 << 16
        archive.writestr(info, CUSTOM_BOOTSTRAP)
    name = unique_name()
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE,
                        Handler="unused", Code={"ZipFile": buffer.getvalue()})
    result = json.loads(lam.invoke(FunctionName=name, Payload=b'{"k": 1}')["Payload"].read())
    assert result == {"custom": True, "echo": {"k": 1}}


def test_extraction_refuses_paths_outside_the_package(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    evil.write_bytes(zip_of({"../escaped.py": "x"}))
    with pytest.raises(UnsafePackage):
        extract_once(evil, tmp_path / "code")
    assert not (tmp_path / "escaped.py").exists()
    assert not (tmp_path / "code").exists()


def test_extraction_bounds_the_unzipped_size(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(zip_of({"zeros": b"\0" * 2_000_000}))
    with pytest.raises(UnsafePackage):
        extract_once(bomb, tmp_path / "code", max_bytes=1_000_000)
    extract_once(bomb, tmp_path / "code")
    assert (tmp_path / "code" / "zeros").stat().st_size == 2_000_000

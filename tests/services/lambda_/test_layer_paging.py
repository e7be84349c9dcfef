"""ListLayers and ListLayerVersions page with Marker/MaxItems (1 to 50) and NextMarker."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import unique_name, zip_of

CONTENT = {"ZipFile": zip_of({"python/helper.py": "VALUE = 1\n"})}


@pytest.fixture
def lam(endpoint: str):  # type: ignore[no-untyped-def]
    # Without botocore's own checks, so that the server's answer to MaxItems=0 is seen.
    config = Config(retries={"max_attempts": 1}, parameter_validation=False)
    return boto3.client("lambda", region_name="us-east-1", endpoint_url=endpoint, config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_layer_versions_page_newest_first(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    for _ in range(5):
        lam.publish_layer_version(LayerName=name, Content=CONTENT)
    seen: list[int] = []
    params: dict[str, Any] = {"LayerName": name, "MaxItems": 2}
    while True:
        page = lam.list_layer_versions(**params)
        seen += [version["Version"] for version in page["LayerVersions"]]
        if "NextMarker" not in page:
            break
        params["Marker"] = page["NextMarker"]
    assert seen == [5, 4, 3, 2, 1]
    assert "NextMarker" not in lam.list_layer_versions(LayerName=name, MaxItems=5)


def test_more_than_fifty_versions_page(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    for _ in range(51):
        lam.publish_layer_version(LayerName=name, Content=CONTENT)
    first = lam.list_layer_versions(LayerName=name)
    assert len(first["LayerVersions"]) == 50 and first["NextMarker"]
    rest = lam.list_layer_versions(LayerName=name, Marker=first["NextMarker"])
    assert [v["Version"] for v in rest["LayerVersions"]] == [1]
    assert "NextMarker" not in rest
    paginated = lam.get_paginator("list_layer_versions").paginate(LayerName=name)
    assert sum(len(page["LayerVersions"]) for page in paginated) == 51


def test_layers_page_by_name(lam) -> None:  # type: ignore[no-untyped-def]
    prefix = unique_name("paged")
    names = [f"{prefix}-{i}" for i in range(3)]
    for name in names:
        lam.publish_layer_version(LayerName=name, Content=CONTENT, CompatibleRuntimes=["ruby3.2"])
    listed: list[str] = []
    params: dict[str, Any] = {"MaxItems": 1, "CompatibleRuntime": "ruby3.2"}
    while True:
        page = lam.list_layers(**params)
        listed += [layer["LayerName"] for layer in page["Layers"]]
        if "NextMarker" not in page:
            break
        params["Marker"] = page["NextMarker"]
    assert [name for name in listed if name.startswith(prefix)] == names


@pytest.mark.parametrize(("value", "constraint"), [
    (0, "Member must have value greater than or equal to 1"),
    (51, "Member must have value less than or equal to 50")])
def test_max_items_bounds(lam, value: int, constraint: str) -> None:  # type: ignore[no-untyped-def]
    for call, params in ((lam.list_layers, {}), (lam.list_layer_versions, {"LayerName": "x"})):
        with pytest.raises(ClientError) as raised:
            call(MaxItems=value, **params)
        error = raised.value.response["Error"]
        assert error["Code"] == "ValidationException"
        assert error["Message"] == (f"1 validation error detected: Value '{value}' at "
                                    f"'maxItems' failed to satisfy constraint: {constraint}")


def test_a_bad_version_marker_is_a_client_error(lam) -> None:  # type: ignore[no-untyped-def]
    for marker in ("abc", "9" * 40):
        try:
            lam.list_layer_versions(LayerName="x", Marker=marker)
        except ClientError as error:
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400

"""Layers: the shapes and errors of publishing, reading, listing and deleting versions."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import unique_name, zip_of
from tests.support import refusal

CONTENT = {"ZipFile": zip_of({"python/helper.py": "VALUE = 1\n"})}
LESS_THAN_ONE = ("InvalidParameterValueException", "Layer Version Cannot be less than 1", 400)


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_layer_content_shows_a_download_location(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    published = lam.publish_layer_version(LayerName=name, Content=CONTENT)
    assert published["Content"]["Location"].startswith("http")
    fetched = lam.get_layer_version(LayerName=name, VersionNumber=1)
    assert fetched["Content"] == published["Content"]
    by_arn = lam.get_layer_version_by_arn(Arn=published["LayerVersionArn"])
    assert by_arn["Content"] == published["Content"]
    listed = lam.list_layer_versions(LayerName=name)["LayerVersions"]
    assert "Content" not in listed[0]


def test_version_numbers_are_never_reused(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    lam.publish_layer_version(LayerName=name, Content=CONTENT)
    lam.publish_layer_version(LayerName=name, Content=CONTENT)
    lam.delete_layer_version(LayerName=name, VersionNumber=1)
    lam.delete_layer_version(LayerName=name, VersionNumber=2)
    assert lam.list_layer_versions(LayerName=name)["LayerVersions"] == []
    assert lam.publish_layer_version(LayerName=name, Content=CONTENT)["Version"] == 3


def test_version_below_one_is_an_invalid_parameter(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    lam.publish_layer_version(LayerName=name, Content=CONTENT)
    for number in (0, -1):
        assert refusal(lam.get_layer_version, LayerName=name, VersionNumber=number) == LESS_THAN_ONE
        assert refusal(lam.delete_layer_version, LayerName=name,
                       VersionNumber=number) == LESS_THAN_ONE
    lam.delete_layer_version(LayerName=name, VersionNumber=9)  # a missing version: no error
    code, message, status = refusal(lam.get_layer_version, LayerName=name, VersionNumber=2)
    assert (code, message, status) == ("ResourceNotFoundException",
                                       "The resource you requested does not exist.", 404)


def test_unversioned_arn_is_refused_with_the_models_pattern(lam) -> None:  # type: ignore[no-untyped-def]
    arn = f"arn:aws:lambda:us-east-1:000000000000:layer:{unique_name('layer')}"
    code, message, _ = refusal(lam.get_layer_version_by_arn, Arn=arn)
    assert code == "ValidationException"
    # the current model's pattern, as AWS quotes its own model
    model = lam.meta.service_model.operation_model("GetLayerVersionByArn")
    pattern = model.input_shape.members["Arn"].metadata["pattern"]
    assert message == (
        f"1 validation error detected: Value '{arn}' at 'arn' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}")


def test_publish_reports_bad_runtimes_and_architectures_together(lam) -> None:  # type: ignore[no-untyped-def]
    code, message, _ = refusal(lam.publish_layer_version, LayerName=unique_name("layer"),
                               Content=CONTENT, CompatibleRuntimes=["nope", "python3.12"],
                               CompatibleArchitectures=["sparc", "x86_64"])
    assert code == "ValidationException"
    assert message.startswith("2 validation errors detected: Value '[nope, python3.12]' at "
                              "'compatibleRuntimes' failed to satisfy constraint: Member must "
                              "satisfy enum value set: [python3.9, ")
    assert message.endswith("; Value '[sparc, x86_64]' at 'compatibleArchitectures' failed to "
                            "satisfy constraint: Member must satisfy constraint: [Member must "
                            "satisfy enum value set: [x86_64, arm64]]")
    code, message, _ = refusal(lam.publish_layer_version, LayerName=unique_name("layer"),
                               Content=CONTENT, CompatibleArchitectures=["sparc"])
    assert message.startswith("1 validation error detected: Value '[sparc]'")


def test_list_filters_are_checked_and_applied(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    lam.publish_layer_version(LayerName=name, Content=CONTENT, CompatibleRuntimes=["python3.12"],
                              CompatibleArchitectures=["arm64"])
    lam.publish_layer_version(LayerName=name, Content=CONTENT, CompatibleRuntimes=["nodejs20.x"])
    code, message, _ = refusal(lam.list_layers, CompatibleRuntime="cobol")
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'cobol' at 'compatibleRuntime' "
                              "failed to satisfy constraint: Member must satisfy enum value set:")
    code, message, _ = refusal(lam.list_layer_versions, LayerName=name,
                               CompatibleArchitecture="sparc")
    assert message == ("1 validation error detected: Value 'sparc' at 'compatibleArchitecture' "
                       "failed to satisfy constraint: Member must satisfy enum value set: "
                       "[x86_64, arm64]")
    mine = [layer for layer in lam.list_layers(CompatibleRuntime="python3.12")["Layers"]
            if layer["LayerName"] == name]
    assert mine[0]["LatestMatchingVersion"]["Version"] == 1
    versions = lam.list_layer_versions(LayerName=name, CompatibleRuntime="nodejs20.x")
    assert [v["Version"] for v in versions["LayerVersions"]] == [2]
    versions = lam.list_layer_versions(LayerName=name, CompatibleArchitecture="x86_64")
    assert versions["LayerVersions"] == []

"""Function management end to end through boto3: create, read, list, update, delete, versions."""

from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import HELLO, ROLE, create, unique_name, zip_of


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_create_function_reports_code_and_pending_state(lam) -> None:  # type: ignore[no-untyped-def]
    package = zip_of({"app.py": HELLO})
    name = unique_name()
    created = lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                  Handler="app.handler", Code={"ZipFile": package},
                                  Environment={"Variables": {"GREETING": "hi"}})
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert created["CodeSize"] == len(package)
    assert created["State"] == "Pending"
    assert created["MemorySize"] == 128 and created["Timeout"] == 3
    assert created["EphemeralStorage"] == {"Size": 512}
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert got["Configuration"]["Environment"] == {"Variables": {"GREETING": "hi"}}
    assert got["Code"]["Location"].startswith("http")
    lam.get_waiter("function_active_v2").wait(FunctionName=name)


def test_duplicate_and_missing_functions(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    with pytest.raises(ClientError) as error:
        create(lam, name=name)
    assert error.value.response["Error"]["Code"] == "ResourceConflictException"
    assert error.value.response["Error"]["Message"] == f"Function already exist: {name}"
    with pytest.raises(ClientError) as error:
        lam.get_function(FunctionName="no-such-function")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.value.response["Error"]["Message"] == (
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("options, code", [
    ({"MemorySize": 10241}, "ValidationException"),
    ({"Timeout": 901}, "ValidationException"),
    ({"EphemeralStorage": {"Size": 20000}}, "ValidationException"),
    ({"Runtime": "python2.7"}, "InvalidParameterValueException"),
    ({"Environment": {"Variables": {"AWS_REGION": "x"}}}, "InvalidParameterValueException"),
    ({"Environment": {"Variables": {"BIG": "x" * 5000}}}, "InvalidParameterValueException"),
    ({"Code": {"ZipFile": b"not a zip"}}, "InvalidParameterValueException"),
])
def test_invalid_configuration(lam, options, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as error:
        create(lam, **options)
    assert error.value.response["Error"]["Code"] == code


def test_list_functions_pages_with_marker(lam, client) -> None:  # type: ignore[no-untyped-def]
    regional = client("lambda", region_name="eu-north-1")
    names = sorted(create(regional) for _ in range(3))
    first = regional.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == names[:2]
    second = regional.list_functions(MaxItems=2, Marker=first["NextMarker"])
    assert [f["FunctionName"] for f in second["Functions"]] == names[2:]
    assert "NextMarker" not in second


def test_updates_versions_and_delete(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    updated = lam.update_function_configuration(FunctionName=name, MemorySize=256, Timeout=10)
    assert updated["LastUpdateStatus"] == "InProgress"
    v1 = lam.publish_version(FunctionName=name)
    assert v1["Version"] == "1" and v1["MemorySize"] == 256
    assert lam.publish_version(FunctionName=name)["Version"] == "1"  # nothing changed
    new_code = zip_of({"app.py": HELLO + "\n# v2\n"})
    code = lam.update_function_code(FunctionName=name, ZipFile=new_code, Publish=True)
    assert code["Version"] == "2"
    assert code["CodeSha256"] == base64.b64encode(hashlib.sha256(new_code).digest()).decode()
    versions = lam.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert lam.get_function(FunctionName=name, Qualifier="1")["Configuration"]["Version"] == "1"
    lam.delete_function(FunctionName=name, Qualifier="1")
    with pytest.raises(ClientError):
        lam.get_function_configuration(FunctionName=name, Qualifier="1")
    lam.delete_function(FunctionName=name)
    with pytest.raises(ClientError) as error:
        lam.get_function(FunctionName=name)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_aliases_with_routing(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)
    lam.update_function_code(FunctionName=name, ZipFile=zip_of({"app.py": HELLO + "#2"}),
                             Publish=True)
    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                             RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}})
    assert alias["AliasArn"].endswith(f":function:{name}:live")
    got = lam.get_alias(FunctionName=name, Name="live")
    assert got["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.25}}
    lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2",
                     RoutingConfig={"AdditionalVersionWeights": {}})
    assert lam.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == "2"
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]] == ["live"]
    config = lam.get_function_configuration(FunctionName=f"{name}:live")
    assert config["Version"] == "2"
    lam.delete_alias(FunctionName=name, Name="live")
    assert lam.list_aliases(FunctionName=name)["Aliases"] == []


def test_tags_permissions_and_concurrency(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Tags={"team": "a"})
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"env": "dev"})
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "a", "env": "dev"}
    lam.untag_resource(Resource=arn, TagKeys=["team"])
    assert lam.get_function(FunctionName=name)["Tags"] == {"env": "dev"}
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::bucket")
    with pytest.raises(ClientError) as error:
        lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                           Principal="s3.amazonaws.com")
    assert error.value.response["Error"]["Code"] == "ResourceConflictException"
    assert '"Service":"s3.amazonaws.com"' in lam.get_policy(FunctionName=name)["Policy"]
    lam.remove_permission(FunctionName=name, StatementId="s3")
    with pytest.raises(ClientError):
        lam.get_policy(FunctionName=name)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5
    lam.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)


def test_layers_publish_and_reference(lam) -> None:  # type: ignore[no-untyped-def]
    layer = lam.publish_layer_version(LayerName=unique_name("layer"),
                                      Content={"ZipFile": zip_of({"python/lib.py": "X = 1"})},
                                      CompatibleRuntimes=["python3.11"])
    assert layer["Version"] == 1
    name = create(lam, Layers=[layer["LayerVersionArn"]])
    config = lam.get_function_configuration(FunctionName=name)
    assert config["Layers"][0]["Arn"] == layer["LayerVersionArn"]
    with pytest.raises(ClientError) as error:
        create(lam, Layers=[layer["LayerVersionArn"][:-1] + "9"])
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"

"""Lambda's control plane answers as AWS recorded them (LocalStack's AWS-validated snapshots of
test_lambda_api): messages, codes and which members a response shows."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import HELLO, ROLE, create, unique_name, zip_of
from tests.support import refusal

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_get_of_a_missing_function_names_the_qualifier_asked_for(lam) -> None:  # type: ignore[no-untyped-def]
    for get in (lam.get_function, lam.get_function_configuration):
        assert refusal(get, FunctionName="some-function:$LATEST") == (
            "ResourceNotFoundException", f"Function not found: {ARN}some-function:$LATEST", 404)
        assert refusal(get, FunctionName="some-function", Qualifier="3") == (
            "ResourceNotFoundException", f"Function not found: {ARN}some-function:3", 404)
    # DeleteFunction names the function alone.
    assert refusal(lam.delete_function, FunctionName="some-function", Qualifier="1") == (
        "ResourceNotFoundException", f"Function not found: {ARN}some-function", 404)


def test_event_invoke_destinations_are_checked(lam) -> None:  # type: ignore[no-untyped-def]
    name, other = create(lam), create(lam)

    def put(**destinations: str) -> tuple[str, str, int]:
        config = {k: {"Destination": v} for k, v in destinations.items()}
        return refusal(lam.put_function_event_invoke_config, FunctionName=name,
                       DestinationConfig=config)

    invalid = "InvalidParameterValueException"
    assert put(OnSuccess=f"{ARN}doesnotexist") == (
        invalid, f"The destination ARN {ARN}doesnotexist is invalid.", 400)
    assert put(OnFailure=f"{ARN}{name}") == (
        invalid, "You can't specify the function as a destination for itself.", 400)
    iam = f"arn:aws:iam:us-east-1:000000000000:function:{name}"
    assert put(OnSuccess=iam) == (
        invalid, f"The provided destination config DestinationConfig(onSuccess=OnSuccess("
        f"destination={iam}), onFailure=null) is invalid.", 400)
    answer = lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": f"{ARN}{other}"}})
    assert answer["DestinationConfig"] == {"OnSuccess": {"Destination": f"{ARN}{other}"},
                                           "OnFailure": {}}


def test_provisioned_concurrency_names_its_missing_target(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    get, delete = lam.get_provisioned_concurrency_config, lam.delete_provisioned_concurrency_config
    for call in (get, delete):
        assert refusal(call, FunctionName="doesnotexist", Qualifier="noalias") == (
            "ResourceNotFoundException", f"Cannot find alias arn: {ARN}doesnotexist:noalias", 404)
        assert refusal(call, FunctionName=name, Qualifier="10") == (
            "ResourceNotFoundException", f"Function not found: {ARN}{name}:10", 404)
        assert refusal(call, FunctionName=name, Qualifier="$LATEST") == (
            "InvalidParameterValueException",
            "The function resource provided must be an alias or a published version.", 400)
    assert refusal(lam.put_provisioned_concurrency_config, FunctionName="doesnotexist",
                   Qualifier="1", ProvisionedConcurrentExecutions=1) == (
        "ResourceNotFoundException", f"Function not found: {ARN}doesnotexist:1", 404)
    delete(FunctionName=name, Qualifier="1")  # nothing configured: still 204


def test_a_version_is_provisioned_directly_or_through_one_alias(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    put = lam.put_provisioned_concurrency_config
    put(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    assert refusal(put, FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1) == (
        "ResourceConflictException", "Alias can't be used for Provisioned Concurrency "
        "configuration on an already Provisioned version", 409)
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    put(FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1)
    assert refusal(put, FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1) == (
        "ResourceConflictException", "Version is pointed by a Provisioned Concurrency alias", 409)


def test_tagging_gives_the_function_a_new_revision(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    revisions = [lam.get_function(FunctionName=name)["Configuration"]["RevisionId"]]
    lam.tag_resource(Resource=f"{ARN}{name}", Tags={"a": "1"})
    revisions.append(lam.get_function(FunctionName=name)["Configuration"]["RevisionId"])
    lam.untag_resource(Resource=f"{ARN}{name}", TagKeys=["a"])
    revisions.append(lam.get_function(FunctionName=name)["Configuration"]["RevisionId"])
    assert len(set(revisions)) == 3


def test_url_config_answers_show_invoke_mode_only_when_set(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert "InvokeMode" not in created and "LastModifiedTime" not in created
    updated = lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert "InvokeMode" not in updated and "LastModifiedTime" in updated
    assert lam.get_function_url_config(FunctionName=name)["InvokeMode"] == "BUFFERED"
    streamed = lam.update_function_url_config(FunctionName=name, InvokeMode="RESPONSE_STREAM")
    assert streamed["InvokeMode"] == "RESPONSE_STREAM"


def test_a_description_update_is_published_as_a_new_version(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    first = lam.publish_version(FunctionName=name, Description="First version")
    assert (first["Version"], first["Description"]) == ("1", "First version")
    lam.update_function_configuration(FunctionName=name, Description="Second version")
    second = lam.publish_version(FunctionName=name)
    assert (second["Version"], second["Description"]) == ("2", "Second version")
    again = lam.publish_version(FunctionName=name)  # nothing changed: version 2 again, 201
    assert again["Version"] == "2" and again["RevisionId"] == second["RevisionId"]
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201


def test_list_functions_of_all_versions_qualifies_latest(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)

    def arns(**params: str) -> list[str]:
        pages = lam.get_paginator("list_functions").paginate(**params)
        return [f["FunctionArn"] for page in pages for f in page["Functions"]
                if f["FunctionName"] == name]

    assert arns(FunctionVersion="ALL") == [f"{ARN}{name}:$LATEST", f"{ARN}{name}:1"]
    assert arns() == [f"{ARN}{name}"]


def test_layer_compatibility_lists_are_shown_as_given(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name("layer")
    content = {"ZipFile": zip_of({"python/lib.py": "X = 1\n"})}
    bare = lam.publish_layer_version(LayerName=name, Content=content)
    assert "CompatibleRuntimes" not in bare and "CompatibleArchitectures" not in bare
    empty = lam.publish_layer_version(LayerName=name, Content=content, CompatibleRuntimes=[],
                                      CompatibleArchitectures=["x86_64"])
    assert (empty["CompatibleRuntimes"], empty["CompatibleArchitectures"]) == ([], ["x86_64"])
    listed = lam.list_layer_versions(LayerName=name, CompatibleArchitecture="x86_64")
    assert [v["Version"] for v in listed["LayerVersions"]] == [2]
    got = lam.get_layer_version(LayerName=name, VersionNumber=1)
    assert "CompatibleRuntimes" not in got


def test_function_layers_are_checked_as_aws_checks_them(lam) -> None:  # type: ignore[no-untyped-def]
    layer = unique_name("layer")
    content = {"ZipFile": zip_of({"python/lib.py": "X = 1\n"})}
    first = lam.publish_layer_version(LayerName=layer, Content=content)["LayerVersionArn"]
    second = lam.publish_layer_version(LayerName=layer, Content=content)["LayerVersionArn"]
    name = create(lam)

    def refused(*layers: str) -> tuple[str, str, int]:
        return refusal(lam.update_function_configuration, FunctionName=name, Layers=list(layers))

    for pair in ((first, second), (first, first)):
        assert refused(*pair) == (
            "InvalidParameterValueException", "Two different versions of the same layer are "
            "not allowed to be referenced in the same function. "
            f"{pair[0]} and {pair[1]} are versions of the same layer.", 400)
    assert refused(first.replace("us-east-1", "eu-west-1")) == (
        "InvalidParameterValueException", "Layers are not in the same region as the function. "
        "Layers are expected to be in region us-east-1.", 400)
    unversioned = first.rsplit(":", 1)[0]
    code, message, _ = refused(unversioned)
    assert code == "ValidationException"
    assert f"Value '[{unversioned}]' at 'layers' failed to satisfy constraint" in message
    assert lam.update_function_configuration(FunctionName=name, Layers=[second])["Layers"][0][
        "Arn"] == second


def test_a_finished_change_has_a_new_revision(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    created = lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                                  Handler="app.handler",
                                  Code={"ZipFile": zip_of({"app.py": HELLO})})
    active = lam.get_function(FunctionName=name)["Configuration"]["RevisionId"]
    assert created["RevisionId"] != active
    updated = lam.update_function_configuration(FunctionName=name, Timeout=10)
    successful = lam.get_function_configuration(FunctionName=name)["RevisionId"]
    assert updated["RevisionId"] not in (active, successful)
    code = lam.update_function_code(FunctionName=name, ZipFile=zip_of({"app.py": HELLO + "\n"}))
    assert code["RevisionId"] != lam.get_function(FunctionName=name)["Configuration"]["RevisionId"]
    assert refusal(lam.update_function_configuration, FunctionName=name, Timeout=5,
                   RevisionId=code["RevisionId"])[0] == "PreconditionFailedException"


def test_publishing_gives_latest_a_new_revision(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    before = lam.get_function(FunctionName=name)["Configuration"]["RevisionId"]
    published = lam.publish_version(FunctionName=name)
    after = lam.get_function(FunctionName=name)["Configuration"]["RevisionId"]
    assert len({before, published["RevisionId"], after}) == 3
    lam.publish_version(FunctionName=name)  # nothing new to publish: nothing changes
    assert lam.get_function(FunctionName=name)["Configuration"]["RevisionId"] == after


def test_snap_start_is_kept_and_checked(lam) -> None:  # type: ignore[no-untyped-def]
    on = {"ApplyOn": "PublishedVersions"}
    assert refusal(lam.create_function, FunctionName=unique_name(), Runtime="python3.9",
                   Role=ROLE, Handler="app.handler", SnapStart=on,
                   Code={"ZipFile": zip_of({"app.py": HELLO})}) == (
        "InvalidParameterValueException",
        "python3.9 is not supported for SnapStart enabled functions.", 400)
    name = create(lam, Runtime="python3.12")
    updated = lam.update_function_configuration(FunctionName=name, SnapStart=on)
    assert updated["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}
    version = lam.publish_version(FunctionName=name)
    assert version["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    assert lam.publish_version(FunctionName=name)["Version"] == version["Version"]
    latest = lam.get_function_configuration(FunctionName=name)
    assert latest["SnapStart"]["OptimizationStatus"] == "Off"


def test_provisioned_concurrency_comes_out_of_unreserved_concurrency(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, Publish=True)
    put = lam.put_provisioned_concurrency_config
    code, message, _ = refusal(put, FunctionName=name, Qualifier="1",
                               ProvisionedConcurrentExecutions=1_000_000)
    prefix = "Specified ConcurrentExecutions for function is greater than account's unreserved "
    assert code == "InvalidParameterValueException" and message.startswith(prefix)
    unreserved = int(message.removeprefix(prefix + "concurrency [").removesuffix("].") or 0)
    assert refusal(put, FunctionName=name, Qualifier="1",
                   ProvisionedConcurrentExecutions=unreserved - 50)[:2] == (
        "InvalidParameterValueException", "Specified ConcurrentExecutions for function "
        "decreases account's UnreservedConcurrentExecution below its minimum value of [100].")


def test_vpc_config_shows_every_member(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam, VpcConfig={"SubnetIds": ["subnet-0abc"], "SecurityGroupIds": ["sg-0abc"]})
    shown = lam.get_function_configuration(FunctionName=name)["VpcConfig"]
    assert shown["Ipv6AllowedForDualStack"] is False and shown["SubnetIds"] == ["subnet-0abc"]
    cleared = lam.update_function_configuration(
        FunctionName=name, VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})["VpcConfig"]
    assert cleared == {"Ipv6AllowedForDualStack": False, "SecurityGroupIds": [],
                       "SubnetIds": [], "VpcId": ""}

"""What each function operation shows, as AWS shows it: states, ARNs, listed fields."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from tests.services.lambda_.helpers import create, unique_name, zip_of


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def _arn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:000000000000:function:{name}"


def test_create_answer_has_no_update_status_and_names_its_runtime_version(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    created = lam.create_function(FunctionName=name, Runtime="python3.12",
                                  Role="arn:aws:iam::000000000000:role/r", Handler="app.handler",
                                  Code={"ZipFile": zip_of({"app.py": "def handler(e, c): pass"})})
    assert "LastUpdateStatus" not in created
    assert (created["State"], created["StateReasonCode"]) == ("Pending", "Creating")
    runtime_arn = created["RuntimeVersionConfig"]["RuntimeVersionArn"]
    assert runtime_arn.startswith("arn:aws:lambda:us-east-1::runtime:")
    got = lam.get_function_configuration(FunctionName=name)
    assert got["RuntimeVersionConfig"]["RuntimeVersionArn"] == runtime_arn
    assert got["LastUpdateStatus"] == "Successful"


def test_create_with_publish_answers_the_new_version_on_the_unqualified_arn(lam) -> None:  # type: ignore[no-untyped-def]
    name = unique_name()
    created = lam.create_function(FunctionName=name, Runtime="python3.11",
                                  Role="arn:aws:iam::000000000000:role/r", Handler="app.handler",
                                  Code={"ZipFile": zip_of({"app.py": "x = 1"})}, Publish=True)
    assert created["Version"] == "1"
    assert created["FunctionArn"] == _arn(name)
    assert created["State"] == "Pending"


def test_update_code_with_publish_answers_the_pending_version(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    updated = lam.update_function_code(FunctionName=name, Publish=True,
                                       ZipFile=zip_of({"app.py": "y = 2"}))
    assert (updated["Version"], updated["FunctionArn"]) == ("1", f"{_arn(name)}:1")
    assert updated["State"] == "Pending" and "LastUpdateStatus" not in updated


def test_a_qualifier_names_the_configuration_it_shows(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    latest = lam.get_function_configuration(FunctionName=name, Qualifier="$LATEST")
    assert latest["FunctionArn"] == f"{_arn(name)}:$LATEST"
    assert lam.get_function_configuration(FunctionName=name)["FunctionArn"] == _arn(name)
    aliased = lam.get_function(FunctionName=name, Qualifier="live")["Configuration"]
    assert (aliased["FunctionArn"], aliased["Version"]) == (f"{_arn(name)}:live", "1")


def test_lists_leave_out_states_and_runtime_versions(lam) -> None:  # type: ignore[no-untyped-def]
    name = create(lam)
    lam.publish_version(FunctionName=name)
    versions = lam.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["FunctionArn"] for v in versions] == [f"{_arn(name)}:$LATEST", f"{_arn(name)}:1"]
    pages = lam.get_paginator("list_functions").paginate()  # the shared server has many
    listed = [f for page in pages for f in page["Functions"] if f["FunctionName"] == name]
    for shown in versions + listed:
        assert not {"State", "LastUpdateStatus", "RuntimeVersionConfig"} & set(shown)
    assert listed[0]["FunctionArn"] == _arn(name)


def test_a_function_of_another_region_is_not_found(lam) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as error:
        lam.get_function(FunctionName="arn:aws:lambda:eu-west-1:000000000000:function:f")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error.value.response["Error"]["Message"] == (
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')")

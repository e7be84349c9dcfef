"""UpdateTable's, the table class's and tagging's refusals in the words AWS answers them
(texts observed from DynamoDB), and the TableClassSummary an UpdateTable leaves."""

from __future__ import annotations

from typing import Any

import pytest
from tests.services.dynamodb.conftest import unique
from tests.support import refused

_ALL_UPDATES = (
    "ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
    "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, "
    "{mrc}DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass"
)
_INVALID = "One or more parameter values were invalid: "
_BAD_CLASS = (
    "Invalid table-class parameter provided. Please try again with a valid table-class value: "
    "[STANDARD, STANDARD_INFREQUENT_ACCESS]."
)


@pytest.fixture
def provisioned(ddb: Any) -> tuple[str, str]:
    """A provisioned table's (name, ARN)."""
    name = unique()
    created = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    return name, created["TableDescription"]["TableArn"]


def test_update_table_without_a_change_names_what_could_change(
    ddb: Any, provisioned: tuple[str, str]
) -> None:
    name, _ = provisioned
    expected = f"At least one of {_ALL_UPDATES.format(mrc='MultiRegionConsistency, ')} is required"
    assert refused(ddb.update_table, TableName=name) == ("ValidationException", expected)
    only_definitions = refused(
        ddb.update_table, TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )  # fmt: skip
    assert only_definitions == ("ValidationException", expected)
    # A consistency mode alone changes nothing either; the list leaves out what was sent.
    alone = refused(ddb.update_table, TableName=name, MultiRegionConsistency="EVENTUAL")
    assert alone == ("ValidationException",
                     f"At least one of {_ALL_UPDATES.format(mrc='')} is required")  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "alone"),
    [
        ({"SSESpecification": {"Enabled": True}, "DeletionProtectionEnabled": True},
         "Server-Side Encryption modification"),
        ({"TableClass": "STANDARD_INFREQUENT_ACCESS",
          "ProvisionedThroughput": {"ReadCapacityUnits": 6, "WriteCapacityUnits": 6}},
         "TableClass modification"),
        ({"DeletionProtectionEnabled": True, "BillingMode": "PAY_PER_REQUEST"},
         "DeletionProtection modification"),
        ({"ReplicaUpdates": [{"Create": {"RegionName": "us-west-2"}}],
          "ProvisionedThroughput": {"ReadCapacityUnits": 6, "WriteCapacityUnits": 6}},
         "Replica modification"),
    ],
)  # fmt: skip
def test_changes_made_only_alone_are_refused_with_others(
    ddb: Any, provisioned: tuple[str, str], changes: dict[str, Any], alone: str
) -> None:
    name, _ = provisioned
    assert refused(ddb.update_table, TableName=name, **changes) == (
        "ValidationException", f"{_INVALID}{alone} must be the only operation in the request"
    )
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is False


def test_stream_enabled_twice_or_disabled_when_absent_names_the_table(
    ddb: Any, provisioned: tuple[str, str]
) -> None:
    name, _ = provisioned
    off = refused(ddb.update_table, TableName=name, StreamSpecification={"StreamEnabled": False})
    assert off == ("ValidationException", f"Table has no stream to disable: TableName: {name}")
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    ddb.update_table(TableName=name, StreamSpecification=spec)
    again = refused(ddb.update_table, TableName=name, StreamSpecification=spec)
    assert again == ("ValidationException",
                     f"Table already has an enabled stream: TableName: {name}")  # fmt: skip


def test_table_class_refused_in_its_own_words(ddb: Any, provisioned: tuple[str, str]) -> None:
    name, _ = provisioned
    for table_class in ("standard", "junk"):
        created = refused(
            ddb.create_table, TableName=unique(), BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            TableClass=table_class,
        )  # fmt: skip
        assert created == ("ValidationException", _BAD_CLASS)
        updated = refused(ddb.update_table, TableName=name, TableClass=table_class)
        assert updated == ("ValidationException", _BAD_CLASS)


def test_table_class_change_is_dated_in_its_summary(ddb: Any, make_table: Any) -> None:
    name = make_table(TableClass="STANDARD")
    assert ddb.describe_table(TableName=name)["Table"]["TableClassSummary"] == {
        "TableClass": "STANDARD"
    }  # created with a class: shown, but not dated
    answer = ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")
    summary = answer["TableDescription"]["TableClassSummary"]
    assert summary["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert "LastUpdateDateTime" in summary
    assert ddb.describe_table(TableName=name)["Table"]["TableClassSummary"] == summary


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([{"Key": "aws:owner", "Value": "x"}],
         "Tag Key cannot be prefixed with aws:, Key: aws:owner"),
        ([{"Key": "a#b", "Value": "x"}], "The Tag Key provided is invalid, Key: a#b"),
        ([{"Key": "k" * 129, "Value": "x"}], f"The Tag Key provided is invalid, Key: {'k' * 129}"),
        ([{"Key": "team", "Value": "x!"}], "The Tag Value provided is invalid, Value: x!"),
        ([{"Key": "team", "Value": "a"}, {"Key": "team", "Value": "b"}],
         "Duplicate Tag Keys provided as input: Duplicate Tag Key found team"),
        ([{"Key": f"k{i}", "Value": "v"} for i in range(51)],
         "Number of Tags exceed the current limit for the provided ResourceArn"),
    ],
)  # fmt: skip
def test_bad_tags_refused_by_tag_resource_and_create_table(
    ddb: Any, provisioned: tuple[str, str], tags: list[dict[str, str]], message: str
) -> None:
    _, arn = provisioned
    assert refused(ddb.tag_resource, ResourceArn=arn, Tags=tags) == ("ValidationException",
                                                                        message)  # fmt: skip
    created = refused(
        ddb.create_table, TableName=unique(), BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], Tags=tags,
    )  # fmt: skip
    assert created == ("ValidationException", message)
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_tag_limit_counts_the_tags_already_there(ddb: Any, provisioned: tuple[str, str]) -> None:
    _, arn = provisioned
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "again"}])  # replaces
    extra = refused(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "k50", "Value": "v"}])
    assert extra == ("ValidationException",
                     "Number of Tags exceed the current limit for the provided ResourceArn")
    assert len(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]) == 50


def test_empty_tag_lists_refused(raw_ddb: Any, provisioned: tuple[str, str]) -> None:
    _, arn = provisioned
    assert refused(raw_ddb.tag_resource, ResourceArn=arn, Tags=[]) == (
        "ValidationException", "Atleast one Tag needs to be provided as Input."
    )
    assert refused(raw_ddb.untag_resource, ResourceArn=arn, TagKeys=[]) == (
        "ValidationException", "Atleast one Tag Key needs to be provided as Input."
    )


def test_tags_in_any_script_with_dynamodb_punctuation_accepted(
    ddb: Any, provisioned: tuple[str, str]
) -> None:
    _, arn = provisioned
    tags = [{"Key": "Équipe fr_1", "Value": ""}, {"Key": "a+b-c=d.e:f/g", "Value": "日本 1.0"}]
    ddb.tag_resource(ResourceArn=arn, Tags=tags)
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == tags

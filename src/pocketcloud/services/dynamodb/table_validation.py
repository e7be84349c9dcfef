"""CreateTable and UpdateTable input checks, with DynamoDB's ValidationException messages."""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.services.dynamodb.values import invalid, invalid_parameter

TABLE_NAME_PATTERN = re.compile(r"[a-zA-Z0-9_.\-]+")
MAX_GLOBAL_INDEXES = 20
MAX_LOCAL_INDEXES = 5
MAX_PROJECTED_ATTRIBUTES = 100
MAX_CAPACITY_UNITS = 40000
CAPACITY_UNITS_BOUND = 1_000_000_000_000  # above it DynamoDB calls a value out of bounds
TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")


def check_table_name(name: str, field: str = "tableName") -> None:
    if not 3 <= len(name) <= 255:
        raise invalid(
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy "
            "constraint: Member must have length between 3 and 255"
        )
    if not TABLE_NAME_PATTERN.fullmatch(name):
        raise invalid(
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        )


def check_key_schema(schema: list[dict[str, str]], types: dict[str, str], what: str) -> None:
    """A table's or an index's KeySchema, its checks in the order DynamoDB answers them
    (dynalite's createTable tests, recorded against DynamoDB)."""
    if not 1 <= len(schema) <= 2:
        raise invalid(
            f"1 validation error detected: Value '{schema}' at 'keySchema' failed to satisfy "
            "constraint: Member must have length "
            + ("greater than or equal to 1" if not schema else "less than or equal to 2")
        )
    keys = [k["AttributeName"] for k in schema]
    undefined = any(key not in types for key in keys)
    same = len(keys) == 2 and keys[0] == keys[1]
    if what == "table" and len(keys) == 2 and (undefined or (same and len(types) == 1)):
        # A table's two-element KeySchema has its own, terser refusal.
        raise invalid("Invalid KeySchema: Some index key attribute have no definition")
    if undefined:
        raise invalid_parameter(
            f"Some index key attributes are not defined in AttributeDefinitions. Keys: "
            f"[{', '.join(keys)}], AttributeDefinitions: [{', '.join(types)}]"
        )
    if same:
        raise invalid(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if schema[0].get("KeyType") != "HASH":
        raise invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2 and schema[1].get("KeyType") != "RANGE":
        raise invalid("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")


def attribute_types(definitions: list[dict[str, str]]) -> dict[str, str]:
    types: dict[str, str] = {}
    for definition in definitions:
        name, kind = definition["AttributeName"], definition["AttributeType"]
        if kind not in ("S", "N", "B"):
            raise invalid(
                f"1 validation error detected: Value '{kind}' at "
                "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [B, N, S]"
            )
        if name in types:
            raise invalid_parameter("Cannot have two attributes with the same name")
        types[name] = kind
    return types


def check_billing(params: dict[str, Any]) -> str:
    mode = params.get("BillingMode") or "PROVISIONED"
    throughput = params.get("ProvisionedThroughput")
    if mode == "PAY_PER_REQUEST" and throughput is not None:
        raise invalid_parameter(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
            "is PAY_PER_REQUEST"
        )
    if mode == "PROVISIONED":
        if throughput is None:
            raise invalid_parameter(
                "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                "BillingMode is PROVISIONED"
            )
        check_throughput(throughput)
    return mode


def check_throughput(throughput: dict[str, int]) -> None:
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        units = throughput.get(member)
        if units is None or units < 1:
            raise invalid_parameter(f"{member} must be greater than 0; {member}: {units}")
        if units > CAPACITY_UNITS_BOUND:  # dynalite's tests record DynamoDB's words
            raise invalid(f"Given value {units} for {member} is out of bounds")


def check_projection(projection: dict[str, Any], index_name: str) -> None:
    kind = projection.get("ProjectionType")
    attributes = projection.get("NonKeyAttributes")
    if kind is None:
        raise invalid_parameter("Unknown ProjectionType: null")
    if kind == "INCLUDE" and not attributes:
        raise invalid_parameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if kind != "INCLUDE" and attributes:
        raise invalid_parameter(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if attributes and len(attributes) > MAX_PROJECTED_ATTRIBUTES:
        raise invalid_parameter(
            "Cannot have more than 100 attributes in all projections; index: " + index_name
        )


def check_indexes(params: dict[str, Any], types: dict[str, str], mode: str) -> None:
    """Local indexes, then global ones, each index in turn and each list's count last, as
    DynamoDB orders its refusals (dynalite's createTable tests, recorded against DynamoDB)."""
    table_schema = params["KeySchema"]
    globals_ = params.get("GlobalSecondaryIndexes")
    locals_ = params.get("LocalSecondaryIndexes")
    names: set[str] = set()
    if locals_ is not None:
        if not locals_:
            raise invalid_parameter("List of LocalSecondaryIndexes is empty")
        if len(table_schema) < 2:
            raise invalid_parameter(
                "Table KeySchema does not have a range key, which is required when specifying a "
                "LocalSecondaryIndex"
            )
        for index in locals_:
            _check_local_index(index, table_schema, types)
            _check_index_name(index["IndexName"], names)
        if len(locals_) > MAX_LOCAL_INDEXES:
            raise invalid_parameter("Number of LocalSecondaryIndexes exceeds per-table limit of 5")
    if globals_ is not None:
        if not globals_:
            raise invalid_parameter("List of GlobalSecondaryIndexes is empty")
        for index in globals_:
            check_key_schema(index["KeySchema"], types, "index")
            check_projection(index.get("Projection") or {}, index["IndexName"])
            _check_index_name(index["IndexName"], names)
            check_global_index_billing(index, mode)
        if len(globals_) > MAX_GLOBAL_INDEXES:
            raise invalid_parameter("GlobalSecondaryIndex count exceeds the per-table limit of 20")


def _check_local_index(
    index: dict[str, Any], table_schema: list[dict[str, str]], types: dict[str, str]
) -> None:
    name = index["IndexName"]
    schema = index["KeySchema"]
    check_key_schema(schema, types, "index")
    if len(schema) < 2:
        raise invalid_parameter(f"Index KeySchema does not have a range key for index: {name}")
    index_hash, table_hash = schema[0]["AttributeName"], table_schema[0]["AttributeName"]
    if index_hash != table_hash:
        raise invalid_parameter(
            "Index KeySchema does not have the same leading hash key as table KeySchema "
            f"for index: {name}. index hash key: {index_hash}, table hash key: {table_hash}"
        )
    check_projection(index.get("Projection") or {}, name)


def _check_index_name(name: str, names: set[str]) -> None:
    if name in names:
        raise invalid_parameter(f"Duplicate index name: {name}")
    names.add(name)


def check_global_index_billing(index: dict[str, Any], mode: str) -> None:
    throughput = index.get("ProvisionedThroughput")
    if mode == "PROVISIONED":
        if throughput is None:
            raise invalid_parameter(
                "ProvisionedThroughput should not be null for index: " + index["IndexName"]
            )
        check_throughput(throughput)
    elif throughput is not None:
        raise invalid_parameter(
            "ProvisionedThroughput should not be specified for index: "
            + index["IndexName"]
            + " when BillingMode is PAY_PER_REQUEST"
        )


def check_defined_attributes_used(params: dict[str, Any], types: dict[str, str]) -> None:
    used = {k["AttributeName"] for k in params["KeySchema"]}
    for member in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in params.get(member) or ():
            used |= {k["AttributeName"] for k in index["KeySchema"]}
    if set(types) != used:
        raise invalid_parameter(
            "Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions"
        )


def check_stream_specification(spec: dict[str, Any] | None) -> None:
    if spec and spec.get("StreamEnabled") and not spec.get("StreamViewType"):
        raise invalid_parameter("StreamViewType is required when StreamEnabled is true")
    if spec and not spec.get("StreamEnabled") and spec.get("StreamViewType"):
        raise invalid_parameter("StreamViewType cannot be specified when StreamEnabled is false")


# DynamoDB words its tag refusals without the usual 'One or more parameter values were invalid'
# prefix (texts as AWS answers them).
TAGS_PER_RESOURCE_MAX = 50
TAG_KEY_LENGTH_MAX = 128
TAG_VALUE_LENGTH_MAX = 256
# Letters, digits and whitespace in any script, and + - = . _ : / (DynamoDB's tagging rules).
_TAG_TEXT = re.compile(r"[\w\s+\-=.:/]*")


def check_tags(tags: list[dict[str, Any]]) -> None:
    """Each tag's key and value, then duplicate keys, in the order DynamoDB refuses them."""
    seen: set[str] = set()
    for tag in tags:
        key: Any = tag.get("Key")
        value: Any = tag.get("Value")
        if not _valid_text(key, 1, TAG_KEY_LENGTH_MAX):
            raise invalid(f"The Tag Key provided is invalid, Key: {key}")
        if key.startswith("aws:"):
            raise invalid(f"Tag Key cannot be prefixed with aws:, Key: {key}")
        if not _valid_text(value, 0, TAG_VALUE_LENGTH_MAX):
            shown = "null" if value is None else value
            raise invalid(f"The Tag Value provided is invalid, Value: {shown}")
        if key in seen:
            raise invalid(f"Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}")
        seen.add(key)


def check_tag_count(count: int) -> None:
    if count > TAGS_PER_RESOURCE_MAX:
        raise invalid("Number of Tags exceed the current limit for the provided ResourceArn")


def _valid_text(text: Any, low: int, high: int) -> bool:
    return (
        isinstance(text, str)
        and low <= len(text) <= high
        and _TAG_TEXT.fullmatch(text) is not None
    )


def check_table_class(table_class: Any) -> None:
    """CreateTable's and UpdateTable's own words for a class that is not one (not the model's
    enum message)."""
    if table_class is not None and table_class not in TABLE_CLASSES:
        raise invalid(
            "Invalid table-class parameter provided. Please try again with a valid table-class "
            f"value: [{', '.join(TABLE_CLASSES)}]."
        )

"""Request members outside their spec's constraints (enums, ranges, lengths, patterns):
DynamoDB's '1 validation error detected' messages, every broken constraint listed."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from tests.services.dynamodb.conftest import error_of

KEY = {"pk": {"S": "k"}}
RETURN_VALUES = "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"


def _refused(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


@pytest.mark.parametrize(
    ("operation", "extra", "problem"),
    [
        ("put_item", {"Item": KEY, "ReturnValues": "ALL"},
         f"Value 'ALL' at 'returnValues' failed to satisfy constraint: Member must satisfy enum "
         f"value set: {RETURN_VALUES}"),
        ("get_item", {"Key": KEY, "ReturnConsumedCapacity": "hi"},
         "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must "
         "satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        ("delete_item", {"Key": KEY, "ReturnItemCollectionMetrics": "hi"},
         "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must "
         "satisfy enum value set: [SIZE, NONE]"),
        ("scan", {"Select": "ALL"},
         "Value 'ALL' at 'select' failed to satisfy constraint: Member must satisfy enum value "
         "set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"),
        ("scan", {"ScanFilter": {}, "ConditionalOperator": "AN"},
         "Value 'AN' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy "
         "enum value set: [OR, AND]"),
        ("scan", {"Segment": -1, "TotalSegments": 2},
         "Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater "
         "than or equal to 0"),
        ("scan", {"Segment": 0, "TotalSegments": 1000001},
         "Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have "
         "value less than or equal to 1000000"),
        ("scan", {"AttributesToGet": []},
         "Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length "
         "greater than or equal to 1"),
        ("scan", {"IndexName": "a" * 256},
         f"Value '{'a' * 256}' at 'indexName' failed to satisfy constraint: Member must have "
         "length less than or equal to 255"),
    ],
)  # fmt: skip
def test_one_broken_constraint(
    raw_ddb: Any, make_table: Any, operation: str, extra: dict[str, Any], problem: str
) -> None:
    assert _refused(getattr(raw_ddb, operation), TableName=make_table(range=None), **extra) == (
        "ValidationException",
        "1 validation error detected: " + problem,
    )


def test_every_broken_constraint_is_listed(raw_ddb: Any, make_table: Any) -> None:
    pattern = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    assert _refused(raw_ddb.scan, TableName=make_table(range=None), IndexName="a;",
                    ReturnConsumedCapacity="hi") == (  # fmt: skip
        "ValidationException",
        "3 validation errors detected: "
        f"Value 'a;' at 'indexName' failed to satisfy constraint: {pattern}; "
        "Value 'a;' at 'indexName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 3; "
        "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must "
        "satisfy enum value set: [INDEXES, TOTAL, NONE]",
    )


def test_constraints_are_checked_before_the_table_is_looked_up(raw_ddb: Any) -> None:
    code, message = _refused(raw_ddb.get_item, TableName="no-such-table", Key=KEY,
                             ReturnConsumedCapacity="hi")  # fmt: skip
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'hi'")


@pytest.mark.parametrize("operation", ["put_item", "delete_item"])
@pytest.mark.parametrize("wanted", ["UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])
def test_put_and_delete_return_only_old_values(
    ddb: Any, make_table: Any, operation: str, wanted: str
) -> None:
    item = {"Item": KEY} if operation == "put_item" else {"Key": KEY}
    assert _refused(getattr(ddb, operation), TableName=make_table(range=None),
                    ReturnValues=wanted, **item) == (  # fmt: skip
        "ValidationException",
        "ReturnValues can only be ALL_OLD or NONE",
    )

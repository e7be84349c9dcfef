"""TestEventPattern against what EventBridge answers: null values, dotted names, the exact
reasons it gives for a bad pattern, and which events it accepts."""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest

ORDER = {"id": "e-1", "account": "210987654321", "source": "shop.orders", "region": "eu-west-1",
         "time": "2025-03-01T08:00:00Z", "detail-type": "OrderPlaced"}


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def result(events: Any, pattern: dict[str, Any], detail: Any) -> bool:
    event = {**ORDER, "detail": detail}
    answer = events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(event))
    return bool(answer["Result"])


def test_the_events_account_need_not_be_the_callers(events: Any) -> None:
    assert result(events, {"source": ["shop.orders"]}, {})


@pytest.mark.parametrize("excluded", [
    "cancelled", ["cancelled", "refunded"], {"prefix": "canc"}, {"suffix": "led"},
    {"equals-ignore-case": "CANCELLED"}, {"wildcard": "*cel*"},
])
def test_anything_but_matches_a_null_but_not_a_missing_field(events: Any, excluded: Any) -> None:
    pattern = {"detail": {"status": [{"anything-but": excluded}]}}
    assert result(events, pattern, {"status": None})
    assert not result(events, pattern, {"other": 1})


def test_anything_but_a_prefix_matches_a_number(events: Any) -> None:
    assert result(events, {"detail": {"status": [{"anything-but": {"prefix": "x"}}]}},
                  {"status": 7})


@pytest.mark.parametrize(("pattern", "detail", "expected"), [
    ({"detail": {"payment.state": ["settled"]}}, {"payment": {"state": "settled"}}, True),
    ({"detail": {"payment": {"state": ["settled"]}}}, {"payment.state": "settled"}, True),
    ({"detail.payment.state": ["settled"]}, {"payment.state": "settled"}, True),
    ({"detail": {"payment.state": {"state": ["settled"]}}}, {"payment": {"state": "settled"}},
     False),
    ({"detail": {"payment": {"state": ["settled"]}}}, {"payment.state": {"state": "settled"}},
     False),
])
def test_dotted_names_are_paths(events: Any, pattern: dict[str, Any], detail: Any,
                                expected: bool) -> None:
    assert result(events, pattern, detail) is expected


def test_a_literal_number_beyond_the_numeric_range_matches_exactly(events: Any) -> None:
    pattern = {"detail": {"payer": [987654321098]}}
    assert result(events, pattern, {"payer": 987654321098})
    assert not result(events, pattern, {"payer": 987654321099})


@pytest.mark.parametrize(("pattern", "reason"), [
    ({"items": []}, "Empty arrays are not allowed"),
    ({"detail": {}}, "Empty objects are not allowed"),
    ({"qty": 3}, '"qty" must be an object or an array'),
    ({"qty": [{"Numeric": ["=", 3]}]}, "Unrecognized match type Numeric"),
    ({"qty": [{"numeric": [">", 1, ">", 2]}]}, "Bad numeric range operator: >"),
    ({"qty": [{"numeric": [">", 1, "<"]}]}, "Value of < must be numeric"),
    ({"qty": [{"numeric": ["=", "3"]}]}, "Value of equals must be numeric"),
    ({"qty": [{"numeric": "3"}]}, "Value of numeric must be an array."),
    ({"qty": [{"numeric": ["~", 3]}]}, "Unrecognized numeric range operator: ~"),
    ({"qty": [{"numeric": ["<", 3, ">", 1]}]}, "Too many elements in numeric expression"),
    ({"sku": [{"prefix": 12}]}, "prefix match pattern must be a string"),
    ({"sku": [{"suffix": ["-x"]}]}, "suffix match pattern must be a string"),
    ({"sku": [{"prefix": {"wildcard": "a"}}]}, "Unsupported prefix pattern: wildcard"),
    ({"sku": [{"equals-ignore-case": 5}]}, "equals-ignore-case match pattern must be a string"),
    ({"sku": [{"wildcard": ["a*"]}]}, "wildcard match pattern must be a string"),
    ({"sku": [{"wildcard": "ab**c"}]}, "Consecutive wildcard characters at pos 3"),
    ({"sku": [{"exists": "yes"}]}, "exists match pattern must be either true or false."),
    ({"sku": [{"anything-but": None}]},
     "Value of anything-but must be an array or single string/number value."),
    ({"sku": [{"anything-but": ["a", None]}]},
     "Inside anything but list, start|null|boolean is not supported."),
    ({"sku": [{"anything-but": ["a", 1]}]},
     "Inside anything but list, either all values are number or string, mixed type is not "
     "supported"),
    ({"sku": [{"anything-but": {"prefix": ""}}]}, "Null prefix/suffix not allowed"),
    ({"sku": [{"anything-but": {"suffix": [4]}}]}, "prefix/suffix match pattern must be a string"),
    ({"sku": [{"anything-but": {"wildcard": 4}}]}, "wildcard match pattern must be a string"),
    ({"sku": [{"anything-but": {"equals-ignore-case": [4]}}]},
     "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."),
    ({"sku": [{"anything-but": {"prefix": {"equals-ignore-case": "a"}}}]},
     "Value of anything-but must be an array or single string/number value."),
    ({"sku": [{"anything-but": {"numeric": [">", 1]}}]},
     "Unsupported anything-but pattern: numeric"),
    ({"ip": [{"cidr": "10.0.0.1"}]}, "Malformed CIDR, one '/' required"),
    ({"ip": [{"cidr": "10.0.0.0/x"}]}, "Malformed CIDR, mask bits must be an integer"),
    ({"ip": [{"cidr": "10.0.x.0/8"}]}, "Nonstandard IP address: 10.0.x.0"),
    ({"ip": [{"cidr": ["10.0.0.0/8"]}]}, "prefix match pattern must be a string"),
    ({"$or": [{"a": ["x"]}]}, "There must have at least 2 Objects in $or relationship."),
    ({"$or": {"a": ["x"]}}, "It must be an Array followed with $or."),
    ({"$or": [{"a": ["x"]}, "b"]}, "Only JSON object is allowed in array of $or relationship."),
    ({"sku": [["a"]]}, "Match value must be String, number, true, false, or null"),
    ({"sku": [{"prefix": "a", "suffix": "b"}]}, "Only one key allowed in match expression"),
])
def test_reasons_for_a_bad_pattern(events: Any, pattern: dict[str, Any], reason: str) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(ORDER))
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidEventPatternException"
    assert error["Message"] == f"Event pattern is not valid. Reason: {reason}"


def test_put_rule_gives_the_same_reason(events: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        events.put_rule(Name="bad-reason", EventPattern=json.dumps({"source": []}))
    assert raised.value.response["Error"]["Message"] == (
        "Event pattern is not valid. Reason: Empty arrays are not allowed")


@pytest.mark.parametrize("event", [
    "plain text", json.dumps(["a", "list"]), json.dumps({"source": "shop.orders"}),
    json.dumps({k: v for k, v in ORDER.items() if k != "detail-type"}),
])
def test_an_event_that_is_not_a_whole_event_is_refused(events: Any, event: str) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        events.test_event_pattern(EventPattern=json.dumps({"source": ["x"]}), Event=event)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationException",
                                                 "Parameter Event is not valid.")

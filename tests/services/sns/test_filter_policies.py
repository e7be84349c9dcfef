"""The filter policy matcher and validator, as pure functions (AWS's documented examples)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketcloud.errors import AwsError
from pocketcloud.services.sns.filter_match import matches
from pocketcloud.services.sns.filter_policy import parse_policy


def attrs(**values: Any) -> dict[str, dict[str, Any]]:
    found = {}
    for name, value in values.items():
        if isinstance(value, list):
            found[name] = {"DataType": "String.Array", "StringValue": json.dumps(value)}
        elif isinstance(value, int | float):
            found[name] = {"DataType": "Number", "StringValue": str(value)}
        elif isinstance(value, bytes):
            found[name] = {"DataType": "Binary", "BinaryValue": value}
        else:
            found[name] = {"DataType": "String", "StringValue": value}
    return found


def by_attributes(policy: dict[str, Any], **values: Any) -> bool:
    parsed = parse_policy(json.dumps(policy), "MessageAttributes")
    return matches(parsed, "MessageAttributes", "body", attrs(**values))


def by_body(policy: dict[str, Any], body: Any) -> bool:
    parsed = parse_policy(json.dumps(policy), "MessageBody")
    text = body if isinstance(body, str) else json.dumps(body)
    return matches(parsed, "MessageBody", text, {})


# -- attribute-based ---------------------------------------------------------------------------

def test_exact_string_values_are_ored_and_keys_anded() -> None:
    policy = {"store": ["example_corp"], "event": ["order_placed", "order_cancelled"]}
    assert by_attributes(policy, store="example_corp", event="order_placed")
    assert by_attributes(policy, store="example_corp", event="order_cancelled")
    assert not by_attributes(policy, store="example_corp", event="order_shipped")
    assert not by_attributes(policy, store="example_corp")  # a key missing: no match
    assert not by_attributes(policy, store="EXAMPLE_CORP", event="order_placed")


def test_empty_policy_matches_everything() -> None:
    assert matches(parse_policy("{}", "MessageAttributes"), "MessageAttributes", "x", {})


def test_numbers_match_number_attributes_only() -> None:
    assert by_attributes({"price": [100]}, price=100)
    assert by_attributes({"price": [100]}, price=100.000001)  # five decimals of precision
    assert not by_attributes({"price": [100]}, price=100.01)
    assert not by_attributes({"price": [100]}, price="100")  # a String attribute


def test_numeric_ranges() -> None:
    policy = {"price": [{"numeric": [">", 0, "<=", 150]}]}
    assert by_attributes(policy, price=150)
    assert by_attributes(policy, price=0.5)
    assert not by_attributes(policy, price=0)
    assert not by_attributes(policy, price=151)
    assert by_attributes({"price": [{"numeric": ["=", 301.5]}]}, price=301.5)
    assert by_attributes({"price": [{"numeric": [">=", -10]}]}, price=-10)
    assert not by_attributes({"price": [{"numeric": ["<", 5]}]}, price="4")


def test_prefix_suffix_and_equals_ignore_case() -> None:
    assert by_attributes({"customer": [{"prefix": "bus"}]}, customer="business")
    assert not by_attributes({"customer": [{"prefix": "bus"}]}, customer="abus")
    assert by_attributes({"file": [{"suffix": ".png"}]}, file="cat.png")
    assert not by_attributes({"file": [{"suffix": ".png"}]}, file="cat.jpg")
    assert by_attributes({"c": [{"equals-ignore-case": "RED"}]}, c="red")
    assert by_attributes({"c": [{"prefix": {"equals-ignore-case": "RE"}}]}, c="rEd")


def test_anything_but() -> None:
    assert by_attributes({"c": [{"anything-but": "red"}]}, c="blue")
    assert not by_attributes({"c": [{"anything-but": "red"}]}, c="red")
    assert not by_attributes({"c": [{"anything-but": "red"}]})  # needs the attribute
    assert by_attributes({"c": [{"anything-but": ["red", "green"]}]}, c="blue")
    assert not by_attributes({"c": [{"anything-but": ["red", "green"]}]}, c="green")
    assert by_attributes({"n": [{"anything-but": [100, 200]}]}, n=150)
    assert not by_attributes({"n": [{"anything-but": [100, 200]}]}, n=200)
    assert by_attributes({"c": [{"anything-but": {"prefix": "order-"}}]}, c="invoice-1")
    assert not by_attributes({"c": [{"anything-but": {"prefix": "order-"}}]}, c="order-1")


def test_exists() -> None:
    assert by_attributes({"store": [{"exists": True}]}, store="x")
    assert not by_attributes({"store": [{"exists": True}]}, other="x")
    assert by_attributes({"store": [{"exists": False}]}, other="x")
    assert not by_attributes({"store": [{"exists": False}]}, store="x")


def test_ip_address_matching() -> None:
    policy = {"source_ip": [{"cidr": "10.0.0.0/24"}]}
    assert by_attributes(policy, source_ip="10.0.0.255")
    assert not by_attributes(policy, source_ip="10.0.1.1")
    assert not by_attributes(policy, source_ip="not-an-ip")
    assert by_attributes({"ip": [{"cidr": "2001:db8::/32"}]}, ip="2001:db8::1")


def test_string_arrays_match_any_element() -> None:
    assert by_attributes({"sport": ["rugby"]}, sport=["soccer", "rugby"])
    assert not by_attributes({"sport": ["rugby"]}, sport=["soccer", "tennis"])
    assert by_attributes({"n": [{"numeric": [">", 5]}]}, n=[1, 10])


def test_binary_attributes_are_not_filterable() -> None:
    assert not by_attributes({"b": ["x"]}, b=b"x")
    assert by_attributes({"b": [{"exists": False}]}, b=b"x")


def test_or_operator() -> None:
    policy = {"source": ["aws.cloudwatch"],
              "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}
    assert by_attributes(policy, source="aws.cloudwatch", metricName="CPUUtilization")
    assert by_attributes(policy, source="aws.cloudwatch", namespace="AWS/EC2")
    assert not by_attributes(policy, source="aws.cloudwatch", namespace="AWS/S3")
    assert not by_attributes(policy, source="other", namespace="AWS/EC2")


# -- payload-based -------------------------------------------------------------------------------

def test_payload_nested_keys() -> None:
    policy = {"order": {"status": ["placed"], "total": [{"numeric": [">", 100]}]}}
    assert by_body(policy, {"order": {"status": "placed", "total": 150}})
    assert not by_body(policy, {"order": {"status": "placed", "total": 50}})
    assert not by_body(policy, {"status": "placed", "total": 150})
    assert not by_body(policy, "not json at all")
    assert not by_body(policy, [1, 2])


def test_payload_arrays_of_objects_and_values() -> None:
    policy = {"items": {"sku": ["A1"]}}
    assert by_body(policy, {"items": [{"sku": "B2"}, {"sku": "A1"}]})
    assert by_body({"tags": ["red"]}, {"tags": ["blue", "red"]})
    assert by_body({"ok": [True]}, {"ok": True})
    assert not by_body({"ok": [True]}, {"ok": "true"})
    assert by_body({"v": [None]}, {"v": None})


def test_payload_exists_false_when_parent_missing() -> None:
    assert by_body({"a": {"b": [{"exists": False}]}}, {"x": 1})
    assert not by_body({"a": {"b": [{"exists": True}]}}, {"x": 1})
    assert by_body({"a": {"b": [{"exists": True}]}}, {"a": {"b": 0}})


# -- validation ----------------------------------------------------------------------------------

def invalid_message(policy: Any, scope: str = "MessageAttributes") -> str:
    text = policy if isinstance(policy, str) else json.dumps(policy)
    with pytest.raises(AwsError) as caught:
        parse_policy(text, scope)
    assert caught.value.code == "InvalidParameter"
    assert caught.value.message.startswith("Invalid parameter: FilterPolicy: ")
    return caught.value.message


def test_more_than_five_keys_is_refused_with_awss_message() -> None:
    policy = {f"k{i}": ["v"] for i in range(6)}
    assert invalid_message(policy) == (
        "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys")
    parse_policy(json.dumps({f"k{i}": ["v"] for i in range(5)}), "MessageAttributes")


def test_more_than_150_combinations_is_too_complex() -> None:
    policy = {"a": [str(i) for i in range(10)], "b": [str(i) for i in range(16)]}
    assert "too complex" in invalid_message(policy)
    parse_policy(json.dumps({"a": [str(i) for i in range(10)],
                             "b": [str(i) for i in range(15)]}), "MessageAttributes")


def test_malformed_policies() -> None:
    assert "parse JSON" in invalid_message("{not json")
    assert "Unrecognized match type" in invalid_message({"a": [{"wildcard": "x*"}]})
    assert "must be an object or an array" in invalid_message({"a": "x"})
    with pytest.raises(AwsError) as nested:  # nesting needs MessageBody scope
        parse_policy(json.dumps({"a": {"b": ["x"]}}), "MessageAttributes")
    assert nested.value.message == ("Invalid parameter: Filter policy scope MessageAttributes "
                                    "does not support nested filter policy")
    parse_policy(json.dumps({"a": {"b": ["x"]}}), "MessageBody")
    assert "numeric" in invalid_message({"a": [{"numeric": [">", "x"]}]})
    assert "Unrecognized numeric range operator" in invalid_message(
        {"a": [{"numeric": ["!=", 1]}]})
    assert "Bottom must be less than top" in invalid_message(
        {"a": [{"numeric": [">", 10, "<", 5]}]})
    assert "exists" in invalid_message({"a": [{"exists": "yes"}]})
    assert "CIDR" in invalid_message({"a": [{"cidr": "10.0.0.1"}]})
    assert invalid_message({"a": [{"cidr": "10.0.0.300/8"}]})
    assert invalid_message({"a": [{"prefix": 5}]})
    assert invalid_message({"a": [{"anything-but": [True]}]})
    assert invalid_message({"a": [{"anything-but": ["x", 1]}]})
    assert invalid_message({"a": []})
    assert invalid_message({"a": [[1]]})
    assert invalid_message({"a": [1e10]})
    assert invalid_message({"$or": [{"a": ["x"]}]})


# -- properties ----------------------------------------------------------------------------------

words = st.text(alphabet="abcXYZ-_.", min_size=0, max_size=8)


@given(value=words, other=words)
def test_anything_but_is_the_negation_of_exact(value: str, other: str) -> None:
    exact = by_attributes({"k": [other]}, k=value)
    negated = by_attributes({"k": [{"anything-but": other}]}, k=value)
    assert exact != negated


@given(value=words, prefix=words)
def test_prefix_agrees_with_startswith(value: str, prefix: str) -> None:
    assert by_attributes({"k": [{"prefix": prefix}]}, k=value) == value.startswith(prefix)


@given(number=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
       low=st.integers(-1000, 1000), width=st.integers(1, 1000))
def test_numeric_range_agrees_with_comparison(number: float, low: int, width: int) -> None:
    policy = {"n": [{"numeric": [">=", low, "<", low + width]}]}
    rounded = round(number, 5)
    assert by_attributes(policy, n=number) == (low <= rounded < low + width)


@given(values=st.lists(words, min_size=1, max_size=5), probe=words)
def test_or_of_exact_values_is_membership(values: list[str], probe: str) -> None:
    assert by_attributes({"k": values}, k=probe) == (probe in values)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=10))
def test_matcher_never_crashes_on_any_body(body: Any) -> None:
    policy = {"a": {"b": ["x", {"numeric": [">", 1]}, {"exists": False}]}, "c": [{"prefix": "p"}]}
    by_body(policy, body)


def test_absurdly_nested_bodies_do_not_match_and_do_not_crash() -> None:
    policy = parse_policy(json.dumps({"a": {"b": ["x"]}}), "MessageBody")
    assert not matches(policy, "MessageBody", "[" * 100_000, {})
    deep = '{"a": ' * 5000 + "1" + "}" * 5000
    assert not matches(policy, "MessageBody", deep, {})
    flat_deep = '{"a": {"b": ' + "[" * 5000 + '"x"' + "]" * 5000 + "}}"
    matches(policy, "MessageBody", flat_deep, {})


def test_dotted_body_keys_name_the_nested_path_and_the_literal_key() -> None:
    policy = {"object.nested": ["x"]}
    assert by_body(policy, {"object": {"nested": "x"}})
    assert by_body(policy, {"object.nested": "x"})
    assert by_body(policy, {"object": [{"nested": "y"}, {"nested": "x"}]})
    assert not by_body(policy, {"object": {"nested": "y"}})
    assert not by_body(policy, {"object": {"other": "x"}})
    deeper = {"a.b.c": [{"prefix": "v"}]}
    assert by_body(deeper, {"a": {"b": {"c": "v1"}}})
    assert by_body(deeper, {"a.b": {"c": "v1"}})
    assert by_body(deeper, {"a": {"b.c": "v1"}})
    assert by_body({"a.b": {"c": ["v"]}}, {"a": {"b": {"c": "v"}}})
    assert by_body({"a.b": [{"exists": False}]}, {"a": {"c": 1}})
    assert not by_body({"a.b": [{"exists": False}]}, {"a": {"b": 1}})


def test_dotted_attribute_names_stay_literal() -> None:
    assert by_attributes({"object.nested": ["x"]}, **{"object.nested": "x"})
    assert not by_attributes({"object.nested": ["x"]}, object="x")

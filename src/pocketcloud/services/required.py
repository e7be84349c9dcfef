"""Required members, checked from the service's spec as AWS's model validation does.

The protocol layer parses types but leaves required members to the services; a missing one
gets AWS's ``ValidationException`` (``Value null at 'targets.1.member.arn' ...``), never a 500.
"""

from __future__ import annotations

import functools
from typing import Any

from pocketcloud.errors import AwsError

NESTING_MAX = 32  # the specs nest far less; bounds the walk


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def missing_member(shape: Any, value: Any, path: str = "", depth: int = 0,
                   map_entry: str = ".") -> str | None:
    """The path of the first required member missing from `value`, or None. `map_entry` joins
    a map key to what is below it (SNS names it `key.member.`, as recorded)."""
    if depth > NESTING_MAX or value is None:
        return None
    required, children = _plan(shape)
    if shape.type_name == "structure" and isinstance(value, dict):
        for name in required:
            if value.get(name) is None:
                return f"{path}{_camel(name)}"
        for name, member in children:
            child = value.get(name)
            if child is not None:
                found = missing_member(member, child, f"{path}{_camel(name)}.", depth + 1,
                                       map_entry)
                if found:
                    return found
    elif children and shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value, start=1):
            found = missing_member(shape.member, item, f"{path[:-1]}.{index}.member.", depth + 1,
                                   map_entry)
            if found:
                return found
    elif children and shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():  # BatchWriteItem's RequestItems: table -> requests
            found = missing_member(shape.value, item, f"{path}{key}{map_entry}", depth + 1,
                                   map_entry)
            if found:
                return found
    return None


@functools.cache
def _plan(shape: Any) -> tuple[tuple[str, ...], tuple[tuple[str, Any], ...]]:
    """A structure's required members and the members worth walking into (those with a
    required member somewhere below); for a list or map, its member or value when worth it.
    Cached per shape: most requests (a big DynamoDB item) then cost a few dict lookups."""
    if shape.type_name == "structure":
        return tuple(shape.required_members), tuple(
            (name, member) for name, member in shape.members.items() if _has_required(member))
    if shape.type_name == "list" and _has_required(shape.member):
        return (), (("member", shape.member),)
    if shape.type_name == "map" and _has_required(shape.value):
        return (), (("value", shape.value),)
    return (), ()


# Each service's own answer to a missing required member, where it is not JSON's default
# ValidationException (codes from each service's API reference, "Common Errors").
_MISSING_CODES = {"ec2": "MissingParameter", "iam": "ValidationError", "sts": "ValidationError",
                  "sns": "ValidationError", "logs": "InvalidParameterException",
                  "route53": "InvalidInput", "route53domains": "InvalidInput",
                  "s3": "MalformedXML"}


@functools.cache
def _has_required(shape: Any) -> bool:
    """Whether `shape` or anything under it has a required member (cached: a walk of a big
    DynamoDB item must stay free). Recursive specs (AttributeValue) count as none below."""
    return _walk_has_required(shape, set())


def _walk_has_required(shape: Any, seen: set[str]) -> bool:
    if shape.name in seen:
        return False
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        return bool(shape.required_members) or any(
            _walk_has_required(member, seen) for member in shape.members.values())
    if shape.type_name == "list":
        return _walk_has_required(shape.member, seen)
    if shape.type_name == "map":
        return _walk_has_required(shape.value, seen)
    return False


def check_required(service: str, operation: Any, params: dict[str, Any]) -> None:
    """AWS's 400 for a request missing a required member, before any provider sees it.

    A provider can then index its required members without a KeyError turning a client's
    mistake into a 500.
    """
    shape = operation.input_shape
    if shape is None or not _has_required(shape):
        return
    found = missing_member(shape, params, map_entry=".member." if service == "sns" else ".")
    if not found:
        return
    if service == "sns" and "." not in found:  # recorded: SNS words a top-level one itself
        raise AwsError("InvalidParameter", f"Invalid parameter: {found[:1].upper()}{found[1:]} "
                       "Reason: no value for required parameter")
    if service == "ec2":
        raise AwsError("MissingParameter", f"The request must contain the parameter {found}")
    if service == "s3" and found == "policy":  # an empty policy: its parser answers (recorded)
        raise AwsError("MalformedPolicy",
                       "Policies must be valid JSON and the first byte must be '{'")
    if service == "s3":  # S3 names no member: its schema refusal
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not "
                       "validate against our published schema")
    raise AwsError(_MISSING_CODES.get(service, "ValidationException"),
                   f"1 validation error detected: Value null at '{found}' failed to satisfy "
                   "constraint: Member must not be null")

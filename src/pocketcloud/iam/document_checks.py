"""IAM's checks on an identity policy document, in the order IAM makes them.

IAM answers the first problem it finds, stage by stage (facts recorded against AWS):

1. syntax: the document's shape (fields, types, Effect spelled allow/deny in any case,
   exclusive pairs, condition blocks) -> "Syntax errors in policy.";
2. version (managed policies only): Version must be 2012-10-17;
3. legacy parsing, statement by statement: Effect spelled exactly, date condition values,
   then each Resource/NotResource (ARN shape, partition, IAM and S3 specifics);
4. statement contents: unique Sids, actions present, resources present, action prefixes.

Anything these pass is then parsed by ``policy.parse_policy`` (Sid spelling, Principal).
"""

from __future__ import annotations

import re
from typing import Any

from pocketcloud.iam.conditions import operator_known
from pocketcloud.iam.errors import PolicyError

SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
_VERSIONS = ("2008-10-17", "2012-10-17")
_TOP_LEVEL = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                   "Principal", "NotPrincipal", "Condition"}
_EXCLUSIVE = (("Action", "NotAction"), ("Resource", "NotResource"),
              ("Principal", "NotPrincipal"))
_PARTITIONS = {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
               "aws-iso-f", "aws-eusc"}
_IAM_PREFIXES = ("user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
                 "server-certificate/", "policy/", "sms-mfa/", "saml-provider/",
                 "oidc-provider/", "report/", "access-report/")
_VENDOR = re.compile(r"[A-Za-z0-9_.*?-]*")
# IAM's (lenient) date grammar: epoch seconds, or ISO 8601 pieces down to nanoseconds
_DATE = re.compile(
    r"\d{1,4}(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?"
    r"(?:[Tt](?:(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})"
    r"(?:\.\d{1,9})?)?)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?")
_INT64 = 2 ** 63


def check_identity_document(raw: Any, managed: bool) -> None:
    """Raise PolicyError with IAM's message for the first problem IAM would report."""
    statements = _syntax(raw)
    if managed and raw.get("Version") != "2012-10-17":
        raise PolicyError("Policy document must be version 2012-10-17 or greater.")
    for statement in statements:
        _legacy(statement)
    _contents(statements)


# -- 1. syntax ---------------------------------------------------------------------------

def _syntax(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, dict) or set(raw) - _TOP_LEVEL:
        raise PolicyError(SYNTAX)
    _require(raw.get("Version", "2008-10-17") in _VERSIONS)
    _require(isinstance(raw.get("Id", ""), str))
    statements = raw.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise PolicyError(SYNTAX)
    for statement in statements:
        _statement_syntax(statement)
    return statements


def _statement_syntax(statement: Any) -> None:
    _require(isinstance(statement, dict) and not set(statement) - _STATEMENT_KEYS)
    _require(isinstance(statement.get("Sid", ""), str))
    effect = statement.get("Effect")
    _require(isinstance(effect, str) and effect.lower() in ("allow", "deny"))
    for name, negated in _EXCLUSIVE:
        _require(not (name in statement and negated in statement))
    for name in ("Action", "NotAction", "Resource", "NotResource"):
        if name in statement:
            _require(_is_strings(statement[name], scalars=(str,)))
    if "Condition" in statement:
        _condition_syntax(statement["Condition"])


def _condition_syntax(condition: Any) -> None:
    _require(isinstance(condition, dict))
    for operator, block in condition.items():
        _require(isinstance(block, dict))
        _require(not block or operator_known(operator))
        for values in block.values():
            _require(_is_strings(values, scalars=(str, int, float, bool)))


def _is_strings(value: Any, scalars: tuple[type, ...]) -> bool:
    items = value if isinstance(value, list) else [value]
    return all(isinstance(item, scalars) for item in items)


def _require(condition: bool) -> None:
    if not condition:
        raise PolicyError(SYNTAX)


# -- 3. legacy parsing -------------------------------------------------------------------

def _legacy(statement: dict[str, Any]) -> None:
    if statement["Effect"] not in ("Allow", "Deny"):
        raise PolicyError(LEGACY)
    for operator, block in statement.get("Condition", {}).items():
        if "date" in operator.lower():
            for values in block.values():
                if not all(_valid_date(str(v)) for v in _as_list(values)):
                    raise PolicyError(LEGACY)
    for name in ("Resource", "NotResource"):
        for resource in _as_list(statement.get(name, [])):
            _check_resource(resource)


def _valid_date(text: str) -> bool:
    if re.fullmatch(r"-?\d+", text):
        return -_INT64 <= int(text) < _INT64
    found = _DATE.fullmatch(text)
    if found is None:
        return False
    limits = {"month": (1, 12), "day": (1, 31), "hour": (0, 23), "minute": (0, 59),
              "second": (0, 59)}
    return all(found[part] is None or low <= int(found[part]) <= high
               for part, (low, high) in limits.items())


def _check_resource(resource: str) -> None:
    if resource == "*" or (not resource.startswith("arn:") and "${" in resource):
        return
    if not resource.startswith("arn:"):
        _check_unprefixed(resource)
    parts = resource.split(":", 5)
    if not _known_partition(parts[1]):
        raise _partition_error(parts)
    if len(parts) == 2:
        raise PolicyError("Resource vendor must be fully qualified and cannot contain "
                          "regexes.")
    if len(parts) == 3:
        return
    if len(parts) < 6 or not parts[2]:
        raise PolicyError(LEGACY)
    _check_service_specifics(resource, *parts[2:])


def _check_unprefixed(resource: str) -> None:
    """IAM reads ``x:partition:...`` as an ARN with a wrong prefix (and names the partition)."""
    parts = resource.split(":")
    if len(parts) > 1 and not _known_partition(parts[1]):
        raise _partition_error(["arn", *parts[1:]])
    raise PolicyError(f'Resource {resource} must be in ARN format or "*".')


def _partition_error(parts: list[str]) -> PolicyError:
    shown = ":".join(parts + ["*"] * (6 - len(parts)))
    return PolicyError(f'Partition "{parts[1]}" is not valid for resource "{shown}".')


def _known_partition(partition: str) -> bool:
    return partition in _PARTITIONS or "*" in partition or "?" in partition


def _check_service_specifics(resource: str, service: str, region: str, account: str,
                             path: str) -> None:
    if service == "iam":
        if region:
            raise PolicyError(f"IAM resource {resource} cannot contain region information.")
        if path not in ("*", "root") and not path.startswith(_IAM_PREFIXES):
            raise PolicyError('IAM resource path must either be "*", root, or start with '
                              + ", ".join(_IAM_PREFIXES) + ".")
    if service == "s3" and region and not account:  # buckets and objects have no region
        raise PolicyError(f"Resource {resource} can not contain region information.")


# -- 4. statement contents ---------------------------------------------------------------

def _contents(statements: list[dict[str, Any]]) -> None:
    sids = [s["Sid"] for s in statements if s.get("Sid")]
    if len(sids) != len(set(sids)):
        raise PolicyError("Statement IDs (SID) in a single policy must be unique.")
    for statement in statements:
        if not _as_list(statement.get("Action", statement.get("NotAction", []))):
            raise PolicyError("Policy statement must contain actions.")
    for statement in statements:
        if not _as_list(statement.get("Resource", statement.get("NotResource", []))):
            raise PolicyError("Policy statement must contain resources.")
    for statement in statements:
        for action in _as_list(statement.get("Action", statement.get("NotAction"))):
            _check_action(action)


def _check_action(action: str) -> None:
    if action == "*":
        return
    if ":" not in action:
        raise PolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, "
                          "ec2, etc.")
    vendor, _, rest = action.partition(":")
    if ":" in rest:
        raise PolicyError("Actions/Condition can contain only one colon.")
    if not vendor or not _VENDOR.fullmatch(vendor):
        raise PolicyError(f"Vendor {vendor} is not valid")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]

"""Policy documents: parsed once, validated the way IAM validates them.

``parse_policy(text, kind)`` turns a JSON document into an immutable ``Policy`` or raises
``PolicyError`` with IAM's message (the IAM API answers it as ``MalformedPolicyDocument``).
``kind`` says which elements are required or prohibited:

- ``identity`` (user/group/role inline policies, boundaries, session policies):
  Action and Resource required, Principal prohibited, IAM's checks and messages in
  IAM's order (``document_checks``);
- ``managed`` (CreatePolicy, CreatePolicyVersion): ``identity`` that must be 2012-10-17;
- ``resource`` (bucket, queue, topic, key policies): Principal required;
- ``trust`` (a role's AssumeRolePolicyDocument): Principal required, Resource prohibited.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pocketcloud.iam.conditions import Condition, parse_conditions
from pocketcloud.iam.document_checks import SYNTAX, check_identity_document
from pocketcloud.iam.errors import PolicyError

VERSIONS = ("2012-10-17", "2008-10-17")
DEFAULT_VERSION = "2008-10-17"  # what IAM assumes without a Version: no policy variables
MAX_DOCUMENT_CHARS = 131072  # far above IAM's quotas (callers apply theirs): bounds parsing
MAX_CACHED_POLICIES = 4096
KINDS = ("identity", "managed", "resource", "trust")

_TOP_LEVEL = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {
    "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
    "Principal", "NotPrincipal", "Condition",
}
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_TRUST_ACTIONS = ("sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
                  "sts:tagsession", "sts:setsourceidentity", "sts:setcontext")
_ACTION = re.compile(r"[A-Za-z0-9_.*?-]+:[A-Za-z0-9_*?-]*")


@dataclass(frozen=True)
class PrincipalElement:
    """A Principal or NotPrincipal element: ``"*"`` or ``{"AWS": [...], "Service": ...}``."""

    anyone: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    effect: str  # "Allow" | "Deny"
    sid: str = ""
    actions: tuple[str, ...] = ()
    not_action: bool = False  # actions came from NotAction
    resources: tuple[str, ...] = ()
    not_resource: bool = False
    principal: PrincipalElement | None = None
    not_principal: bool = False
    conditions: tuple[Condition, ...] = ()
    index: int = 0  # position in the policy, for reasons when there is no Sid

    @property
    def label(self) -> str:
        return self.sid or f"#{self.index}"


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...]
    version: str = DEFAULT_VERSION
    name: str = ""  # where it came from (a policy ARN, "inline policy P of user U"): reasons
    document: str = field(default="", compare=False, repr=False)

    @property
    def uses_variables(self) -> bool:
        return self.version == "2012-10-17"

    def named(self, name: str) -> Policy:
        return Policy(self.statements, self.version, name, self.document)


def parse_policy(document: str | dict[str, Any], kind: str = "identity", name: str = "") -> Policy:
    """Parse and validate; PolicyError carries IAM's MalformedPolicyDocument message."""
    text = document if isinstance(document, str) else json.dumps(document)
    return _parse_cached(text, kind).named(name)


@lru_cache(maxsize=MAX_CACHED_POLICIES)
def _parse_cached(text: str, kind: str) -> Policy:
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    if len(text) > MAX_DOCUMENT_CHARS:
        raise PolicyError("Policy document is too large.")
    iam_checked = kind in ("identity", "managed")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise PolicyError(SYNTAX if iam_checked else "This policy contains invalid Json") \
            from None
    if iam_checked:
        check_identity_document(raw, managed=kind == "managed")
        kind = "identity"
    if not isinstance(raw, dict):
        raise PolicyError("Syntax errors in policy.")
    unknown = set(raw) - _TOP_LEVEL
    if unknown:
        raise PolicyError(f"Syntax errors in policy. Unknown field {sorted(unknown)[0]}.")
    version = raw.get("Version", DEFAULT_VERSION)
    if version not in VERSIONS:
        raise PolicyError("The policy failed legacy parsing")
    statements = raw.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise PolicyError("Syntax errors in policy.")
    parsed = tuple(_statement(s, kind, i) for i, s in enumerate(statements))
    sids = [s.sid for s in parsed if s.sid]
    if len(sids) != len(set(sids)) and kind != "resource":
        raise PolicyError("Statement IDs (SID) in a single policy must be unique.")
    return Policy(parsed, version, "", text)


def _statement(raw: Any, kind: str, index: int) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError("Syntax errors in policy.")
    unknown = set(raw) - _STATEMENT_KEYS
    if unknown:
        raise PolicyError(f"Syntax errors in policy. Unknown field {sorted(unknown)[0]}.")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError("Syntax errors in policy. Effect must be Allow or Deny.")
    sid = raw.get("Sid", "")
    if not isinstance(sid, str) or (kind != "resource" and not re.fullmatch(r"[A-Za-z0-9]*", sid)):
        raise PolicyError("Statement IDs (SID) must be alpha-numeric.")
    actions, not_action = _either(raw, "Action", "NotAction", "Policy statement must contain "
                                  "actions.")
    for action in actions if kind != "identity" else ():  # identity: document_checks
        if action != "*" and not _ACTION.fullmatch(action):
            raise PolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, "
                              "ec2, etc.")
    if kind == "trust" and not not_action:
        _check_trust_actions(actions)
    resources, not_resource = _resources(raw, kind)
    principal, not_principal = _principal(raw, kind)
    return Statement(
        effect=effect, sid=sid, actions=actions, not_action=not_action,
        resources=resources, not_resource=not_resource,
        principal=principal, not_principal=not_principal,
        conditions=parse_conditions(raw.get("Condition", {}), kind == "identity"), index=index,
    )


def _check_trust_actions(actions: tuple[str, ...]) -> None:
    """A trust policy grants only STS's ways of assuming a role (and what goes with them)."""
    for action in actions:
        if not any(fnmatch.fnmatchcase(allowed, action.lower()) for allowed in _TRUST_ACTIONS):
            raise PolicyError("AssumeRole policy may only specify STS AssumeRole actions.")


def _either(
    raw: dict[str, Any], name: str, negated: str, missing: str
) -> tuple[tuple[str, ...], bool]:
    if name in raw and negated in raw:
        raise PolicyError(f"Syntax errors in policy. {name} and {negated} are exclusive.")
    if name not in raw and negated not in raw:
        raise PolicyError(missing)
    values = _strings(raw[name] if name in raw else raw[negated])
    if not values:
        raise PolicyError(missing)
    return values, negated in raw


def _resources(raw: dict[str, Any], kind: str) -> tuple[tuple[str, ...], bool]:
    if kind == "trust":
        for name in ("Resource", "NotResource"):
            if name in raw:
                raise PolicyError(f"Has prohibited field {name}")
        return ("*",), False
    if kind == "resource" and "Resource" not in raw and "NotResource" not in raw:
        return ("*",), False
    resources, negated = _either(raw, "Resource", "NotResource",
                                 "Policy statement must contain resources.")
    for resource in resources:
        if resource != "*" and not resource.startswith("arn:") and "${" not in resource:
            raise PolicyError(f'Resource {resource} must be in ARN format or "*".')
    return resources, negated


def _principal(raw: dict[str, Any], kind: str) -> tuple[PrincipalElement | None, bool]:
    present = [name for name in ("Principal", "NotPrincipal") if name in raw]
    if kind == "identity":
        if present:
            raise PolicyError("Policy document should not specify a principal.")
        return None, False
    if len(present) != 1:
        raise PolicyError("Missing required field Principal" if not present else
                          "Syntax errors in policy. Principal and NotPrincipal are exclusive.")
    value = raw[present[0]]
    if value == "*":
        return PrincipalElement(anyone=True), present[0] == "NotPrincipal"
    if not isinstance(value, dict) or not value or set(value) - set(_PRINCIPAL_TYPES):
        raise PolicyError("Invalid principal in policy")
    lists = {key: _strings(value.get(key, [])) for key in _PRINCIPAL_TYPES}
    element = PrincipalElement(
        anyone=lists["AWS"] == ("*",),
        aws=lists["AWS"], service=lists["Service"], federated=lists["Federated"],
        canonical_user=lists["CanonicalUser"],
    )
    for aws in element.aws:
        if aws != "*" and not (re.fullmatch(r"\d{12}", aws) or aws.startswith("arn:")):
            raise PolicyError(f'Invalid principal in policy: "AWS":"{aws}"')
    return element, present[0] == "NotPrincipal"


def _strings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise PolicyError("Syntax errors in policy.")
    return tuple(items)

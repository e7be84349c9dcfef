"""GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy: the condition keys
policies refer to, in the Condition blocks and as policy variables (``${aws:username}``), in
document order, each once (keys are not case sensitive), as a simulation would need them."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.iam import PolicyError, parse_policy
from pocketcloud.services.iam.common import no_such_entity
from pocketcloud.services.iam.inline import attached_arns, inline_documents
from pocketcloud.services.iam.managed import default_document
from pocketcloud.services.iam.schema import reading
from pocketcloud.store import Tx

_SOURCE = re.compile(r"arn:aws:iam::(\d{12}):(user|group|role)/(?:.*/)?([^/]+)")
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_SPECIAL_VARIABLES = frozenset("*?$")  # ${*}, ${?}, ${$}: literal characters, not keys
_TABLES = {"user": "iam_users", "group": "iam_groups", "role": "iam_roles"}


def get_context_keys_for_custom_policy(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return {"ContextKeyNames": _keys(_inputs(params["PolicyInputList"]))}


def get_context_keys_for_principal_policy(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """The entity's own policies (a user's groups' too), then any PolicyInputList."""
    source = params["PolicySourceArn"]
    match = _SOURCE.fullmatch(source)
    if not match:
        raise AwsError("InvalidInputException", f"Invalid ARN: {source}.")
    account_id, kind, name = match.groups()
    with reading(ctx.cloud) as tx:
        if not tx.fetchvalue(f"SELECT 1 FROM {_TABLES[kind]} WHERE account_id = ? AND "
                             "name = ?", (account_id, name)):
            raise no_such_entity(f"The {kind} with name {name} cannot be found.")
        documents = entity_documents(tx, account_id, kind, name)
    return {"ContextKeyNames": _keys(documents + _inputs(params.get("PolicyInputList")))}


def entity_documents(tx: Tx, account_id: str, kind: str, name: str) -> list[str]:
    """The identity policy documents that apply to a user, group or role."""
    owners = [(kind, name)]
    if kind == "user":
        owners += [("group", r[0]) for r in tx.fetchall(
            "SELECT group_name FROM iam_group_members WHERE account_id = ? AND user_name = ? "
            "ORDER BY group_name", (account_id, name))]
    documents: list[str] = []
    for owner_kind, owner in owners:
        documents += [doc for _, doc in sorted(inline_documents(tx, account_id, owner_kind,
                                                                owner))]
        for arn in sorted(attached_arns(tx, account_id, owner_kind, owner)):
            document = default_document(tx, account_id, arn)
            if document:
                documents.append(document)
    return documents


def _inputs(documents: list[str] | None) -> list[str]:
    """Input documents must be policies; a malformed one is InvalidInput here."""
    for document in documents or ():
        try:
            parse_policy(document, "identity")
        except PolicyError as refused:
            raise AwsError("InvalidInputException", refused.message) from None
    return list(documents or ())


def _keys(documents: list[str]) -> list[str]:
    found: dict[str, str] = {}  # lower-case key -> the first spelling
    for document in documents:
        try:
            statements = json.loads(document).get("Statement", [])
        except (ValueError, AttributeError):
            continue  # stored documents were validated; nothing to list from an odd one
        for statement in statements if isinstance(statements, list) else [statements]:
            for key in _statement_keys(statement):
                found.setdefault(key.lower(), key)
    return list(found.values())


def _statement_keys(statement: Any) -> list[str]:
    if not isinstance(statement, dict):
        return []
    keys: list[str] = []
    for element, value in statement.items():
        if element == "Condition" and isinstance(value, dict):
            for block in value.values():
                if isinstance(block, dict):
                    keys += [str(k) for k in block]
                    keys += _variables(block)
        else:
            keys += _variables(value)
    return keys


def _variables(value: Any) -> list[str]:
    """Policy variables in any string of an element: ``${key}`` or ``${key, 'default'}``."""
    if isinstance(value, str):
        names = (m.split(",", 1)[0].strip() for m in _VARIABLE.findall(value))
        return [n for n in names if n not in _SPECIAL_VARIABLES]
    if isinstance(value, dict):
        return [k for v in value.values() for k in _variables(v)]
    if isinstance(value, list):
        return [k for v in value for k in _variables(v)]
    return []

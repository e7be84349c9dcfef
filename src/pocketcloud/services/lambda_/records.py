"""Reading and writing function rows: one function, its versions ($LATEST and published)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.lambda_.names import LATEST, FunctionRef, function_not_found
from pocketcloud.services.lambda_.schema import store
from pocketcloud.store import Tx

_KEY = "account_id = ? AND region = ? AND name = ?"


def key(ref: FunctionRef) -> tuple[str, str, str]:
    return (ref.account_id, ref.region, ref.name)


def timestamp(epoch_s: float) -> str:
    """Lambda's LastModified form: 2024-05-01T12:00:00.000+0000."""
    moment = datetime.fromtimestamp(epoch_s, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def function_exists(tx: Tx, ref: FunctionRef) -> bool:
    return tx.fetchone(f"SELECT 1 FROM lambda_functions WHERE {_KEY}", key(ref)) is not None


def require_function(tx: Tx, ref: FunctionRef) -> None:
    if not function_exists(tx, ref):
        raise function_not_found(FunctionRef(ref.account_id, ref.region, ref.name))


def load_version(tx: Tx, ref: FunctionRef, version: str) -> tuple[dict[str, Any], str] | None:
    row = tx.fetchone(
        f"SELECT config, code_blob_id FROM lambda_versions WHERE {_KEY} AND version = ?",
        (*key(ref), version),
    )
    return (json.loads(row[0]), row[1]) if row else None


def save_version(tx: Tx, ref: FunctionRef, version: str, config: dict[str, Any],
                 blob_id: str) -> None:
    tx.execute(
        "INSERT INTO lambda_versions (account_id, region, name, version, config, code_blob_id) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, name, version) "
        "DO UPDATE SET config = excluded.config, code_blob_id = excluded.code_blob_id",
        (*key(ref), version, json.dumps(config), blob_id),
    )


def load_alias(tx: Tx, ref: FunctionRef, alias: str) -> dict[str, Any] | None:
    value = tx.fetchvalue(
        f"SELECT config FROM lambda_aliases WHERE {_KEY} AND alias = ?", (*key(ref), alias)
    )
    return json.loads(value) if value else None


def resolve_version(tx: Tx, ref: FunctionRef) -> tuple[str, dict[str, Any] | None]:
    """The version a qualifier names (an alias resolves to its primary version) and the alias."""
    require_function(tx, ref)
    qualifier = ref.qualifier or LATEST
    if qualifier == LATEST or qualifier.isdigit():
        return qualifier, None
    alias = load_alias(tx, ref, qualifier)
    if alias is None:
        raise function_not_found(ref)
    return alias["FunctionVersion"], alias


def get_version(tx: Tx, ref: FunctionRef) -> tuple[dict[str, Any], str]:
    """The configuration and code blob of the version `ref` names (alias resolved)."""
    version, _ = resolve_version(tx, ref)
    found = load_version(tx, ref, version)
    if found is None:
        raise function_not_found(ref)
    return found


def function_column(tx: Tx, ref: FunctionRef, column: str) -> Any:
    require_function(tx, ref)
    return tx.fetchvalue(f"SELECT {column} FROM lambda_functions WHERE {_KEY}", key(ref))


def set_function_column(ctx: RequestContext, ref: FunctionRef, column: str, value: Any) -> None:
    with store(ctx).write() as tx:
        require_function(tx, ref)
        tx.execute(f"UPDATE lambda_functions SET {column} = ? WHERE {_KEY}", (value, *key(ref)))


def require_revision(config: dict[str, Any], revision_id: str | None) -> None:
    if revision_id and revision_id != config.get("RevisionId"):
        raise AwsError(
            "PreconditionFailedException",
            "The Revision Id provided does not match the latest Revision Id. Call the "
            "GetFunction/GetAlias API to retrieve the latest Revision Id",
            412,
            fields={"Type": "User"},
        )

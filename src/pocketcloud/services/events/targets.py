"""A rule's targets: PutTargets, RemoveTargets, ListTargetsByRule."""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.services.events import rule_cache
from pocketcloud.services.events.buses import (
    bus_name,
    page,
    page_limit,
    page_start,
    store,
    validation,
)
from pocketcloud.services.events.rules import check_rule_name, load_rule
from pocketcloud.services.events.transform import RESERVED, check_path, template_placeholders
from pocketcloud.store import Tx

TARGETS_PER_RULE_MAX = 5  # AWS's quota of targets per rule
INPUT_CHARS_MAX = 8192
_TARGET_ID = re.compile(r"[\.\-_A-Za-z0-9]+")
TARGET_ID_CHARS_MAX = 64
_ARN = re.compile(r"arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+")
_INPUT_KINDS = ("Input", "InputPath", "InputTransformer")
_TEMPLATE_KEY = re.compile(r"[A-Za-z0-9_\-]{1,256}")


def _key(ctx: RequestContext, bus: str, rule: str) -> tuple[str, str, str, str]:
    return (ctx.account_id, ctx.region, bus, rule)


def rule_targets(tx: Tx, key: tuple[str, str, str, str]) -> list[dict[str, Any]]:
    rows = tx.fetchall("SELECT target FROM events_targets WHERE account_id = ? AND region = ? "
                       "AND bus = ? AND rule = ? ORDER BY target_id", key)
    return [json.loads(r[0]) for r in rows]


def _check_id(target_id: str, position: int) -> None:
    field = f"targets.{position}.member.id"  # AWS numbers the failing target from 1
    if len(target_id) > TARGET_ID_CHARS_MAX:
        raise validation(field, target_id, "Member must have length less than or equal to 64")
    if not _TARGET_ID.fullmatch(target_id):
        raise validation(field, target_id, r"Member must satisfy regular expression pattern: "
                         r"[\.\-_A-Za-z0-9]+")


def _check_transformer(transformer: dict[str, Any], target_id: str) -> None:
    paths = transformer.get("InputPathsMap") or {}
    if len(paths) > 100:
        raise AwsError("ValidationException", "InputPathsMap has more than 100 entries.")
    for name, path in paths.items():
        if not _TEMPLATE_KEY.fullmatch(name) or name.startswith("aws."):
            raise AwsError("ValidationException", f"InputTransformer key {name} is not valid.")
        check_path(path, "InputPathsMap value")
    template = transformer.get("InputTemplate") or ""
    unknown = template_placeholders(template) - set(paths) - RESERVED
    if unknown:
        raise AwsError("ValidationException", f"InputTemplate for target {target_id} "
                       f"contains invalid placeholder {sorted(unknown)[0]}.")


def _check_target(target: dict[str, Any], position: int) -> None:
    target_id = target["Id"]
    _check_id(target_id, position)
    if not _ARN.fullmatch(target["Arn"]):
        raise AwsError("ValidationException", f"Parameter {target['Arn']} is not valid. "
                       "Reason: Provided Arn is not in correct format.")
    if sum(kind in target for kind in _INPUT_KINDS) > 1:
        raise AwsError("ValidationException", "Only one of Input, InputPath, or "
                       f"InputTransformer must be provided for target {target_id}.")
    if "Input" in target:
        if len(target["Input"]) > INPUT_CHARS_MAX:
            raise validation("targets.member.input", "...", "Member must have length less "
                             "than or equal to 8192")
        try:
            json.loads(target["Input"])
        except (ValueError, RecursionError):
            raise AwsError("ValidationException", f"Input for target {target_id} is not "
                           "valid JSON text.") from None
    if "InputPath" in target:
        check_path(target["InputPath"], "InputPath")
    if target.get("InputTransformer"):
        _check_transformer(target["InputTransformer"], target_id)
    retry = target.get("RetryPolicy") or {}
    if not 0 <= retry.get("MaximumRetryAttempts", 0) <= 185:
        raise validation("targets.member.retryPolicy.maximumRetryAttempts",
                         retry["MaximumRetryAttempts"], "Member must have value less than or "
                         "equal to 185")
    if not 60 <= retry.get("MaximumEventAgeInSeconds", 60) <= 86400:
        raise validation("targets.member.retryPolicy.maximumEventAgeInSeconds",
                         retry["MaximumEventAgeInSeconds"], "Member must have value between "
                         "60 and 86400")


def put_targets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rule = check_rule_name(params["Rule"], "rule")
    bus = bus_name(ctx, params.get("EventBusName"))
    targets = params["Targets"]
    if not 1 <= len(targets) <= 100:
        raise validation("targets", "...", "Member must have length less than or equal to 100")
    for position, target in enumerate(targets, 1):
        _check_target(target, position)
    key = _key(ctx, bus, rule)
    with store(ctx).write() as tx:
        load_rule(tx, ctx, bus, rule)
        existing = {t["Id"] for t in rule_targets(tx, key)}
        if len(existing | {t["Id"] for t in targets}) > TARGETS_PER_RULE_MAX:
            raise AwsError("LimitExceededException",
                           "The requested resource exceeds the maximum number allowed.")
        tx.executemany(
            "INSERT OR REPLACE INTO events_targets (account_id, region, bus, rule, target_id, "
            "target) VALUES (?, ?, ?, ?, ?, ?)",
            [(*key, t["Id"], json.dumps(t)) for t in targets])
    rule_cache.forget(ctx.cloud)
    return {"FailedEntryCount": 0, "FailedEntries": []}


def remove_targets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rule = check_rule_name(params["Rule"], "rule")
    bus = bus_name(ctx, params.get("EventBusName"))
    ids = params["Ids"]
    if not 1 <= len(ids) <= 100:
        raise validation("ids", "...", "Member must have length less than or equal to 100")
    key = _key(ctx, bus, rule)
    with store(ctx).write() as tx:
        load_rule(tx, ctx, bus, rule)
        tx.executemany("DELETE FROM events_targets WHERE account_id = ? AND region = ? AND "
                       "bus = ? AND rule = ? AND target_id = ?", [(*key, i) for i in ids])
    rule_cache.forget(ctx.cloud)
    return {"FailedEntryCount": 0, "FailedEntries": []}


def list_targets_by_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rule = check_rule_name(params["Rule"], "rule")
    bus = bus_name(ctx, params.get("EventBusName"))
    limit, start = page_limit(params), page_start(params)
    with store(ctx).read() as tx:
        load_rule(tx, ctx, bus, rule)
        targets = rule_targets(tx, _key(ctx, bus, rule))
    return page(targets, start, limit, "Targets")

"""What a target receives: the event, a constant Input, an InputPath, or an InputTransformer.

JSON paths are the simple dotted form EventBridge documents (``$.detail.state``,
``$.resources[0]``, ``$['detail-type']``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pocketcloud.errors import AwsError

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[['\"]([^'\"]+)['\"]\]")
_MISSING = object()
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_\-.]+)>")
RESERVED = frozenset({"aws.events.rule-arn", "aws.events.rule-name", "aws.events.event",
                      "aws.events.event.ingestion-time", "aws.events.event.json"})
# <aws.events.event>: the envelope without its detail, detail-type spelt detailType
_ENVELOPE_KEYS = (("id", "id"), ("account", "account"), ("detailType", "detail-type"),
                  ("time", "time"), ("source", "source"), ("region", "region"),
                  ("resources", "resources"), ("version", "version"))


def template_placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def check_path(path: str, what: str) -> None:
    if path == "$":
        return
    if not path.startswith("$") or _STEP.sub("", path[1:]) != "":
        raise AwsError("ValidationException", f"{what} is not a valid JSON path: {path}")


def extract(document: Any, path: str) -> Any:
    """The value at `path` in `document`, or _MISSING."""
    value = document
    for m in _STEP.finditer(path[1:]):
        key, index, quoted = m.groups()
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
            continue
        name = key if key is not None else quoted
        if not isinstance(value, dict) or name not in value:
            return _MISSING
        value = value[name]
    return value


def target_input(target: dict[str, Any], event: dict[str, Any], rule_arn: str,
                 rule_name: str) -> str:
    """The text delivered to a target for `event`."""
    if "Input" in target:
        return str(target["Input"])
    if "InputPath" in target:
        found = extract(event, target["InputPath"])
        return "" if found is _MISSING else json.dumps(found)
    transformer = target.get("InputTransformer")
    if transformer:
        values = {k: extract(event, p) for k, p in
                  (transformer.get("InputPathsMap") or {}).items()}
        values.update({
            "aws.events.rule-arn": rule_arn, "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": event.get("time", ""),
            "aws.events.event": {out: event.get(key) for out, key in _ENVELOPE_KEYS},
            "aws.events.event.json": event,
        })
        return render(transformer["InputTemplate"], values)
    return json.dumps(event)


def render(template: str, values: dict[str, Any]) -> str:
    """Fill <name> placeholders. In a JSON template a string goes in bare inside a quoted
    string and as JSON elsewhere; a plain-text template takes strings bare everywhere.
    A path the event lacks gives "" (as AWS delivers it), never null."""
    out: list[str] = []
    plain_text = not template.lstrip().startswith(("{", "[", '"'))
    in_string = plain_text
    i = 0
    while i < len(template):
        ch = template[i]
        m = _PLACEHOLDER.match(template, i) if ch == "<" else None
        if m and m.group(1) in values:
            out.append(_placed(values[m.group(1)], in_string))
            i = m.end()
            continue
        if ch == '"' and not plain_text and (i == 0 or template[i - 1] != "\\"):
            in_string = not in_string
        out.append(ch)
        i += 1
    return "".join(out)


def _placed(value: Any, in_string: bool) -> str:
    if value is _MISSING:  # AWS fills an absent value with an empty string
        return "" if in_string else '""'
    if in_string:
        text = value if isinstance(value, str) else json.dumps(value)
        return json.dumps(text)[1:-1]
    return json.dumps(value)


def http_parameters(target: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """A target's HttpParameters with each dynamic value (a JSON path such as
    ``$.detail.id``) replaced by the event's value there ("" where the event has none)."""
    def value(text: str) -> str:
        if not text.startswith("$."):
            return text
        found = extract(event, text)
        if found is _MISSING:
            return ""
        return found if isinstance(found, str) else json.dumps(found)

    given = target["HttpParameters"]
    resolved: dict[str, Any] = {}
    if "PathParameterValues" in given:
        resolved["PathParameterValues"] = [value(v) for v in given["PathParameterValues"]]
    for member in ("HeaderParameters", "QueryStringParameters"):
        if member in given:
            resolved[member] = {k: value(v) for k, v in given[member].items()}
    return resolved

"""Traffic policy documents checked as Route 53 checks them (the "Traffic policy document
format" of the Developer Guide): format version, record type, one start point, endpoints and
rules whose references all resolve, and no rule that leads back to itself."""

from __future__ import annotations

import json
from typing import Any

from pocketcloud.errors import AwsError

FORMAT_VERSION = "2015-10-01"
RECORD_TYPES = frozenset({"A", "AAAA", "CAA", "CNAME", "MX", "NAPTR", "PTR", "SPF", "SRV",
                          "TXT"})
ENDPOINT_TYPES = frozenset({"value", "cloudfront", "elastic-load-balancer", "s3-website",
                            "application-load-balancer", "network-load-balancer",
                            "elastic-beanstalk"})
# rule type -> where its references sit: a member holding one reference, or a list of them
RULE_REFERENCES = {
    "failover": ("Primary", "Secondary"),
    "geo": ("Locations",), "latency": ("Locations",), "geoproximity": ("GeoproximityLocations",),
    "weighted": ("Items",), "multivalue": ("Items",),
}
DOCUMENT_CHARS_MAX = 102_400
RULES_MAX = 1000  # a bound on the walk; AWS's own limits are far lower


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidTrafficPolicyDocument", message)


def check_document(text: str) -> str:
    """The document's record type; InvalidTrafficPolicyDocument when Route 53 would refuse it."""
    if not text or len(text) > DOCUMENT_CHARS_MAX:
        raise _invalid(f"The document must be 1 to {DOCUMENT_CHARS_MAX} characters.")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise _invalid("The document is not valid JSON.") from None
    if not isinstance(document, dict):
        raise _invalid("The document must be a JSON object.")
    if document.get("AWSPolicyFormatVersion") != FORMAT_VERSION:
        raise _invalid(f"AWSPolicyFormatVersion must be \"{FORMAT_VERSION}\".")
    record_type = document.get("RecordType")
    if record_type not in RECORD_TYPES:
        raise _invalid(f"RecordType {record_type!r} is not supported in traffic policies.")
    endpoints = _section(document, "Endpoints")
    rules = _section(document, "Rules")
    if len(endpoints) + len(rules) > RULES_MAX:
        raise _invalid(f"A document may have at most {RULES_MAX} endpoints and rules.")
    for endpoint_id, endpoint in endpoints.items():
        _check_endpoint(endpoint_id, endpoint)
    for rule_id, rule in rules.items():
        _check_rule(rule_id, rule, endpoints, rules)
    _check_start(document, endpoints, rules)
    _check_no_cycle(rules)
    return str(record_type)


def _section(document: dict[str, Any], name: str) -> dict[str, Any]:
    section = document.get(name, {})
    if not isinstance(section, dict) or not all(isinstance(v, dict) for v in section.values()):
        raise _invalid(f"{name} must be an object of named objects.")
    return section


def _check_endpoint(endpoint_id: str, endpoint: dict[str, Any]) -> None:
    if endpoint.get("Type") not in ENDPOINT_TYPES:
        raise _invalid(f"Endpoint {endpoint_id}: Type {endpoint.get('Type')!r} is not valid.")
    if not isinstance(endpoint.get("Value"), str) or not endpoint["Value"]:
        raise _invalid(f"Endpoint {endpoint_id} needs a Value.")


def _check_start(document: dict[str, Any], endpoints: dict[str, Any],
                 rules: dict[str, Any]) -> None:
    start_endpoint, start_rule = document.get("StartEndpoint"), document.get("StartRule")
    if (start_endpoint is None) == (start_rule is None):
        raise _invalid("The document needs exactly one of StartEndpoint and StartRule.")
    if start_endpoint is not None and start_endpoint not in endpoints:
        raise _invalid(f"StartEndpoint {start_endpoint!r} is not an endpoint in Endpoints.")
    if start_rule is not None and start_rule not in rules:
        raise _invalid(f"StartRule {start_rule!r} is not a rule in Rules.")


def _references(rule: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for member in RULE_REFERENCES.get(str(rule.get("RuleType")), ()):
        value = rule.get(member)
        items = value if isinstance(value, list) else [value]
        found += [item for item in items if isinstance(item, dict)]
    return found


def _check_rule(rule_id: str, rule: dict[str, Any], endpoints: dict[str, Any],
                rules: dict[str, Any]) -> None:
    kind = rule.get("RuleType")
    if kind not in RULE_REFERENCES:
        raise _invalid(f"Rule {rule_id}: RuleType {kind!r} is not valid.")
    members = RULE_REFERENCES[str(kind)]
    if kind == "failover" and not all(isinstance(rule.get(m), dict) for m in members):
        raise _invalid(f"Rule {rule_id}: a failover rule needs Primary and Secondary.")
    if kind != "failover" and not (isinstance(rule.get(members[0]), list)
                                   and rule[members[0]]):
        raise _invalid(f"Rule {rule_id}: a {kind} rule needs a non-empty {members[0]} list.")
    for reference in _references(rule):
        endpoint, target = reference.get("EndpointReference"), reference.get("RuleReference")
        if (endpoint is None) == (target is None):
            raise _invalid(f"Rule {rule_id}: each option needs exactly one of "
                           "EndpointReference and RuleReference.")
        if endpoint is not None and endpoint not in endpoints:
            raise _invalid(f"Rule {rule_id}: endpoint {endpoint!r} is not in Endpoints.")
        if target is not None and target not in rules:
            raise _invalid(f"Rule {rule_id}: rule {target!r} is not in Rules.")


def _check_no_cycle(rules: dict[str, Any]) -> None:
    """Depth-first, iteratively (a deep document must not exhaust the stack)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in rules:
        if state.get(root):
            continue
        stack: list[tuple[str, list[str]]] = [(root, _children(rules[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            if not children:
                state[node] = 2
                stack.pop()
                continue
            child = children.pop()
            if state.get(child) == 1:
                raise _invalid(f"Rule {child} refers back to itself through other rules.")
            if not state.get(child):
                state[child] = 1
                stack.append((child, _children(rules[child])))


def _children(rule: dict[str, Any]) -> list[str]:
    return [str(r["RuleReference"]) for r in _references(rule) if r.get("RuleReference")]

"""Which operation a rest-json / rest-xml request is for, from its method, path and query.

Every operation's `requestUri` (`/{Bucket}/{Key+}?uploads`) becomes a `UriTemplate`. When
several templates match a request, the most specific wins, the way AWS's front ends choose:

1. literal path segments beat labels, labels beat greedy labels (segment by segment);
2. more literal query keys from the requestUri (`?uploads`, `?list-type=2`) beat fewer, and a
   template's literal keys must all be present (with their value, when one is given);
3. among the rest, an operation whose *required* query/header members are all present beats
   one missing some, then more of them present beats fewer: that is how S3 tells
   GetBucketAnalyticsConfiguration (`?analytics&id=`) from ListBucketAnalyticsConfigurations
   (`?analytics`), UploadPart from PutObject, and CopyObject (`x-amz-copy-source`) from PutObject;
4. finally a current operation beats a deprecated twin (GetBucketLifecycle).

`x-id` (the SDKs' hint naming the operation) is never required, but must agree when sent.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_plus

from botocore.model import OperationModel, ServiceModel

_LITERAL, _LABEL, _GREEDY = 2, 1, 0  # segment kinds, valued by specificity
PATH_SEGMENTS_MAX = 512  # a longer path is not any operation's
DECISIONS_CACHED_MAX = 4096  # per method: routes chosen by request signature (see signature)
_UNDECIDED: Any = object()
QUERY_FIELDS_MAX = 1000  # query parameters looked at when routing


class UriTemplate:
    """One operation's requestUri: path segments, labels and literal query requirements."""

    def __init__(self, request_uri: str) -> None:
        path, _, query = request_uri.partition("?")
        self.request_uri = request_uri
        self.segments: tuple[tuple[int, str], ...] = tuple(
            _segment(text) for text in path.strip("/").split("/") if text
        )
        kinds = [kind for kind, _ in self.segments]
        self.greedy_index: int | None = kinds.index(_GREEDY) if _GREEDY in kinds else None
        self.label_names = tuple(name for kind, name in self.segments if kind != _LITERAL)
        self.literal_query: dict[str, str | None] = {}
        for part in query.split("&") if query else ():
            key, equals, value = part.partition("=")
            self.literal_query[key] = value if equals else None
        self.first_literal = self.segments[0][1] if kinds and kinds[0] == _LITERAL else None
        self.specificity = tuple(kinds)

    def match(self, path: str) -> dict[str, str] | None:
        """Decoded label values if `path` (raw, percent-encoded) fits this template."""
        segments = split_path(path)
        return None if segments is None else self.match_segments(segments)

    def match_segments(self, segments: list[str]) -> dict[str, str] | None:
        if self.greedy_index is None:
            if segments and segments[-1] == "":
                segments = segments[:-1]  # a trailing slash names the same resource
            if len(segments) != len(self.segments):
                return None
            return _bind(self.segments, segments, {})
        return self._match_greedy(segments)

    def _match_greedy(self, segments: list[str]) -> dict[str, str] | None:
        greedy = self.greedy_index
        assert greedy is not None
        after = len(self.segments) - greedy - 1
        if len(segments) < len(self.segments):
            return None
        labels = _bind(self.segments[:greedy], segments[:greedy], {})
        if labels is None:
            return None
        end = len(segments) - after
        if after and _bind(self.segments[greedy + 1 :], segments[end:], labels) is None:
            return None
        value = "/".join(segments[greedy:end])
        if not value:
            return None
        labels[self.segments[greedy][1]] = value
        return labels

    def query_fits(self, query: Mapping[str, str]) -> bool:
        """Are the requestUri's literal query keys (and values) all in `query`?"""
        for key, value in self.literal_query.items():
            if key == "x-id":
                continue  # an SDK hint, checked in `hint_disagrees`
            if key not in query or (value is not None and query[key] != value):
                return False
        return True

    def hint_disagrees(self, query: Mapping[str, str]) -> bool:
        hint = query.get("x-id")
        wanted = self.literal_query.get("x-id")
        return hint is not None and wanted is not None and hint != wanted


def _segment(text: str) -> tuple[int, str]:
    if text.startswith("{") and text.endswith("}"):
        name = text[1:-1]
        return (_GREEDY, name[:-1]) if name.endswith("+") else (_LABEL, name)
    return (_LITERAL, text)


def _bind(
    pattern: tuple[tuple[int, str], ...], segments: list[str], labels: dict[str, str]
) -> dict[str, str] | None:
    for (kind, text), segment in zip(pattern, segments, strict=True):
        if kind == _LITERAL:
            if segment != text:
                return None
        elif not segment:
            return None
        else:
            labels[text] = segment
    return labels


def split_path(path: str) -> list[str] | None:
    """Decoded path segments; None if the path is not a usable, decodable path."""
    if not path.startswith("/"):
        return None
    raw = path[1:].split("/", PATH_SEGMENTS_MAX)
    if len(raw) > PATH_SEGMENTS_MAX:
        return None
    try:
        return [unquote(part, errors="strict") if "%" in part else part for part in raw]
    except UnicodeDecodeError:
        return None


@dataclass
class _Route:
    operation: OperationModel
    template: UriTemplate
    required_query: tuple[str, ...]  # wire names of required querystring members
    required_headers: tuple[str, ...]  # lower-case names of required header members
    static_rank: tuple[object, ...]  # (path specificity, literal query keys)
    order: int = 0  # position among all routes by static rank, most specific first
    rank_id: int = 0  # equal for routes of equal static rank (cheaper to compare)

    def tie_break(
        self, query: Mapping[str, str], headers: Mapping[str, str] | None
    ) -> tuple[bool, int, bool]:
        """Among equally specific templates: required members all present, how many, current."""
        present = sum(1 for key in self.required_query if key in query)
        if headers is not None:
            present += sum(1 for name in self.required_headers if name in headers)
        wanted = len(self.required_query) + len(self.required_headers)
        return (present == wanted, present, not self.operation.deprecated)


class RestRouter:
    """Finds the operation for a rest-json/rest-xml request; build once per service."""

    def __init__(self, service_model: ServiceModel) -> None:
        self.service_model = service_model
        self._by_method: dict[str, _MethodRoutes] = {}
        routes: list[tuple[str, _Route]] = []
        for name in service_model.operation_names:
            operation = service_model.operation_model(name)
            http = operation.http
            if "requestUri" in http:
                route = _route_for(operation, UriTemplate(http["requestUri"]))
                routes.append((http.get("method", "POST").upper(), route))
        routes.sort(key=lambda pair: pair[1].static_rank, reverse=True)
        ranks: dict[tuple[object, ...], int] = {}
        for order, (method, route) in enumerate(routes):
            route.order = order
            route.rank_id = ranks.setdefault(route.static_rank, len(ranks))
            self._by_method.setdefault(method, _MethodRoutes()).add(route)
        # the query keys whose values routing compares; others' values are never decoded
        self._valued = frozenset(
            key for _, route in routes for key, value in route.template.literal_query.items()
            if value is not None
        ) | {"x-id"}

    def match(
        self,
        method: str,
        path: str,
        query_string: str,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[OperationModel, dict[str, str]] | None:
        """The best operation and its decoded URI labels, or None if no operation fits.

        `headers` (lower-case names) is optional; with it, operations that differ only by a
        required header (S3's CopyObject vs PutObject) are told apart, without it the
        operation that requires no header wins.
        """
        routes = self._by_method.get(method.upper())
        segments = split_path(path)
        query = _query_keys(query_string, self._valued)
        if routes is None or segments is None or query is None:
            return None
        signature = routes.signature(segments, query, self._valued, headers)
        decided = routes.decisions.get(signature, _UNDECIDED)
        if decided is _UNDECIDED:
            decided = self._decide(routes, segments, query, headers)
            if len(routes.decisions) >= DECISIONS_CACHED_MAX:
                routes.decisions.clear()
            routes.decisions[signature] = decided
        if decided is None:
            return None
        labels = decided.template.match_segments(segments)
        assert labels is not None  # the signature decided it fits
        return decided.operation, labels

    def _decide(
        self, routes: _MethodRoutes, segments: list[str], query: Mapping[str, str],
        headers: Mapping[str, str] | None,
    ) -> _Route | None:  # fmt: skip
        best: _Route | None = None
        best_tie: tuple[bool, int, bool] | None = None
        for route in routes.candidates(segments):
            if best is not None and route.rank_id != best.rank_id:
                break  # candidates come most specific first: nothing later can win
            template = route.template
            if template.literal_query and (
                not template.query_fits(query) or template.hint_disagrees(query)
            ):
                continue
            if template.match_segments(segments) is None:
                continue
            if best is None:
                best = route
                continue
            best_tie = best_tie or best.tie_break(query, headers)
            tie = route.tie_break(query, headers)
            if tie > best_tie:
                best, best_tie = route, tie
        return best


def _query_keys(query_string: str, valued: frozenset[str]) -> dict[str, str] | None:
    """Query parameters (first value wins), names decoded, values decoded for the names in
    `valued` only (a presigned URL's credential is never compared); None if a decoded part
    is not UTF-8 or there are too many. The parser decodes (and checks) every value later."""
    if not query_string:
        return {}
    pieces = query_string.split("&", QUERY_FIELDS_MAX)
    if len(pieces) > QUERY_FIELDS_MAX:
        return None
    query: dict[str, str] = {}
    try:
        for piece in pieces:
            key, _, value = piece.partition("=")
            if "%" in key or "+" in key:
                key = unquote_plus(key, errors="strict")
            if key in valued and ("%" in value or "+" in value):
                value = unquote_plus(value, errors="strict")
            query.setdefault(key, value)
    except UnicodeDecodeError:
        return None
    return query


class _MethodRoutes:
    """One method's routes, indexed so a request only tries templates that could fit.

    A template without a greedy label fits only paths of its segment count whose segments at
    its literal positions equal its literals, so those are found by dictionary lookup: per
    segment count, per set of literal positions ("mask"), by the literals. Greedy templates,
    which fit many lengths, are few and tried in turn, found by their first segment.
    """

    def __init__(self) -> None:
        self.exact: dict[int, dict[tuple[int, ...], dict[tuple[str, ...], list[_Route]]]] = {}
        self.greedy: dict[str | None, list[_Route]] = {}
        # What the choice can depend on: segments equal to a literal (others only count as
        # empty or not), the query keys templates name or require, the required headers.
        self.literals: set[str] = set()
        self.query_keys: set[str] = set()
        self.header_names: list[str] = []
        self.decisions: dict[Hashable, _Route | None] = {}

    def signature(
        self, segments: list[str], query: Mapping[str, str], valued: frozenset[str],
        headers: Mapping[str, str] | None,
    ) -> Hashable:  # fmt: skip
        """Requests with equal signatures get the same route (its labels aside)."""
        literals, keys = self.literals, self.query_keys
        return (
            tuple(s if not s or s in literals else None for s in segments),
            frozenset((k, query[k] if k in valued else "") for k in query if k in keys),
            None if headers is None else tuple(n in headers for n in self.header_names),
        )

    def add(self, route: _Route) -> None:
        template = route.template
        self.literals.update(text for kind, text in template.segments if kind == _LITERAL)
        self.query_keys.update(template.literal_query, route.required_query)
        self.header_names += (h for h in route.required_headers if h not in self.header_names)
        if template.greedy_index is not None:
            self.greedy.setdefault(template.first_literal, []).append(route)
            return
        segments = template.segments
        mask = tuple(index for index, (kind, _) in enumerate(segments) if kind == _LITERAL)
        literals = tuple(segments[index][1] for index in mask)
        by_mask = self.exact.setdefault(len(segments), {})
        by_mask.setdefault(mask, {}).setdefault(literals, []).append(route)

    def candidates(self, segments: list[str]) -> list[_Route]:
        count = len(segments)
        found: list[_Route] = []
        counts = (count, count - 1) if count and segments[-1] == "" else (count,)
        for size in counts:
            for mask, by_literals in self.exact.get(size, {}).items():
                found += by_literals.get(tuple(segments[index] for index in mask), ())
        first = segments[0] if segments else ""
        found += self.greedy.get(first, ())
        found += self.greedy.get(None, ())
        found.sort(key=_by_order)
        return found


def _by_order(route: _Route) -> int:
    return route.order


def _route_for(operation: OperationModel, template: UriTemplate) -> _Route:
    required_query: list[str] = []
    required_headers: list[str] = []
    shape = operation.input_shape
    if shape is not None:
        for name in shape.required_members:
            member = shape.members.get(name)
            if member is None:
                continue
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "querystring" and member.type_name != "map":
                required_query.append(wire_name)
            elif location == "header":
                required_headers.append(wire_name.lower())
    literal_keys = sum(1 for key in template.literal_query if key != "x-id")
    return _Route(
        operation=operation,
        template=template,
        required_query=tuple(required_query),
        required_headers=tuple(required_headers),
        static_rank=(template.specificity, literal_keys),
    )

"""Answers remembered by query bytes, so repeated questions skip parsing and resolving.

The key is the query without its 2-byte id (question, flags, EDNS options): the same bytes
ask the same question. An entry is only stored when the answer was deterministic (no weighted
or multivalue draw), and the whole cache is dropped when `token()` changes (a record, zone or
health check changed). Bounded by ENTRIES_MAX and QUERY_BYTES_MAX.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

ENTRIES_MAX = 10_000
QUERY_BYTES_MAX = 512

Answer = Callable[[bytes, bool], "bytes | None"]


class AnswerCache:
    def __init__(self, answer: Answer, token: Callable[[], Hashable],
                 cacheable: Callable[[], bool]) -> None:
        self._answer, self._token, self._cacheable = answer, token, cacheable
        self._entries: dict[tuple[bytes, bool], bytes] = {}
        self._entries_token: Hashable = None

    def __call__(self, data: bytes, tcp: bool) -> bytes | None:
        token = self._token()
        if token != self._entries_token:
            self._entries, self._entries_token = {}, token
        key = (data[2:], tcp)
        found = self._entries.get(key)
        if found is not None:
            return data[:2] + found
        reply = self._answer(data, tcp)
        if reply is not None and len(data) <= QUERY_BYTES_MAX and self._cacheable():
            if len(self._entries) >= ENTRIES_MAX:
                self._entries.clear()
            self._entries[key] = reply[2:]
        return reply

"""The model's patterns keep Java's meaning and never backtrack for ever."""

from __future__ import annotations

import time

from pocketcloud.protocol.constraints import _compiled


def test_word_and_digit_classes_are_ascii_as_in_java() -> None:
    assert _compiled(r"[\w+=,.@-]+").fullmatch("é") is None
    assert _compiled(r"[\d]*").fullmatch("٣") is None


def test_unicode_classes_are_read() -> None:
    tag = _compiled(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
    assert tag.fullmatch("café 1") and not tag.fullmatch("a!")


def test_nested_repeats_run_in_linear_time() -> None:
    header = _compiled(r"^[ \t]*[\x20-\x7E]+([ \t]+[\x20-\x7E]+)*[ \t]*$")
    started = time.process_time()
    assert header.fullmatch("a " * 5000 + "\x01") is None
    assert time.process_time() - started < 1


def test_a_pattern_no_engine_reads_is_not_checked() -> None:
    assert _compiled(r"\p{Print}+") is None

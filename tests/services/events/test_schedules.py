"""When schedule expressions fire (pure functions of the schedule and the time)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pocketcloud.services.events.schedules import next_fire_s, parse_schedule


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def nxt(expression: str, after: str) -> str:
    found = next_fire_s(parse_schedule(expression), at(after), at(after))
    assert found is not None
    return datetime.fromtimestamp(found, UTC).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(0 12 * * ? *)", "2026-12-06 05:16:42", "2026-12-06 12:00"),
    ("cron(0 12 * * ? *)", "2026-12-06 12:00:00", "2026-12-07 12:00"),
    ("cron(0/15 * * * ? *)", "2026-12-06 05:16:42", "2026-12-06 05:30"),
    ("cron(0 10 ? * MON-FRI *)", "2026-12-05 11:00:00", "2026-12-07 10:00"),  # Sat -> Mon
    ("cron(0 9 L * ? *)", "2026-02-03 00:00:00", "2026-02-28 09:00"),
    ("cron(0 9 LW * ? *)", "2026-05-01 00:00:00", "2026-05-29 09:00"),  # 31st is a Sunday
    ("cron(0 9 1W * ? *)", "2026-07-25 00:00:00", "2026-08-03 09:00"),  # 1st is a Saturday
    ("cron(0 9 ? * 6L *)", "2026-12-01 00:00:00", "2026-12-25 09:00"),  # last Friday
    ("cron(0 9 ? * 3#2 *)", "2026-12-01 00:00:00", "2026-12-08 09:00"),  # 2nd Tuesday
    ("cron(0 0 29 2 ? *)", "2026-03-01 00:00:00", "2028-02-29 00:00"),
    ("rate(5 minutes)", "2026-12-06 05:16:42", "2026-12-06 05:21"),
])
def test_next_firing(expression: str, after: str, expected: str) -> None:
    assert nxt(expression, after) == expected


def test_a_past_year_never_fires() -> None:
    assert next_fire_s(parse_schedule("cron(0 0 1 1 ? 2020)"), at("2026-01-01 00:00:00"),
                       0) is None

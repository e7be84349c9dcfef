"""Schedule expressions as EventBridge accepts them: ``rate(5 minutes)`` and 6-field ``cron()``.

cron(Minutes Hours Day-of-month Month Day-of-week Year), in UTC. One of Day-of-month and
Day-of-week must be ``?``. Day-of-month takes ``L`` (last day), ``nW`` (weekday nearest day n)
and ``LW``; Day-of-week takes ``nL`` (last weekday n of the month) and ``n#k`` (k-th weekday n).
Days of the week run 1-7 from Sunday (or SUN-SAT); months 1-12 (or JAN-DEC); years 1970-2199.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pocketcloud.errors import AwsError

# AWS refuses any space but the one between value and unit (recorded: "rate( 10 minutes )")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\((.*)\)")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
YEAR_MIN, YEAR_MAX = 1970, 2199
SEARCH_DAYS_MAX = 366 * 8  # bounds the search for the next firing (leap-day rules need ~4 years)


def invalid() -> AwsError:
    return AwsError("ValidationException", "Parameter ScheduleExpression is not valid.")


@dataclass(frozen=True)
class Rate:
    period_s: int


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    day_of_month: str  # the raw field: "?" when day_of_week decides
    day_of_week: str


Schedule = Rate | Cron


def parse_schedule(text: str) -> Schedule:
    if m := _RATE.fullmatch(text):
        value, unit = int(m.group(1)), m.group(2)
        if value <= 0 or (value == 1) != (not unit.endswith("s")):
            raise invalid()
        return Rate(value * _UNIT_S[unit.rstrip("s")])
    if m := _CRON.fullmatch(text):
        return _parse_cron(m.group(1).split())
    raise invalid()


def _parse_cron(fields: list[str]) -> Cron:
    if len(fields) != 6:
        raise invalid()
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise invalid()  # exactly one of the two day fields must be "?"
    if dom != "?":
        _check_day_of_month(dom)
    if dow != "?":
        _check_day_of_week(dow)
    return Cron(
        minutes=_values(minute, 0, 59),
        hours=_values(hour, 0, 23),
        months=_values(month, 1, 12, _MONTHS),
        years=_values(year, YEAR_MIN, YEAR_MAX),
        day_of_month=dom.upper(),
        day_of_week=dow.upper(),
    )


def _number(text: str, low: int, high: int, names: dict[str, int] | None = None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise invalid()
    value = int(text)
    if not low <= value <= high:
        raise invalid()
    return value


def _values(field: str, low: int, high: int,
            names: dict[str, int] | None = None) -> frozenset[int]:
    found: set[int] = set()
    for part in field.split(","):
        base, slash, step_text = part.partition("/")
        step = _number(step_text, 1, high) if slash else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _number(first, low, high, names), _number(last, low, high, names)
            if start > end:
                raise invalid()
        else:
            start = _number(base, low, high, names)
            end = high if slash else start
        found.update(range(start, end + 1, step))
    return frozenset(found)


def _check_day_of_month(field: str) -> None:
    upper = field.upper()
    if upper in ("L", "LW"):
        return
    if upper.endswith("W"):
        _number(upper[:-1], 1, 31)
        return
    _values(field, 1, 31)


def _check_day_of_week(field: str) -> None:
    upper = field.upper()
    if upper == "L":
        return
    if upper.endswith("L"):
        _number(upper[:-1], 1, 7, _WEEKDAYS)
        return
    if "#" in upper:
        day, _, nth = upper.partition("#")
        _number(day, 1, 7, _WEEKDAYS)
        _number(nth, 1, 5)
        return
    _values(field, 1, 7, _WEEKDAYS)


# --- when does it fire next? ---------------------------------------------------------------

def next_fire_s(schedule: Schedule, after_s: float, anchor_s: float) -> float | None:
    """The first firing strictly after `after_s` (epoch seconds); None if there is none.

    A rate counts whole periods from `anchor_s` (when the rule was created or enabled); a cron
    fires at the start of each matching minute.
    """
    if isinstance(schedule, Rate):
        periods = max(0, int((after_s - anchor_s) // schedule.period_s) + 1)
        return anchor_s + periods * schedule.period_s
    return _next_cron(schedule, after_s)


def _next_cron(cron: Cron, after_s: float) -> float | None:
    start = datetime.fromtimestamp(after_s, UTC).replace(second=0, microsecond=0)
    start += timedelta(minutes=1)
    day = start.date()
    for _ in range(SEARCH_DAYS_MAX):
        if day.year > YEAR_MAX:
            return None
        if day.year in cron.years and day.month in cron.months and _day_matches(cron, day):
            first_minute = (start.hour, start.minute) if day == start.date() else (0, 0)
            for hour in sorted(h for h in cron.hours if h >= first_minute[0]):
                low = first_minute[1] if hour == first_minute[0] else 0
                minutes = [m for m in sorted(cron.minutes) if m >= low]
                if minutes:
                    moment = datetime(day.year, day.month, day.day, hour, minutes[0], tzinfo=UTC)
                    return moment.timestamp()
        day += timedelta(days=1)
    return None


def _day_matches(cron: Cron, day: date) -> bool:
    if cron.day_of_month != "?":
        return _dom_matches(cron.day_of_month, day)
    return _dow_matches(cron.day_of_week, day)


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _nearest_weekday(day: date, wanted: int) -> int:
    last = _last_day(day)
    wanted = min(wanted, last)
    weekday = date(day.year, day.month, wanted).weekday()  # Monday 0 .. Sunday 6
    if weekday == 5:  # Saturday: Friday before, unless that leaves the month
        return wanted - 1 if wanted > 1 else wanted + 2
    if weekday == 6:  # Sunday: Monday after, unless that leaves the month
        return wanted + 1 if wanted < last else wanted - 2
    return wanted


def _dom_matches(field: str, day: date) -> bool:
    last = _last_day(day)
    if field == "L":
        return day.day == last
    if field == "LW":
        return day.day == _nearest_weekday(day, last)
    if field.endswith("W"):
        return day.day == _nearest_weekday(day, int(field[:-1]))
    return day.day in _values(field, 1, 31)


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Sunday 1 .. Saturday 7


def _dow_matches(field: str, day: date) -> bool:
    weekday = _aws_weekday(day)
    if field == "L":
        return weekday == 7
    if field.endswith("L"):
        wanted = _number(field[:-1], 1, 7, _WEEKDAYS)
        return weekday == wanted and day.day + 7 > _last_day(day)
    if "#" in field:
        wanted_text, _, nth = field.partition("#")
        wanted = _number(wanted_text, 1, 7, _WEEKDAYS)
        return weekday == wanted and (day.day - 1) // 7 + 1 == int(nth)
    return weekday in _values(field, 1, 7, _WEEKDAYS)

"""Timestamps as text: the fast path for epoch numbers agrees with the datetime path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pocketcloud.protocol.serializing.values import http_date, iso8601


@pytest.mark.parametrize(("epoch", "iso", "http"), [
    (0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
    (1398796238, "2014-04-29T18:30:38Z", "Tue, 29 Apr 2014 18:30:38 GMT"),
    (1398796238.123, "2014-04-29T18:30:38.123Z", "Tue, 29 Apr 2014 18:30:38 GMT"),
    (1398796238.9996, "2014-04-29T18:30:39Z", "Tue, 29 Apr 2014 18:30:39 GMT"),  # rounds up
    (1398796238.0004, "2014-04-29T18:30:38Z", "Tue, 29 Apr 2014 18:30:38 GMT"),
    (951782400.5, "2000-02-29T00:00:00.500Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
    (951782400.001, "2000-02-29T00:00:00.001Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
    (951782400.01, "2000-02-29T00:00:00.010Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
    (951782400.999, "2000-02-29T00:00:00.999Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
])  # fmt: skip
def test_epoch_numbers(epoch: float, iso: str, http: str) -> None:
    assert iso8601(epoch) == iso
    assert http_date(epoch) == http
    assert iso8601(epoch) == iso  # cached second, same answer


def test_datetimes_and_out_of_range_numbers_take_the_datetime_path() -> None:
    moment = datetime(2014, 4, 29, 18, 30, 38, 123000, tzinfo=UTC)
    assert iso8601(moment) == "2014-04-29T18:30:38.123Z"
    assert http_date(moment) == "Tue, 29 Apr 2014 18:30:38 GMT"
    assert iso8601(-1.5) == "1969-12-31T23:59:58.500Z"

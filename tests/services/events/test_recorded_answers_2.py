"""More answers recorded against AWS: schedule expressions, rule and target validation,
PutEvents entry errors and bus permissions."""

from __future__ import annotations

import uuid
from typing import Any

import botocore.exceptions
import pytest


@pytest.fixture
def events(client):  # type: ignore[no-untyped-def]
    return client("events")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return dict(raised.value.response["Error"])


@pytest.mark.parametrize("expression", ["rate( 10 minutes )", " rate(10 minutes)",
                                        "rate(10  minutes)"])
def test_rate_takes_no_extra_spaces(events: Any, expression: str) -> None:
    assert error_of(events.put_rule, Name=unique("r"), ScheduleExpression=expression) == {
        "Code": "ValidationException", "Message": "Parameter ScheduleExpression is not valid."}

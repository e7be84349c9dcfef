"""Presigned-URL expiry read straight from X-Amz-Date/X-Amz-Expires: a bad date is AWS's 400."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest


@pytest.mark.parametrize("date", ["2026-01-01T00:00:00Z", "20261301T000000Z", "garbage"])
def test_malformed_amz_date(endpoint: str, s3: Any, bucket: str, date: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    query = f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={date}&X-Amz-Expires=60"
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{endpoint}/{bucket}/k?{query}", timeout=5)
    assert raised.value.code == 400
    assert b"AuthorizationQueryParametersError" in raised.value.read()


def test_fresh_presigned_url_still_works(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="fresh", Body=b"ok")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "fresh"})
    with urllib.request.urlopen(url, timeout=5) as answer:
        assert answer.read() == b"ok"


@pytest.mark.parametrize(("query", "status"), [
    ("X-Amz-Date=20200101T000000Z&X-Amz-Expires=60", 403),  # long expired
    ("X-Amz-Expires=60&X-Amz-Date=20200101T000000Z", 403),  # any order
    ("X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&X-Amz-Expires=x", 400),  # the last counts
    ("X-Amz-Date=20200101T000000Z&X-Amz-Expires=604801", 400),  # over a week
    ("X-Amz-Date=20200101%54000000Z&X-Amz-Expires=60", 403),  # percent-encoded "T"
    ("Expires=1", 403),  # SigV2: seconds since the epoch
    ("X-Amz-Expires=60&X-Amz-Date=2020", 400),
])  # fmt: skip
def test_expiry_parameters_read_from_the_query(
    endpoint: str, s3: Any, bucket: str, query: str, status: int
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{endpoint}/{bucket}/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&{query}",
                               timeout=5)  # fmt: skip
    assert raised.value.code == status

"""A conformance pass of Lambda's control plane against answers AWS gave (LocalStack's
AWS-validated snapshots of test_lambda_api and the Lambda API reference)."""

from __future__ import annotations

import pytest
from tests.services.lambda_.helpers import create


@pytest.fixture
def lam(client):  # type: ignore[no-untyped-def]
    return client("lambda")


def test_list_aliases_pages_with_a_next_marker(lam) -> None:  # type: ignore[no-untyped-def]
    # API reference, ListAliases: MaxItems limits a page, NextMarker is there when more remain.
    name = create(lam)
    lam.publish_version(FunctionName=name)
    for alias in ("a", "b", "c"):
        lam.create_alias(FunctionName=name, Name=alias, FunctionVersion="1")
    first = lam.list_aliases(FunctionName=name, MaxItems=2)
    assert [a["Name"] for a in first["Aliases"]] == ["a", "b"]
    second = lam.list_aliases(FunctionName=name, MaxItems=2, Marker=first["NextMarker"])
    assert [a["Name"] for a in second["Aliases"]] == ["c"] and "NextMarker" not in second
    paginator = lam.get_paginator("list_aliases")
    names = [a["Name"] for page in paginator.paginate(FunctionName=name,
                                                      PaginationConfig={"PageSize": 1})
             for a in page["Aliases"]]
    assert names == ["a", "b", "c"]

"""Account Management's Region opt-in: statuses, transitions, paging, errors, durability."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from tests.infra.conftest import ACCOUNT_ID, MakeContext

from pocketcloud.context import RequestContext
from pocketcloud.errors import AwsError
from pocketcloud.infra import region_opt_in
from pocketcloud.infra.clock import Clock
from pocketcloud.services.account.provider import (
    disable_region,
    enable_region,
    get_region_opt_status,
    list_regions,
)
from pocketcloud.store import Store


@pytest.fixture
def account(make_ctx: MakeContext) -> RequestContext:
    return make_ctx(service="account")


def _status(ctx: RequestContext, region: str) -> str:
    return str(get_region_opt_status(ctx, {"RegionName": region})["RegionOptStatus"])


def _error(call, ctx: RequestContext, params: dict) -> AwsError:  # type: ignore[no-untyped-def]
    with pytest.raises(AwsError) as caught:
        call(ctx, params)
    return caught.value


def test_statuses_of_a_new_account(account: RequestContext) -> None:
    assert _status(account, "us-east-1") == "ENABLED_BY_DEFAULT"
    assert _status(account, "af-south-1") == "DISABLED"
    assert get_region_opt_status(account, {"RegionName": "eu-south-2"}) == {
        "RegionName": "eu-south-2", "RegionOptStatus": "DISABLED"}


def test_enable_then_disable(account: RequestContext) -> None:
    assert enable_region(account, {"RegionName": "eu-central-2"}) == {}
    assert _status(account, "eu-central-2") == "ENABLED"
    assert disable_region(account, {"RegionName": "eu-central-2"}) == {}
    assert _status(account, "eu-central-2") == "DISABLED"


def test_enabling_is_per_account(account: RequestContext, make_ctx: MakeContext) -> None:
    enable_region(account, {"RegionName": "me-south-1"})
    other = make_ctx(service="account", account_id="999999999999")
    assert _status(other, "me-south-1") == "DISABLED"


@pytest.mark.parametrize(("call", "region"), [
    (enable_region, "us-west-2"), (disable_region, "us-west-2"),  # enabled by default
    (disable_region, "ap-east-2"),  # already disabled
])
def test_changes_the_status_does_not_allow(account: RequestContext, call, region: str) -> None:  # type: ignore[no-untyped-def]
    error = _error(call, account, {"RegionName": region})
    assert (error.code, error.status_code) == ("ValidationException", 400)
    assert error.message == "Unable to switch region status because of its current opt-in status."
    assert error.fields["reason"] == "invalidRegionOptTarget"


def test_enabling_twice_is_refused(account: RequestContext) -> None:
    enable_region(account, {"RegionName": "ap-south-2"})
    assert _error(enable_region, account, {"RegionName": "ap-south-2"}).code == \
        "ValidationException"


def test_transitions_settle_on_the_clock(
    account: RequestContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(region_opt_in, "DEFAULT_TRANSITION_S", 60.0)
    enable_region(account, {"RegionName": "ca-west-1"})
    assert _status(account, "ca-west-1") == "ENABLING"
    assert not region_opt_in.is_region_enabled(account.cloud, ACCOUNT_ID, "ca-west-1")
    conflict = _error(disable_region, account, {"RegionName": "ca-west-1"})
    assert (conflict.code, conflict.status_code) == ("ConflictException", 409)
    assert _error(enable_region, account, {"RegionName": "ca-west-1"}).code == \
        "ValidationException"
    account.cloud.clock.advance(60)
    assert _status(account, "ca-west-1") == "ENABLED"
    assert region_opt_in.is_region_enabled(account.cloud, ACCOUNT_ID, "ca-west-1")
    disable_region(account, {"RegionName": "ca-west-1"})
    assert _status(account, "ca-west-1") == "DISABLING"
    account.cloud.clock.advance(60)
    assert _status(account, "ca-west-1") == "DISABLED"


@pytest.mark.parametrize("params", [{}, {"RegionName": "moon-1"}, {"RegionName": ""},
                                    {"RegionName": "us-gov-west-1"}])
def test_a_missing_or_unknown_region_is_a_validation_error(
    account: RequestContext, params: dict
) -> None:
    for call in (get_region_opt_status, enable_region, disable_region):
        error = _error(call, account, params)
        assert error.code == "ValidationException"
        assert error.fields["reason"] == "fieldValidationFailed"
        assert error.fields["fieldList"][0]["name"] == "RegionName"


def test_account_id_may_only_name_the_caller(account: RequestContext) -> None:
    mine = get_region_opt_status(account, {"AccountId": ACCOUNT_ID, "RegionName": "eu-south-1"})
    assert mine["RegionOptStatus"] == "DISABLED"
    denied = _error(enable_region, account, {"AccountId": "111122223333",
                                             "RegionName": "eu-south-1"})
    assert (denied.code, denied.status_code) == ("AccessDeniedException", 403)
    malformed = _error(list_regions, account, {"AccountId": "12345"})
    assert malformed.code == "ValidationException"


def test_list_regions_sorted_with_statuses(account: RequestContext) -> None:
    enable_region(account, {"RegionName": "il-central-1"})
    regions = list_regions(account, {})["Regions"]
    assert len(regions) == 34
    assert [r["RegionName"] for r in regions] == sorted(r["RegionName"] for r in regions)
    statuses = {r["RegionName"]: r["RegionOptStatus"] for r in regions}
    assert statuses["il-central-1"] == "ENABLED"
    assert statuses["eu-north-1"] == "ENABLED_BY_DEFAULT"
    assert statuses["mx-central-1"] == "DISABLED"
    assert "NextToken" not in list_regions(account, {})


def test_list_regions_filtered_by_status(account: RequestContext) -> None:
    enable_region(account, {"RegionName": "ap-southeast-3"})
    by_default = list_regions(account, {"RegionOptStatusContains": ["ENABLED_BY_DEFAULT"]})
    assert len(by_default["Regions"]) == 17
    enabled = list_regions(account, {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]})
    assert len(enabled["Regions"]) == 18
    error = _error(list_regions, account, {"RegionOptStatusContains": ["ON"]})
    assert error.code == "ValidationException"


def test_list_regions_pages(account: RequestContext) -> None:
    seen: list[str] = []
    params: dict = {"MaxResults": 10}
    for _ in range(10):  # bounded: 34 regions need 4 pages
        page = list_regions(account, params)
        assert len(page["Regions"]) <= 10
        seen += [r["RegionName"] for r in page["Regions"]]
        if "NextToken" not in page:
            break
        params = {"MaxResults": 10, "NextToken": page["NextToken"]}
    assert len(seen) == len(set(seen)) == 34


@pytest.mark.parametrize("params", [{"MaxResults": 0}, {"MaxResults": 51},
                                    {"NextToken": "not-a-token!"}, {"NextToken": "Zm9v"}])
def test_bad_paging_parameters(account: RequestContext, params: dict) -> None:
    assert _error(list_regions, account, params).code == "ValidationException"


def test_opt_in_survives_reopening_the_store(tmp_path: Path) -> None:
    def context(store: Store) -> RequestContext:
        cloud = SimpleNamespace(store=store, clock=Clock())
        return RequestContext(cloud=cloud, request_id="r", account_id=ACCOUNT_ID,  # type: ignore[arg-type]
                              region="us-east-1", service="account")

    with Store(tmp_path / "data") as store:
        enable_region(context(store), {"RegionName": "ap-southeast-7"})
    with Store(tmp_path / "data") as reopened:
        ctx = context(reopened)
        assert _status(ctx, "ap-southeast-7") == "ENABLED"
        assert _status(ctx, "ap-southeast-6") == "DISABLED"

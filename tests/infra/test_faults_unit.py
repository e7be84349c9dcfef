"""The fault book as services see it: is_region_down / is_az_down on a cloud's clock."""

from __future__ import annotations

from typing import Any

import pytest

from pocketcloud.infra.faults import (
    FaultError,
    fault_book,
    is_az_down,
    is_region_down,
    new_fault,
    zone_state,
)


def _add(cloud: Any, kind: str, fault_id: str = "f1", **options: Any) -> None:
    fault_book(cloud).add(cloud, new_fault(cloud, kind, fault_id=fault_id, seed=1, **options))


def test_nothing_is_down_without_faults(cloud: Any) -> None:
    assert not is_region_down(cloud, "us-east-1")
    assert not is_az_down(cloud, "us-east-1a")
    assert zone_state(cloud, "us-east-1a") == ("available", [])


def test_region_down_takes_its_zones_down(cloud: Any) -> None:
    _add(cloud, "region-down", region="eu-west-1")
    assert is_region_down(cloud, "eu-west-1")
    assert not is_region_down(cloud, "eu-west-2")
    assert is_az_down(cloud, "eu-west-1b") and is_az_down(cloud, "euw1-az1")
    assert not is_az_down(cloud, "eu-west-2a")


def test_az_down_is_one_zone(cloud: Any) -> None:
    _add(cloud, "az-down", zone="us-east-1a")
    assert is_az_down(cloud, "us-east-1a")
    assert not is_az_down(cloud, "us-east-1b")
    assert not is_region_down(cloud, "us-east-1")
    state, messages = zone_state(cloud, "us-east-1a")
    assert state == "impaired" and messages


def test_windows_follow_the_clock(cloud: Any) -> None:
    now = cloud.clock.now()
    _add(cloud, "region-down", region="sa-east-1", start_at_s=now + 60, duration_s=30)
    assert not is_region_down(cloud, "sa-east-1")
    cloud.clock.advance(61)
    assert is_region_down(cloud, "sa-east-1")
    cloud.clock.advance(30)
    assert not is_region_down(cloud, "sa-east-1")


def test_restore_ends_now_and_is_durable(cloud: Any) -> None:
    _add(cloud, "region-down", region="ap-south-1")
    book = fault_book(cloud)
    assert [f.fault_id for f in book.restore(cloud)] == ["f1"]
    assert not is_region_down(cloud, "ap-south-1")
    assert book.restore(cloud) == []  # nothing left to end
    cloud.clock.advance(1)
    assert book.clear_ended(cloud) == 1 and book.faults() == ()


def test_same_seed_same_draws(cloud: Any) -> None:
    book = fault_book(cloud)
    runs = []
    for fault_id in ("a", "b"):
        fault = book.add(cloud, new_fault(cloud, "degrade", fault_id=fault_id, seed=7,
                                          region="us-east-1", service="sqs", error_rate=0.3))
        runs.append([book.draw(fault) for _ in range(50)])
    assert runs[0] == runs[1]
    assert 5 < sum(fails for fails, _ in runs[0]) < 30


@pytest.mark.parametrize("kind, options", [
    ("region-down", {"region": "nowhere-1"}),
    ("az-down", {"zone": "us-east-1q"}),
    ("degrade", {"region": "us-east-1", "service": "sqs", "error_rate": -0.1}),
    ("degrade", {"region": "us-east-1", "service": "sqs", "latency_ms": 10**9}),
    ("degrade", {"region": "us-east-1", "service": "sqs", "error_kind": "fatal"}),
    ("quake", {"region": "us-east-1"}),
])
def test_bad_faults(cloud: Any, kind: str, options: dict[str, Any]) -> None:
    with pytest.raises(FaultError):
        new_fault(cloud, kind, fault_id="x", seed=1, **options)


def test_every_fault_is_logged_with_its_seed(cloud: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="pocketcloud.faults")
    now = cloud.clock.now()
    _add(cloud, "region-down", region="eu-west-3", start_at_s=now + 10, duration_s=10)
    cloud.clock.advance(11)
    assert is_region_down(cloud, "eu-west-3")
    cloud.clock.advance(10)
    assert not is_region_down(cloud, "eu-west-3")
    lines = [r.getMessage() for r in caplog.records]
    assert [line.split(" ")[2] for line in lines] == ["created:", "started", "ended"]
    assert all("seed 1" in line for line in lines)

"""The delivery policy's retry schedule: AWS's four phases, always finite."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pocketcloud.services.sns.retry_policy import DEFAULT_MANAGED_POLICY, retry_delay_s


def schedule(policy: dict[str, object]) -> list[float]:
    delays = []
    retry = 1
    while (delay := retry_delay_s(policy, retry)) is not None:
        delays.append(delay)
        retry += 1
    return delays


def test_awss_default_http_policy_is_three_retries_twenty_seconds_apart() -> None:
    policy = {"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
              "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
              "backoffFunction": "linear"}
    assert schedule(policy) == [20.0, 20.0, 20.0]


def test_phases_in_order() -> None:
    policy = {"numRetries": 10, "numNoDelayRetries": 2, "numMinDelayRetries": 2,
              "numMaxDelayRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 16,
              "backoffFunction": "exponential"}
    delays = schedule(policy)
    assert delays[:2] == [0.0, 0.0]
    assert delays[2:4] == [1.0, 1.0]
    assert delays[4:8] == [2.0, 4.0, 8.0, 16.0]
    assert delays[8:] == [16.0, 16.0]


def test_managed_endpoints_back_off_to_twenty_seconds() -> None:
    assert [retry_delay_s(DEFAULT_MANAGED_POLICY, r) for r in range(1, 6)] == [
        0.0, 0.0, 0.0, 1.0, 1.0]
    assert retry_delay_s(DEFAULT_MANAGED_POLICY, 16) == 20.0
    assert retry_delay_s(DEFAULT_MANAGED_POLICY, 100_015) == 20.0
    assert retry_delay_s(DEFAULT_MANAGED_POLICY, 100_016) is None


@given(retries=st.integers(0, 100), no_delay=st.integers(0, 5), low=st.integers(1, 60),
       spread=st.integers(0, 3540),
       function=st.sampled_from(["linear", "arithmetic", "geometric", "exponential"]))
def test_every_schedule_is_finite_and_within_the_targets(retries: int, no_delay: int, low: int,
                                                         spread: int, function: str) -> None:
    policy = {"numRetries": max(retries, no_delay), "numNoDelayRetries": no_delay,
              "minDelayTarget": low, "maxDelayTarget": low + spread,
              "backoffFunction": function}
    delays = schedule(policy)
    assert len(delays) == max(retries, no_delay)
    assert all(d == 0.0 or low <= d <= low + spread + 1e-9 for d in delays)
    later = delays[no_delay:]
    assert later == sorted(later)

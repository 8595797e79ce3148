"""Fixtures of the security tests: tight throttle rates; outage counts cleared per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from calcuingo import throttling
from calcuingo.resilience import breakers_reset


@pytest.fixture(autouse=True)
def _fresh_fallback_counts() -> Iterator[None]:
    """Counts kept in memory during an outage, and open circuits, belong to one test only."""
    throttling.throttle_fallback().clear()
    breakers_reset()
    yield
    throttling.throttle_fallback().clear()
    breakers_reset()


@pytest.fixture
def login_rate(monkeypatch: pytest.MonkeyPatch) -> int:
    """Five logins a minute per client (the deployed rate is 30: the same rule, fewer requests).

    DRF reads the rates once, into a class attribute, so they are patched there.
    """
    rates: dict[str, Any] = {"anon": "1000/min", "user": "1000/min", "auth": "5/min"}
    for throttle in (
        throttling.AnonRateThrottle,
        throttling.UserRateThrottle,
        throttling.ScopedRateThrottle,
    ):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)
    return 5

"""Gamification fixtures: the seeded avatars and achievements, a stopped clock, a real Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from gamification import leaderboards
from gamification.seeds import seed

LEADERBOARD_REDIS = "redis://127.0.0.1:6379/15"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.postgres` tests need row locks and real concurrency: skip them on SQLite."""
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): row locks and real concurrency")


@pytest.fixture
def seeded(db: None) -> None:
    """The avatars and achievements of every Calcuingo (the migration made them; a
    transactional test's flush does not keep them, so write them again: `seed` is idempotent)."""
    seed()


@pytest.fixture
def clock() -> Callable[[datetime], Any]:
    """`with clock(at):` — what `django.utils.timezone.now` answers meanwhile.

    Practice reads the clock where it finishes a session (`finish_locked`), so a scripted
    day needs the clock itself stopped at that day.
    """

    @contextmanager
    def stopped_at(at: datetime) -> Iterator[None]:
        assert at.tzinfo is not None, "instants are aware"
        with mock.patch("django.utils.timezone.now", return_value=at):
            yield

    return stopped_at


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def _cache(url: str) -> dict[str, dict[str, Any]]:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "calcuingo",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }


def _flush_boards() -> None:
    client = leaderboards._redis()
    assert client is not None
    keys = list(client.scan_iter(match=f"{leaderboards.PREFIX}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_boards(settings: Any) -> Iterator[None]:
    """Leaderboards in a real Redis (database 15); only the `calcuingo:lb:*` keys are flushed.

    The boards start complete and empty (rebuilt from an empty database), as a running site's
    are: what the test's answers bump is then the whole board.
    """
    if not _redis_answers(LEADERBOARD_REDIS):
        pytest.skip(f"no Redis server answers at {LEADERBOARD_REDIS}")
    before = settings.CACHES
    settings.CACHES = _cache(LEADERBOARD_REDIS)
    _flush_boards()
    leaderboards.rebuild()
    yield
    _flush_boards()
    settings.CACHES = before  # so that the shared `cache.clear()` does not flush database 15


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    """A cache that points at a port where no Redis listens."""
    before = settings.CACHES
    settings.CACHES = _cache("redis://127.0.0.1:1/0")
    yield
    settings.CACHES = before

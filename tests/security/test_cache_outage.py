"""A sick Redis costs milliseconds, and rate limits and lockout hold while it is away.

The hung server here is a socket that accepts connections and never answers, which is what a
stopped (SIGSTOP) or overloaded Redis looks like to a client. The fault tests (tests/faults/) do
the same to a real redis-server, and watch it recover.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from calcuingo.resilience import BreakerConnection, breaker_for
from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

TIMEOUT = 0.3


def redis_cache(url: str) -> dict[str, Any]:
    """The production cache settings, pointed at `url`."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "calcuingo",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": TIMEOUT,
                "SOCKET_TIMEOUT": TIMEOUT,
                "CONNECTION_POOL_KWARGS": {"connection_class": BreakerConnection},
            },
        }
    }


@pytest.fixture
def hung_redis(settings: Any) -> Iterator[str]:
    """A server that takes connections into its backlog and never says a word."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    port = server.getsockname()[1]
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{port}/1")
    settings.REDIS_CIRCUIT_RESET_SECONDS = 30
    yield f"127.0.0.1:{port}"
    server.close()


@pytest.fixture
def redis_down(settings: Any) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{port}/1")
    settings.REDIS_CIRCUIT_RESET_SECONDS = 30


def timed(work: Callable[[], Any]) -> float:
    began = time.monotonic()
    work()
    return time.monotonic() - began


def test_a_hung_redis_costs_one_timeout_then_nothing(hung_redis: str) -> None:
    first = timed(lambda: cache.get("anything"))
    rest = timed(lambda: [cache.get(f"key{n}") for n in range(50)])

    assert first < TIMEOUT * 3
    assert rest < 0.2, "fifty reads with the circuit open, without waiting for Redis"
    assert breaker_for(hung_redis).is_open


def test_pages_and_the_api_answer_quickly_while_redis_hangs(
    hung_redis: str, client_for: Callable[[User], APIClient], learner: User
) -> None:
    as_ada = client_for(learner)
    as_ada.get("/api/v1/me")  # the first call finds out, within one timeout

    def browse() -> None:
        for url in ("/api/v1/me", "/api/v1/tracks/", "/api/v1/me/standing", "/api/v1/sessions"):
            for _ in range(3):
                assert as_ada.get(url).status_code == 200, url

    assert timed(browse) < 12 * TIMEOUT, "twelve requests must not each wait for Redis"


def test_the_circuit_lets_one_probe_through_after_its_pause(hung_redis: str, settings: Any) -> None:
    settings.REDIS_CIRCUIT_RESET_SECONDS = 0.5
    cache.get("anything")
    time.sleep(0.6)

    probe = timed(lambda: cache.get("anything"))
    after = timed(lambda: [cache.get(f"key{n}") for n in range(20)])

    assert TIMEOUT * 0.8 < probe < TIMEOUT * 3, "the probe tried Redis again"
    assert after < 0.2, "and its failure opened the circuit again"


def login_statuses(client: APIClient, times: int, password: str = "wrong") -> list[int]:  # noqa: S107
    return [
        client.post(
            "/api/v1/auth/login", {"email": "ada@example.org", "password": password}
        ).status_code
        for _ in range(times)
    ]


def test_login_throttling_holds_while_redis_is_down(
    redis_down: None, login_rate: int, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 100  # the throttle, not the lockout, is under test
    statuses = login_statuses(APIClient(), login_rate + 1)

    assert statuses == [401] * login_rate + [429]


def test_login_throttling_holds_while_redis_hangs(
    hung_redis: str, login_rate: int, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 100
    statuses = login_statuses(APIClient(), login_rate + 1)

    assert statuses == [401] * login_rate + [429]


def test_the_lockout_holds_while_redis_is_down(
    redis_down: None, learner: User, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    client = APIClient()
    login_statuses(client, 5)

    assert login_statuses(client, 1, password=DEFAULT_PASSWORD) == [429]

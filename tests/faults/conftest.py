"""Fault injection: our own redis-server to stop and hang, a live server, a learner answering.

Each test starts its own `redis-server` on a free port (never the shared one on 6379), points the
cache at it with the production settings (short timeouts, the circuit breaker), and talks to the
site over HTTP through pytest-django's live server, whose requests open and give back database
connections as production's do. Without the `redis-server` binary the tests are skipped on a
developer's machine; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from knox.models import AuthToken

from accounts.models import User
from calcuingo import throttling
from calcuingo.resilience import breakers_reset, connection_class_for
from practice.models import PracticeSession
from tests.accounts.factories import UserFactory
from tests.practice.builders import answer_body, fact_track, times_table

# The production timeouts are 0.5 s; the tests use less so that they run quickly.
REDIS_TIMEOUT = 0.2
CIRCUIT_RESET = 1.0
# What one request may cost while Redis is sick, beyond the slowest healthy one: a few timeouts
# at most, never one per cache call.
REQUEST_BUDGET = 1.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A throwaway redis-server: started, stopped, paused (SIGSTOP) and resumed at will."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.paused = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            if self.paused:
                self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)
        self.paused = False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is missing: the fault tests must run in CI")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def cache_settings(url: str) -> dict[str, Any]:
    """calcuingo.settings' cache, with the test's shorter timeouts."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "calcuingo",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
                "CONNECTION_POOL_KWARGS": {"connection_class": connection_class_for(url)},
            },
        }
    }


@pytest.fixture
def cache_on_own_redis(redis_server: RedisServer, settings: Any) -> Iterator[RedisServer]:
    settings.CACHES = cache_settings(redis_server.url)
    settings.REDIS_CIRCUIT_RESET_SECONDS = CIRCUIT_RESET
    breakers_reset()
    throttling.throttle_fallback().clear()
    yield redis_server
    breakers_reset()
    throttling.throttle_fallback().clear()


@pytest.fixture
def login_rate(monkeypatch: pytest.MonkeyPatch) -> int:
    """Five logins a minute per client, patched where DRF keeps the rates (a class attribute)."""
    rates = {"anon": "1000/min", "user": "10000/min", "auth": "5/min"}
    for throttle in (
        throttling.AnonRateThrottle,
        throttling.UserRateThrottle,
        throttling.ScopedRateThrottle,
    ):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)
    return 5


# The live server's middleware was built before the tests' settings (it is shared by the whole
# run), so it still redirects plain HTTP to HTTPS: requests say they came through a TLS proxy.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def call(method: str, url: str, **kwargs: Any) -> requests.Response:
    headers = {**PROXY_HEADERS, **kwargs.pop("headers", {})}
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


@dataclass
class Learner:
    """A learner answering lessons over HTTP, counting what the server acknowledged."""

    base_url: str
    user: User
    token: str
    lesson_id: int
    acknowledged: int = 0
    refused: list[int] = field(default_factory=list)
    slowest: float = 0.0
    session_id: int | None = None

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}"}
        began = time.monotonic()
        response = call(method, self.base_url + path, headers=headers, **kwargs)
        self.slowest = max(self.slowest, time.monotonic() - began)
        return response

    def _session(self) -> PracticeSession:
        if self.session_id is not None:
            session = PracticeSession.objects.get(pk=self.session_id)
            if session.status == PracticeSession.Status.ACTIVE:
                return session
        started = self.request(
            "post", "/api/v1/sessions", json={"mode": "lesson", "lesson": self.lesson_id}
        )
        assert started.status_code == 201, started.content[:300]
        self.session_id = int(started.json()["id"])
        return PracticeSession.objects.get(pk=self.session_id)

    def answer(self, count: int = 1) -> None:
        for _ in range(count):
            session = self._session()
            response = self.request(
                "post", f"/api/v1/sessions/{session.pk}/answers", json=answer_body(session)
            )
            if response.status_code == 201:
                self.acknowledged += 1
            else:
                self.refused.append(response.status_code)

    def get(self, path: str) -> int:
        return int(self.request("get", path).status_code)


@pytest.fixture
def learner_online(live_server: Any, settings: Any) -> Learner:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    user = UserFactory(username="ada", email="ada@example.org")
    track = fact_track(times_table(3))
    lesson = track.units.get().lessons.get()
    _, token = AuthToken.objects.create(user=user)
    learner = Learner(base_url=live_server.url, user=user, token=token, lesson_id=lesson.pk)
    # The live server's first requests load URLs, templates and the schema: seconds, not faults.
    learner.get("/api/v1/me")
    learner.answer(1)
    learner.slowest = 0.0
    return learner

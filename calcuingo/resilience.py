"""A circuit breaker in front of Redis: a sick server costs milliseconds, not a timeout per call.

Short socket timeouts bound one call; they do not stop every request from paying them while Redis
is hung (a stopped process still accepts connections, then never answers). The connection classes
here, installed in the cache's connection pool (`CONNECTION_POOL_KWARGS`), open the circuit on the
first connection error or timeout: for `REDIS_CIRCUIT_RESET_SECONDS` every command to that server
fails at once with `CircuitOpen` (a `redis.ConnectionError`, so django-redis turns it into a cache
miss and the throttles into their local fallback). After that one caller probes; the others keep
failing fast until the probe answers, which closes the circuit without a restart.

The state is per process (each worker finds out for itself) and per server address.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("calcuingo.cache")

DEFAULT_RESET_SECONDS = 10.0


class CircuitOpen(RedisConnectionError):
    """Redis failed moments ago; this call was not attempted."""


class CircuitBreaker:
    """Open after a failure, for a while; then let one call probe whether the server is back."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        # 0.0 while closed; else the monotonic time before which calls fail fast.
        self._open_until = 0.0

    @property
    def reset_seconds(self) -> float:
        return float(getattr(settings, "REDIS_CIRCUIT_RESET_SECONDS", DEFAULT_RESET_SECONDS))

    @property
    def is_open(self) -> bool:
        return self._open_until != 0.0

    def before_call(self) -> bool:
        """Refuse the call while the circuit is open; the first caller after the pause probes.

        True when this caller is the probe: its connection may go on (connect, then send and read)
        until it succeeds or fails, while everyone else keeps failing fast.
        """
        if self._open_until == 0.0:
            return False
        with self._lock:
            if self._open_until == 0.0:
                return False
            now = time.monotonic()
            if now < self._open_until:
                raise CircuitOpen(f"Redis at {self.name} failed recently; not trying until later")
            self._open_until = now + self.reset_seconds
            return True

    def succeeded(self) -> None:
        if self._open_until == 0.0:
            return
        with self._lock:
            if self._open_until != 0.0:
                self._open_until = 0.0
                logger.warning("Redis at %s answers again; circuit closed", self.name)

    def failed(self, error: Exception) -> None:
        with self._lock:
            was_closed = self._open_until == 0.0
            self._open_until = time.monotonic() + self.reset_seconds
        if was_closed:
            logger.warning(
                "Redis at %s failed (%s); skipping it for %.1f s",
                self.name,
                error,
                self.reset_seconds,
            )

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str) -> CircuitBreaker:
    """The one breaker of this server address in this process."""
    found = _breakers.get(name)
    if found is None:
        with _breakers_lock:
            found = _breakers.setdefault(name, CircuitBreaker(name))
    return found


def breakers_reset() -> None:
    """Close every circuit (tests, and a deliberate reconnect)."""
    for breaker in list(_breakers.values()):
        breaker.reset()


_FAILURES = (RedisConnectionError, RedisTimeoutError)


class BreakerMixin:
    """Guards a redis-py connection's connect, send and read with the server's breaker.

    A connection is used by one thread at a time, so it can carry whether it is the probe.
    """

    _probing = False

    def _breaker(self) -> CircuitBreaker:
        path = getattr(self, "path", None)
        name = str(path) if path else f"{getattr(self, 'host', '?')}:{getattr(self, 'port', '?')}"
        return breaker_for(name)

    def _guard(self) -> CircuitBreaker:
        breaker = self._breaker()
        if not self._probing and breaker.before_call():
            self._probing = True
        return breaker

    def _failed(self, breaker: CircuitBreaker, error: Exception) -> None:
        self._probing = False
        breaker.failed(error)

    def connect(self) -> None:
        breaker = self._guard()
        try:
            super().connect()  # type: ignore[misc]
        except CircuitOpen:
            raise
        except _FAILURES as error:
            self._failed(breaker, error)
            raise

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        breaker = self._guard()
        try:
            super().send_packed_command(command, check_health)  # type: ignore[misc]
        except CircuitOpen:
            raise
        except _FAILURES as error:
            self._failed(breaker, error)
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        breaker = self._breaker()
        try:
            response = super().read_response(*args, **kwargs)  # type: ignore[misc]
        except CircuitOpen:
            raise
        except _FAILURES as error:
            self._failed(breaker, error)
            raise
        self._probing = False
        breaker.succeeded()
        return response


class BreakerConnection(BreakerMixin, Connection):
    pass


class BreakerSSLConnection(BreakerMixin, SSLConnection):
    pass


class BreakerUnixDomainSocketConnection(BreakerMixin, UnixDomainSocketConnection):
    pass


def connection_class_for(url: str) -> type[Connection] | type[UnixDomainSocketConnection]:
    """The guarded connection class matching the URL's scheme (redis, rediss, unix)."""
    if url.startswith("rediss://"):
        return BreakerSSLConnection
    if url.startswith("unix://"):
        return BreakerUnixDomainSocketConnection
    return BreakerConnection

"""API throttles that key on the real client and keep counting while Redis is away.

DRF's throttles read their history from the default cache. With django-redis ignoring errors, an
unreachable Redis answers every read with "nothing yet" and drops every write, so rate limiting
switched itself off for the length of an outage. Here the throttles talk to the cache's client
directly, see its errors, and count in this process's memory while Redis fails.

The trade-off of that fallback, chosen over a database table: during an outage each worker
process counts on its own, so a client spreading requests over N processes gets up to N times the
rate, and the counts start from zero when the outage begins and again when Redis returns. A
database-backed fallback would hold the exact rate but add a write to every API request at the
moment the site is already degraded; N × the rate still stops brute force and floods.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request

from .resilience import breakers_reset
from .security import client_ip

logger = logging.getLogger("calcuingo.cache")

_FALLBACK = LocMemCache(
    "calcuingo-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4}}
)


class ThrottleCache:
    """The default cache for throttle histories, or this process's memory when it fails."""

    def _primary(self) -> Any:
        backend = caches["default"]
        # django-redis' backend swallows errors (DJANGO_REDIS_IGNORE_EXCEPTIONS); its client
        # raises them, which is what tells us to fall back.
        return backend.client if isinstance(backend, RedisCache) else backend

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._primary().get(key, default)
        except (ConnectionInterrupted, RedisError) as error:
            logger.debug("throttle cache read failed, counting locally: %s", error)
            return _FALLBACK.get(key, default)

    def set(self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        try:
            self._primary().set(key, value, timeout)
        except (ConnectionInterrupted, RedisError) as error:
            logger.debug("throttle cache write failed, counting locally: %s", error)
            _FALLBACK.set(key, value, timeout)


throttle_cache = ThrottleCache()


def throttle_fallback() -> BaseCache:
    """The local counts kept during an outage (tests clear them)."""
    return _FALLBACK


@receiver(setting_changed)
def _forget_outage_state(*, setting: str, **kwargs: Any) -> None:
    """A new cache configuration starts without the old one's outage counts or open circuits.

    Only tests change settings at run time: each outage they stage starts from zero.
    """
    if setting == "CACHES":
        _FALLBACK.clear()
        breakers_reset()


class _ClientIdentity:
    def get_ident(self, request: Request) -> str:
        return client_ip(request) or ""


class AnonRateThrottle(_ClientIdentity, throttling.AnonRateThrottle):
    cache = throttle_cache  # type: ignore[assignment]


class UserRateThrottle(_ClientIdentity, throttling.UserRateThrottle):
    cache = throttle_cache  # type: ignore[assignment]


class ScopedRateThrottle(_ClientIdentity, throttling.ScopedRateThrottle):
    cache = throttle_cache  # type: ignore[assignment]

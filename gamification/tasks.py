"""Gamification tasks: leaderboards rebuilt from the ledger and closed periods archived.

Thin wrappers around `gamification.leaderboards`; both are idempotent (a rebuild rewrites the
boards, a close replaces the archive of the period), so they acknowledge late and are retried on
transient database or Redis failures.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import leaderboards

# The same policy as `analytics.tasks`, repeated: gamification does not depend on analytics.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
IDEMPOTENT: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(bind=True, **IDEMPOTENT)
def leaderboards_rebuild(self: Task[Any, Any]) -> int:
    return leaderboards.rebuild()


@shared_task(bind=True, **IDEMPOTENT)
def leaderboard_close_period(self: Task[Any, Any], period: str = "weekly") -> int:
    return leaderboards.close_period(period=period)

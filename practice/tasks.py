"""Practice tasks: thin wrappers around `practice.services` (see `analytics.tasks` for policy)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task, shared_task

from analytics.tasks import IDEMPOTENT, RETRY

from .services import adaptive, sessions


# Not acks_late: each run moves ratings a step further towards what the answers show, so a
# duplicate run after a lost worker would move them twice.
@shared_task(bind=True, **RETRY)
def difficulty_calibrate(self: Task[Any, Any]) -> int:
    return adaptive.difficulty_calibrate()


@shared_task(bind=True, **IDEMPOTENT)
def session_expire_stale(self: Task[Any, Any], older_than_hours: int = 24) -> int:
    return sessions.session_expire_stale(older_than=timedelta(hours=older_than_hours))

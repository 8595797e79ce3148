"""Practice tasks: thin wrappers around `practice.services` (policy in `calcuingo.celery`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task, shared_task

from calcuingo.celery import IDEMPOTENT

from .services import adaptive, sessions


# Idempotent: ratings are computed from the answers and the fixed default, not from the last run.
@shared_task(bind=True, **IDEMPOTENT)
def difficulty_calibrate(self: Task[Any, Any]) -> int:
    return adaptive.difficulty_calibrate()


@shared_task(bind=True, **IDEMPOTENT)
def session_expire_stale(self: Task[Any, Any], older_than_hours: int = 24) -> int:
    return sessions.session_expire_stale(older_than=timedelta(hours=older_than_hours))

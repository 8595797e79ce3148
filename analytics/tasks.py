"""Analytics tasks: thin wrappers that take ids or dates and call a service.

Each is also a management command (`analytics/management/commands`). Transient failures (the
database or Redis briefly away) are retried with exponential backoff and jitter. The idempotent
tasks acknowledge their message only once done (`acks_late`) and are requeued if their worker
dies, so a crash mid-run means a rerun; the reminders are not, since a rerun could e-mail twice.
Time limits come from `CELERY_TASK_TIME_LIMIT` / `CELERY_TASK_SOFT_TIME_LIMIT` (and
`CELERY_TASK_ANNOTATIONS` for the tasks that must finish sooner).
"""

from __future__ import annotations

import smtplib
from datetime import date
from typing import Any

from celery import Task, shared_task

from calcuingo.celery import IDEMPOTENT, RETRY, TRANSIENT_ERRORS

from . import reminders, retention, rollups, statistics


@shared_task(bind=True, **IDEMPOTENT)
def rollup_day(self: Task[Any, Any], day: str | None = None) -> int:
    """Daily summaries of `day` (ISO date), or of each learner's local yesterday."""
    return rollups.rollup_day(day=date.fromisoformat(day) if day else None)


@shared_task(bind=True, **IDEMPOTENT)
def statistics_refresh(self: Task[Any, Any], user_ids: list[int] | None = None) -> int:
    return statistics.statistics_refresh(user_ids=user_ids)


@shared_task(bind=True, **IDEMPOTENT)
def exercise_stats_compute(self: Task[Any, Any]) -> int:
    return statistics.exercise_stats_compute()


@shared_task(bind=True, **IDEMPOTENT)
def retention_enforce(self: Task[Any, Any]) -> retention.RetentionResult:
    return retention.retention_enforce()


# A mail server that refuses the connection fails the run before anyone is marked: retry it.
@shared_task(
    bind=True,
    **{**RETRY, "autoretry_for": (*TRANSIENT_ERRORS, smtplib.SMTPException, ConnectionError)},
)
def streak_reminders_send(self: Task[Any, Any]) -> int:
    return reminders.streak_reminders_send()

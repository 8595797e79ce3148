"""Analytics tasks: thin wrappers that take ids or dates and call a service.

Each is also a management command (`analytics/management/commands`). Transient failures (the
database or Redis briefly away) are retried with exponential backoff and jitter. The idempotent
tasks acknowledge their message only once done (`acks_late`) and are requeued if their worker
dies, so a crash mid-run means a rerun; the reminders are not, since a rerun could e-mail twice.
Time limits come from `CELERY_TASK_TIME_LIMIT` / `CELERY_TASK_SOFT_TIME_LIMIT` (and
`CELERY_TASK_ANNOTATIONS` for the tasks that must finish sooner).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from calcuingo.celery import IDEMPOTENT, RETRY, TRANSIENT_ERRORS
from practice.models import Attempt

from . import reminders, retention, rollups, statistics
from .models import ExerciseStats

logger = logging.getLogger(__name__)

# Without a broker no beat runs the nightly item analysis; see `item_analysis_refresh_if_stale`.
IN_PROCESS_REFRESH_SECONDS = 60
IN_PROCESS_REFRESH_KEY = "analytics:item-analysis:in-process"


@shared_task(bind=True, **IDEMPOTENT)
def rollup_day(self: Task[Any, Any], day: str | None = None) -> int:
    """Daily summaries of `day` (ISO date), or of each learner's local yesterday."""
    return rollups.rollup_day(day=date.fromisoformat(day) if day else None)


@shared_task(bind=True, **IDEMPOTENT)
def statistics_refresh(self: Task[Any, Any], user_ids: list[int] | None = None) -> int:
    """The learners whose numbers changed since the last run, or these users."""
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


def item_analysis_is_stale() -> bool:
    """Answers came in after the last item analysis (or there has been none yet)."""
    last_answer = Attempt.objects.order_by("-pk").values_list("created_at", flat=True).first()
    if last_answer is None:
        return False
    last_run = ExerciseStats.objects.aggregate(last=Max("computed_at"))["last"]
    return last_run is None or last_answer > last_run


def item_analysis_refresh_if_stale() -> bool:
    """Without a broker, run the item analysis in-process when answers came in since; say if it ran.

    `make run` has no worker and no beat, so the nightly `exercise_stats_compute` never comes:
    the admin's exercise pages call this instead. It runs at most once a minute (a cache mark,
    set before the work so that concurrent page views do not all run it) and only when there is
    something new; a failure is logged, and the page shows the statistics it has. With a broker
    configured it does nothing: the beat schedule does the work.
    """
    if not settings.CELERY_TASK_ALWAYS_EAGER or not item_analysis_is_stale():
        return False
    if not cache.add(IN_PROCESS_REFRESH_KEY, 1, timeout=IN_PROCESS_REFRESH_SECONDS):
        return False
    try:
        exercise_stats_compute.delay()  # eager: runs here and now
    except Exception:
        logger.exception("in-process item analysis failed")
        return False
    return True

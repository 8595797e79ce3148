"""Gamification tasks: leaderboards rebuilt from the ledger and closed periods archived.

Thin wrappers around `gamification.leaderboards`; both are idempotent (a rebuild rewrites the
boards, a close replaces the archive of the period), so they acknowledge late and are retried on
transient database or Redis failures.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from calcuingo.celery import IDEMPOTENT

from . import leaderboards


@shared_task(bind=True, **IDEMPOTENT)
def leaderboards_rebuild(self: Task[Any, Any]) -> int:
    return leaderboards.rebuild()


@shared_task(bind=True, **IDEMPOTENT)
def leaderboard_close_period(self: Task[Any, Any], period: str = "weekly") -> int:
    return leaderboards.close_period(period=period)

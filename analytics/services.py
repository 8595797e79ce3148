"""Writes on analytics: the answer's daily-summary upsert and learning events.

Called by `practice` inside its transactions; the heavy work (rollups, statistics, retention)
lives in `analytics.rollups` and runs as Celery tasks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User
from calcuingo.db import counters_add

from .models import AuditEvent, DailySummary, LearningEvent

MODE_COLUMNS = {
    "lesson": "lesson_ms",
    "review": "review_ms",
    "drill": "drill_ms",
    "quiz": "quiz_ms",
}


def answer_recorded(
    *,
    user: User,
    attempt_id: int,
    exercise_id: int,
    mode: str,
    correct: bool,
    response_ms: int,
    is_fact: bool,
    first_try_of_exercise: bool,
    newly_mastered: bool,
    xp: int,
    input_method: str,
    at: datetime,
) -> None:
    """One answer: the day's summary and a learning event."""
    day = at.astimezone(user.zone).date()
    counters_add(
        DailySummary,
        lookup={"user": user, "date": day},
        questions=1,
        correct=int(correct),
        practised_ms=response_ms,
        facts_reviewed=int(is_fact and not first_try_of_exercise),
        new_facts=int(is_fact and first_try_of_exercise),
        facts_mastered=int(newly_mastered),
        xp=xp,
        **{MODE_COLUMNS.get(mode, "lesson_ms"): response_ms},
    )
    LearningEvent.objects.create(
        type=LearningEvent.Type.ANSWER,
        user=user,
        occurred_at=at,
        payload={
            "attempt": attempt_id,
            "exercise": exercise_id,
            "correct": correct,
            "response_ms": response_ms,
            "mode": mode,
        },
        device={"input_method": input_method},
    )


def session_completed(
    *,
    user: User,
    session_id: int,
    mode: str,
    xp_bonus: int,
    streak: int | None,
    lesson_id: int | None,
    at: datetime,
) -> None:
    """A completed session counts for the day, meets its goal, and carries its bonus XP."""
    day = at.astimezone(user.zone).date()
    counters_add(DailySummary, lookup={"user": user, "date": day}, sessions=1, xp=xp_bonus)
    updates: dict[str, Any] = {"daily_goal_met": True}
    if streak is not None:
        updates["streak"] = streak
    DailySummary.objects.filter(user=user, date=day).update(**updates)
    LearningEvent.objects.create(
        type=LearningEvent.Type.SESSION_COMPLETED,
        user=user,
        occurred_at=at,
        payload={"session": session_id, "mode": mode, "lesson": lesson_id},
    )


def event_record(
    *, type: str, user: User | None, payload: dict[str, Any], device: dict[str, Any] | None = None
) -> LearningEvent:
    return LearningEvent.objects.create(
        type=type, user=user, occurred_at=timezone.now(), payload=payload, device=device or {}
    )


def audit_record(
    *,
    action: str,
    actor: User | None,
    subject: User | None = None,
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """A security-relevant action, written in the caller's transaction."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        subject=subject,
        actor_label=actor.username if actor is not None else "",
        ip_address=ip_address,
        details=details or {},
    )

"""Writes on analytics: the answer's daily-summary upsert and learning events.

Called by `practice` inside its transactions; the heavy work (rollups, statistics, retention)
lives in `analytics.rollups` and runs as Celery tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from accounts.models import LearnerProfile, User
from calcuingo.db import counters_add

from .models import DailySummary, LearningEvent

MODE_COLUMNS = {
    "lesson": "lesson_ms",
    "review": "review_ms",
    "drill": "drill_ms",
    "quiz": "quiz_ms",
}


DEFAULT_GOAL_MINUTES: int = LearnerProfile._meta.get_field("daily_goal_minutes").get_default()


@dataclass(frozen=True)
class DayProgress:
    """The learner's day after an answer: its practice time; did this answer meet the goal?"""

    day: date
    practised_ms: int
    goal_reached: bool = False


def answer_recorded(
    *,
    user: User,
    attempt_id: int,
    exercise_id: int,
    mode: str,
    correct: bool,
    response_ms: int,
    active_ms: int,
    is_fact: bool,
    first_try_of_exercise: bool,
    newly_mastered: bool,
    xp: int,
    input_method: str,
    at: datetime,
) -> DayProgress:
    """One answer: the day's summary, the daily goal if it adds the last minute, an event.

    `active_ms` is the answer's active time (`practice.models.answer_active_ms`): what the day's
    practice time and the goal count. The goal is met on the learner's own date, once.
    """
    day = at.astimezone(user.zone).date()
    amounts = {
        "questions": 1,
        "correct": int(correct),
        "practised_ms": active_ms,
        "response_ms": response_ms,
        "facts_reviewed": int(is_fact and not first_try_of_exercise),
        "new_facts": int(is_fact and first_try_of_exercise),
        "facts_mastered": int(newly_mastered),
        "xp": xp,
        MODE_COLUMNS.get(mode, "lesson_ms"): active_ms,
    }
    progress = _summary_add(user=user, day=day, amounts=amounts)
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
    return progress


def _summary_add(*, user: User, day: date, amounts: dict[str, int]) -> DayProgress:
    """Add an answer to the day's summary and tell whether the day's goal is met by it.

    The usual case is one statement: an UPDATE with `F()`-style increments that returns the
    day's new practice time, whether its goal was met before, and the learner's goal (so the
    goal costs the answer no query of its own). Only the answer that crosses the goal writes
    more: the flag, flipped by a conditional UPDATE that one transaction alone can win.
    """
    row = _summary_increment(user=user, day=day, amounts=amounts)
    if row is None:
        try:
            with transaction.atomic():
                DailySummary.objects.create(user=user, date=day, **amounts)
        except IntegrityError:
            # Created meanwhile by a concurrent answer of the same learner: add to it.
            row = _summary_increment(user=user, day=day, amounts=amounts)
    if row is None:
        practised_ms, already_met = amounts["practised_ms"], False
        goal_minutes = None
        if practised_ms >= 60_000:  # no goal is under a minute: only then is it worth a query
            goal_minutes = (
                LearnerProfile.objects.filter(user=user)
                .values_list("daily_goal_minutes", flat=True)
                .first()
            )
    else:
        practised_ms, already_met, goal_minutes = row
    goal_ms = 60_000 * (goal_minutes or DEFAULT_GOAL_MINUTES)
    reached = False
    if not already_met and practised_ms >= goal_ms:
        reached = bool(
            DailySummary.objects.filter(user=user, date=day, daily_goal_met=False).update(
                daily_goal_met=True
            )
        )
    return DayProgress(day=day, practised_ms=practised_ms, goal_reached=reached)


def _summary_increment(
    *, user: User, day: date, amounts: dict[str, int]
) -> tuple[int, bool, int | None] | None:
    """UPDATE … RETURNING the day's practice time, goal flag and the learner's goal; None when
    the day has no row yet. Raw SQL only because the ORM's update() returns no values."""
    quote = connection.ops.quote_name
    increments = ", ".join(
        f"{column} = {column} + %s" for column in (_column(DailySummary, name) for name in amounts)
    )
    # Identifiers come from the models' metadata, values are parameters: nothing is injected.
    goal = (
        f"SELECT {_column(LearnerProfile, 'daily_goal_minutes')} "  # noqa: S608
        f"FROM {quote(LearnerProfile._meta.db_table)} "
        f"WHERE {_column(LearnerProfile, 'user')} = %s"
    )
    sql = (
        f"UPDATE {quote(DailySummary._meta.db_table)} SET {increments} "  # noqa: S608
        f"WHERE {_column(DailySummary, 'user')} = %s AND {_column(DailySummary, 'date')} = %s "
        f"RETURNING {_column(DailySummary, 'practised_ms')}, "
        f"{_column(DailySummary, 'daily_goal_met')}, ({goal})"
    )
    params = [*amounts.values(), user.pk, connection.ops.adapt_datefield_value(day), user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    practised_ms, met, goal_minutes = row
    return int(practised_ms), bool(met), goal_minutes


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return connection.ops.quote_name(str(field.column))


def goal_xp_add(*, user: User, day: date, xp: int) -> None:
    """The XP the daily goal paid, on the day's summary (the answer's own XP is already there)."""
    counters_add(DailySummary, lookup={"user": user, "date": day}, xp=xp)


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
    """A completed session counts for the day with its bonus XP: its events, in one insert.

    It adds no practice time (each answer added its own) and so never meets the goal itself.
    A lesson session run to its end also completes its lesson: a second event says so.
    """
    day = at.astimezone(user.zone).date()
    counters_add(DailySummary, lookup={"user": user, "date": day}, sessions=1, xp=xp_bonus)
    if streak is not None:
        DailySummary.objects.filter(user=user, date=day).update(streak=streak)
    events = [
        LearningEvent(
            type=LearningEvent.Type.SESSION_COMPLETED,
            user=user,
            occurred_at=at,
            payload={"session": session_id, "mode": mode, "lesson": lesson_id},
        )
    ]
    if mode == "lesson" and lesson_id is not None:
        events.append(
            LearningEvent(
                type=LearningEvent.Type.LESSON_COMPLETED,
                user=user,
                occurred_at=at,
                payload={"lesson": lesson_id, "session": session_id},
            )
        )
    LearningEvent.objects.bulk_create(events)


def hint_requested(
    *, user_id: int, session_id: int, exercise_id: int, hint_number: int, at: datetime
) -> LearningEvent:
    """A hint shown: its event, in the transaction that records it on the session's plan."""
    return LearningEvent.objects.create(
        type=LearningEvent.Type.HINT,
        user_id=user_id,
        occurred_at=at,
        payload={"session": session_id, "exercise": exercise_id, "hint": hint_number},
    )


def achievement_earned(
    *, user: User, achievement_id: int, code: str, at: datetime | None = None
) -> LearningEvent:
    """An achievement awarded: its event, in the transaction that awards it."""
    return LearningEvent.objects.create(
        type=LearningEvent.Type.ACHIEVEMENT,
        user=user,
        occurred_at=at or timezone.now(),
        payload={"achievement": achievement_id, "code": code},
    )


def event_record(
    *, type: str, user: User | None, payload: dict[str, Any], device: dict[str, Any] | None = None
) -> LearningEvent:
    return LearningEvent.objects.create(
        type=type, user=user, occurred_at=timezone.now(), payload=payload, device=device or {}
    )

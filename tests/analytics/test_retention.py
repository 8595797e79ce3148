"""Retention: old learning events become daily counts, old sessions keep only their summary."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from accounts.models import User
from analytics.models import EventDailyCount, LearningEvent
from analytics.retention import learning_events_aggregate, retention_enforce
from practice.models import Attempt, PracticeSession
from tests.practice.builders import numeric_lesson

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
NOW = datetime(2025, 9, 30, 4, 0, tzinfo=UTC)


def _events(user: User | None, kind: str, at: datetime, how_many: int = 1) -> None:
    LearningEvent.objects.bulk_create(
        [
            LearningEvent(type=kind, user=user, occurred_at=at, payload={"n": n})
            for n in range(how_many)
        ]
    )


def _counts() -> dict[tuple[date, str], int]:
    return {(row.date, row.type): row.count for row in EventDailyCount.objects.all()}


def test_old_learning_events_become_daily_counts_added_to_those_kept_before(
    learner: User, settings: Any
) -> None:
    settings.LEARNING_EVENT_RETENTION_DAYS = 90
    cutoff = NOW - timedelta(days=90)
    old_day = (cutoff - timedelta(days=3)).date()
    late_evening = datetime.combine(old_day, datetime.max.time(), tzinfo=UTC)
    _events(learner, "answer", late_evening - timedelta(hours=1), 3)
    _events(learner, "answer", late_evening + timedelta(microseconds=1), 2)  # the next UTC day
    _events(None, "session_completed", late_evening, 1)  # an anonymised learner's event
    _events(learner, "answer", cutoff - timedelta(seconds=1), 4)
    _events(learner, "answer", cutoff, 5)  # exactly at the cutoff: kept
    _events(learner, "hint", NOW - timedelta(days=1), 6)
    EventDailyCount.objects.create(date=old_day, type="answer", count=10)

    result = retention_enforce(now=NOW)

    assert result["events_aggregated"] == 3 + 2 + 1 + 4
    assert _counts() == {
        (old_day, "answer"): 10 + 3,
        (old_day + timedelta(days=1), "answer"): 2,
        (old_day, "session_completed"): 1,
        ((cutoff - timedelta(seconds=1)).date(), "answer"): 4,
    }
    assert LearningEvent.objects.count() == 5 + 6
    assert not LearningEvent.objects.filter(occurred_at__lt=cutoff).exists()


def test_a_second_run_counts_nothing_twice(learner: User) -> None:
    before = NOW - timedelta(days=100)
    _events(learner, "answer", before, 7)

    assert learning_events_aggregate(before=NOW) == 7
    assert learning_events_aggregate(before=NOW) == 0

    assert _counts() == {(before.date(), "answer"): 7}


def test_many_old_events_are_counted_batch_by_batch(learner: User) -> None:
    from analytics import retention

    at = NOW - timedelta(days=200)
    _events(learner, "answer", at, retention.BATCH_SIZE + 7)

    assert learning_events_aggregate(before=NOW) == retention.BATCH_SIZE + 7

    assert _counts() == {(at.date(), "answer"): retention.BATCH_SIZE + 7}
    assert not LearningEvent.objects.exists()


def test_old_sessions_keep_their_counters_and_attempts_but_not_their_plan(
    learner: User, settings: Any
) -> None:
    settings.SESSION_DETAIL_RETENTION_DAYS = 182
    exercise = numeric_lesson(exercises=1).exercises.get()
    plan = [{"exercise": exercise.pk, "seed": "abc", "hints": 1}]

    def session(ended_days_ago: int | None, status: str) -> PracticeSession:
        ended = NOW - timedelta(days=ended_days_ago) if ended_days_ago is not None else None
        made = PracticeSession.objects.create(
            user=learner,
            mode="lesson",
            status=status,
            plan=plan,
            position=1,
            answered=1,
            correct=1,
            total_response_ms=2000,
            xp_earned=10,
            started_at=NOW - timedelta(days=400),
            ended_at=ended,
        )
        Attempt.objects.create(
            user=learner,
            session=made,
            exercise=exercise,
            plan_index=0,
            response="2",
            is_correct=True,
            score=1.0,
            response_ms=2000,
            attempt_number=1,
            created_at=NOW - timedelta(days=400),
        )
        return made

    old = session(183, PracticeSession.Status.COMPLETED)
    abandoned = session(200, PracticeSession.Status.ABANDONED)
    recent = session(181, PracticeSession.Status.COMPLETED)
    still_open = session(None, PracticeSession.Status.ACTIVE)

    assert retention_enforce(now=NOW)["sessions_reduced"] == 2
    assert retention_enforce(now=NOW)["sessions_reduced"] == 0

    for reduced in (old, abandoned):
        reduced.refresh_from_db()
        assert reduced.plan == []
        assert (reduced.answered, reduced.correct, reduced.total_response_ms) == (1, 1, 2000)
        assert reduced.xp_earned == 10
        assert reduced.accuracy == 1.0
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.plan == plan
    assert Attempt.objects.count() == 4, "item statistics are computed from the attempts"


def test_the_enforce_retention_command_reports_what_it_did(learner: User) -> None:
    _events(learner, "answer", datetime(2020, 1, 1, tzinfo=UTC), 2)
    out = StringIO()

    call_command("enforce_retention", stdout=out)

    assert "2 learning events aggregated, 0 sessions reduced" in out.getvalue()

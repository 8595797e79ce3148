"""The periodic tasks: thin, retried on transient failures, scheduled, and runnable by hand.

Without a broker (the test settings) tasks run eagerly, in-process: what they return is what the
service returned. `test_celery_worker.py` runs them in a real worker.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from accounts.models import User
from analytics import tasks as analytics_tasks
from analytics.models import DailySummary, ExerciseStats, LearningEvent, UserStatistics
from calcuingo.celery import app
from gamification import tasks as gamification_tasks
from practice import tasks as practice_tasks
from practice.models import Attempt, PracticeSession
from tests.practice.builders import numeric_lesson

UTC = ZoneInfo("UTC")
DAY = date(2025, 3, 9)


def _answered(learner: User, *, at: datetime, ms: int = 1800) -> Attempt:
    exercise = numeric_lesson(exercises=1).exercises.get()
    session = PracticeSession.objects.create(
        user=learner,
        mode="quiz",
        status=PracticeSession.Status.COMPLETED,
        started_at=at - timedelta(minutes=2),
        ended_at=at,
        plan=[{"exercise": exercise.pk, "seed": "5eed", "hints": 0}],
    )
    return Attempt.objects.create(
        user=learner,
        session=session,
        exercise=exercise,
        plan_index=0,
        response="2",
        is_correct=True,
        score=1.0,
        response_ms=ms,
        attempt_number=1,
        created_at=at,
    )


@pytest.mark.django_db
def test_the_rollup_task_takes_an_iso_date_and_returns_the_rows_written(learner: User) -> None:
    _answered(learner, at=datetime(2025, 3, 9, 12, 0, tzinfo=UTC))

    result = analytics_tasks.rollup_day.delay(day=DAY.isoformat())

    assert result.get() == 1
    summary = DailySummary.objects.get(user=learner)
    assert (summary.date, summary.quiz_ms, summary.sessions) == (DAY, 1800, 1)


@pytest.mark.django_db
def test_the_rollup_task_without_a_date_rolls_up_each_learners_yesterday(learner: User) -> None:
    _answered(learner, at=timezone.now() - timedelta(days=1))

    assert analytics_tasks.rollup_day.delay().get() == 1


@pytest.mark.django_db
def test_every_task_runs_its_service(learner: User) -> None:
    attempt = _answered(learner, at=timezone.now() - timedelta(days=400))
    LearningEvent.objects.create(type="answer", user=learner, occurred_at=attempt.created_at)
    PracticeSession.objects.create(
        user=learner, mode="lesson", started_at=timezone.now() - timedelta(days=2)
    )
    # Statistics are read from the daily summaries, which the answer path keeps and the
    # rollup repairs: this answer was written around the answer path, so roll its day up.
    analytics_tasks.rollup_day.delay(day=attempt.created_at.date().isoformat()).get()

    assert analytics_tasks.statistics_refresh.delay(user_ids=[learner.pk]).get() == 1
    assert UserStatistics.objects.get(user=learner).questions == 1
    assert analytics_tasks.exercise_stats_compute.delay().get() == 1
    assert ExerciseStats.objects.get(exercise=attempt.exercise_id).attempts == 1
    assert analytics_tasks.retention_enforce.delay().get() == {
        "events_aggregated": 1,
        "sessions_reduced": 1,
    }
    assert analytics_tasks.streak_reminders_send.delay().get() == 0
    assert practice_tasks.session_expire_stale.delay().get() == 1
    assert practice_tasks.difficulty_calibrate.delay().get() == 0  # too few answers yet
    assert gamification_tasks.leaderboards_rebuild.delay().get() >= 0
    assert gamification_tasks.leaderboard_close_period.delay(period="weekly").get() == 0


def test_idempotent_tasks_acknowledge_late_and_the_others_do_not() -> None:
    idempotent = [
        analytics_tasks.rollup_day,
        analytics_tasks.statistics_refresh,
        analytics_tasks.exercise_stats_compute,
        analytics_tasks.retention_enforce,
        practice_tasks.session_expire_stale,
        practice_tasks.difficulty_calibrate,  # computed from the answers, not from the last run
        gamification_tasks.leaderboards_rebuild,
        gamification_tasks.leaderboard_close_period,
    ]
    once_only = [analytics_tasks.streak_reminders_send]

    for task in idempotent:
        assert task.acks_late, task.name
        assert task.reject_on_worker_lost, task.name
    for task in once_only:
        assert not task.acks_late, task.name
    assert not settings.CELERY_TASK_ACKS_LATE, "late acknowledgement is opted into per task"
    for task in idempotent + once_only:
        assert OperationalError in task.autoretry_for, task.name
        assert task.retry_backoff, task.name
        assert task.retry_jitter, task.name


def test_the_beat_schedule_names_registered_tasks_at_sensible_times() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    registered = set(app.tasks)

    assert {entry["task"] for entry in schedule.values()} <= registered
    rollup = schedule["rollup-daily-summaries"]["schedule"]
    assert isinstance(rollup, crontab)
    assert len(rollup.hour) == 24, "hourly: each zone's yesterday soon after its midnight"
    reminders = schedule["send-streak-reminders"]["schedule"]
    assert reminders.minute == {0, 15, 30, 45}
    weekly = schedule["close-weekly-leaderboard"]
    assert weekly["schedule"].day_of_week == {1}
    assert (weekly["schedule"].hour, weekly["schedule"].minute) == ({0}, {5})
    assert weekly["kwargs"] == {"period": "weekly"}
    assert schedule["rebuild-leaderboards"]["schedule"].minute == set(range(0, 60, 10))
    assert schedule["send-streak-reminders"]["options"]["expires"] < 15 * 60


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("compute_exercise_stats", "Statistics of 0 exercises computed."),
        ("calibrate_difficulty", "0 exercise difficulties recalibrated."),
        ("refresh_statistics", "Statistics of 0 users refreshed."),
        ("rollup_daily", "0 daily summaries written."),
    ],
)
def test_each_task_is_also_a_management_command(command: str, says: str) -> None:
    out = StringIO()

    call_command(command, stdout=out)

    assert says in out.getvalue()

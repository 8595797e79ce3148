"""The daily goal is minutes of practice on the learner's own calendar, paid once a day.

Active time is each answer's response time, up to five minutes (`practice.models.
answer_active_ms`): the day's summary, the session and the nightly rollup add up the same.
A streak day is a completed session, whatever its length (README, "Streak rules").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from accounts.models import LearnerProfile, User
from analytics.models import DailySummary
from analytics.rollups import rollup_day
from curriculum.models import Track
from gamification.models import Standing, XPEvent
from gamification.services import DAILY_GOAL_XP
from practice.models import ACTIVE_MS_PER_ANSWER_MAX, PracticeSession
from practice.services import AnswerResult, session_start
from tests.accounts.factories import UserFactory
from tests.practice.builders import answer_current, numeric_lesson

pytestmark = pytest.mark.django_db

MINUTE = 60_000


@pytest.fixture
def track(db: None) -> Track:
    return numeric_lesson(exercises=5).unit.track


def goal_of(learner: User, minutes: int) -> None:
    LearnerProfile.objects.update_or_create(user=learner, defaults={"daily_goal_minutes": minutes})


def a_quiz(
    learner: User, track: Track, *, answers: int, response_ms: int
) -> tuple[PracticeSession, list[AnswerResult]]:
    """A quiz of `answers` questions, each answered right in `response_ms`, run to its end."""
    session = session_start(user=learner, mode="quiz", track=track, size=answers)
    results = [answer_current(learner, session, response_ms=response_ms) for _ in range(answers)]
    session.refresh_from_db()
    assert session.status == PracticeSession.Status.COMPLETED
    return session, results


def goal_events(learner: User) -> list[XPEvent]:
    return list(XPEvent.objects.filter(user=learner, reason=XPEvent.Reason.DAILY_GOAL))


def today_of(learner: User) -> DailySummary:
    return DailySummary.objects.get(user=learner, date=learner.local_now().date())


def test_a_two_minute_session_does_not_meet_a_fifteen_minute_goal_but_counts_the_streak_day(
    learner: User, track: Track
) -> None:
    goal_of(learner, 15)

    session, results = a_quiz(learner, track, answers=4, response_ms=30_000)

    assert session.active_ms == 2 * MINUTE
    assert today_of(learner).practised_ms == 2 * MINUTE
    assert not today_of(learner).daily_goal_met
    assert goal_events(learner) == []
    assert all(result.reward is not None for result in results)
    assert Standing.objects.get(user=learner).current_streak == 1, "a completed session counts"


def test_three_five_minute_sessions_meet_a_fifteen_minute_goal_at_the_answer_that_crosses_it(
    learner: User, track: Track
) -> None:
    goal_of(learner, 15)

    a_quiz(learner, track, answers=5, response_ms=MINUTE)
    a_quiz(learner, track, answers=5, response_ms=MINUTE)
    assert goal_events(learner) == [], "ten minutes are not fifteen"
    before_last = Standing.objects.get(user=learner).xp
    _, results = a_quiz(learner, track, answers=5, response_ms=MINUTE)

    (paid,) = goal_events(learner)
    assert paid.amount == DAILY_GOAL_XP
    assert paid.source_id == int(learner.local_now().strftime("%Y%m%d"))
    last = results[-1]
    assert last.reward is not None
    assert last.reward.xp == last.attempt.xp + DAILY_GOAL_XP, "paid with the fifteenth minute"
    assert all(r.reward is not None and r.reward.xp == r.attempt.xp for r in results[:-1])
    day = today_of(learner)
    assert (day.practised_ms, day.daily_goal_met, day.sessions) == (15 * MINUTE, True, 3)
    assert day.xp == sum(event.amount for event in XPEvent.objects.filter(user=learner))
    assert Standing.objects.get(user=learner).xp > before_last


def test_the_goal_pays_once_a_day_however_long_she_goes_on(learner: User, track: Track) -> None:
    goal_of(learner, 1)

    a_quiz(learner, track, answers=3, response_ms=MINUTE)
    a_quiz(learner, track, answers=2, response_ms=MINUTE)

    assert len(goal_events(learner)) == 1
    assert today_of(learner).practised_ms == 5 * MINUTE


def test_an_answer_left_open_counts_at_most_five_minutes(learner: User, track: Track) -> None:
    goal_of(learner, 15)

    session, _ = a_quiz(learner, track, answers=2, response_ms=55 * MINUTE)

    assert session.active_ms == 2 * ACTIVE_MS_PER_ANSWER_MAX == 10 * MINUTE
    assert session.total_response_ms == 110 * MINUTE, "the response times themselves are kept"
    assert today_of(learner).practised_ms == 10 * MINUTE
    assert goal_events(learner) == []


def test_a_goal_lowered_below_todays_minutes_is_met_by_the_next_answer(
    learner: User, track: Track
) -> None:
    goal_of(learner, 15)
    a_quiz(learner, track, answers=3, response_ms=2 * MINUTE)
    assert goal_events(learner) == []

    goal_of(learner, 5)
    a_quiz(learner, track, answers=1, response_ms=1000)

    assert len(goal_events(learner)) == 1
    assert today_of(learner).daily_goal_met


def test_minutes_before_her_midnight_do_not_count_for_the_day_after(
    track: Track, clock: Callable[[datetime], Any]
) -> None:
    # Auckland is at +13 in December: her midnight is 11:00 UTC.
    kiri = UserFactory(username="kiri", time_zone="Pacific/Auckland")
    goal_of(kiri, 15)
    midnight = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)

    with clock(midnight - timedelta(minutes=20)):
        a_quiz(kiri, track, answers=5, response_ms=2 * MINUTE)
    with clock(midnight + timedelta(minutes=20)):
        a_quiz(kiri, track, answers=3, response_ms=2 * MINUTE)

    days = dict(DailySummary.objects.filter(user=kiri).values_list("date", "practised_ms"))
    assert days == {
        datetime(2026, 12, 1).date(): 10 * MINUTE,
        datetime(2026, 12, 2).date(): 6 * MINUTE,
    }
    assert goal_events(kiri) == [], "ten minutes one day and six the next meet neither"


def test_the_goal_met_on_her_date_survives_the_nightly_rollup(
    track: Track, clock: Callable[[datetime], Any]
) -> None:
    kiri = UserFactory(username="kiri", time_zone="Pacific/Auckland")
    goal_of(kiri, 3)
    with clock(datetime(2026, 12, 1, 10, 30, tzinfo=UTC)):  # 23:30 on her 1 December
        a_quiz(kiri, track, answers=2, response_ms=2 * MINUTE)
    (paid,) = goal_events(kiri)
    assert paid.source_id == 20261201
    # She raises her goal afterwards: the day she met is not rewritten.
    goal_of(kiri, 30)

    assert rollup_day(day=datetime(2026, 12, 1).date()) == 0, "nothing to correct"

    summary = DailySummary.objects.get(user=kiri)
    assert (summary.practised_ms, summary.daily_goal_met) == (4 * MINUTE, True)

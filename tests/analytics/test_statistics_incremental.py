"""The hourly statistics refresh: only the learners whose numbers changed, from their summaries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from statistics import mean
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import User
from analytics.models import DailySummary, UserStatistics
from analytics.rollups import rollup_day
from analytics.statistics import Periods, statistics_refresh
from practice.models import Attempt, ExerciseProgress, FluencyLevel
from tests.accounts.factories import UserFactory
from tests.analytics.test_statistics import _drill, _lesson
from tests.practice.builders import fact_track, numeric_lesson

pytestmark = pytest.mark.django_db

# A Monday morning: 10:00 in Berlin, 13:30 in Kolkata, 01:00 in Los Angeles.
T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)


@dataclass
class Clock:
    moment: datetime

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """`timezone.now()` everywhere, the answers' and the summaries' stamps included."""
    now = Clock(T0)
    monkeypatch.setattr(timezone, "now", now)
    return now


def _from_attempts(user: User, at: datetime) -> dict[str, Any]:
    """Her statistics as the definition says, recomputed here from every attempt she made."""
    attempts = list(Attempt.objects.filter(user=user).select_related("exercise"))
    by_operation: dict[str, dict[str, int]] = {}
    for attempt in attempts:
        if attempt.exercise.operation:
            row = by_operation.setdefault(
                attempt.exercise.operation, {"questions": 0, "correct": 0}
            )
            row["questions"] += 1
            row["correct"] += attempt.is_correct
    levels = Counter(
        ExerciseProgress.objects.filter(user=user, exercise__kind="fact").values_list(
            "fluency_level", flat=True
        )
    )
    periods = Periods(today=at.astimezone(user.zone).date())

    def seconds(first: date) -> int:
        days = DailySummary.objects.filter(user=user, date__gte=first, date__lte=periods.today)
        return sum(day.practised_ms for day in days) // 1000

    return {
        "questions": len(attempts),
        "correct": sum(a.is_correct for a in attempts),
        "average_response_ms": round(mean(a.response_ms for a in attempts)) if attempts else None,
        "facts_by_fluency": {level: levels[level] for level in FluencyLevel.values},
        "by_operation": by_operation,
        "seconds_today": seconds(periods.today),
        "seconds_this_week": seconds(periods.week_start),
        "seconds_this_month": seconds(periods.month_start),
    }


def _stored() -> dict[int, dict[str, Any]]:
    return {row.pk: model_to_dict(row) for row in UserStatistics.objects.all()}


def _numbers(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name not in ("user", "refreshed_at")}


@pytest.fixture
def people(clock: Clock) -> dict[str, User]:
    """Learners in three zones with varied histories, one who never practised."""
    zones = {
        "ada": "Europe/Berlin",
        "grace": "America/Los_Angeles",
        "euler": "Asia/Kolkata",
        "hopper": "UTC",
    }
    people = {name: UserFactory(username=name, time_zone=zone) for name, zone in zones.items()}
    times = fact_track([(2, 3), (4, 5), (6, 7)])
    plus = fact_track([(1, 1), (2, 2)], operation="+")
    lesson = numeric_lesson(exercises=3)
    _drill(people["ada"], times, answers=9, right=lambda e: e.operand1 != 4)
    _lesson(people["ada"], lesson, right=lambda e: e.order != 2)
    _drill(people["grace"], plus, answers=6, right=lambda e: e.operand1 == 1)
    _drill(people["euler"], times, answers=5, right=lambda e: True)
    # Practice time on earlier days of the week and month, from summaries alone.
    for name, days_ago, minutes in [("euler", 1, 7), ("euler", 3, 11), ("grace", 10, 5)]:
        DailySummary.objects.create(
            user=people[name],
            date=T0.date() - timedelta(days=days_ago),
            practised_ms=minutes * 60_000,
        )
    return people


def test_the_hourly_refresh_touches_only_who_changed_and_agrees_with_a_full_recompute(
    people: dict[str, User], clock: Clock
) -> None:
    ada, grace, euler = people["ada"], people["grace"], people["euler"]
    # A crash left Grace's day short of three answers: her first statistics count what it says.
    DailySummary.objects.filter(user=grace, date=T0.astimezone(grace.zone).date()).update(
        questions=F("questions") - 3, correct=F("correct") - 1
    )
    clock.moment = T0 + timedelta(hours=1)
    assert statistics_refresh() == len(people), "the first run, with no mark, is a full one"
    assert UserStatistics.objects.get(user=grace).questions == 6 - 3

    clock.moment = T0 + timedelta(hours=2)
    _drill(ada, fact_track([(8, 9)], operation="×"), answers=3, right=lambda e: False)
    rollup_day(day=T0.astimezone(grace.zone).date())  # repairs Grace's day
    newcomer = UserFactory(username="noether", time_zone="Asia/Tokyo")
    before = _stored()
    clock.moment = T0 + timedelta(hours=3)

    refreshed = statistics_refresh()

    after = _stored()
    assert refreshed == 3
    assert {pk for pk in after if after[pk] != before.get(pk)} == {ada.pk, grace.pk, newcomer.pk}
    assert after[euler.pk] == before[euler.pk], "an inactive learner is not touched"
    for person in [*people.values(), newcomer]:
        expected = _from_attempts(person, clock.moment)
        assert {name: after[person.pk][name] for name in expected} == expected, person.username
    assert after[ada.pk]["questions"] == 9 + 4 + 3
    statistics_refresh(everyone=True)
    assert {pk: _numbers(row) for pk, row in _stored().items()} == {
        pk: _numbers(row) for pk, row in after.items()
    }


def test_a_learners_day_week_and_month_turn_over_at_her_own_midnight_without_an_answer(
    people: dict[str, User], clock: Clock
) -> None:
    ada, grace, euler = people["ada"], people["grace"], people["euler"]
    clock.moment = T0 + timedelta(hours=1)
    statistics_refresh()
    first = _stored()
    assert first[euler.pk]["seconds_today"] > 0
    assert first[euler.pk]["stale_at"] == datetime(2025, 6, 2, 18, 30, tzinfo=UTC)

    # Past midnight in Kolkata; still Monday in Berlin and Los Angeles.
    clock.moment = datetime(2025, 6, 2, 19, 0, tzinfo=UTC)
    assert statistics_refresh() == 1
    second = _stored()
    assert second[euler.pk]["seconds_today"] == 0
    assert second[euler.pk]["seconds_this_week"] == first[euler.pk]["seconds_this_week"]
    assert second[ada.pk] == first[ada.pk]
    assert second[grace.pk] == first[grace.pk]

    # The next Monday in every zone, and July: every period total has turned over.
    clock.moment = datetime(2025, 7, 7, 12, 0, tzinfo=UTC)
    statistics_refresh()
    incremental = _stored()
    for person in people.values():
        expected = _from_attempts(person, clock.moment)
        assert {name: incremental[person.pk][name] for name in expected} == expected
        assert incremental[person.pk]["seconds_this_month"] == 0
        assert incremental[person.pk]["stale_at"] is None
    statistics_refresh(everyone=True)
    assert {pk: _numbers(row) for pk, row in _stored().items()} == {
        pk: _numbers(row) for pk, row in incremental.items()
    }


def test_refresh_statistics_recomputes_everyone_with_all(
    people: dict[str, User], clock: Clock
) -> None:
    clock.moment = T0 + timedelta(hours=1)
    statistics_refresh()
    UserStatistics.objects.update(questions=0)
    clock.moment = T0 + timedelta(hours=2)
    out = StringIO()

    call_command("refresh_statistics", stdout=out)
    assert "Statistics of 0 users refreshed" in out.getvalue()
    call_command("refresh_statistics", "--all", stdout=out)

    assert f"Statistics of {len(people)} users refreshed" in out.getvalue()
    assert UserStatistics.objects.get(user=people["ada"]).questions == 13

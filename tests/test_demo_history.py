"""`load_demo` gives ada five believable weeks, made by the real services, once and the same way.

The whole demo is loaded once for the module inside a transaction that is rolled back at the
end (it takes a while); each test runs in a savepoint on top of it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ParentLink, User
from analytics.models import DailySummary, ExerciseStats, UserStatistics
from calcuingo import demo
from curriculum.models import Track
from gamification.models import Standing, UserAchievement, XPEvent
from gamification.services import xp_verify
from practice import selectors
from practice.models import Attempt, PracticeSession, TrackProgress
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def ada(loaded: None) -> User:
    return User.objects.get(username="ada")


def test_ada_practised_on_most_days_of_five_weeks_and_keeps_a_streak(ada: User) -> None:
    days = sorted(
        DailySummary.objects.filter(user=ada, questions__gt=0).values_list("date", flat=True)
    )
    standing = Standing.objects.get(user=ada)
    today = timezone.now().astimezone(ada.zone).date()

    assert (days[-1] - days[0]).days >= 30
    assert len(days) >= 25
    assert days[-1] == today - timedelta(days=1)
    assert standing.current_streak >= 7
    assert standing.last_active_date == today - timedelta(days=1)
    assert ada.date_joined.date() <= days[0]
    goal_days = DailySummary.objects.filter(user=ada, daily_goal_met=True).count()
    assert 8 <= goal_days < len(days), "her short evenings meet her goal now and then"


def test_ada_finished_the_fact_tracks_and_the_calculus_tracks_are_open_to_her(ada: User) -> None:
    finished = set(
        TrackProgress.objects.filter(user=ada, completed_at__isnull=False).values_list(
            "track__slug", flat=True
        )
    )

    assert {"addition-subtraction-facts", "multiplication-division-facts", "fractions"} <= finished
    assert {"limits"} <= finished
    for slug in ("derivatives", "antiderivatives"):
        assert selectors.track_is_unlocked(user=ada, track=Track.objects.get(slug=slug))
    started = TrackProgress.objects.get(user=ada, track__slug="antiderivatives")
    assert started.lessons_completed >= 1
    assert started.completed_at is None


def test_ada_earned_achievements_wears_an_avatar_and_took_quizzes(ada: User) -> None:
    standing = Standing.objects.select_related("selected_avatar").get(user=ada)

    assert UserAchievement.objects.filter(user=ada).count() >= 5
    assert standing.selected_avatar is not None
    assert standing.quizzes_completed >= 3
    assert PracticeSession.objects.filter(
        user=ada, mode="quiz", status="completed", config__placement__isnull=True
    ).exists()
    modes = set(PracticeSession.objects.filter(user=ada).values_list("mode", flat=True))
    assert {"lesson", "quiz", "review", "drill"} <= modes


def test_some_of_her_answers_were_wrong_and_every_one_left_its_trail(ada: User) -> None:
    attempts = Attempt.objects.filter(user=ada)
    wrong = attempts.filter(is_correct=False).count()

    assert 0 < wrong < attempts.count() / 5
    assert XPEvent.objects.filter(user=ada).exists()
    assert xp_verify() == []
    assert not PracticeSession.objects.filter(user=ada, status__in=["active", "paused"]).exists()


def test_ada_has_neighbours_on_the_leaderboards_and_grace_follows_her(ada: User) -> None:
    others = User.objects.filter(username__in=[plan.username for plan in demo.NEIGHBOURS])
    week_start = timezone.now().date() - timedelta(days=timezone.now().weekday() + 1)

    assert others.count() == len(demo.NEIGHBOURS)
    assert Standing.objects.filter(user__in=others, xp__gt=0).count() == len(demo.NEIGHBOURS)
    assert len({user.timezone for user in others}) > 1
    assert XPEvent.objects.filter(user__in=others, created_at__date__gte=week_start).exists()
    assert ParentLink.objects.filter(parent__username="grace", learner=ada).exists()


def test_the_nightly_work_ran_item_statistics_included(ada: User) -> None:
    answered = Attempt.objects.values("exercise_id").distinct().count()

    assert ExerciseStats.objects.filter(attempts__gt=0).count() == answered
    assert UserStatistics.objects.filter(user=ada, questions__gt=0).exists()


def test_loading_the_demo_again_writes_nothing(loaded: None) -> None:
    before = Attempt.objects.count(), XPEvent.objects.count()

    with CaptureQueriesContext(connection) as queries:
        call_command("load_demo", stdout=StringIO())

    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert (Attempt.objects.count(), XPEvent.objects.count()) == before


def test_a_history_is_the_same_each_time_it_is_played(loaded: None) -> None:
    plan = demo.NEIGHBOURS[-1]
    catalogue = demo.Catalogue.load()

    def play() -> list[tuple[int, str, bool, int]]:
        with transaction.atomic():
            user = UserFactory(time_zone="Asia/Kolkata")
            rng = random.Random(f"{demo.SEED}:{plan.username}")
            demo.Learner(user=user, plan=plan, catalogue=catalogue, rng=rng).play()
            played = list(
                Attempt.objects.filter(user=user)
                .order_by("pk")
                .values_list("exercise_id", "response", "is_correct", "response_ms")
            )
            transaction.set_rollback(True)
        return played

    first = play()

    assert len(first) >= 20
    assert play() == first

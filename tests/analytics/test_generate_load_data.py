"""`manage.py generate_load_data`: a generated population the product's own checks agree with."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from accounts.models import User
from analytics import rollups
from analytics.models import DailySummary
from gamification.models import Standing, XPEvent
from gamification.services import xp_verify
from practice.models import Attempt, ExerciseProgress, PracticeSession
from tests.practice.builders import fact_track, times_table

pytestmark = pytest.mark.django_db


def generate(**options: int) -> str:
    out = StringIO()
    call_command("generate_load_data", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def facts() -> None:
    fact_track(times_table(6))


@pytest.mark.usefixtures("facts")
def test_the_generated_learners_have_exactly_the_answers_asked_for() -> None:
    output = generate(learners=60, attempts=3000, days=400, zones=12, seed=7)

    assert User.objects.filter(username__startswith="load").count() == 60
    assert Attempt.objects.count() == 3000
    assert "60 learners, 3000 attempts" in output
    assert "attempts/s" in output
    assert len(set(User.objects.values_list("timezone", flat=True))) > 5
    times = Attempt.objects.order_by("created_at").values_list("created_at", flat=True)
    assert (times.last() - times.first()).days > 200  # 400 days asked for: months of history


@pytest.mark.usefixtures("facts")
def test_activity_follows_a_power_law() -> None:
    generate(learners=500, attempts=10000, seed=3)

    per_learner = sorted(
        User.objects.annotate(n=Count("attempts")).values_list("n", flat=True), reverse=True
    )
    assert sum(per_learner[:100]) > sum(per_learner) / 2  # a fifth gives more than half


@pytest.mark.usefixtures("facts")
def test_standings_match_their_ledger_and_xp_verify_finds_no_difference() -> None:
    generate(learners=40, attempts=2000, days=30, zones=8, seed=11)

    assert xp_verify() == []
    out = StringIO()
    call_command("xp_verify", stdout=out)
    assert "0 differences" in out.getvalue()
    right = Attempt.objects.filter(is_correct=True)
    assert XPEvent.objects.count() == right.count()
    assert Standing.objects.aggregate(total=Sum("correct_answers"))["total"] == right.count()


@pytest.mark.usefixtures("facts")
def test_sessions_and_progress_add_up_to_their_answers() -> None:
    generate(learners=30, attempts=1500, seed=5)

    for session in PracticeSession.objects.annotate(n=Count("attempts")):
        assert session.answered == session.n
    progress = ExerciseProgress.objects.aggregate(attempts=Sum("attempts"))
    assert progress["attempts"] == 1500
    latest = Attempt.objects.order_by("-attempt_number").first()
    assert latest is not None
    assert latest.attempt_number == (
        Attempt.objects.filter(user=latest.user, exercise=latest.exercise).count()
    )


@pytest.mark.usefixtures("facts")
def test_the_nightly_rollup_of_any_generated_day_changes_nothing() -> None:
    generate(learners=40, attempts=2000, days=20, zones=12, seed=9)
    days = sorted(set(DailySummary.objects.values_list("date", flat=True)))

    assert days
    assert sum(rollups.rollup_day(day=day) for day in days) == 0


@pytest.mark.usefixtures("facts")
def test_a_second_run_appends_a_new_cohort() -> None:
    generate(learners=10, attempts=300, seed=1)
    generate(learners=10, attempts=300, seed=1)

    assert User.objects.count() == 20
    assert Attempt.objects.count() == 600
    assert xp_verify() == []


@pytest.mark.usefixtures("facts")
@pytest.mark.parametrize(
    "options",
    [
        {"learners": 0, "attempts": 10},
        {"learners": 5, "attempts": 10, "zones": 99},
        {"learners": 1, "attempts": 10**6, "days": 1},
    ],
)
def test_impossible_sizes_are_refused_with_a_message(options: dict[str, int]) -> None:
    with pytest.raises(CommandError):
        generate(**options)
    assert not User.objects.exists()

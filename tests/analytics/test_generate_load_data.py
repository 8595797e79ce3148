"""`manage.py generate_load_data`: a generated population the product's own checks agree with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, QuerySet, Sum

from accounts.models import User
from analytics import rollups
from analytics.models import DailySummary
from gamification import leaderboards
from gamification.models import BoardScore, Standing, XPEvent
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
    first, last = times.first(), times.last()
    assert first is not None
    assert last is not None
    assert (last - first).days > 200  # 400 days asked for: months of history


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
def test_the_boards_standings_agree_with_the_ledger() -> None:
    generate(learners=50, attempts=3000, days=10, zones=6, seed=13)

    def ledger_totals(events: QuerySet[XPEvent]) -> dict[tuple[int, int], int]:
        totals: dict[tuple[int, int], int] = {}
        for user_id, track_id, amount in events.values_list("user_id", "track_id", "amount"):
            for scope in {0, track_id or 0}:
                totals[user_id, scope] = totals.get((user_id, scope), 0) + amount
        return totals

    def board_totals(period: str) -> dict[tuple[int, int], int]:
        start = leaderboards.period_start(period) or leaderboards.ALL_TIME
        rows = BoardScore.objects.filter(period=period, starts_on=start)
        return {(user, track): xp for user, track, xp in rows.values_list("user_id", "track", "xp")}

    assert board_totals("all_time") == ledger_totals(XPEvent.objects.all())
    week = leaderboards.period_start("weekly")
    assert week is not None
    monday = datetime.combine(week, datetime.min.time(), tzinfo=UTC)
    this_week = XPEvent.objects.filter(
        created_at__gte=monday, created_at__lt=monday + timedelta(weeks=1)
    )
    assert board_totals("weekly") == ledger_totals(this_week)

    learner = Standing.objects.filter(xp__gt=0).order_by("user_id").first()
    assert learner is not None
    board = leaderboards.read_sql(period="all_time", user_id=learner.user_id, top=10)
    totals = sorted(Standing.objects.filter(xp__gt=0).values_list("xp", flat=True), reverse=True)
    assert [row.xp for row in board.top] == totals[:10]
    assert board.me is not None
    assert board.me.rank == 1 + sum(1 for xp in totals if xp > learner.xp)


@pytest.mark.usefixtures("facts")
def test_a_second_run_appends_a_new_cohort() -> None:
    generate(learners=10, attempts=300, seed=1)
    generate(learners=10, attempts=300, seed=1)

    assert User.objects.count() == 20
    assert Attempt.objects.count() == 600
    assert xp_verify() == []
    all_time = BoardScore.objects.filter(period="all_time", track=0)
    assert (
        all_time.aggregate(xp=Sum("xp"))["xp"] == XPEvent.objects.aggregate(xp=Sum("amount"))["xp"]
    )


@pytest.mark.usefixtures("facts")
def test_a_load_that_sets_indexes_aside_puts_every_one_back() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("indexes are set aside on PostgreSQL only")
    tables = [model._meta.db_table for model in (User, Attempt, XPEvent, DailySummary)]

    def indexes() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables]
            )
            return set(cursor.fetchall())

    before = indexes()
    generate(learners=20, attempts=400, seed=2)  # into empty tables: more than doubles them

    assert indexes() == before
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

"""Learner statistics, item analysis for authors, and the read-only analytics admin."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from io import StringIO
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.core.management import call_command
from django.test import Client, RequestFactory

from accounts.models import AuditEvent, User
from analytics.admin_mixins import STATS_COLUMNS, ExerciseStatsAdminMixin, ItemAnalysisFilter
from analytics.models import DailySummary, ExerciseStats, UserStatistics
from analytics.statistics import exercise_stats_compute, statistics_refresh, upper_lower_index
from curriculum.models import Exercise, Lesson, Track
from practice.models import Attempt, ExerciseProgress, FluencyLevel, PracticeSession
from practice.services import answer_submit, session_finish, session_start
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import ExerciseFactory
from tests.practice.builders import fact_track, numeric_lesson, right_answer, wrong_answer

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
Rule = Callable[[Exercise], bool]


def _play(
    user: User, session: PracticeSession, *, right: Rule, answers: int | None = None, ms: int = 1500
) -> None:
    """Answer the session's questions as `right` says; a question asked again is answered right."""
    given = 0
    while answers is None or given < answers:
        session.refresh_from_db()
        item = session.current_item()
        if not session.is_open or item is None:
            return
        exercise = Exercise.objects.get(pk=item["exercise"])
        correct = item.get("requeued", False) or right(exercise)
        response = right_answer(exercise, item["seed"]) if correct else wrong_answer(exercise)
        answer_submit(
            user=user,
            session=session,
            exercise_id=exercise.pk,
            response=response,
            response_ms=ms + 100 * given,
        )
        given += 1


def _drill(user: User, track: Track, *, answers: int, right: Rule) -> None:
    session = session_start(user=user, mode="drill", track=track, seconds=3600)
    _play(user, session, right=right, answers=answers, ms=800)
    session_finish(session=session)


def _lesson(user: User, lesson: Lesson, *, right: Rule) -> None:
    _play(user, session_start(user=user, mode="lesson", lesson=lesson), right=right)


# --------------------------------------------------------------------------------------------
# Learner statistics
# --------------------------------------------------------------------------------------------


def test_a_learners_statistics_are_her_totals_fluency_operations_and_time(learner: User) -> None:
    times = fact_track([(2, 3), (4, 5), (6, 7)])
    plus = fact_track([(1, 1), (2, 2)], operation="+")
    _lesson(learner, numeric_lesson(exercises=3), right=lambda e: e.order != 2)
    _drill(learner, times, answers=9, right=lambda e: e.operand1 != 4)
    _drill(learner, plus, answers=4, right=lambda e: True)

    assert statistics_refresh(user_ids=[learner.pk]) == 1

    stats = UserStatistics.objects.get(user=learner)
    attempts = list(Attempt.objects.filter(user=learner).select_related("exercise"))
    assert stats.questions == len(attempts) == 3 + 1 + 9 + 4
    assert stats.correct == sum(a.is_correct for a in attempts)
    assert stats.average_response_ms == round(mean(a.response_ms for a in attempts))
    levels = Counter(
        ExerciseProgress.objects.filter(user=learner, exercise__kind="fact").values_list(
            "fluency_level", flat=True
        )
    )
    assert stats.facts_by_fluency == {level: levels[level] for level in FluencyLevel.values}
    assert sum(stats.facts_by_fluency.values()) == 5
    by_operation: dict[str, dict[str, int]] = {}
    for attempt in attempts:
        if attempt.exercise.operation:
            operation = attempt.exercise.operation
            row = by_operation.setdefault(operation, {"questions": 0, "correct": 0})
            row["questions"] += 1
            row["correct"] += attempt.is_correct
    assert stats.by_operation == by_operation
    assert stats.by_operation["×"] == {"questions": 9, "correct": 6}
    today = DailySummary.objects.get(user=learner, date=learner.local_now().date())
    assert stats.seconds_today == stats.seconds_this_week == today.practised_ms // 1000
    assert stats.accuracy == pytest.approx(stats.correct / stats.questions)


def test_practice_time_is_counted_on_the_learners_own_calendar_weeks_from_monday() -> None:
    kiri = UserFactory(username="kiri", time_zone="Pacific/Auckland")
    minutes = {
        date(2025, 6, 5): 4,  # today: Thursday in Auckland (still Wednesday in UTC)
        date(2025, 6, 2): 7,  # Monday: this week
        date(2025, 6, 1): 11,  # Sunday: this month, last week
        date(2025, 5, 31): 13,  # last month
        date(2025, 6, 6): 17,  # tomorrow, never counted
    }
    for day, count in minutes.items():
        DailySummary.objects.create(user=kiri, date=day, practised_ms=count * 60_000 + 999)

    statistics_refresh(user_ids=[kiri.pk], now=datetime(2025, 6, 4, 20, 0, tzinfo=UTC))

    stats = UserStatistics.objects.get(user=kiri)
    assert stats.seconds_today == 4 * 60
    assert stats.seconds_this_week == (4 + 7) * 60 + 1
    assert stats.seconds_this_month == (4 + 7 + 11) * 60 + 2
    assert stats.questions == 0
    assert stats.average_response_ms is None


def test_a_refresh_on_demand_touches_only_the_learners_asked_for(learner: User) -> None:
    other = UserFactory(username="emmy")
    UserStatistics.objects.create(user=learner, questions=77)

    statistics_refresh(user_ids=[other.pk])

    assert UserStatistics.objects.get(user=learner).questions == 77
    assert UserStatistics.objects.filter(user=other).exists()

    out = StringIO()
    call_command("refresh_statistics", "--user", str(learner.pk), stdout=out)
    assert "Statistics of 1 users refreshed" in out.getvalue()
    assert UserStatistics.objects.get(user=learner).questions == 0

    statistics_refresh()
    assert set(UserStatistics.objects.values_list("user_id", flat=True)) == {learner.pk, other.pk}


# --------------------------------------------------------------------------------------------
# Item analysis
# --------------------------------------------------------------------------------------------


def test_item_analysis_finds_the_exercise_the_strongest_learners_get_wrong() -> None:
    lesson = numeric_lesson(exercises=5)
    broken = lesson.exercises.get(order=5)
    untouched = ExerciseFactory(lesson=numeric_lesson(exercises=1))
    learners = [UserFactory(username=f"pupil{n}") for n in range(12)]
    for n, pupil in enumerate(learners):
        strong = n >= 6
        # The strong get the sound exercises right and the broken one wrong; the weak, the reverse.
        _lesson(pupil, lesson, right=lambda e, strong=strong: (e.pk != broken.pk) == strong)

    assert exercise_stats_compute() == 5

    stats = {row.exercise_id: row for row in ExerciseStats.objects.all()}
    assert untouched.pk not in stats
    for exercise in lesson.exercises.all():
        attempts = list(Attempt.objects.filter(exercise=exercise))
        row = stats[exercise.pk]
        assert row.attempts == len(attempts)
        assert row.learners == 12
        assert row.share_correct == pytest.approx(mean(a.is_correct for a in attempts))
        assert row.average_response_ms == round(mean(a.response_ms for a in attempts))
        assert row.average_hints == 0
        assert row.discrimination == (-1.0 if exercise == broken else 1.0)


def test_the_upper_lower_index_needs_enough_learners_and_splits_ties_the_same_way_each_time() -> (
    None
):
    assert upper_lower_index([(0.9, n, True) for n in range(9)]) is None
    # Eleven learners: groups of round(2.97) = 3. The top three are right, the bottom three not.
    answers = [(1.0 - n / 10, n, n < 5) for n in range(11)]
    assert upper_lower_index(answers) == 1.0
    # All equally able: the learner id decides, so runs agree.
    tied = [(0.5, n, n % 2 == 0) for n in range(10)]
    assert upper_lower_index(tied) == upper_lower_index(list(reversed(tied)))


def test_statistics_of_an_exercise_without_attempts_left_are_dropped() -> None:
    exercise = ExerciseFactory()
    ExerciseStats.objects.create(exercise=exercise, attempts=3, share_correct=0.5)

    assert exercise_stats_compute() == 0

    assert not ExerciseStats.objects.exists()


# --------------------------------------------------------------------------------------------
# The admin
# --------------------------------------------------------------------------------------------


class _ExerciseAdmin(ExerciseStatsAdminMixin, admin.ModelAdmin[Exercise]):
    """The curriculum's exercise admin, reduced to what the mixin adds."""

    list_display = ("prompt", *STATS_COLUMNS)
    list_filter = (ItemAnalysisFilter,)
    list_select_related = ("stats",)


def _listed(user: User, query: dict[str, str]) -> list[int]:
    """The exercises of the list page, in its order, for this query string."""
    request = RequestFactory().get("/admin/curriculum/exercise/", query)
    request.user = user
    changelist = _ExerciseAdmin(Exercise, AdminSite()).get_changelist_instance(request)
    return [exercise.pk for exercise in changelist.get_queryset(request)]


def test_authors_filter_exercises_too_hard_too_easy_or_possibly_broken(admin_user: User) -> None:
    lesson = numeric_lesson(exercises=4)
    hard, easy, broken, fine = lesson.exercises.order_by("order")
    for exercise, share, discrimination in [
        (hard, 0.3, 0.4),
        (easy, 0.97, 0.1),
        (broken, 0.6, -0.2),
        (fine, 0.7, 0.5),
    ]:
        ExerciseStats.objects.create(
            exercise=exercise,
            attempts=40,
            learners=20,
            share_correct=share,
            average_response_ms=4200,
            average_hints=0.25,
            discrimination=discrimination,
        )
    unanswered = ExerciseFactory(lesson=lesson)

    assert _listed(admin_user, {"item": "too_hard"}) == [hard.pk]
    assert _listed(admin_user, {"item": "too_easy"}) == [easy.pk]
    assert _listed(admin_user, {"item": "broken"}) == [broken.pk]
    # Column 3 (after the checkbox and the prompt): share right, ascending.
    by_share_right = _listed(admin_user, {"o": "3"})
    assert unanswered.pk in by_share_right  # first or last: NULLs sort apart by database
    by_share_right.remove(unanswered.pk)
    assert by_share_right == [hard.pk, broken.pk, fine.pk, easy.pk]

    shown = _ExerciseAdmin(Exercise, AdminSite())
    row = Exercise.objects.select_related("stats").get(pk=broken.pk)
    assert [getattr(shown, column)(row) for column in STATS_COLUMNS] == [
        "40",
        "60%",
        "4.2 s",
        "0.25",
        "-0.20",
    ]
    nothing = Exercise.objects.select_related("stats").get(pk=unanswered.pk)
    assert {getattr(shown, column)(nothing) for column in STATS_COLUMNS} == {"–"}


def test_the_analytics_admin_is_read_only(admin_client: Client, learner: User) -> None:
    DailySummary.objects.create(user=learner, date=date(2025, 6, 1), questions=3, correct=2)
    statistics_refresh(user_ids=[learner.pk])

    for model in ("dailysummary", "userstatistics", "exercisestats", "learningevent"):
        assert admin_client.get(f"/admin/analytics/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/analytics/{model}/add/").status_code == 403, model
    row = DailySummary.objects.get(user=learner)
    page = admin_client.get(f"/admin/analytics/dailysummary/{row.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_the_audit_trail_is_shown_to_staff_and_not_to_authors(client: Client, author: User) -> None:
    staff = UserFactory(username="hopper", role=User.Role.STAFF)
    AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, actor=author, actor_label="euler")

    client.force_login(author)
    assert client.get("/admin/accounts/auditevent/").status_code == 403
    assert b"auditevent" not in client.get("/admin/").content

    client.force_login(staff)
    listing = client.get("/admin/accounts/auditevent/")
    assert listing.status_code == 200
    assert b"euler" in listing.content
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403

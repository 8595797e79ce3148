"""The daily rollup: each learner's local day recomputed from attempts, sessions and the ledger."""

from __future__ import annotations

import importlib
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from io import StringIO
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from accounts.models import LearnerProfile, User
from analytics.models import DailySummary
from analytics.rollups import COUNTED_FIELDS, PLANNER_SETTINGS, local_midnight, rollup_day
from curriculum.models import Exercise
from gamification.models import Standing, XPEvent
from practice.models import ACTIVE_MS_PER_ANSWER_MAX, Attempt, PracticeSession
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import LessonFactory
from tests.practice.builders import answer_body, fact_exercise, fact_track, numeric_lesson

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
# The day of the United States' spring change: in Los Angeles it has only 23 hours.
DAY = date(2025, 3, 9)
ZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata")
MODES = [mode for mode, _ in PracticeSession.Mode.choices]
_source_ids = count(1)


def _attempt(
    *,
    user: User,
    session: PracticeSession,
    exercise: Exercise,
    at: datetime,
    correct: bool,
    response_ms: int,
    attempt_number: int,
    newly_mastered: bool = False,
) -> Attempt:
    return Attempt.objects.create(
        user=user,
        session=session,
        exercise=exercise,
        plan_index=0,
        response="42",
        is_correct=correct,
        score=1.0 if correct else 0.0,
        response_ms=response_ms,
        attempt_number=attempt_number,
        newly_mastered=newly_mastered,
        created_at=at,
    )


def _xp(user: User, amount: int, at: datetime) -> None:
    XPEvent.objects.create(
        user=user,
        amount=amount,
        reason=XPEvent.Reason.ANSWER,
        source_type="attempt",
        source_id=next(_source_ids),
        created_at=at,
    )


def _around_midnights(zone: str) -> Iterator[datetime]:
    """Instants at the edges of the zone's DAY and inside it, on both sides."""
    start, end = local_midnight(DAY, zone), local_midnight(DAY + timedelta(days=1), zone)
    for edge in (start, end):
        for offset in (-60_000, -1, 0, 1, 60_000):
            yield edge + timedelta(milliseconds=offset)
    yield start + (end - start) / 2
    yield start + timedelta(hours=2, minutes=30)  # in Los Angeles: just after the change


def _history(learners: list[User]) -> None:
    """Attempts in every mode, completed and open sessions and XP, around each local midnight;
    some answers left open longer than active time counts; every other learner met her goal."""
    rng = random.Random(20250309)
    lesson = LessonFactory()
    numeric = numeric_lesson(unit=lesson.unit, exercises=2).exercises.all()
    facts = [fact_exercise(lesson, a, b) for a, b in [(2, 3), (4, 5), (6, 7)]]
    exercises = [*numeric, *facts]
    for learner in learners:
        tries: dict[int, int] = {}
        for at in _around_midnights(learner.timezone):
            mode = rng.choice(MODES)
            completed = rng.random() < 0.6
            session = PracticeSession.objects.create(
                user=learner,
                mode=mode,
                status=PracticeSession.Status.COMPLETED
                if completed
                else PracticeSession.Status.ABANDONED,
                started_at=at - timedelta(minutes=5),
                ended_at=at,
            )
            for _ in range(rng.randint(1, 3)):
                exercise = rng.choice(exercises)
                tries[exercise.pk] = tries.get(exercise.pk, 0) + 1
                _attempt(
                    user=learner,
                    session=session,
                    exercise=exercise,
                    at=at,
                    correct=rng.random() < 0.7,
                    response_ms=rng.choice([rng.randint(400, 9000), 420_000]),
                    attempt_number=tries[exercise.pk],
                    newly_mastered=exercise.kind == Exercise.Kind.FACT and rng.random() < 0.2,
                )
                _xp(learner, rng.randint(1, 12), at)
    for learner in learners[::2]:
        XPEvent.objects.create(
            user=learner,
            amount=10,
            reason=XPEvent.Reason.DAILY_GOAL,
            source_type="day",
            source_id=int(DAY.strftime("%Y%m%d")),
            created_at=local_midnight(DAY, learner.timezone) + timedelta(hours=3),
        )


def _expected(learner: User, day: date) -> dict[str, Any]:
    """The day's summary recomputed here, row by row in Python, from the records."""
    zone = ZoneInfo(learner.timezone)

    def on_day(moment: datetime | None) -> bool:
        return moment is not None and moment.astimezone(zone).date() == day

    values: dict[str, Any] = dict.fromkeys(COUNTED_FIELDS, 0)
    for attempt in Attempt.objects.filter(user=learner).select_related("session", "exercise"):
        if not on_day(attempt.created_at):
            continue
        is_fact = attempt.exercise.kind == Exercise.Kind.FACT
        values["questions"] += 1
        values["correct"] += attempt.is_correct
        active_ms = min(attempt.response_ms, ACTIVE_MS_PER_ANSWER_MAX)
        values["practised_ms"] += active_ms
        values["response_ms"] += attempt.response_ms
        values[f"{attempt.session.mode}_ms"] += active_ms
        values["new_facts"] += is_fact and attempt.attempt_number == 1
        values["facts_reviewed"] += is_fact and attempt.attempt_number > 1
        values["facts_mastered"] += attempt.newly_mastered
    values["sessions"] = sum(
        on_day(session.ended_at)
        for session in PracticeSession.objects.filter(
            user=learner, status=PracticeSession.Status.COMPLETED
        )
    )
    day_events = [e for e in XPEvent.objects.filter(user=learner) if on_day(e.created_at)]
    values["xp"] = sum(event.amount for event in day_events)
    # The goal met is the ledger's record of that date's daily goal, not a completed session.
    values["daily_goal_met"] = any(
        event.reason == XPEvent.Reason.DAILY_GOAL and event.source_id == int(day.strftime("%Y%m%d"))
        for event in day_events
    )
    return values


def _rows(day: date) -> dict[int, dict[str, Any]]:
    return {
        row.user_id: {**model_to_dict(row), "updated_at": row.updated_at}
        for row in DailySummary.objects.filter(date=day)
    }


@pytest.fixture
def own_cache(settings: Any) -> None:
    """A cache of this test's own: a parallel test flushing a shared Redis cannot drop its marks."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"{__name__}-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def learners() -> list[User]:
    """Two learners in each of three time zones, one of them with nothing to sum up."""
    return [
        UserFactory(username=f"{zone.split('/')[1].lower()}{n}", time_zone=zone)
        for zone in ZONES
        for n in range(2)
    ]


def test_the_rollup_recomputes_each_local_day_and_a_second_run_changes_nothing(
    learners: list[User],
) -> None:
    busy, idle = learners[:-1], learners[-1]
    _history(busy)
    # What a crash may leave behind: a row that lost an answer, and one counted twice.
    DailySummary.objects.create(user=busy[0], date=DAY, questions=1, correct=1, streak=4)
    DailySummary.objects.create(user=busy[3], date=DAY, questions=99, correct=0, xp=500)

    written = rollup_day(day=DAY)
    first = _rows(DAY)
    again = rollup_day(day=DAY)
    second = _rows(DAY)

    assert written == len(busy)
    assert again == 0, "a repeated run writes nothing"
    assert second == first, "…and the rows are identical, updated_at included"
    assert idle.pk not in first, "a learner with nothing that day gets no row"
    for learner in busy:
        row = first[learner.pk]
        expected = _expected(learner, DAY)
        assert {name: row[name] for name in COUNTED_FIELDS} == expected, learner.timezone
        assert row["questions"] > 0
    assert first[busy[0].pk]["streak"] == 4, "the streak snapshot is kept as stored"


def test_the_instants_on_a_local_midnight_belong_to_the_day_that_starts_there(
    learners: list[User],
) -> None:
    berlin = learners[2]
    lesson = numeric_lesson(exercises=1)
    exercise = lesson.exercises.get()
    session = PracticeSession.objects.create(user=berlin, mode="lesson", ended_at=None)
    midnight = local_midnight(DAY, berlin.timezone)
    for at, ms in [(midnight - timedelta(microseconds=1), 1000), (midnight, 2000)]:
        _attempt(
            user=berlin,
            session=session,
            exercise=exercise,
            at=at,
            correct=True,
            response_ms=ms,
            attempt_number=1,
        )

    rollup_day(day=DAY - timedelta(days=1))
    rollup_day(day=DAY)

    assert midnight == datetime(2025, 3, 8, 23, 0, tzinfo=UTC)
    summaries = DailySummary.objects.filter(user=berlin).order_by("date")
    assert [(s.date, s.practised_ms) for s in summaries] == [
        (DAY - timedelta(days=1), 1000),
        (DAY, 2000),
    ]


def test_without_a_date_each_learner_gets_her_own_yesterday_once(
    learners: list[User], own_cache: None
) -> None:
    _history(learners)
    # 20:00 in Los Angeles on DAY, already the next day in Berlin and Kolkata.
    now = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)

    written = rollup_day(now=now)

    yesterday = {
        "America/Los_Angeles": DAY - timedelta(days=1),
        "Europe/Berlin": DAY,
        "Asia/Kolkata": DAY,
    }
    dates = set(DailySummary.objects.values_list("user__timezone", "date"))
    assert dates == set(yesterday.items())
    assert written == DailySummary.objects.count()
    assert rollup_day(now=now) == 0, "each zone's yesterday is rolled up once"


def test_a_day_with_nothing_left_is_reset_to_zero_and_keeps_its_streak(
    learners: list[User],
) -> None:
    learner = learners[0]
    DailySummary.objects.create(
        user=learner,
        date=DAY,
        questions=12,
        correct=10,
        practised_ms=60_000,
        lesson_ms=60_000,
        sessions=1,
        xp=130,
        daily_goal_met=True,
        streak=6,
    )

    assert rollup_day(day=DAY) == 1

    row = DailySummary.objects.get(user=learner, date=DAY)
    assert {name: getattr(row, name) for name in COUNTED_FIELDS} == dict.fromkeys(COUNTED_FIELDS, 0)
    assert row.streak == 6


def test_a_row_the_rollup_creates_takes_the_streak_of_the_learners_last_active_day(
    learners: list[User],
) -> None:
    learner = learners[1]
    _history([learner])
    Standing.objects.create(user=learner, current_streak=9, last_active_date=DAY)

    rollup_day(day=DAY)

    assert DailySummary.objects.get(user=learner, date=DAY).streak == 9


def test_the_rollup_agrees_with_what_the_practice_api_recorded(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    User.objects.filter(pk=learner.pk).update(timezone="Asia/Kolkata")
    LearnerProfile.objects.update_or_create(user=learner, defaults={"daily_goal_minutes": 5})
    learner.refresh_from_db()
    ada = client_for(learner)

    def start(**body: Any) -> int:
        response = ada.post("/api/v1/sessions", body)
        assert response.status_code == 201, response.json()
        return int(response.json()["id"])

    def answer(session_id: int, *, right: bool, response_ms: int) -> None:
        session = PracticeSession.objects.get(pk=session_id)
        body = answer_body(session, right=right, response_ms=response_ms)
        response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)
        assert response.status_code == 201, response.json()

    lesson = numeric_lesson(exercises=3)
    session = start(mode="lesson", lesson=lesson.pk)
    for right in (True, False, True, True):  # the wrong one is asked again at the end
        answer(session, right=right, response_ms=1200 + 300 * right)
    track = fact_track([(2, 3), (3, 4)])
    for _ in range(2):
        drill = start(mode="drill", track=track.pk, seconds=600)
        for n in range(5):
            answer(drill, right=n != 2, response_ms=900 + n * 100)
        assert ada.post(f"/api/v1/sessions/{drill}/finish", {}).status_code == 200
    quiz = start(mode="quiz", track=lesson.unit.track_id, size=2)
    # The second answer was left open for seven minutes: five count, and meet the goal.
    for right, response_ms in ((True, 2500), (False, 420_000)):
        answer(quiz, right=right, response_ms=response_ms)
    today = learner.local_now().date()
    incremental = DailySummary.objects.get(user=learner, date=today)

    assert rollup_day(day=today) == 0, "the incremental path left nothing to correct"

    recomputed = DailySummary.objects.get(user=learner, date=today)
    assert model_to_dict(recomputed) == model_to_dict(incremental)
    assert {name: getattr(recomputed, name) for name in COUNTED_FIELDS} == _expected(learner, today)
    assert recomputed.new_facts == 2
    assert recomputed.facts_reviewed == 8
    assert recomputed.sessions == 4
    assert recomputed.daily_goal_met
    assert ACTIVE_MS_PER_ANSWER_MAX <= recomputed.practised_ms < 2 * ACTIVE_MS_PER_ANSWER_MAX
    assert min(recomputed.drill_ms, recomputed.quiz_ms, recomputed.lesson_ms) > 0


def test_the_rollup_daily_command_recomputes_the_date_it_is_given(
    learners: list[User],
) -> None:
    _history(learners[:2])

    out = StringIO()
    call_command("rollup_daily", "--date", DAY.isoformat(), stdout=out)

    assert "2 daily summaries written" in out.getvalue()
    assert set(DailySummary.objects.values_list("date", flat=True)) == {DAY}


# --------------------------------------------------------------------------------------------
# One pass for every zone
# --------------------------------------------------------------------------------------------

# Whole, half- and quarter-hour offsets from −11 to +14; on DAY, Los Angeles and St John's move
# their clocks, and Havana skips its midnight itself (the day starts at 01:00).
MANY_ZONES = (
    "Pacific/Pago_Pago",
    "America/Los_Angeles",
    "America/Havana",
    "America/St_Johns",
    "America/Sao_Paulo",
    "UTC",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
)


def _one_per_zone(zones: tuple[str, ...]) -> list[User]:
    return [
        UserFactory(username=f"z{n}{zone.split('/')[-1].lower()}", time_zone=zone)
        for n, zone in enumerate(zones)
    ]


def test_one_pass_sums_up_every_zones_own_day_half_hours_and_clock_changes_included() -> None:
    learners = _one_per_zone(MANY_ZONES)
    _history(learners)

    written = rollup_day(day=DAY)
    first = _rows(DAY)

    assert written == len(learners)
    for learner in learners:
        expected = _expected(learner, DAY)
        assert {name: first[learner.pk][name] for name in COUNTED_FIELDS} == expected, (
            learner.timezone
        )
    assert local_midnight(DAY, "America/Havana") == datetime(2025, 3, 9, 5, 0, tzinfo=UTC)
    assert rollup_day(day=DAY) == 0, "a second run writes nothing"
    assert _rows(DAY) == first


def test_a_day_that_straddles_two_utc_dates_counts_both_parts_and_nothing_else() -> None:
    kiri, sina = _one_per_zone(("Pacific/Kiritimati", "Pacific/Pago_Pago"))
    exercise = numeric_lesson(exercises=1).exercises.get()
    # Kiritimati's DAY is [DAY−1 10:00, DAY 10:00) UTC; Pago Pago's is [DAY 11:00, DAY+1 11:00).
    instants = {
        kiri: [(DAY - timedelta(days=1), 9, 59), (DAY - timedelta(days=1), 10, 0), (DAY, 9, 59)],
        sina: [(DAY, 10, 59), (DAY, 11, 0), (DAY + timedelta(days=1), 10, 59)],
    }
    for learner, moments in instants.items():
        session = PracticeSession.objects.create(user=learner, mode="drill")
        for n, (utc_date, hour, minute) in enumerate(moments):
            at = datetime(utc_date.year, utc_date.month, utc_date.day, hour, minute, tzinfo=UTC)
            _attempt(
                user=learner,
                session=session,
                exercise=exercise,
                at=at,
                correct=True,
                response_ms=1000 * 10**n,
                attempt_number=n + 1,
            )

    rollup_day(day=DAY)

    days = {row.user_id: row for row in DailySummary.objects.filter(date=DAY)}
    assert (days[kiri.pk].questions, days[kiri.pk].practised_ms) == (2, 10_000 + 100_000)
    assert (days[sina.pk].questions, days[sina.pk].practised_ms) == (2, 10_000 + 100_000)
    assert days[kiri.pk].drill_ms == days[kiri.pk].practised_ms


def test_without_a_date_zones_on_three_different_yesterdays_are_each_rolled_up_once(
    own_cache: None, django_assert_num_queries: Any
) -> None:
    learners = _one_per_zone(("Pacific/Kiritimati", "UTC", "Europe/Berlin", "Pacific/Pago_Pago"))
    for days_before in range(-1, 3):
        for learner in learners:
            DailySummary.objects.create(
                user=learner, date=DAY - timedelta(days=days_before), questions=5, correct=5
            )
    # 10:30 UTC on DAY: 00:30 the next day in Kiritimati, 23:30 the day before in Pago Pago.
    now = datetime(2025, 3, 9, 10, 30, tzinfo=UTC)

    written = rollup_day(now=now)

    reset = set(DailySummary.objects.filter(questions=0).values_list("user__timezone", "date"))
    assert reset == {
        ("Pacific/Kiritimati", DAY),
        ("UTC", DAY - timedelta(days=1)),
        ("Europe/Berlin", DAY - timedelta(days=1)),
        ("Pacific/Pago_Pago", DAY - timedelta(days=2)),
    }
    assert written == 4
    # Twenty minutes later every zone has the same yesterday, already done: only the zones are read.
    with django_assert_num_queries(1):
        assert rollup_day(now=now + timedelta(minutes=20)) == 0


@pytest.mark.parametrize("zones", [MANY_ZONES[4:7], MANY_ZONES], ids=["3 zones", "12 zones"])
def test_the_statements_of_a_rollup_do_not_grow_with_the_zones(
    zones: tuple[str, ...], django_assert_num_queries: Any
) -> None:
    learners = _one_per_zone(zones)
    _history(learners)
    DailySummary.objects.create(user=learners[0], date=DAY, questions=1, correct=1)

    # The zones; a savepoint; the summaries locked; answers, sessions and XP summed up; the
    # streaks of the rows to create; one upsert; the savepoint released. On PostgreSQL, the
    # sums' planner settings, set before them and put back after.
    settings = 2 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(9 + settings):
        assert rollup_day(day=DAY) == len(zones)
    # Nothing to write: neither the streaks nor the upsert.
    with django_assert_num_queries(7 + settings):
        assert rollup_day(day=DAY) == 0


def test_with_nobody_signed_up_there_is_nothing_to_roll_up() -> None:
    assert rollup_day(day=DAY) == 0
    assert not DailySummary.objects.exists()


def test_response_times_past_what_32_bits_hold_are_summed_whole(learners: list[User]) -> None:
    berlin = learners[2]
    exercise = numeric_lesson(exercises=1).exercises.get()
    quiz = PracticeSession.objects.create(user=berlin, mode="quiz")
    noon = local_midnight(DAY, berlin.timezone) + timedelta(hours=12)
    for n in range(3):
        _attempt(
            user=berlin,
            session=quiz,
            exercise=exercise,
            at=noon + timedelta(minutes=n),
            correct=True,
            response_ms=2_000_000_000,  # an answer left open for three weeks
            attempt_number=n + 1,
        )

    rollup_day(day=DAY)

    row = DailySummary.objects.get(user=berlin, date=DAY)
    assert row.response_ms == 6_000_000_000
    assert row.practised_ms == row.quiz_ms == 3 * ACTIVE_MS_PER_ANSWER_MAX


def test_the_planner_settings_of_the_sums_do_not_outlast_the_rollup(learners: list[User]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    _history(learners[:2])

    def current() -> dict[str, str]:
        with connection.cursor() as cursor:
            values = {}
            for name in PLANNER_SETTINGS:
                cursor.execute("SELECT current_setting(%s)", [name])
                values[name] = cursor.fetchone()[0]
            return values

    before = current()

    assert rollup_day(day=DAY) == 2

    assert current() == before, "the caller's transaction goes on with its own settings"
    assert before != PLANNER_SETTINGS


def test_the_migration_fills_the_response_time_of_existing_summaries_from_their_days(
    learners: list[User],
) -> None:
    fill = importlib.import_module("analytics.migrations.0003_dailysummary_response_ms")
    _history(learners[:-1])
    rollup_day(day=DAY)
    rollup_day(day=DAY + timedelta(days=1))
    counted = dict(DailySummary.objects.values_list("pk", "response_ms"))
    DailySummary.objects.update(response_ms=0)

    fill.response_ms_fill(django_apps, None)

    assert dict(DailySummary.objects.values_list("pk", "response_ms")) == counted
    assert all(counted.values())

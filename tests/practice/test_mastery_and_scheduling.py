"""Mastery and fluency from answers, FSRS scheduling, and the unit thresholds they unlock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from practice.mastery import assess
from practice.models import ExerciseProgress, TrackProgress, UnitProgress
from tests.curriculum.factories import LessonFactory, UnitFactory

from .builders import fact_track, facts_of, numeric_exercises, numeric_lesson

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]

LADDER = ["not_started", "learning", "accuracy", "fluency_6s", "fluency_3s", "mastered"]


def _drill_levels(start: Start, answer: Answer, *, times: int, response_ms: int) -> list[str]:
    track = fact_track([(7, 8)])
    session = start(mode="drill", track=track.pk)
    return [
        answer(session["id"], response_ms=response_ms).json()["fluency_level"] for _ in range(times)
    ]


def test_a_fact_climbs_the_fluency_ladder_to_mastered_with_five_quick_right_answers(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    levels = _drill_levels(start, answer, times=5, response_ms=1500)

    assert levels == ["accuracy", "fluency_6s", "fluency_3s", "fluency_3s", "mastered"]
    assert [LADDER.index(level) for level in levels] == sorted(
        LADDER.index(level) for level in levels
    )
    track_id = ExerciseProgress.objects.get().exercise.lesson.unit.track_id
    (cell,) = ada.get(f"/api/v1/tracks/{track_id}/grid").json()["cells"]
    assert (cell["fluency_level"], cell["mastery"]) == ("mastered", 1.0)


def test_slow_right_answers_make_a_fact_accurate_but_never_fluent(
    start: Start, answer: Answer
) -> None:
    levels = _drill_levels(start, answer, times=6, response_ms=8000)

    assert set(levels) == {"accuracy"}


def test_one_lucky_answer_is_not_mastery_even_when_fast(start: Start, answer: Answer) -> None:
    assert _drill_levels(start, answer, times=1, response_ms=400) == ["accuracy"]


def test_a_wrong_answer_brings_a_mastered_fact_back_down(start: Start, answer: Answer) -> None:
    track = fact_track([(6, 9)])
    session = start(mode="drill", track=track.pk)
    for _ in range(5):
        answer(session["id"], response_ms=1000)

    after = answer(session["id"], right=False, response_ms=1000).json()

    assert after["fluency_level"] != "mastered"
    assert after["mastery"] < 1.0


def test_an_untimed_exercise_is_mastered_by_accuracy_however_long_it_takes(
    learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=1)
    for _ in range(5):
        session = start(mode="lesson", lesson=lesson.pk)
        body = answer(session["id"], response_ms=45_000).json()

    assert body["mastery"] == 1.0
    assert ExerciseProgress.objects.get(user=learner).fluency_level == "mastered"


def test_mastery_needs_a_full_window_of_answers() -> None:
    """The pure rule: right and fast, but fewer than five answers, is not yet mastered."""
    quick = {"correct": True, "ms": 900}
    assert assess([], timed=True).fluency_level == "not_started"
    assert assess([quick] * 4, timed=True).value == 0.8
    assert assess([quick] * 5, timed=True).value == 1.0
    assert assess([{"correct": False, "ms": 900}], timed=True).fluency_level == "learning"


# --- FSRS scheduling ------------------------------------------------------------------------


def _wait_until_due(progress: ExerciseProgress) -> None:
    """Move the card's history back so that it is due exactly now (time passes, in a test)."""
    assert progress.due_at is not None
    gap = progress.due_at - timezone.now()
    card = dict(progress.card)
    for key in ("due", "last_review"):
        card[key] = (datetime.fromisoformat(card[key]) - gap).isoformat()
    ExerciseProgress.objects.filter(pk=progress.pk).update(
        card=card, due_at=progress.due_at - gap, last_attempt_at=timezone.now() - gap
    )


def _due_in(progress: ExerciseProgress) -> timedelta:
    progress.refresh_from_db()
    assert progress.due_at is not None
    return progress.due_at - timezone.now()


def test_right_answers_push_the_next_review_further_out_each_time(
    learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=1)
    intervals = []
    for _ in range(4):
        session = start(mode="lesson", lesson=lesson.pk)
        answer(session["id"], response_ms=5000)
        progress = ExerciseProgress.objects.get(user=learner)
        intervals.append(_due_in(progress))
        _wait_until_due(progress)

    assert intervals == sorted(intervals)
    assert len(set(intervals)) == 4
    assert intervals[0] <= timedelta(minutes=10)
    assert intervals[-1] >= timedelta(days=7)
    assert progress.card["stability"] > 0


def test_a_wrong_answer_makes_a_well_known_card_due_again_within_minutes(
    learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=1)
    for _ in range(3):
        session = start(mode="lesson", lesson=lesson.pk)
        answer(session["id"])
        _wait_until_due(ExerciseProgress.objects.get(user=learner))
    assert _due_in(ExerciseProgress.objects.get(user=learner)) <= timedelta(seconds=1)
    session = start(mode="lesson", lesson=lesson.pk)
    answer(session["id"])
    assert _due_in(ExerciseProgress.objects.get(user=learner)) > timedelta(days=2)

    session = start(mode="lesson", lesson=lesson.pk)
    answer(session["id"], right=False)

    assert _due_in(ExerciseProgress.objects.get(user=learner)) <= timedelta(minutes=10)


def test_fast_right_facts_are_scheduled_later_than_slow_right_ones(
    learner: User, start: Start, answer: Answer
) -> None:
    quick, slow = facts_of(fact_track([(2, 9), (3, 9)]))
    session = start(mode="drill", track=quick.lesson.unit.track_id)
    answer(session["id"], response_ms=1000)  # quick: Easy
    answer(session["id"], response_ms=9000)  # slow: Hard

    progress = {p.exercise_id: p for p in ExerciseProgress.objects.filter(user=learner)}
    assert _due_in(progress[quick.pk]) > _due_in(progress[slow.pk])


# --- Unit thresholds ------------------------------------------------------------------------


def test_a_unit_completes_when_its_mastery_reaches_the_threshold_and_not_before(
    learner: User, start: Start, answer: Answer
) -> None:
    unit = UnitFactory(mastery_required="0.80", min_accuracy=0)
    first, second = LessonFactory(unit=unit), LessonFactory(unit=unit)
    numeric_exercises(first, 1)
    numeric_exercises(second, 1)

    flags = []
    for lesson, times in ((first, 5), (second, 2)):
        for _ in range(times):
            session = start(mode="lesson", lesson=lesson.pk)
            flags.append(answer(session["id"]).json()["unit_completed"])

    # Mastery 1.0 on the first exercise is an average of 0.5; the second's 0.4 makes it 0.7,
    # its 0.6 makes it 0.8: complete.
    assert flags == [False] * 6 + [True]
    row = UnitProgress.objects.get(user=learner, unit=unit)
    assert row.completed_at is not None
    assert row.mastery_sum == pytest.approx(1.6)
    assert TrackProgress.objects.get(user=learner).units_completed == 1


def test_a_unit_completes_when_its_accuracy_reaches_the_threshold_and_not_before(
    learner: User, start: Start, answer: Answer
) -> None:
    unit = UnitFactory(mastery_required="0.80", min_accuracy=90)
    lesson = numeric_lesson(unit=unit, exercises=1)

    def once(right: bool) -> bool:
        session = start(mode="quiz", unit=unit.pk, size=1)
        return bool(answer(session["id"], right=right).json()["unit_completed"])

    assert [once(False), once(False)] == [False, False]
    flags = [once(True) for _ in range(18)]

    # Mastered after five right answers, but 17 right of 19 is 89 %: only the 18th completes it.
    assert ExerciseProgress.objects.get(user=learner).mastery == 1.0
    assert flags == [False] * 17 + [True]
    assert UnitProgress.objects.get(user=learner, unit=unit).completed_at is not None
    assert lesson.unit == unit


def test_a_completed_unit_stays_completed_and_is_counted_once(
    learner: User, start: Start, answer: Answer
) -> None:
    unit = UnitFactory(mastery_required="0.40", min_accuracy=0)
    lesson = numeric_lesson(unit=unit, exercises=1)
    flags = []
    for right in (True, True, False, True):
        session = start(mode="lesson", lesson=lesson.pk)
        flags.append(answer(session["id"], right=right).json()["unit_completed"])
        if not right:
            answer(session["id"])

    assert flags == [True, False, False, False]
    assert TrackProgress.objects.get(user=learner).units_completed == 1

"""Quizzes (N questions, a score at the end) and the placement quiz that skips known units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Exercise, Lesson, Status, Track
from practice.models import LessonProgress, PracticeSession, UnitProgress
from tests.curriculum.factories import UnitFactory

from .builders import current, error_codes, numeric_exercises, numeric_lesson

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _plan(session_id: int) -> list[int]:
    return [item["exercise"] for item in PracticeSession.objects.get(pk=session_id).plan]


def test_a_quiz_asks_n_questions_once_each_and_scores_the_result(
    start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=6)
    session = start(mode="quiz", unit=lesson.unit_id, size=4)
    assert session["total"] == 4
    assert set(_plan(session["id"])) <= set(lesson.exercises.values_list("pk", flat=True))
    assert len(set(_plan(session["id"]))) == 4

    for right in (True, False, True, True):
        body = answer(session["id"], right=right).json()

    finished = body["session"]
    assert finished["total"] == 4, "a quiz does not ask a wrong answer again"
    assert finished["status"] == "completed"
    assert finished["summary"]["score_percent"] == 75.0
    assert finished["summary"]["answered"] == 4


def test_a_quiz_abandoned_halfway_scores_the_unanswered_questions_as_missed(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    session = start(mode="quiz", unit=numeric_lesson(exercises=4).unit_id, size=4)
    answer(session["id"])

    body = ada.post(f"/api/v1/sessions/{session['id']}/finish", {"abandon": True}).json()

    assert body["summary"]["score_percent"] == 25.0


def test_a_track_quiz_draws_from_every_published_unit_and_exercise(start: Start) -> None:
    first = numeric_lesson(exercises=2)
    second = numeric_lesson(unit=UnitFactory(track=first.unit.track), exercises=2)
    draft = numeric_exercises(second, 1)[0]
    draft.status = Status.DRAFT
    draft.save()

    session = start(mode="quiz", track=first.unit.track_id, size=50)

    expected = {e.pk for e in Exercise.objects.filter(status=Status.PUBLISHED)}
    assert len(expected) == 4
    assert set(_plan(session["id"])) == expected
    assert session["total"] == 4


def test_a_quiz_needs_a_track_or_a_unit(ada: APIClient) -> None:
    response = ada.post("/api/v1/sessions", {"mode": "quiz", "size": 5})

    assert response.status_code == 400
    assert error_codes(response) == [("track", "invalid")]


# --- Placement ------------------------------------------------------------------------------


def _placement_track() -> tuple[Track, list[Lesson]]:
    """Unit 1: two lessons of two exercises; unit 2: one lesson of two; unit 3: one of two."""
    unit1 = UnitFactory()
    track = unit1.track
    lessons = [numeric_lesson(unit=unit1, exercises=2), numeric_lesson(unit=unit1, exercises=2)]
    for _ in range(2):
        lessons.append(numeric_lesson(unit=UnitFactory(track=track), exercises=2))
    return track, lessons


def _play_placement(session_id: int, answer: Answer, *, wrong_in: set[int]) -> dict[str, Any]:
    """Answer every question: right, except one question in each unit of `wrong_in`."""
    missed: set[int] = set()
    session = PracticeSession.objects.get(pk=session_id)
    while True:
        exercise, _ = current(session)
        unit_id = exercise.lesson.unit_id
        right = unit_id not in wrong_in or unit_id in missed
        missed.add(unit_id)
        body: dict[str, Any] = answer(session_id, right=right).json()
        if body["session"]["status"] == "completed":
            return body


def test_a_placement_quiz_completes_every_unit_answered_without_a_mistake(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    track, (l1, l2, l3, l4) = _placement_track()
    assert ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": l3.pk}).status_code == 403

    session = start(mode="quiz", track=track.pk, placement=True)
    assert session["total"] == 3 + 2 + 2, "up to three questions from each unit"
    _play_placement(session["id"], answer, wrong_in={l3.unit_id, l4.unit_id})

    completed = set(
        LessonProgress.objects.filter(user=learner, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    assert completed == {l1.pk, l2.pk}
    assert UnitProgress.objects.get(user=learner, unit=l1.unit).completed_at is not None
    assert not UnitProgress.objects.filter(
        user=learner, unit__in=[l3.unit, l4.unit], completed_at__isnull=False
    ).exists()
    assert ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": l3.pk}).status_code == 201
    assert ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": l4.pk}).status_code == 403

    overview = ada.get(f"/api/v1/progress/tracks/{track.pk}").json()
    assert (overview["units_completed"], overview["lessons_completed"]) == (1, 2)
    units = {unit["id"]: unit for unit in overview["units"]}
    assert units[l1.unit_id]["completed"] is True
    assert [lesson["unlocked"] for lesson in units[l3.unit_id]["lessons"]] == [True]


def test_a_placement_quiz_answered_all_right_completes_the_track(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    track, _ = _placement_track()
    session = start(mode="quiz", track=track.pk, placement=True)

    _play_placement(session["id"], answer, wrong_in=set())

    overview = ada.get(f"/api/v1/progress/tracks/{track.pk}").json()
    assert overview["completed"] is True
    assert (overview["units_completed"], overview["lessons_completed"]) == (3, 4)
    assert all(lesson["completed"] for unit in overview["units"] for lesson in unit["lessons"])


def test_a_placement_quiz_with_a_mistake_in_every_unit_places_nothing(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    track, lessons = _placement_track()
    session = start(mode="quiz", track=track.pk, placement=True)

    _play_placement(session["id"], answer, wrong_in={lesson.unit_id for lesson in lessons})

    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
    second = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": lessons[1].pk})
    assert second.status_code == 403


def test_placing_out_of_a_unit_already_completed_counts_it_once(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    track, _ = _placement_track()
    for _ in range(2):
        session = start(mode="quiz", track=track.pk, placement=True)
        _play_placement(session["id"], answer, wrong_in=set())

    overview = ada.get(f"/api/v1/progress/tracks/{track.pk}").json()
    assert (overview["units_completed"], overview["lessons_completed"]) == (3, 4)


def test_a_lesson_placed_out_of_can_still_be_practised(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    track, (l1, *_) = _placement_track()
    session = start(mode="quiz", track=track.pk, placement=True)
    _play_placement(session["id"], answer, wrong_in=set())

    assert ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": l1.pk}).status_code == 201


def test_a_quiz_answer_after_the_question_time_is_up_counts_as_missed(learner):
    from curriculum.grading import grade
    from practice import services
    from tests.curriculum.factories import ExerciseFactory

    exercise = ExerciseFactory(kind="numeric")
    session = services.session_start(
        user=learner,
        mode="quiz",
        unit=exercise.lesson.unit,
        size=1,
        per_question_seconds=10,
    )
    right = str(exercise.answer["value"])
    assert grade("numeric", exercise.grading_spec(), right).correct  # right, only too late

    result = services.answer_submit(
        user=learner,
        session=session,
        exercise_id=exercise.pk,
        response=right,
        response_ms=10_001,
    )

    assert result.attempt.is_correct is False
    assert "Time ran out" in result.attempt.feedback


def test_a_placement_quiz_starts_on_a_locked_track_where_a_plain_quiz_is_refused(
    ada: APIClient, learner: User
) -> None:
    track, _ = _placement_track()
    track.xp_to_unlock = 5000
    track.save()

    plain = ada.post("/api/v1/sessions", {"mode": "quiz", "track": track.pk})
    placement = ada.post("/api/v1/sessions", {"mode": "quiz", "track": track.pk, "placement": True})

    assert plain.status_code == 403
    assert error_codes(plain) == [(None, "locked")]
    assert placement.status_code == 201
    assert placement.json()["total"] == 3 + 2 + 2
    session = PracticeSession.objects.get(pk=placement.json()["id"])
    assert session.config == {"placement": True, "scope": "track"}


def test_a_unit_test_out_starts_on_any_unit_of_a_locked_track(
    ada: APIClient, learner: User
) -> None:
    track, (_, _, l3, _) = _placement_track()
    track.xp_to_unlock = 5000
    track.save()

    response = ada.post("/api/v1/sessions", {"mode": "quiz", "unit": l3.unit_id, "placement": True})

    assert response.status_code == 201
    session = PracticeSession.objects.get(pk=response.json()["id"])
    assert (session.unit_id, session.track_id) == (l3.unit_id, track.pk)
    assert session.config == {"placement": True, "scope": "unit"}
    assert {item["exercise"] for item in session.plan} == set(
        l3.exercises.values_list("pk", flat=True)
    )

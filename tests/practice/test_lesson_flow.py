"""A lesson played through the API: re-asking wrong answers, completion, and what it unlocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from practice.models import LessonProgress, PracticeSession, TrackProgress
from tests.curriculum.factories import LessonFactory, UnitFactory

from .builders import error_codes, numeric_exercises, numeric_lesson

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _lesson_state(client: APIClient, track_id: int) -> dict[int, dict[str, Any]]:
    body = client.get(f"/api/v1/progress/tracks/{track_id}").json()
    return {lesson["id"]: lesson for unit in body["units"] for lesson in unit["lessons"]}


def test_a_learner_plays_a_whole_lesson_and_the_next_one_opens(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    first = numeric_lesson(exercises=3)
    second = LessonFactory(unit=first.unit)
    numeric_exercises(second, 2)
    track_id = first.unit.track_id

    refused = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": second.pk})
    assert refused.status_code == 403
    assert error_codes(refused) == [(None, "locked")]
    assert not _lesson_state(ada, track_id)[second.pk]["unlocked"]

    session = start(mode="lesson", lesson=first.pk)
    assert (session["position"], session["total"]) == (0, 3)
    asked = [session["current"]["id"]]

    body = answer(session["id"]).json()
    assert body["correct"] is True
    asked.append(body["session"]["current"]["id"])
    body = answer(session["id"], right=False).json()
    assert body["correct"] is False
    assert body["session"]["total"] == 4, "the wrong answer is asked again at the end"
    asked.append(body["session"]["current"]["id"])
    body = answer(session["id"]).json()
    requeued = body["session"]["current"]
    assert requeued["id"] == asked[1]
    assert requeued["requeued"] is True
    body = answer(session["id"]).json()

    assert body["correct"] is True
    finished = body["session"]
    assert finished["status"] == "completed"
    assert finished["current"] is None
    assert finished["summary"]["answered"] == 4
    assert finished["summary"]["correct"] == 3
    assert finished["summary"]["accuracy"] == pytest.approx(0.75)
    assert asked == [e.pk for e in first.exercises.order_by("order")]

    progress = LessonProgress.objects.get(user=learner, lesson=first)
    assert progress.completed_at is not None
    assert progress.times_completed == 1
    assert progress.best_accuracy == pytest.approx(0.75)
    state = _lesson_state(ada, track_id)
    assert state[first.pk]["completed"] is True
    assert state[second.pk]["unlocked"] is True
    assert LessonProgress.objects.get(user=learner, lesson=second).unlocked_at is not None

    opened = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": second.pk})
    assert opened.status_code == 201
    assert opened.json()["total"] == 2


def test_a_question_answered_wrong_again_and_again_is_re_asked_twice_at_most(
    start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=1)
    session = start(mode="lesson", lesson=lesson.pk)

    totals = []
    for _ in range(3):
        body = answer(session["id"], right=False).json()
        totals.append(body["session"]["total"])

    assert totals == [2, 3, 3]
    assert body["session"]["status"] == "completed"
    assert PracticeSession.objects.get(pk=session["id"]).answered == 3


def test_the_lesson_xp_reward_comes_with_the_first_completion_only(
    learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=1)  # xp_reward=20; a right answer at difficulty 2 is 12

    first = start(mode="lesson", lesson=lesson.pk)
    first_summary = answer(first["id"]).json()["session"]["summary"]
    again = start(mode="lesson", lesson=lesson.pk)
    again_summary = answer(again["id"]).json()["session"]["summary"]

    assert first_summary["xp"] == 12 + 20
    assert again_summary["xp"] == 12
    track = TrackProgress.objects.get(user=learner, track=lesson.unit.track)
    assert (track.xp, track.lessons_completed) == (12 + 20 + 12, 1)
    assert LessonProgress.objects.get(user=learner, lesson=lesson).times_completed == 2


def test_an_abandoned_lesson_neither_completes_nor_unlocks_anything(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    first = numeric_lesson(exercises=2)
    second = LessonFactory(unit=first.unit)
    numeric_exercises(second, 1)
    session = start(mode="lesson", lesson=first.pk)
    answer(session["id"])

    response = ada.post(f"/api/v1/sessions/{session['id']}/finish", {"abandon": True})

    assert response.status_code == 200
    assert response.json()["status"] == "abandoned"
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
    assert ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": second.pk}).status_code == 403


def test_finishing_the_last_lesson_of_a_unit_opens_the_next_unit(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    first = numeric_lesson(exercises=1)
    next_unit_lesson = LessonFactory(unit=UnitFactory(track=first.unit.track))
    numeric_exercises(next_unit_lesson, 1)
    assert (
        ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": next_unit_lesson.pk}).status_code
        == 403
    )

    session = start(mode="lesson", lesson=first.pk)
    answer(session["id"], right=False)
    answer(session["id"])

    assert (
        ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": next_unit_lesson.pk}).status_code
        == 201
    )


def test_a_lesson_with_a_prerequisite_in_another_track_waits_for_it(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    basics = numeric_lesson(exercises=1)
    advanced = numeric_lesson(exercises=1)  # first lesson of its own track
    advanced.prerequisites.add(basics)

    refused = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": advanced.pk})
    assert refused.status_code == 403
    session = start(mode="lesson", lesson=basics.pk)
    answer(session["id"])

    opened = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": advanced.pk})
    assert opened.status_code == 201


def test_completing_a_track_opens_the_track_that_needs_it(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    basics = numeric_lesson(exercises=1, mastery_required="0.40", min_accuracy=0)
    advanced = numeric_lesson(exercises=1)
    advanced.unit.track.prerequisites.add(basics.unit.track)
    refused = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": advanced.pk})
    assert refused.status_code == 403

    session = start(mode="lesson", lesson=basics.pk)
    body = answer(session["id"]).json()

    assert body["unit_completed"] is True
    tracks = {row["track"]: row for row in ada.get("/api/v1/progress/tracks").json()}
    assert tracks[basics.unit.track_id]["completed"] is True
    assert tracks[advanced.unit.track_id]["unlocked"] is True
    opened = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": advanced.pk})
    assert opened.status_code == 201


def test_a_draft_lesson_cannot_be_started(ada: APIClient) -> None:
    lesson = numeric_lesson(exercises=1)
    lesson.status = "draft"
    lesson.save()

    response = ada.post("/api/v1/sessions", {"mode": "lesson", "lesson": lesson.pk})

    assert response.status_code == 400
    assert error_codes(response) == [("lesson", "not_found")]


def test_a_lesson_session_needs_a_lesson(ada: APIClient) -> None:
    response = ada.post("/api/v1/sessions", {"mode": "lesson"})

    assert response.status_code == 400
    assert [attr for attr, _ in error_codes(response)] == ["lesson"]

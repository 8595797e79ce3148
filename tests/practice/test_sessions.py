"""Sessions: pause and resume, reload, the summary at the end, abandoning, listing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Exercise
from practice.models import ExerciseProgress, PracticeSession
from practice.services import session_start
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import ExerciseFactory, HintFactory, LessonFactory

from .builders import answer_body, error_codes, fact_exercise, numeric_lesson

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _rewind(session_id: int, *, seconds: int, paused_for: int = 0) -> None:
    """Pretend the session started `seconds` ago and, if paused, was paused `paused_for` ago."""
    now = timezone.now()
    fields: dict[str, Any] = {"started_at": now - timedelta(seconds=seconds)}
    if paused_for:
        fields["paused_at"] = now - timedelta(seconds=paused_for)
    PracticeSession.objects.filter(pk=session_id).update(**fields)


def test_paused_time_is_not_counted_and_a_paused_session_takes_no_answers(
    ada: APIClient, learner: User, start: Start
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=2).pk)
    url = f"/api/v1/sessions/{session['id']}"

    paused = ada.post(f"{url}/pause")
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    # 100 s of practice, then a pause of 1000 s.
    _rewind(session["id"], seconds=1100, paused_for=1000)
    summary = ada.get(url).json()["summary"]
    assert 99 <= summary["active_seconds"] <= 101
    assert summary["practice_seconds"] == 0, "no answer yet: no practice time for the goal"

    refused = ada.post(f"{url}/answers", answer_body(PracticeSession.objects.get(pk=session["id"])))
    assert refused.status_code == 409
    assert error_codes(refused) == [(None, "paused")]
    assert not ExerciseProgress.objects.filter(user=learner).exists()

    resumed = ada.post(f"{url}/resume")
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "active"
    assert 99 <= resumed.json()["summary"]["active_seconds"] <= 102
    accepted = ada.post(
        f"{url}/answers", answer_body(PracticeSession.objects.get(pk=session["id"]))
    )
    assert accepted.status_code == 201


def test_a_session_finished_while_paused_does_not_count_the_pause(
    ada: APIClient, start: Start
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=2).pk)
    url = f"/api/v1/sessions/{session['id']}"
    ada.post(f"{url}/pause")
    _rewind(session["id"], seconds=400, paused_for=300)

    finished = ada.post(f"{url}/finish", {})

    # Stopping a lesson midway is not completing it; the paused time is still not counted.
    assert finished.json()["status"] == "abandoned"
    assert 99 <= finished.json()["summary"]["active_seconds"] <= 101


def test_finishing_a_lesson_midway_completes_nothing_and_counts_no_streak_day(
    ada: APIClient, start: Start
) -> None:
    from gamification.models import Standing
    from practice.models import LessonProgress

    lesson = numeric_lesson(exercises=2)
    session = start(mode="lesson", lesson=lesson.pk)

    finished = ada.post(f"/api/v1/sessions/{session['id']}/finish", {})

    assert finished.status_code == 200
    assert finished.json()["status"] == "abandoned"
    assert finished.json()["reward"] is None
    assert not LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()
    assert not Standing.objects.filter(current_streak__gt=0).exists()


@pytest.mark.parametrize(
    ("action", "state", "code"),
    [("pause", "paused", "not_active"), ("resume", "active", "not_paused")],
)
def test_pausing_twice_or_resuming_a_running_session_is_refused(
    ada: APIClient, start: Start, action: str, state: str, code: str
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)
    url = f"/api/v1/sessions/{session['id']}"
    if state == "paused":
        ada.post(f"{url}/pause")

    response = ada.post(f"{url}/{action}")

    assert response.status_code == 400
    assert error_codes(response) == [(None, code)]


def test_a_reload_shows_the_same_question_with_the_same_numbers(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    lesson = LessonFactory()
    for _ in range(3):
        ExerciseFactory(lesson=lesson, parametrised=True)
    session = start(mode="lesson", lesson=lesson.pk)
    url = f"/api/v1/sessions/{session['id']}"

    assert ada.get(url).json()["current"] == session["current"]
    answer(session["id"])
    after_one = ada.get(url).json()
    assert after_one["position"] == 1
    assert after_one["current"]["id"] != session["current"]["id"]
    prompts = [ada.get(url).json()["current"]["prompt"] for _ in range(3)]

    assert len(set(prompts)) == 1
    assert "{" not in prompts[0]
    assert ada.get(url).json()["current"] == after_one["current"]


def test_the_current_question_never_shows_its_answer(ada: APIClient, start: Start) -> None:
    exercise = ExerciseFactory(kind=Exercise.Kind.MULTIPLE_CHOICE, explanation="Twelve.")
    HintFactory(exercise=exercise)
    session = start(mode="lesson", lesson=exercise.lesson_id)

    shown = ada.get(f"/api/v1/sessions/{session['id']}").json()["current"]

    # Shown in the variant's shuffled order, each option still naming its original index.
    assert sorted((o["index"], o["text"]) for o in shown["options"]) == [(0, "12"), (1, "7")]
    assert shown["hint_count"] == 1
    assert not {"answer", "correct_option", "explanation"} & set(shown)
    assert "Twelve" not in str(shown)


def test_the_summary_adds_up_the_session(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    lesson = LessonFactory(xp_reward=0)
    almost, fresh = fact_exercise(lesson, 3, 4), fact_exercise(lesson, 6, 7)
    # She has answered 3 × 4 right and fast four times: one more makes it mastered.
    session = start(mode="lesson", lesson=lesson.pk)
    answer(session["id"], response_ms=900)
    answer(session["id"], response_ms=900)
    for _ in range(3):
        earlier = session_start(user=learner, mode="lesson", lesson=lesson)
        for ms in (900, 900):
            ada.post(f"/api/v1/sessions/{earlier.pk}/answers", answer_body(earlier, response_ms=ms))
    assert ExerciseProgress.objects.get(user=learner, exercise=almost).attempts == 4

    session = start(mode="lesson", lesson=lesson.pk)
    first = answer(session["id"], response_ms=1000).json()
    last = answer(session["id"], right=False, response_ms=3000).json()
    final = answer(session["id"], response_ms=2000).json()

    assert first["fluency_level"] == "mastered"
    summary = final["session"]["summary"]
    assert final["session"]["status"] == "completed"
    assert last["session"]["total"] == 3
    assert summary["answered"] == 3
    assert summary["correct"] == 2
    assert summary["accuracy"] == pytest.approx(2 / 3)
    assert summary["average_response_ms"] == 2000
    assert summary["xp"] == first["xp"] + final["xp"] > 0
    assert summary["facts_mastered"] == 1
    progress = {p.exercise_id: p.mastery for p in ExerciseProgress.objects.filter(user=learner)}
    assert progress[almost.pk] == 1.0
    assert summary["mastery_gained"] == pytest.approx(
        (1.0 - 0.8) + (progress[fresh.pk] - 0.8), abs=1e-3
    )
    assert summary["score_percent"] is None, "a score is for quizzes"


def test_an_abandoned_session_keeps_its_answers_but_takes_no_more(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=3).pk)
    answer(session["id"])
    url = f"/api/v1/sessions/{session['id']}"

    abandoned = ada.post(f"{url}/finish", {"abandon": True})

    assert abandoned.status_code == 200
    body = abandoned.json()
    assert (body["status"], body["current"], body["summary"]["answered"]) == (
        "abandoned",
        None,
        1,
    )
    assert body["ended_at"] is not None
    again = ada.post(f"{url}/finish", {})
    assert again.status_code == 409
    assert error_codes(again) == [(None, "finished")]
    assert ada.post(f"{url}/pause").status_code == 400


def test_my_sessions_are_listed_newest_first_and_nobody_elses(
    ada: APIClient, learner: User, start: Start
) -> None:
    lesson = numeric_lesson(exercises=1)
    older = start(mode="lesson", lesson=lesson.pk)
    PracticeSession.objects.filter(pk=older["id"]).update(
        started_at=timezone.now() - timedelta(hours=1)
    )
    newer = start(mode="lesson", lesson=lesson.pk)
    session_start(user=UserFactory(username="bob"), mode="lesson", lesson=lesson)

    listed = ada.get("/api/v1/sessions").json()["results"]

    assert [s["id"] for s in listed] == [newer["id"], older["id"]]


def test_someone_elses_session_cannot_be_seen_paused_or_finished(
    ada: APIClient, learner: User
) -> None:
    bobs = session_start(
        user=UserFactory(username="bob"), mode="lesson", lesson=numeric_lesson(exercises=1)
    )
    url = f"/api/v1/sessions/{bobs.pk}"

    assert ada.get(url).status_code == 404
    for action in ("pause", "resume", "finish", "hints"):
        assert ada.post(f"{url}/{action}", {"exercise": 1}).status_code == 404
    bobs.refresh_from_db()
    assert bobs.status == "active"


def test_an_unknown_mode_is_refused_at_its_field(ada: APIClient) -> None:
    response = ada.post("/api/v1/sessions", {"mode": "marathon"})

    assert response.status_code == 400
    assert error_codes(response) == [("mode", "invalid_choice")]


def test_sessions_left_open_for_a_day_are_abandoned_by_the_command(
    ada: APIClient, start: Start
) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from practice.models import PracticeSession

    fresh = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)
    stale = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)
    PracticeSession.objects.filter(pk=stale["id"]).update(
        started_at=timezone.now() - timedelta(hours=25)
    )

    call_command("expire_sessions")

    assert PracticeSession.objects.get(pk=stale["id"]).status == "abandoned"
    assert PracticeSession.objects.get(pk=fresh["id"]).status == "active"

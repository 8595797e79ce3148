"""Review (what is due, or the weakest without spaced repetition) and timed fact drills."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import user_update
from curriculum.models import Exercise, Status
from practice.models import Attempt, ExerciseProgress, PracticeSession

from .builders import error_codes, fact_track, facts_of, numeric_lesson

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _practised(user: User, exercise: Exercise, *, due_in: timedelta, mastery: float = 0.4) -> None:
    """She has answered this exercise before; it is due `due_in` from now (negative: overdue)."""
    ExerciseProgress.objects.create(
        user=user,
        exercise=exercise,
        attempts=3,
        correct=2,
        mastery=mastery,
        due_at=timezone.now() + due_in,
        last_attempt_at=timezone.now() - timedelta(days=3),
    )


def _plan(session_id: int) -> list[int]:
    return [item["exercise"] for item in PracticeSession.objects.get(pk=session_id).plan]


# --- Review ---------------------------------------------------------------------------------


def test_a_review_asks_only_what_is_due_the_longest_overdue_first(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    e1, e2, e3, e4 = numeric_lesson(exercises=4).exercises.order_by("order")
    _practised(learner, e1, due_in=-timedelta(hours=1))
    _practised(learner, e2, due_in=-timedelta(days=2))
    _practised(learner, e3, due_in=timedelta(days=1))
    _practised(learner, e4, due_in=timedelta(minutes=5))

    assert ada.get("/api/v1/review/count").json() == {"due": 2}
    session = start(mode="review")

    assert session["total"] == 2
    assert _plan(session["id"]) == [e2.pk, e1.pk]
    assert session["current"]["id"] == e2.pk
    body = answer(session["id"]).json()
    assert body["session"]["current"]["id"] == e1.pk
    assert ada.get("/api/v1/review/count").json() == {"due": 1}, "a right answer is not due now"


def test_a_review_is_as_long_as_asked(learner: User, start: Start) -> None:
    exercises = numeric_lesson(exercises=5).exercises.all()
    for n, exercise in enumerate(exercises):
        _practised(learner, exercise, due_in=-timedelta(hours=n + 1))

    assert start(mode="review", size=3)["total"] == 3


def test_a_new_learner_with_nothing_practised_is_told_there_is_nothing_to_review(
    ada: APIClient, learner: User
) -> None:
    numeric_lesson(exercises=1)

    response = ada.post("/api/v1/sessions", {"mode": "review"})

    assert ada.get("/api/v1/review/count").json() == {"due": 0}
    assert response.status_code == 400
    assert error_codes(response) == [("mode", "nothing_due")]
    assert response.json()["errors"][0]["detail"] == (
        "Nothing to review yet: finish a lesson first, then come back here to practise what "
        "you got wrong and your weakest skills."
    )
    assert not PracticeSession.objects.filter(user=learner).exists()


def test_without_spaced_repetition_a_review_takes_the_weakest_and_nothing_is_due(
    ada: APIClient, learner: User, start: Start
) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"spaced_repetition": False})
    strong, weak, middling, unseen = numeric_lesson(exercises=4).exercises.order_by("order")
    _practised(learner, strong, due_in=-timedelta(days=1), mastery=0.8)
    _practised(learner, weak, due_in=timedelta(days=9), mastery=0.1)
    _practised(learner, middling, due_in=timedelta(days=9), mastery=0.4)

    session = start(mode="review")

    assert _plan(session["id"]) == [weak.pk, middling.pk, strong.pk]
    assert unseen.pk not in _plan(session["id"])
    assert ada.get("/api/v1/review/count").json() == {"due": 0}


def test_what_is_due_in_unpublished_content_is_neither_counted_nor_reviewed(
    ada: APIClient, learner: User, start: Start
) -> None:
    (visible,) = numeric_lesson(exercises=1).exercises.all()
    hidden_lesson = numeric_lesson(exercises=2)
    for exercise in [visible, *hidden_lesson.exercises.all()]:
        _practised(learner, exercise, due_in=-timedelta(hours=1))
    hidden_lesson.unit.status = Status.DRAFT
    hidden_lesson.unit.save()

    count = ada.get("/api/v1/review/count").json()["due"]
    session = start(mode="review")

    assert count == session["total"] == 1
    assert _plan(session["id"]) == [visible.pk]


def test_a_review_answer_moves_the_card_and_counts_like_any_other(
    learner: User, start: Start, answer: Answer
) -> None:
    (exercise,) = numeric_lesson(exercises=1).exercises.all()
    _practised(learner, exercise, due_in=-timedelta(days=1))
    session = start(mode="review")

    body = answer(session["id"]).json()

    progress = ExerciseProgress.objects.get(user=learner, exercise=exercise)
    assert progress.attempts == 4
    assert progress.due_at is not None
    assert progress.due_at > timezone.now()
    assert body["session"]["status"] == "completed"


# --- Drill ----------------------------------------------------------------------------------


def test_a_drill_asks_due_facts_first_then_the_weakest_then_new_ones(
    learner: User, start: Start
) -> None:
    track = fact_track([(2, 3), (2, 4), (2, 5), (2, 6), (2, 7)])
    f1, f2, f3, f4, f5 = facts_of(track)
    _practised(learner, f3, due_in=-timedelta(minutes=1), mastery=0.8)
    _practised(learner, f5, due_in=-timedelta(days=1), mastery=0.6)
    _practised(learner, f1, due_in=timedelta(days=2), mastery=0.2)
    _practised(learner, f4, due_in=timedelta(days=2), mastery=0.9)

    session = start(mode="drill", track=track.pk)

    plan = _plan(session["id"])
    assert plan[:5] == [f5.pk, f3.pk, f1.pk, f4.pk, f2.pk]
    assert plan[5:10] == plan[:5], "the drill goes round again to fill its time"
    assert session["current"]["id"] == f5.pk
    assert session["time_left_seconds"] == 60


def test_a_drill_needs_a_track_of_facts(ada: APIClient) -> None:
    lesson = numeric_lesson(exercises=2)

    no_track = ada.post("/api/v1/sessions", {"mode": "drill"})
    no_facts = ada.post("/api/v1/sessions", {"mode": "drill", "track": lesson.unit.track_id})

    assert error_codes(no_track) == [("track", "invalid")]
    assert no_facts.status_code == 400
    assert error_codes(no_facts) == [("mode", "empty")]


def test_after_the_drills_time_answers_are_refused_as_time_up(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    track = fact_track([(3, 3), (3, 4)])
    session = start(mode="drill", track=track.pk, seconds=30)
    assert answer(session["id"], response_ms=800).status_code == 201
    PracticeSession.objects.filter(pk=session["id"]).update(
        started_at=timezone.now() - timedelta(seconds=31)
    )

    late = answer(session["id"], response_ms=800)

    assert late.status_code == 409
    assert error_codes(late) == [(None, "time_up")]
    assert Attempt.objects.filter(user=learner).count() == 1
    shown = ada.get(f"/api/v1/sessions/{session['id']}").json()
    assert shown["time_left_seconds"] == 0
    assert shown["summary"]["answered"] == 1


def test_a_pause_stops_the_drill_clock(ada: APIClient, start: Start, answer: Answer) -> None:
    track = fact_track([(4, 4)])
    session = start(mode="drill", track=track.pk, seconds=30)
    ada.post(f"/api/v1/sessions/{session['id']}/pause")
    # Started 40 s ago, of which 20 s paused: 20 s of drill, 10 s left.
    PracticeSession.objects.filter(pk=session["id"]).update(
        started_at=timezone.now() - timedelta(seconds=40),
        paused_at=timezone.now() - timedelta(seconds=20),
    )
    resumed = ada.post(f"/api/v1/sessions/{session['id']}/resume").json()

    assert 9 <= resumed["time_left_seconds"] <= 10
    assert answer(session["id"], response_ms=700).status_code == 201


def test_a_drill_is_timed_each_answer_counts_its_speed(
    learner: User, start: Start, answer: Answer
) -> None:
    track = fact_track([(6, 7)])
    session = start(mode="drill", track=track.pk)

    fast = answer(session["id"], response_ms=1200).json()

    assert fast["fluency_level"] == "accuracy"
    attempt = Attempt.objects.get(user=learner)
    assert (attempt.response_ms, attempt.is_correct) == (1200, True)
    assert ExerciseProgress.objects.get(user=learner).best_response_ms == 1200
    assert fast["session"]["current"]["id"] == attempt.exercise_id, "one fact, asked again"


def test_a_drill_of_someone_elses_draft_track_does_not_start(ada: APIClient) -> None:
    track = fact_track([(2, 2)])
    track.status = Status.DRAFT
    track.save()

    response = ada.post("/api/v1/sessions", {"mode": "drill", "track": track.pk})

    assert error_codes(response) == [("track", "not_found")]

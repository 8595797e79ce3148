"""Answering: what one answer records, retries with an idempotency key, bad input, query count."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Exercise
from practice.models import (
    Attempt,
    ExerciseProgress,
    PracticeSession,
    SkillRating,
    TrackProgress,
    UnitProgress,
)
from practice.services import answer_submit, session_start
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import ExerciseFactory, HintFactory, LessonFactory, UnitFactory

from .builders import (
    answer_body,
    current,
    error_codes,
    give_history,
    numeric_exercises,
    numeric_lesson,
    quiz_over,
    right_answer,
)

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _snapshot(user: User) -> dict[str, Any]:
    """Everything an answer may write, to prove that a refused one wrote nothing."""
    return {
        "attempts": list(Attempt.objects.filter(user=user).values_list("pk", flat=True)),
        "progress": list(
            ExerciseProgress.objects.filter(user=user).values_list(
                "exercise_id", "attempts", "correct", "mastery", "due_at", "recent"
            )
        ),
        "sessions": list(
            PracticeSession.objects.filter(user=user).values_list(
                "pk", "status", "position", "answered", "correct", "xp_earned", "plan"
            )
        ),
        "units": list(
            UnitProgress.objects.filter(user=user).values_list("unit_id", "attempts", "correct")
        ),
        "tracks": list(
            TrackProgress.objects.filter(user=user).values_list("track_id", "attempts", "xp")
        ),
        "skills": list(
            SkillRating.objects.filter(user=user).values_list("track_id", "rating", "answers")
        ),
    }


def test_a_right_answer_is_judged_and_recorded_everywhere_it_counts(
    learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = start(mode="lesson", lesson=lesson.pk)
    exercise = Exercise.objects.get(pk=session["current"]["id"])

    response = answer(session["id"], response_ms=2400, confidence=4, input_method="keypad")

    assert response.status_code == 201
    body = response.json()
    assert body["correct"] is True
    assert body["score"] == 1.0
    assert body["xp"] == 12
    assert body["replayed"] is False
    assert body["explanation"] == exercise.explanation
    assert body["mastery"] > 0
    assert body["next_review_at"] is not None
    assert body["session"]["position"] == 1
    attempt = Attempt.objects.get(pk=body["attempt"])
    assert (attempt.user, attempt.exercise, attempt.session_id) == (
        learner,
        exercise,
        session["id"],
    )
    assert (attempt.response_ms, attempt.confidence, attempt.input_method) == (2400, 4, "keypad")
    assert (attempt.attempt_number, attempt.plan_index, attempt.xp) == (1, 0, 12)
    progress = ExerciseProgress.objects.get(user=learner, exercise=exercise)
    assert (progress.attempts, progress.correct, progress.current_streak) == (1, 1, 1)
    assert progress.last_response_ms == progress.best_response_ms == 2400
    assert progress.recent == [{"correct": True, "ms": 2400}]
    unit = UnitProgress.objects.get(user=learner, unit=lesson.unit)
    assert (unit.attempts, unit.correct) == (1, 1)
    assert unit.mastery_sum == pytest.approx(progress.mastery)
    track = TrackProgress.objects.get(user=learner, track=lesson.unit.track)
    assert (track.attempts, track.correct, track.xp) == (1, 1, 12)
    assert SkillRating.objects.get(user=learner, track=lesson.unit.track).answers == 1


def test_a_wrong_answer_earns_no_xp_and_says_what_was_understood(
    learner: User, start: Start, answer: Answer
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)

    body = answer(session["id"], right=False).json()

    assert body["correct"] is False
    assert body["xp"] == 0
    assert body["feedback"]
    assert body["interpreted_as"] == "-987654"
    assert ExerciseProgress.objects.get(user=learner).correct == 0


def test_a_multiple_choice_answer_returns_the_chosen_options_explanation(
    ada: APIClient, start: Start
) -> None:
    exercise = ExerciseFactory(kind=Exercise.Kind.MULTIPLE_CHOICE)
    session = start(mode="lesson", lesson=exercise.lesson_id)

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers",
        {"exercise": exercise.pk, "response": "1", "response_ms": 3000},
    )

    assert response.json()["correct"] is False
    assert response.json()["option_explanation"] == "That is 3 + 4."


def test_a_parametrised_exercise_is_judged_against_the_learners_own_numbers(
    ada: APIClient, start: Start
) -> None:
    exercise = ExerciseFactory(parametrised=True)
    session = start(mode="lesson", lesson=exercise.lesson_id)
    _, seed = current(PracticeSession.objects.get(pk=session["id"]))
    prompt = session["current"]["prompt"]
    assert "{" not in prompt

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers",
        {"exercise": exercise.pk, "response": right_answer(exercise, seed), "response_ms": 4000},
    )

    assert response.json()["correct"] is True
    a, b = (int(n) for n in prompt.strip("What is$?").split(" + "))
    assert right_answer(exercise, seed) == str(a + b)


# --- Idempotency ----------------------------------------------------------------------------


def test_a_retried_answer_returns_the_first_result_and_changes_nothing(
    ada: APIClient, learner: User, start: Start
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=2).pk)
    body = answer_body(PracticeSession.objects.get(pk=session["id"]))
    url = f"/api/v1/sessions/{session['id']}/answers"
    first = ada.post(url, body, headers={"Idempotency-Key": "tap-1"})
    assert first.status_code == 201
    before = _snapshot(learner)

    retry = ada.post(url, body, headers={"Idempotency-Key": "tap-1"})

    assert retry.status_code == 200
    assert retry.json()["replayed"] is True
    assert retry.json()["attempt"] == first.json()["attempt"]
    assert retry.json()["correct"] is True
    assert retry.json()["xp"] == first.json()["xp"]
    assert _snapshot(learner) == before


def test_a_retry_after_the_session_moved_on_still_replays(
    ada: APIClient, learner: User, start: Start
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)
    body = answer_body(PracticeSession.objects.get(pk=session["id"]))
    url = f"/api/v1/sessions/{session['id']}/answers"
    first = ada.post(url, body, headers={"Idempotency-Key": "last-answer"})
    assert first.json()["session"]["status"] == "completed"
    before = _snapshot(learner)

    retry = ada.post(url, body, headers={"Idempotency-Key": "last-answer"})

    assert retry.status_code == 200
    assert retry.json()["replayed"] is True
    assert _snapshot(learner) == before


def test_the_same_key_with_a_different_answer_is_a_conflict(
    ada: APIClient, learner: User, start: Start
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=2).pk)
    body = answer_body(PracticeSession.objects.get(pk=session["id"]))
    url = f"/api/v1/sessions/{session['id']}/answers"
    ada.post(url, body, headers={"Idempotency-Key": "k"})
    before = _snapshot(learner)

    response = ada.post(url, {**body, "response": "17"}, headers={"Idempotency-Key": "k"})

    assert response.status_code == 409
    assert response.json()["type"] == "client_error"
    assert error_codes(response) == [(None, "idempotency_conflict")]
    assert "idempotency key" in response.json()["errors"][0]["detail"]
    assert _snapshot(learner) == before


def test_a_key_already_used_in_another_session_is_a_conflict(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=2)
    first = start(mode="lesson", lesson=lesson.pk)
    answer(first["id"], key="reused")
    second = start(mode="lesson", lesson=lesson.pk)
    before = _snapshot(learner)

    response = answer(second["id"], key="reused")

    assert response.status_code == 409
    assert error_codes(response) == [(None, "idempotency_conflict")]
    assert _snapshot(learner) == before


def test_keys_are_per_learner_so_two_learners_may_use_the_same_one(
    client_for: Callable[[User], APIClient], start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=1)
    session = start(mode="lesson", lesson=lesson.pk)
    assert answer(session["id"], key="abc").status_code == 201
    bob = UserFactory(username="bob")
    bobs = session_start(user=bob, mode="lesson", lesson=lesson)

    response = client_for(bob).post(
        f"/api/v1/sessions/{bobs.pk}/answers",
        answer_body(bobs),
        headers={"Idempotency-Key": "abc"},
    )

    assert response.status_code == 201
    assert response.json()["replayed"] is False


def test_an_overlong_idempotency_key_is_refused(ada: APIClient, start: Start) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)
    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers",
        answer_body(PracticeSession.objects.get(pk=session["id"])),
        headers={"Idempotency-Key": "k" * 65},
    )

    assert response.status_code == 400
    assert error_codes(response) == [("Idempotency-Key", "invalid")]
    assert not Attempt.objects.exists()


# --- Bad input: a clear message, and nothing written -----------------------------------------


def _field_cases() -> list[Any]:
    cases = [
        ("response_ms", -5),
        ("response_ms", 0),
        ("response_ms", 10**9),
        ("response_ms", "fast"),
        ("response", "1" * 501),
        ("response", "4\x00"),
        ("confidence", 0),
        ("confidence", 6),
        ("input_method", "telepathy"),
        ("exercise", "seven"),
    ]
    return [pytest.param(name, value, id=f"{name}={str(value)[:12]}") for name, value in cases]


@pytest.mark.parametrize(("field", "value"), _field_cases())
def test_malformed_input_is_refused_at_its_field_and_writes_nothing(
    ada: APIClient, learner: User, start: Start, field: str, value: Any
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=2).pk)
    body = answer_body(PracticeSession.objects.get(pk=session["id"]), confidence=3)
    before = _snapshot(learner)

    response = ada.post(f"/api/v1/sessions/{session['id']}/answers", {**body, field: value})

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert [attr for attr, _ in error_codes(response)] == [field]
    assert all(error["detail"] for error in response.json()["errors"])
    assert _snapshot(learner) == before


@pytest.mark.parametrize("missing", ["exercise", "response", "response_ms"])
def test_a_required_field_left_out_is_named(
    ada: APIClient, learner: User, start: Start, missing: str
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)
    body = answer_body(PracticeSession.objects.get(pk=session["id"]))
    del body[missing]

    response = ada.post(f"/api/v1/sessions/{session['id']}/answers", body)

    assert response.status_code == 400
    assert error_codes(response) == [(missing, "required")]
    assert not Attempt.objects.exists()


def test_the_longest_allowed_response_is_taken(ada: APIClient, start: Start) -> None:
    lesson = LessonFactory()
    ExerciseFactory(lesson=lesson, kind=Exercise.Kind.TEXT)
    session = start(mode="lesson", lesson=lesson.pk)
    body = answer_body(PracticeSession.objects.get(pk=session["id"]))

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers", {**body, "response": "9" * 500}
    )

    assert response.status_code == 201
    assert response.json()["correct"] is False


def test_a_number_too_long_to_read_is_refused_and_costs_nothing(
    ada: APIClient, learner: User, start: Start
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=1).pk)
    body = answer_body(PracticeSession.objects.get(pk=session["id"]))
    before = _snapshot(learner)

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers", {**body, "response": "9" * 500}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "response"
    assert _snapshot(learner) == before


def test_an_unknown_exercise_is_refused(ada: APIClient, learner: User, start: Start) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=2).pk)
    before = _snapshot(learner)

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers",
        {"exercise": 987654, "response": "2", "response_ms": 1000},
    )

    assert response.status_code == 400
    assert error_codes(response) == [("exercise", "not_in_session")]
    assert _snapshot(learner) == before


def test_an_exercise_from_another_lesson_is_refused(
    ada: APIClient, learner: User, start: Start
) -> None:
    session = start(mode="lesson", lesson=numeric_lesson(exercises=2).pk)
    elsewhere = numeric_lesson(exercises=1).exercises.get()
    before = _snapshot(learner)

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers",
        {"exercise": elsewhere.pk, "response": right_answer(elsewhere), "response_ms": 1000},
    )

    assert response.status_code == 400
    assert error_codes(response) == [("exercise", "not_in_session")]
    assert "not part of this session" in response.json()["errors"][0]["detail"]
    assert _snapshot(learner) == before


def test_a_later_question_of_the_session_cannot_be_answered_first(
    ada: APIClient, learner: User, start: Start
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = start(mode="lesson", lesson=lesson.pk)
    later = lesson.exercises.order_by("order").last()
    assert later is not None
    before = _snapshot(learner)

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers",
        {"exercise": later.pk, "response": right_answer(later), "response_ms": 1000},
    )

    assert response.status_code == 400
    assert error_codes(response) == [("exercise", "not_current")]
    assert _snapshot(learner) == before


@pytest.mark.parametrize("how", ["completed", "abandoned"])
def test_a_finished_session_takes_no_more_answers(
    ada: APIClient, learner: User, start: Start, answer: Answer, how: str
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = start(mode="lesson", lesson=lesson.pk)
    exercise = lesson.exercises.order_by("order").first()
    assert exercise is not None
    if how == "completed":
        answer(session["id"])
        answer(session["id"])
    else:
        ada.post(f"/api/v1/sessions/{session['id']}/finish", {"abandon": True})
    before = _snapshot(learner)

    response = ada.post(
        f"/api/v1/sessions/{session['id']}/answers",
        {"exercise": exercise.pk, "response": right_answer(exercise), "response_ms": 1000},
    )

    assert response.status_code == 409
    assert error_codes(response) == [(None, "finished")]
    assert _snapshot(learner) == before


def test_someone_elses_session_does_not_exist_for_me(ada: APIClient, learner: User) -> None:
    bob = UserFactory(username="bob")
    bobs = session_start(user=bob, mode="lesson", lesson=numeric_lesson(exercises=1))
    before = _snapshot(bob)

    response = ada.post(f"/api/v1/sessions/{bobs.pk}/answers", answer_body(bobs))

    assert response.status_code == 404
    assert error_codes(response) == [(None, "not_found")]
    assert _snapshot(bob) == before
    assert not Attempt.objects.filter(user=learner).exists()


def test_an_anonymous_answer_is_refused(api_client: APIClient, learner: User) -> None:
    session = session_start(user=learner, mode="lesson", lesson=numeric_lesson(exercises=1))

    response = api_client.post(f"/api/v1/sessions/{session.pk}/answers", answer_body(session))

    assert response.status_code == 401
    assert not Attempt.objects.exists()


# --- Queries per answer do not grow with the learner's history ---------------------------------

HISTORY = 5000


def _answer_counting(user: User, session: PracticeSession) -> int:
    exercise, seed = current(session)
    cache.clear()  # like is compared with like: the question is not cached yet, for anyone
    with CaptureQueriesContext(connection) as queries:
        answer_submit(
            user=user,
            session=session,
            exercise_id=exercise.pk,
            response=right_answer(exercise, seed),
            response_ms=1800,
        )
    return len(queries)


def test_an_answer_costs_as_many_queries_after_5000_answers_as_on_the_first_day(
    learner: User,
) -> None:
    """Like is compared with like: the first answer in a track creates the learner's unit, track
    and skill rows, the first answer of an exercise its progress row (and a learner's very first
    answer her rows in other apps); beyond that an answer is the same fixed set of queries,
    whatever the learner's history."""
    # Units that cannot complete here (the threshold is out of reach), so no answer pays for that.
    unit = UnitFactory(mastery_required=1)
    exercises = numeric_exercises(LessonFactory(unit=unit), 3)
    veteran = UserFactory(username="vera")
    give_history(veteran, numeric_exercises(LessonFactory(unit=unit), 50), attempts=HISTORY)
    assert Attempt.objects.filter(user=veteran).count() == HISTORY
    first_track = numeric_exercises(numeric_lesson(exercises=0, mastery_required=1), 1)
    new_track = numeric_exercises(numeric_lesson(exercises=0, mastery_required=1), 1)

    first_ever = _answer_counting(learner, quiz_over(learner, first_track))
    _answer_counting(learner, quiz_over(learner, exercises[2:]))  # her first in this unit
    counts: dict[str, dict[str, int]] = {}
    for who in (learner, veteran):
        counts[who.username] = {
            "first in a new track": _answer_counting(who, quiz_over(who, new_track)),
            "new exercise": _answer_counting(who, quiz_over(who, exercises[:1])),
            "practised exercise": _answer_counting(who, quiz_over(who, exercises[:1])),
        }

    assert counts["vera"] == counts["ada"], counts
    ada = counts["ada"]
    assert ada["practised exercise"] <= ada["new exercise"] <= ada["first in a new track"]
    assert ada["first in a new track"] <= first_ever


def test_an_answer_of_a_learner_with_a_long_history_runs_a_fixed_number_of_queries(
    learner: User, django_assert_num_queries: Any
) -> None:
    unit = UnitFactory(mastery_required=1)
    exercises = numeric_exercises(LessonFactory(unit=unit), 2)
    give_history(learner, numeric_exercises(LessonFactory(unit=unit), 50), attempts=HISTORY)
    fresh = UserFactory(username="fresh")
    _answer_counting(fresh, quiz_over(fresh, exercises[1:]))  # her first answer: rows created
    expected = _answer_counting(fresh, quiz_over(fresh, exercises[:1]))
    session = quiz_over(learner, exercises[:1])
    exercise, seed = current(session)
    cache.clear()

    with django_assert_num_queries(expected):
        answer_submit(
            user=learner,
            session=session,
            exercise_id=exercise.pk,
            response=right_answer(exercise, seed),
            response_ms=1800,
        )


# --- Hints ----------------------------------------------------------------------------------


def _hint(client: APIClient, session_id: int, exercise_id: int) -> Any:
    return client.post(f"/api/v1/sessions/{session_id}/hints", {"exercise": exercise_id})


def test_hints_come_in_order_and_each_one_lowers_the_xp_of_that_answer(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=2)
    hinted, _ = lesson.exercises.order_by("order")
    for n in (1, 2, 3):
        HintFactory(exercise=hinted, text=f"Hint {n} of three.")
    session = start(mode="lesson", lesson=lesson.pk)
    assert session["current"]["hint_count"] == 3

    first = _hint(ada, session["id"], hinted.pk)
    second = _hint(ada, session["id"], hinted.pk)

    assert first.status_code == second.status_code == 201
    assert first.json() == {
        "order": 1,
        "text": "Hint 1 of three.",
        "hints_used": 1,
        "hints_left": 2,
    }
    assert second.json()["order"] == 2
    assert second.json()["hints_left"] == 1
    shown = ada.get(f"/api/v1/sessions/{session['id']}").json()["current"]
    assert shown["hints_used"] == 2
    with_hints = answer(session["id"]).json()
    without = answer(session["id"]).json()
    assert (with_hints["correct"], without["correct"]) == (True, True)
    assert with_hints["hints_used"] == 2
    assert with_hints["xp"] == 12 - 2 * 3
    assert without["xp"] == 12
    assert Attempt.objects.get(exercise=hinted).hints_used == 2
    assert PracticeSession.objects.get(pk=session["id"]).hints_used == 2
    assert ExerciseProgress.objects.get(user=learner, exercise=hinted).hints_used == 2


def test_a_hinted_right_answer_is_reviewed_sooner_than_an_unaided_one(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=2)
    hinted, _ = lesson.exercises.order_by("order")
    HintFactory(exercise=hinted)
    session = start(mode="lesson", lesson=lesson.pk)
    _hint(ada, session["id"], hinted.pk)

    with_hint = answer(session["id"]).json()["next_review_at"]
    without = answer(session["id"]).json()["next_review_at"]

    assert parse_datetime(with_hint) < parse_datetime(without)


def test_after_the_last_hint_there_are_no_more(ada: APIClient, start: Start) -> None:
    exercise = ExerciseFactory()
    HintFactory(exercise=exercise)
    session = start(mode="lesson", lesson=exercise.lesson_id)
    _hint(ada, session["id"], exercise.pk)

    response = _hint(ada, session["id"], exercise.pk)

    assert response.status_code == 400
    assert error_codes(response) == [(None, "no_more_hints")]
    assert PracticeSession.objects.get(pk=session["id"]).plan[0]["hints"] == 1


def test_a_question_without_hints_has_none_to_give(ada: APIClient, start: Start) -> None:
    exercise = ExerciseFactory()
    session = start(mode="lesson", lesson=exercise.lesson_id)

    response = _hint(ada, session["id"], exercise.pk)

    assert error_codes(response) == [(None, "no_more_hints")]


def test_a_hint_kept_for_after_a_wrong_attempt_waits_for_one(
    ada: APIClient, start: Start, answer: Answer
) -> None:
    exercise = ExerciseFactory()
    HintFactory(exercise=exercise, text="Count on your fingers.")
    HintFactory(exercise=exercise, text="It is four.", unlock_after_attempts=1)
    session = start(mode="lesson", lesson=exercise.lesson_id)
    assert _hint(ada, session["id"], exercise.pk).status_code == 201

    locked = _hint(ada, session["id"], exercise.pk)

    assert locked.status_code == 403
    assert error_codes(locked) == [(None, "hint_locked")]
    body = answer(session["id"], right=False).json()
    assert body["session"]["current"]["requeued"] is True
    assert body["session"]["current"]["hints_used"] == 0, "a re-asked question starts afresh"
    texts = [_hint(ada, session["id"], exercise.pk).json()["text"] for _ in range(2)]
    assert texts == ["Count on your fingers.", "It is four."]


def test_a_hint_is_only_for_the_current_question(ada: APIClient, start: Start) -> None:
    lesson = numeric_lesson(exercises=2)
    later = lesson.exercises.order_by("order").last()
    assert later is not None
    HintFactory(exercise=later)
    session = start(mode="lesson", lesson=lesson.pk)

    response = _hint(ada, session["id"], later.pk)

    assert response.status_code == 400
    assert error_codes(response) == [("exercise", "not_current")]
    assert PracticeSession.objects.get(pk=session["id"]).plan[1]["hints"] == 0


def test_a_hint_speaks_of_the_learners_own_numbers(ada: APIClient, start: Start) -> None:
    exercise = ExerciseFactory(parametrised=True)
    HintFactory(exercise=exercise, text="Start from {a} and count on {b}.")
    session = start(mode="lesson", lesson=exercise.lesson_id)
    a, b = (int(n) for n in session["current"]["prompt"].strip("What is$?").split(" + "))

    response = _hint(ada, session["id"], exercise.pk)

    assert response.json()["text"] == f"Start from {a} and count on {b}."


def test_a_paused_session_gives_no_hints(ada: APIClient, start: Start) -> None:
    exercise = ExerciseFactory()
    HintFactory(exercise=exercise)
    session = start(mode="lesson", lesson=exercise.lesson_id)
    ada.post(f"/api/v1/sessions/{session['id']}/pause")

    response = _hint(ada, session["id"], exercise.pk)

    assert response.status_code == 409
    assert error_codes(response) == [(None, "paused")]

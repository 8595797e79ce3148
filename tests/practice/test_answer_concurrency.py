"""Answers racing each other on PostgreSQL: one attempt per key, counters that add up exactly.

Each thread uses its own database connection (Django's are per thread) and gives it back to the
pool when done. The pool holds 20 connections, so at most 16 threads run at once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from knox.models import AuthToken
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
from tests.concurrency import race

from .builders import answer_body, current, fact_track, numeric_lesson, right_answer, wrong_answer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_simultaneous_retries_of_one_answer_record_it_once(learner: User) -> None:
    lesson = numeric_lesson(exercises=2)
    session = session_start(user=learner, mode="lesson", lesson=lesson)
    body = answer_body(session, response_ms=2000)
    _, token = AuthToken.objects.create(user=learner)

    def submit(_: int) -> tuple[int, dict[str, Any]]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(
            f"/api/v1/sessions/{session.pk}/answers", body, headers={"Idempotency-Key": "same"}
        )
        return response.status_code, response.json()

    results = race(submit, range(50))

    assert Counter(status for status, _ in results) == {201: 1, 200: 49}
    assert {body["attempt"] for _, body in results} == {Attempt.objects.get(user=learner).pk}
    assert all(body["replayed"] for status, body in results if status == 200)
    session.refresh_from_db()
    assert (session.answered, session.position) == (1, 1)
    progress = ExerciseProgress.objects.get(user=learner)
    assert (progress.attempts, progress.correct) == (1, 1)
    assert UnitProgress.objects.get(user=learner).attempts == 1
    assert TrackProgress.objects.get(user=learner).attempts == 1
    assert SkillRating.objects.get(user=learner).answers == 1


def test_a_double_tapped_submit_without_a_key_is_taken_once(learner: User) -> None:
    lesson = numeric_lesson(exercises=2)
    session = session_start(user=learner, mode="lesson", lesson=lesson)
    exercise, seed = current(session)

    def submit(_: int) -> int:
        try:
            answer_submit(
                user=learner,
                session=session,
                exercise_id=exercise.pk,
                response=right_answer(exercise, seed),
                response_ms=900,
            )
        except Exception as refused:  # noqa: BLE001 - the losers are told "not current"
            return getattr(refused, "status", 500)
        return 201

    results = race(submit, range(20))

    assert Counter(results) == {201: 1, 400: 19}
    assert Attempt.objects.filter(user=learner).count() == 1
    session.refresh_from_db()
    assert (session.answered, session.position) == (1, 1)


def test_a_hundred_simultaneous_answers_to_one_fact_leave_every_counter_exact(
    learner: User,
) -> None:
    track = fact_track([(7, 8)])
    fact = Exercise.objects.get(lesson__unit__track=track)
    drills = [session_start(user=learner, mode="drill", track=track) for _ in range(100)]

    def submit(index: int) -> None:
        correct = index % 4 != 0  # 75 right, 25 wrong
        answer_submit(
            user=learner,
            session=drills[index],
            exercise_id=fact.pk,
            response=right_answer(fact) if correct else wrong_answer(fact),
            response_ms=1000 + index,
        )

    race(submit, range(100))

    progress = ExerciseProgress.objects.get(user=learner, exercise=fact)
    assert progress.attempts == 100 == Attempt.objects.filter(user=learner).count()
    assert progress.correct == 75 == Attempt.objects.filter(user=learner, is_correct=True).count()
    assert sorted(Attempt.objects.values_list("attempt_number", flat=True)) == list(
        range(1, 101)
    ), "each answer saw the one before it"
    assert len(progress.recent) == 5
    unit = UnitProgress.objects.get(user=learner)
    assert (unit.attempts, unit.correct) == (100, 75)
    assert unit.mastery_sum == pytest.approx(progress.mastery)
    track_row = TrackProgress.objects.get(user=learner)
    assert (track_row.attempts, track_row.correct) == (100, 75)
    assert track_row.xp == sum(Attempt.objects.values_list("xp", flat=True))
    assert SkillRating.objects.get(user=learner).answers == 100
    assert (
        list(PracticeSession.objects.filter(user=learner).values_list("answered", flat=True))
        == [1] * 100
    )


def test_a_hundred_simultaneous_answers_across_a_unit_add_up_exactly(learner: User) -> None:
    """Quiz sessions that start on different facts: the unit, track and skill rows are created
    by whichever answer comes first, and every answer still counts once."""
    track = fact_track([(a, b) for a in range(2, 6) for b in range(2, 7)])  # 20 facts
    quizzes = [session_start(user=learner, mode="quiz", track=track, size=20) for _ in range(100)]
    firsts = [current(quiz)[0] for quiz in quizzes]

    def submit(index: int) -> None:
        answer_submit(
            user=learner,
            session=quizzes[index],
            exercise_id=firsts[index].pk,
            response=right_answer(firsts[index]),
            response_ms=1500,
        )

    race(submit, range(100))

    per_fact = Counter(fact.pk for fact in firsts)
    rows = dict(
        ExerciseProgress.objects.filter(user=learner).values_list("exercise_id", "attempts")
    )
    assert rows == dict(per_fact)
    assert Attempt.objects.filter(user=learner).count() == 100
    unit = UnitProgress.objects.get(user=learner)
    assert (unit.attempts, unit.correct) == (100, 100)
    total_mastery = sum(
        ExerciseProgress.objects.filter(user=learner).values_list("mastery", flat=True)
    )
    assert unit.mastery_sum == pytest.approx(total_mastery)
    assert TrackProgress.objects.get(user=learner).attempts == 100
    assert SkillRating.objects.get(user=learner).answers == 100
    assert set(
        PracticeSession.objects.filter(user=learner).values_list("answered", "position")
    ) == {(1, 1)}

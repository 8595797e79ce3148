"""Review with nothing due: practise her mistakes and weak skills instead of a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.services import user_update
from curriculum.models import Exercise, Status
from practice.models import Attempt, ExerciseProgress, PracticeSession
from practice.services import session_start

from .builders import answer_current, numeric_lesson

pytestmark = pytest.mark.django_db


def _practised(user: User, exercise: Exercise, *, mastery: float, due_in: timedelta) -> None:
    ExerciseProgress.objects.create(
        user=user,
        exercise=exercise,
        attempts=3,
        correct=2,
        mastery=mastery,
        due_at=timezone.now() + due_in,
        last_attempt_at=timezone.now() - timedelta(days=2),
    )


def _wrong(user: User, exercise: Exercise, *, days_ago: float) -> None:
    """A wrong answer to the exercise, `days_ago` days ago, in a quiz of its own."""
    session = PracticeSession.objects.create(
        user=user, mode="quiz", plan=[{"exercise": exercise.pk, "seed": "s"}], position=1
    )
    Attempt.objects.create(
        user=user,
        session=session,
        exercise=exercise,
        plan_index=0,
        response="-1",
        is_correct=False,
        score=0.0,
        response_ms=4000,
        attempt_number=1,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def _plan(session: PracticeSession) -> list[int]:
    return [item["exercise"] for item in session.plan]


def test_with_nothing_due_a_review_asks_recent_mistakes_latest_first_then_the_weakest(
    learner: User,
) -> None:
    e1, e2, e3, e4, e5, unseen = numeric_lesson(exercises=6).exercises.order_by("order")
    for exercise, mastery in ((e1, 0.8), (e2, 0.6), (e3, 0.2), (e4, 0.4), (e5, 0.1)):
        _practised(learner, exercise, mastery=mastery, due_in=timedelta(days=3))
    _wrong(learner, e1, days_ago=5)
    _wrong(learner, e2, days_ago=1)
    _wrong(learner, e4, days_ago=45)  # not recent: only weak

    session = session_start(user=learner, mode="review")

    assert session.config == {"focus": "mistakes", "adaptive": True}
    assert _plan(session) == [e2.pk, e1.pk, e5.pk, e3.pk, e4.pk]
    assert unseen.pk not in _plan(session)


def test_practising_mistakes_is_as_long_as_asked(learner: User) -> None:
    exercises = list(numeric_lesson(exercises=5).exercises.order_by("order"))
    for n, exercise in enumerate(exercises):
        _practised(learner, exercise, mastery=0.2, due_in=timedelta(days=1))
        _wrong(learner, exercise, days_ago=n + 1)

    session = session_start(user=learner, mode="review", size=3)

    assert _plan(session) == [e.pk for e in exercises[:3]]


def test_when_something_is_due_the_review_is_of_what_is_due(learner: User) -> None:
    due, weak = numeric_lesson(exercises=2).exercises.order_by("order")
    _practised(learner, due, mastery=0.9, due_in=-timedelta(hours=1))
    _practised(learner, weak, mastery=0.1, due_in=timedelta(days=2))
    _wrong(learner, weak, days_ago=1)

    session = session_start(user=learner, mode="review")

    assert session.config["focus"] == "due"
    assert _plan(session) == [due.pk]


def test_mistakes_in_content_no_longer_published_are_not_practised(learner: User) -> None:
    shown, hidden = numeric_lesson(exercises=2).exercises.order_by("order")
    for exercise in (shown, hidden):
        _practised(learner, exercise, mastery=0.2, due_in=timedelta(days=2))
        _wrong(learner, exercise, days_ago=1)
    Exercise.objects.filter(pk=hidden.pk).update(status=Status.DRAFT)

    assert _plan(session_start(user=learner, mode="review")) == [shown.pk]


def test_without_spaced_repetition_a_review_practises_mistakes_then_the_weakest(
    learner: User,
) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"spaced_repetition": False})
    strong, weak = numeric_lesson(exercises=2).exercises.order_by("order")
    _practised(learner, strong, mastery=0.8, due_in=-timedelta(days=1))
    _practised(learner, weak, mastery=0.1, due_in=timedelta(days=1))
    _wrong(learner, strong, days_ago=2)

    session = session_start(user=learner, mode="review")

    assert session.config["focus"] == "mistakes"
    assert _plan(session) == [strong.pk, weak.pk]


def test_a_mistakes_review_plays_and_completes_like_any_review(learner: User) -> None:
    (exercise,) = numeric_lesson(exercises=1).exercises.all()
    _practised(learner, exercise, mastery=0.2, due_in=timedelta(days=2))
    session = session_start(user=learner, mode="review")

    result = answer_current(learner, session)

    assert result.session.status == "completed"
    assert result.attempt.is_correct is True

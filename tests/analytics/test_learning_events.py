"""Every learning event is written in the transaction of the change it records, or not at all."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.models import User
from analytics.models import LearningEvent
from gamification.models import Achievement, UserAchievement
from practice.models import LessonProgress, PracticeSession
from practice.services import hint_request, session_finish, session_start
from tests.curriculum.factories import HintFactory
from tests.practice.builders import answer_current, numeric_lesson

pytestmark = pytest.mark.django_db

Type = LearningEvent.Type


class Rollback(Exception):
    """Raised inside a transaction after the service ran, to undo it."""


def events_of(learner: User, type: str) -> list[LearningEvent]:
    return list(LearningEvent.objects.filter(user=learner, type=type).order_by("pk"))


@pytest.fixture
def first_answer_achievement(db: None) -> Achievement:
    Achievement.objects.filter(criteria=Achievement.Criteria.CORRECT_ANSWERS).delete()
    return Achievement.objects.create(
        code="first-right",
        name="First right answer",
        description="Answer a question right.",
        category=Achievement.Category.GETTING_STARTED,
        criteria=Achievement.Criteria.CORRECT_ANSWERS,
        threshold=1,
    )


def test_a_hint_shown_is_an_event_naming_the_session_the_exercise_and_which_hint(
    learner: User,
) -> None:
    lesson = numeric_lesson(exercises=1)
    exercise = lesson.exercises.get()
    HintFactory(exercise=exercise)
    HintFactory(exercise=exercise)
    session = session_start(user=learner, mode="lesson", lesson=lesson)

    hint_request(session=session, exercise_id=exercise.pk)
    hint_request(session=session, exercise_id=exercise.pk)

    payloads = [event.payload for event in events_of(learner, Type.HINT)]
    assert payloads == [
        {"session": session.pk, "exercise": exercise.pk, "hint": 1},
        {"session": session.pk, "exercise": exercise.pk, "hint": 2},
    ]


def test_a_hint_refused_is_no_event(learner: User) -> None:
    lesson = numeric_lesson(exercises=1)
    exercise = lesson.exercises.get()
    HintFactory(exercise=exercise, unlock_after_attempts=1)
    session = session_start(user=learner, mode="lesson", lesson=lesson)

    with pytest.raises(Exception, match="Try once more"):
        hint_request(session=session, exercise_id=exercise.pk)

    assert events_of(learner, Type.HINT) == []


def test_a_lesson_run_to_its_end_is_a_completed_session_and_a_completed_lesson(
    learner: User,
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = session_start(user=learner, mode="lesson", lesson=lesson)

    answer_current(learner, session)
    answer_current(learner, session)

    (completed,) = events_of(learner, Type.SESSION_COMPLETED)
    (lesson_done,) = events_of(learner, Type.LESSON_COMPLETED)
    assert completed.payload == {"session": session.pk, "mode": "lesson", "lesson": lesson.pk}
    assert lesson_done.payload == {"lesson": lesson.pk, "session": session.pk}
    assert lesson_done.occurred_at == completed.occurred_at


def test_a_quiz_or_a_lesson_stopped_midway_completes_no_lesson(learner: User) -> None:
    lesson = numeric_lesson(exercises=2)
    stopped = session_start(user=learner, mode="lesson", lesson=lesson)
    answer_current(learner, stopped)
    session_finish(session=stopped)
    quiz = session_start(user=learner, mode="quiz", track=lesson.unit.track, size=1)
    answer_current(learner, quiz)

    assert [e.payload["mode"] for e in events_of(learner, Type.SESSION_COMPLETED)] == ["quiz"]
    assert events_of(learner, Type.LESSON_COMPLETED) == []


def test_an_achievement_awarded_is_an_event(
    learner: User, first_answer_achievement: Achievement
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = session_start(user=learner, mode="lesson", lesson=lesson)

    answer_current(learner, session)
    answer_current(learner, session)

    (earned,) = [
        event
        for event in events_of(learner, Type.ACHIEVEMENT)
        if event.payload["code"] == "first-right"
    ]
    assert earned.payload == {"achievement": first_answer_achievement.pk, "code": "first-right"}


def test_a_failed_transaction_leaves_no_event_of_what_it_undid(
    learner: User, first_answer_achievement: Achievement
) -> None:
    lesson = numeric_lesson(exercises=1)
    exercise = lesson.exercises.get()
    HintFactory(exercise=exercise)
    session = session_start(user=learner, mode="lesson", lesson=lesson)
    before = LearningEvent.objects.filter(user=learner).count()

    # The hint, then the answer that completes the lesson and earns the achievement: all undone.
    def hint_and_last_answer_then_a_failure() -> None:
        with transaction.atomic():
            hint_request(session=session, exercise_id=exercise.pk)
            answer_current(learner, session)
            raise Rollback

    with pytest.raises(Rollback):
        hint_and_last_answer_then_a_failure()

    assert LearningEvent.objects.filter(user=learner).count() == before
    assert not UserAchievement.objects.filter(user=learner).exists()
    assert not LessonProgress.objects.filter(user=learner, completed_at__isnull=False).exists()
    session.refresh_from_db()
    assert session.status == PracticeSession.Status.ACTIVE

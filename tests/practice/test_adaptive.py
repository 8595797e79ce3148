"""Adaptive selection (due first, then new exercises near 80 % success) and calibration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.services import user_update
from curriculum.models import Exercise, Track
from practice.models import Attempt, ExerciseProgress, PracticeSession, SkillRating
from practice.services import difficulty_calibrate, next_exercises
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import LessonFactory

from .builders import numeric_exercises, numeric_lesson

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _rated(track: Track, ratings: list[float]) -> list[Exercise]:
    """New exercises in a lesson of the track, one per difficulty rating, in path order."""
    lesson = LessonFactory(unit=track.units.get())
    exercises = numeric_exercises(lesson, len(ratings))
    for exercise, rating in zip(exercises, ratings, strict=True):
        exercise.difficulty_rating = rating
        exercise.save()
    return exercises


def _seen(user: User, exercise: Exercise, *, due_in: timedelta) -> None:
    ExerciseProgress.objects.create(
        user=user,
        exercise=exercise,
        attempts=2,
        correct=1,
        mastery=0.2,
        due_at=timezone.now() + due_in,
    )


def test_due_reviews_come_first_then_new_exercises_nearest_80_percent_success(
    learner: User,
) -> None:
    lesson = numeric_lesson(exercises=3)
    track = lesson.unit.track
    later_due, overdue, not_due = lesson.exercises.order_by("order")
    _seen(learner, later_due, due_in=-timedelta(hours=1))
    _seen(learner, overdue, due_in=-timedelta(days=2))
    _seen(learner, not_due, due_in=timedelta(days=5))
    hardest, easiest, just_right, even = _rated(track, [1400, 600, 760, 1000])

    chosen = next_exercises(user=learner, track=track)

    # At the default ability of 1000: 760 predicts 80 %, 600 91 %, 1000 50 %, 1400 9 %.
    assert chosen == [overdue.pk, later_due.pk, just_right.pk, easiest.pk, even.pk, hardest.pk]
    assert not_due.pk not in chosen


def test_a_stronger_learner_is_offered_harder_new_exercises(learner: User) -> None:
    track = numeric_lesson(exercises=0).unit.track
    _, _, middle, even = _rated(track, [1400, 600, 760, 1000])
    SkillRating.objects.create(user=learner, track=track, rating=1400)

    chosen = next_exercises(user=learner, track=track, count=2)

    # At 1400: 1000 predicts 91 %, 760 98 %, 600 99 %, 1400 50 %.
    assert chosen == [even.pk, middle.pk]


def test_without_adaptive_learning_new_exercises_come_in_path_order(learner: User) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"adaptive_learning": False})
    track = numeric_lesson(exercises=0).unit.track
    exercises = _rated(track, [1400, 600, 760, 1000])

    assert next_exercises(user=learner, track=track) == [e.pk for e in exercises]


def test_without_spaced_repetition_nothing_is_offered_as_due(learner: User) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"spaced_repetition": False})
    lesson = numeric_lesson(exercises=2)
    due, fresh = lesson.exercises.order_by("order")
    _seen(learner, due, due_in=-timedelta(days=1))

    assert next_exercises(user=learner, track=lesson.unit.track) == [fresh.pk]


def test_next_exercises_leaves_out_drafts_and_stops_at_the_count(learner: User) -> None:
    lesson = numeric_lesson(exercises=5)
    draft = lesson.exercises.order_by("order").first()
    assert draft is not None
    draft.status = "draft"
    draft.save()

    chosen = next_exercises(user=learner, track=lesson.unit.track, count=3)

    assert len(chosen) == 3
    assert draft.pk not in chosen


def test_a_right_answer_raises_the_learners_ability_and_a_wrong_one_lowers_it(
    learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = start(mode="lesson", lesson=lesson.pk)

    answer(session["id"])
    after_right = SkillRating.objects.get(user=learner).rating
    answer(session["id"], right=False)
    after_wrong = SkillRating.objects.get(user=learner).rating

    assert after_right > 1000.0
    assert after_wrong < after_right
    assert SkillRating.objects.get(user=learner).answers == 2


# --- Calibration ----------------------------------------------------------------------------


def _answers(exercise: Exercise, *, right: int, wrong: int) -> None:
    """Answers to the exercise from a crowd of five learners, taking turns."""
    crowd = list(User.objects.filter(username__startswith="crowd-"))
    for n in range(5 - len(crowd)):
        crowd.append(UserFactory(username=f"crowd-{n}"))
    sessions = [
        PracticeSession.objects.create(
            user=user, mode="quiz", plan=[{"exercise": exercise.pk, "seed": "s"}], position=1
        )
        for user in crowd
    ]
    Attempt.objects.bulk_create(
        Attempt(
            user=sessions[n % 5].user,
            session=sessions[n % 5],
            exercise=exercise,
            plan_index=0,
            response="x",
            is_correct=n < right,
            score=1.0 if n < right else 0.0,
            response_ms=3000,
            attempt_number=n // 5 + 1,
        )
        for n in range(right + wrong)
    )


def _ratings(*exercises: Exercise) -> list[float]:
    return [Exercise.objects.get(pk=e.pk).difficulty_rating for e in exercises]


def test_calibration_raises_what_most_get_wrong_and_lowers_what_everyone_gets_right() -> None:
    hard, easy, rare = numeric_lesson(exercises=3).exercises.order_by("order")
    _answers(hard, right=2, wrong=18)
    _answers(easy, right=20, wrong=0)
    _answers(rare, right=0, wrong=3)  # too few answers to judge

    changed = difficulty_calibrate()

    assert changed == 2
    hard_rating, easy_rating, rare_rating = _ratings(hard, easy, rare)
    assert hard_rating > 1200
    assert easy_rating < 800
    assert rare_rating == 1000.0


def test_calibrating_again_without_new_answers_changes_nothing() -> None:
    hard, easy = numeric_lesson(exercises=2).exercises.order_by("order")
    _answers(hard, right=3, wrong=17)
    _answers(easy, right=19, wrong=1)
    difficulty_calibrate()
    first = _ratings(hard, easy)

    changed = difficulty_calibrate()

    assert changed == 0
    assert _ratings(hard, easy) == first


def test_more_answers_move_the_calibrated_rating_further() -> None:
    (hard,) = numeric_lesson(exercises=1).exercises.all()
    _answers(hard, right=1, wrong=9)
    difficulty_calibrate()
    (after_ten,) = _ratings(hard)

    _answers(hard, right=0, wrong=20)
    difficulty_calibrate()
    (after_thirty,) = _ratings(hard)

    assert 1000.0 < after_ten < after_thirty

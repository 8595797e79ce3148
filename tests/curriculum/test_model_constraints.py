"""The database itself refuses exercises that could not be graded, whatever path they take in."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from curriculum.models import Exercise, Hint
from tests.curriculum.factories import ExerciseFactory, LessonFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _refused(**fields: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.create(**fields)


def test_an_exercise_numbered_0_is_refused():
    _refused(lesson=LessonFactory(), order=0, kind="numeric", prompt="?", answer={"value": 1})


def test_two_exercises_with_the_same_number_in_a_lesson_are_refused():
    first = ExerciseFactory()

    _refused(
        lesson=first.lesson, order=first.order, kind="numeric", prompt="?", answer={"value": 1}
    )


def test_the_same_number_in_another_lesson_is_fine():
    first = ExerciseFactory()

    other = Exercise.objects.create(
        lesson=LessonFactory(), order=first.order, kind="numeric", prompt="?", answer={"value": 1}
    )

    assert other.order == first.order


def test_a_multiple_choice_exercise_with_one_option_is_refused():
    _refused(
        lesson=LessonFactory(),
        order=1,
        kind="multiple_choice",
        prompt="?",
        options=[{"text": "only"}],
        correct_option=0,
    )


def test_a_multiple_choice_exercise_whose_correct_option_is_out_of_range_is_refused():
    _refused(
        lesson=LessonFactory(),
        order=1,
        kind="multiple_choice",
        prompt="?",
        options=["a", "b"],
        correct_option=2,
    )


def test_a_multiple_choice_exercise_without_a_correct_option_is_refused():
    _refused(
        lesson=LessonFactory(), order=1, kind="multiple_choice", prompt="?", options=["a", "b"]
    )


def test_a_fact_without_its_second_operand_is_refused():
    _refused(lesson=LessonFactory(), order=1, kind="fact", prompt="?", operand1=7, operation="×")


def test_a_fact_with_a_second_operation_but_no_third_operand_is_refused():
    _refused(
        lesson=LessonFactory(),
        order=1,
        kind="fact",
        prompt="?",
        operand1=2,
        operation="+",
        operand2=3,
        operation2="×",
    )


def test_a_lesson_with_a_negative_xp_reward_is_refused():
    unit = UnitFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        unit.lessons.create(title="Greedy", order=1, xp_reward=-5)


def test_two_units_with_the_same_number_in_a_track_are_refused():
    unit = UnitFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        unit.track.units.create(title="Twin", order=unit.order)


def test_two_hints_with_the_same_number_are_refused():
    exercise = ExerciseFactory()
    Hint.objects.create(exercise=exercise, order=1, text="First")

    with pytest.raises(IntegrityError), transaction.atomic():
        Hint.objects.create(exercise=exercise, order=1, text="Again")


@pytest.mark.parametrize("kind", [kind for kind, _ in Exercise.Kind.choices])
def test_the_factories_make_a_valid_exercise_of_every_kind(kind):
    exercise = ExerciseFactory(kind=kind)

    exercise.full_clean()


def test_the_factories_make_a_valid_parametrised_exercise():
    ExerciseFactory(parametrised=True).full_clean()

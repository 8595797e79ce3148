"""factory_boy factories for the curriculum: tracks → units → lessons → exercises → hints.

Content is published unless asked otherwise (`TrackFactory(draft=True)`), so learner-side tests
see it. Children take the next free number in their parent. `ExerciseFactory(kind=...)` gives a
valid exercise of that kind (options, answer and operands follow the kind); the `parametrised`
trait makes a numeric exercise with parameters.
"""

from __future__ import annotations

from typing import Any

import factory
from django.db.models import Max, Model
from django.utils.text import slugify

from curriculum.models import Exercise, Hint, Lesson, Status, Subject, TestCase, Track, Unit


def _next_order(model: type[Model], **parent: Model) -> int:
    ((field, owner),) = parent.items()
    if owner is None or owner.pk is None:
        return 1
    top = model._default_manager.filter(**{field: owner}).aggregate(top=Max("order"))["top"]
    return (top or 0) + 1


class _ContentFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    status = Status.PUBLISHED

    class Params:
        draft = factory.Trait(status=Status.DRAFT)


class TrackFactory(_ContentFactory):
    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    subject = Subject.ARITHMETIC
    order = factory.Sequence(lambda n: n + 1)


class UnitFactory(_ContentFactory):
    class Meta:
        model = Unit

    track = factory.SubFactory(TrackFactory)
    title = factory.Sequence(lambda n: f"Unit {n}")
    order = factory.LazyAttribute(lambda o: _next_order(Unit, track=o.track))


class LessonFactory(_ContentFactory):
    class Meta:
        model = Lesson

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    order = factory.LazyAttribute(lambda o: _next_order(Lesson, unit=o.unit))


# What each kind needs to be valid; ExerciseFactory picks by `kind`.
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    Exercise.Kind.NUMERIC: {"prompt": "What is $2 + 2$?", "answer": {"value": 4}},
    Exercise.Kind.TEXT: {
        "prompt": "The capital of France is ___.",
        "answer": {"accepted": ["Paris"]},
    },
    Exercise.Kind.EXPRESSION: {
        "prompt": r"Differentiate $x^2$ with respect to $x$.",
        "answer": {"answer": "2x", "variables": ["x"]},
    },
    Exercise.Kind.MULTIPLE_CHOICE: {
        "prompt": r"What is $3 \times 4$?",
        "options": [
            {"text": "12", "explanation": "Yes: three fours are twelve."},
            {"text": "7", "explanation": "That is 3 + 4."},
        ],
        "correct_option": 0,
    },
    Exercise.Kind.CODE: {
        "prompt": "Write `double(x)`, which returns twice `x`.",
        "starter_code": "def double(x):\n    ...\n",
        "reference_solution": "def double(x):\n    return 2 * x\n",
        "entry_point": "double",
    },
    Exercise.Kind.FACT: {
        "prompt": r"$7 \times 8 = ?$",
        "operand1": 7,
        "operation": Exercise.Operation.MULTIPLY,
        "operand2": 8,
    },
}


def _default(name: str, empty: Any) -> Any:
    return factory.LazyAttribute(lambda o: KIND_DEFAULTS[o.kind].get(name, empty))


class ExerciseFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Status.DRAFT)
        parametrised = factory.Trait(
            kind=Exercise.Kind.NUMERIC,
            prompt="What is ${a} + {b}$?",
            answer={"value": "{a+b}"},
            parameters={"a": [2, 9], "b": [2, 9]},
        )

    lesson = factory.SubFactory(LessonFactory)
    order = factory.LazyAttribute(lambda o: _next_order(Exercise, lesson=o.lesson))
    kind = Exercise.Kind.NUMERIC
    status = Status.PUBLISHED
    prompt = _default("prompt", "")
    options = factory.LazyAttribute(lambda o: list(KIND_DEFAULTS[o.kind].get("options", [])))
    correct_option = _default("correct_option", None)
    answer = factory.LazyAttribute(lambda o: dict(KIND_DEFAULTS[o.kind].get("answer", {})))
    operand1 = _default("operand1", None)
    operation = _default("operation", "")
    operand2 = _default("operand2", None)
    starter_code = _default("starter_code", "")
    reference_solution = _default("reference_solution", "")
    entry_point = _default("entry_point", "")

    @factory.post_generation  # type: ignore[misc]
    def sample_test(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """A code exercise gets one sample test its reference passes (`sample_test=False`: none)."""
        if create and self.kind == Exercise.Kind.CODE and extracted is not False:
            TestCase.objects.create(exercise=self, order=1, name="double(2)", args=[2], expected=4)


class HintFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Hint

    exercise = factory.SubFactory(ExerciseFactory)
    order = factory.LazyAttribute(lambda o: _next_order(Hint, exercise=o.exercise))
    text = factory.Sequence(lambda n: f"Hint number {n}.")


class TestCaseFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    """A test of a code exercise (by default `double(x)`'s: 2 → 4)."""

    __test__ = False

    class Meta:
        model = TestCase

    exercise = factory.SubFactory(ExerciseFactory, kind=Exercise.Kind.CODE)
    order = factory.LazyAttribute(lambda o: _next_order(TestCase, exercise=o.exercise))
    args = factory.LazyFunction(lambda: [2])
    expected = 4

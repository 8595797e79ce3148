"""Content to practise and answers to give, built on the curriculum factories.

Everything is published. `right_answer` and `wrong_answer` know how each kind of exercise is
answered, including the learner's own variant of a parametrised one (from the session's seed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.models import ParentLink, User
from accounts.services import parent_invite_create, parent_invite_redeem
from curriculum import grading
from curriculum.models import Exercise, Lesson, Track, Unit
from practice.models import (
    Attempt,
    ExerciseProgress,
    PracticeSession,
    SkillRating,
    TrackProgress,
    UnitProgress,
)
from practice.services import answer_submit
from tests.curriculum.factories import ExerciseFactory, LessonFactory, UnitFactory

TIMES = Exercise.Operation.MULTIPLY
_APPLY = {
    "+": lambda a, b: a + b,
    "−": lambda a, b: a - b,
    "×": lambda a, b: a * b,
    "÷": lambda a, b: Fraction(a, b),
}

# Statements an answer that pays XP takes beyond PostgreSQL's for the leaderboards: there her
# board rows and the boards' counts ride in the standing's UPDATE; SQLite writes them apart.
BOARD_STATEMENTS = 0 if connection.vendor == "postgresql" else 2


def numeric_exercises(lesson: Lesson, count: int, **fields: Any) -> list[Exercise]:
    """`count` numeric exercises "What is n + 1?" (answer n + 1), in order."""
    made = []
    for _ in range(count):
        n = Exercise.objects.filter(lesson__unit__track=lesson.unit.track).count() + 1
        made.append(
            ExerciseFactory(
                lesson=lesson,
                kind=Exercise.Kind.NUMERIC,
                prompt=f"What is ${n} + 1$?",
                answer={"value": n + 1},
                explanation=f"{n} and one more is {n + 1}.",
                **fields,
            )
        )
    return made


def numeric_lesson(*, unit: Unit | None = None, exercises: int = 3, **unit_fields: Any) -> Lesson:
    """A lesson of numeric exercises, in a new unit (and track) unless one is given."""
    lesson = LessonFactory(unit=unit or UnitFactory(**unit_fields), xp_reward=20)
    numeric_exercises(lesson, exercises)
    return lesson


def fact_exercise(lesson: Lesson, a: int, b: int, operation: str = TIMES) -> Exercise:
    return ExerciseFactory(
        lesson=lesson,
        kind=Exercise.Kind.FACT,
        prompt=f"${a} {operation} {b} = ?$",
        operand1=a,
        operation=operation,
        operand2=b,
    )


def fact_track(
    facts: Iterable[tuple[int, int]], *, operation: str = TIMES, **unit_fields: Any
) -> Track:
    """A track of arithmetic facts: one unit, one lesson, one fact exercise per pair."""
    lesson = LessonFactory(unit=UnitFactory(**unit_fields))
    for a, b in facts:
        fact_exercise(lesson, a, b, operation)
    return lesson.unit.track


def times_table(size: int) -> list[tuple[int, int]]:
    """The pairs of a size × size multiplication grid, from 1 × 1."""
    return [(a, b) for a in range(1, size + 1) for b in range(1, size + 1)]


def facts_of(track: Track) -> list[Exercise]:
    return list(Exercise.objects.filter(lesson__unit__track=track).order_by("pk"))


def right_answer(exercise: Exercise, seed: str = "") -> str:
    """What a learner who knows it answers, for her variant when it is parametrised."""
    values = grading.variant_for(exercise.parameters, seed) if exercise.parameters else {}
    if exercise.kind == Exercise.Kind.FACT:
        assert exercise.operand1 is not None
        assert exercise.operand2 is not None
        value = _APPLY[exercise.operation](exercise.operand1, exercise.operand2)
        return _plain(value)
    if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE:
        return str(exercise.correct_option)
    spec = grading.render_spec(exercise.answer, values) if values else exercise.answer
    if exercise.kind == Exercise.Kind.NUMERIC:
        return str(spec["value"])
    if exercise.kind == Exercise.Kind.TEXT:
        return str(spec["accepted"][0])
    return str(spec["answer"])


def wrong_answer(exercise: Exercise) -> str:
    if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE:
        return "1" if exercise.correct_option == 0 else "0"
    if exercise.kind == Exercise.Kind.TEXT:
        return "certainly not this"
    return "-987654"


def _plain(value: Fraction | int) -> str:
    number = Fraction(value)
    if number.denominator == 1:
        return str(number.numerator)
    return format(Decimal(number.numerator) / Decimal(number.denominator), "f")


def current(session: PracticeSession) -> tuple[Exercise, str]:
    """The session's current exercise and its seed, as stored (a test may peek at the plan)."""
    session.refresh_from_db()
    item = session.current_item()
    assert item is not None, "the session has no current question"
    return Exercise.objects.get(pk=item["exercise"]), item["seed"]


def answer_body(
    session: PracticeSession, *, right: bool = True, response_ms: int = 1500, **extra: Any
) -> dict[str, Any]:
    """The POST body answering the session's current question, right or wrong."""
    exercise, seed = current(session)
    response = right_answer(exercise, seed) if right else wrong_answer(exercise)
    return {"exercise": exercise.pk, "response": response, "response_ms": response_ms, **extra}


def link_parent(*, parent: User, learner: User) -> ParentLink:
    """The real way in: the learner makes an invite code, the parent redeems it."""
    invite = parent_invite_create(learner=learner)
    return parent_invite_redeem(parent=parent, code=invite.code)


def error_codes(response: Any) -> list[tuple[str | None, str]]:
    """(attr, code) of each error in the standard error format."""
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    return [(error["attr"], error["code"]) for error in body["errors"]]


def quiz_over(user: User, exercises: list[Exercise]) -> PracticeSession:
    """A session over exactly these exercises, in order (plus one, so that none finishes it)."""
    assert exercises
    return PracticeSession.objects.create(
        user=user,
        mode=PracticeSession.Mode.QUIZ,
        unit=exercises[0].lesson.unit,
        track=exercises[0].lesson.unit.track,
        plan=[{"exercise": e.pk, "seed": "s", "hints": 0} for e in [*exercises, exercises[0]]],
    )


def answer_current(
    user: User, session: PracticeSession, *, right: bool = True, response_ms: int = 1800
) -> Any:
    """Answer the session's current question through the service, as the API would."""
    exercise, seed = current(session)
    return answer_submit(
        user=user,
        session=session,
        exercise_id=exercise.pk,
        response=right_answer(exercise, seed) if right else wrong_answer(exercise),
        response_ms=response_ms,
    )


def give_history(user: User, exercises: list[Exercise], *, attempts: int) -> None:
    """A learner with `attempts` past answers spread over these exercises (of one unit).

    The first is a real answer, so that she has every row a learner has after answering (in
    this app and the others); the rest are bulk-created, with the counters they would have left.
    """
    answer_current(user, quiz_over(user, exercises[:1]))
    history = quiz_over(user, exercises)
    past = timezone.now() - timedelta(days=200)
    size = len(exercises)
    Attempt.objects.bulk_create(
        (
            Attempt(
                user=user,
                session=history,
                exercise=exercises[n % size],
                plan_index=n % size,
                response="2",
                is_correct=n % 3 != 0,
                score=1.0 if n % 3 else 0.0,
                response_ms=2000,
                attempt_number=n // size + 1,
                idempotency_key=f"old-{n}",
                created_at=past + timedelta(minutes=n),
            )
            for n in range(attempts - 1)
        ),
        batch_size=1000,
    )
    per_exercise = attempts // size
    ExerciseProgress.objects.filter(user=user).delete()
    ExerciseProgress.objects.bulk_create(
        ExerciseProgress(
            user=user,
            exercise=e,
            attempts=per_exercise,
            correct=per_exercise * 2 // 3,
            mastery=0.6,
            fluency_level="fluency_6s",
            due_at=past,
            last_attempt_at=past,
        )
        for e in exercises
    )
    counters = {"attempts": attempts, "correct": attempts * 2 // 3}
    UnitProgress.objects.filter(user=user).update(**counters, mastery_sum=0.6 * size)
    TrackProgress.objects.filter(user=user).update(**counters)
    SkillRating.objects.filter(user=user).update(rating=1100, answers=attempts)

"""A code question to practise, learners' solutions to it, and the sandbox check.

Code runs in the real sandbox: a test that runs code asks for the `sandbox` fixture, which skips
it (naming the package to install) only where the sandbox cannot start and not in CI.
"""

from __future__ import annotations

import os

import pytest

from accounts.models import User
from curriculum.grading import coderunner
from curriculum.models import Exercise, Lesson, TestCase
from practice.models import PracticeSession
from practice.services.sessions import session_start
from tests.curriculum.factories import ExerciseFactory, LessonFactory, UnitFactory

from .builders import numeric_exercises

RIGHT = "def double(x):\n    return 2 * x\n"
# Right for 2 only: passes the sample test (2 → 4), fails both hidden ones.
WRONG = "def double(x):\n    return x + 2\n"
# Right for positive numbers: the sample and the first hidden test (weight 1 of 4 in all).
PARTIAL = "def double(x):\n    return abs(2 * x)\n"


def needs_sandbox() -> None:
    if not coderunner.sandbox_available() and os.environ.get("CI") != "true":
        pytest.skip(
            "the code runner's sandbox cannot start here: apt-get install bubblewrap "
            "python3-seccomp"
        )


def code_lesson() -> tuple[Lesson, Exercise]:
    """A lesson whose first question is `double(x)` (one sample test of weight 1, hidden tests
    of weight 1 and 2), then a numeric question, so that answering the code does not end it."""
    lesson = LessonFactory(unit=UnitFactory(), xp_reward=20)
    exercise: Exercise = ExerciseFactory(lesson=lesson, kind=Exercise.Kind.CODE, difficulty=1)
    TestCase.objects.create(
        exercise=exercise, order=2, name="five", args=[5], expected=10, hidden=True
    )
    TestCase.objects.create(exercise=exercise, order=3, name="negative", args=[-3], expected=-6,
                            hidden=True, weight=2)  # fmt: skip
    numeric_exercises(lesson, 1)
    return lesson, exercise


def code_session(user: User, lesson: Lesson) -> PracticeSession:
    return session_start(user=user, mode=PracticeSession.Mode.LESSON, lesson=lesson)

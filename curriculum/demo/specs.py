"""The shape of demo content: small frozen records, and builders that keep the content files short.

Every exercise is written once here and turned into model columns by `ExerciseSpec.columns`;
the loader never has to know which kind stores what where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from curriculum.models import Exercise

Kind = Exercise.Kind

# How the fact columns' operations (+ − × ÷) are written in LaTeX.
LATEX_OPERATIONS = {"+": "+", "−": "-", "×": r"\times", "÷": r"\div"}


@dataclass(frozen=True)
class ExerciseSpec:
    kind: str
    prompt: str
    explanation: str = ""
    hints: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # (text, explanation) for multiple choice
    correct_option: int | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    answer_unit: str = ""
    difficulty: int = 2
    fact: tuple[int, str, int] | None = None  # (operand1, operation, operand2)
    code: CodeSpec | None = None  # code exercises: starter, solutions, tests

    def columns(self) -> dict[str, Any]:
        """The Exercise column values (everything but lesson, order, status and tags)."""
        operand1, operation, operand2 = self.fact if self.fact else (None, "", None)
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "options": [{"text": text, "explanation": why} for text, why in self.options],
            "correct_option": self.correct_option,
            "answer": self.answer,
            "parameters": self.parameters,
            "answer_unit": self.answer_unit,
            "explanation": self.explanation,
            "difficulty": self.difficulty,
            "operand1": operand1,
            "operation": operation,
            "operand2": operand2,
            "operation2": "",
            "operand3": None,
            "starter_code": self.code.starter if self.code else "",
            "reference_solution": self.code.solution if self.code else "",
            "entry_point": (self.code.entry or "") if self.code else "",
            "time_limit_seconds": self.code.time_limit_seconds if self.code else 5,
            "memory_limit_mb": 256,
        }

    def test_rows(self) -> list[dict[str, Any]]:
        """The TestCase column values of a code exercise's tests, in order."""
        return [test.columns() for test in self.code.tests] if self.code else []


@dataclass(frozen=True)
class TestSpec:
    """One test of a code exercise (see `curriculum.models.TestCase`)."""

    __test__ = False

    name: str
    args: tuple[Any, ...] = ()
    stdin: str = ""
    expected: Any = None
    check: str = ""
    tolerance: float | None = None
    hidden: bool = False
    weight: float = 1.0

    def columns(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "args": list(self.args),
            "stdin": self.stdin,
            "expected": self.expected,
            "check_expression": self.check,
            "tolerance": self.tolerance,
            "hidden": self.hidden,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class CodeSpec:
    """A code exercise's code: what the learner starts with, the reference solution, and a
    plausible wrong solution (kept here for the tests only: it must fail a hidden test)."""

    entry: str | None  # None: a script reading stdin
    starter: str
    solution: str
    wrong_solution: str
    tests: tuple[TestSpec, ...]
    time_limit_seconds: int = 5


@dataclass(frozen=True)
class LessonSpec:
    title: str
    description: str
    exercises: tuple[ExerciseSpec, ...]
    tags: tuple[str, ...] = ()
    xp_reward: int = 10


@dataclass(frozen=True)
class UnitSpec:
    title: str
    description: str
    lessons: tuple[LessonSpec, ...]
    mastery_required: Decimal = Decimal("0.80")
    min_accuracy: int = 70


@dataclass(frozen=True)
class TrackSpec:
    slug: str
    title: str
    description: str
    subject: str
    grade_level: int
    difficulty: int
    estimated_hours: Decimal
    colour: str
    icon: str
    xp_to_unlock: int
    units: tuple[UnitSpec, ...]
    prerequisites: tuple[str, ...] = ()  # slugs of earlier tracks


def choice(
    prompt: str,
    options: Sequence[tuple[str, str]],
    *,
    correct: int,
    explanation: str,
    hints: Sequence[str],
    difficulty: int = 2,
) -> ExerciseSpec:
    return ExerciseSpec(
        kind=Kind.MULTIPLE_CHOICE,
        prompt=prompt,
        options=tuple(options),
        correct_option=correct,
        explanation=explanation,
        hints=tuple(hints),
        difficulty=difficulty,
    )


def number(
    prompt: str,
    value: str | int,
    *,
    explanation: str,
    hints: Sequence[str],
    unit: str | Sequence[str] = "",
    abs_tol: float | None = None,
    parameters: dict[str, Any] | None = None,
    difficulty: int = 2,
) -> ExerciseSpec:
    """A numeric answer; `unit` may list spellings, the first is shown after the answer box."""
    answer: dict[str, Any] = {"value": value}
    if abs_tol is not None:
        answer["abs_tol"] = abs_tol
    units = [unit] if isinstance(unit, str) and unit else list(unit)
    if len(units) > 1:
        answer["unit"] = units
    return ExerciseSpec(
        kind=Kind.NUMERIC,
        prompt=prompt,
        answer=answer,
        answer_unit=units[0] if units else "",
        parameters=parameters or {},
        explanation=explanation,
        hints=tuple(hints),
        difficulty=difficulty,
    )


def words(
    prompt: str,
    accepted: Sequence[str],
    *,
    explanation: str,
    hints: Sequence[str],
    difficulty: int = 2,
) -> ExerciseSpec:
    return ExerciseSpec(
        kind=Kind.TEXT,
        prompt=prompt,
        answer={"accepted": list(accepted)},
        explanation=explanation,
        hints=tuple(hints),
        difficulty=difficulty,
    )


def fraction_text(fraction: str, *also: str) -> list[str]:
    """Accepted spellings of a fraction typed as text: `3/4` and `3 / 4`, plus any others."""
    return [fraction, fraction.replace("/", " / "), *also]


def expression(
    prompt: str,
    answer: str,
    *,
    explanation: str,
    hints: Sequence[str],
    parameters: dict[str, Any] | None = None,
    up_to_constant: bool = False,
    difficulty: int = 3,
) -> ExerciseSpec:
    spec: dict[str, Any] = {"answer": answer}
    if up_to_constant:
        spec["up_to_constant"] = True
    return ExerciseSpec(
        kind=Kind.EXPRESSION,
        prompt=prompt,
        answer=spec,
        parameters=parameters or {},
        explanation=explanation,
        hints=tuple(hints),
        difficulty=difficulty,
    )


def antiderivative(
    prompt: str,
    answer: str,
    *,
    explanation: str,
    hints: Sequence[str],
    parameters: dict[str, Any] | None = None,
    difficulty: int = 3,
) -> ExerciseSpec:
    """An indefinite integral: the learner's answer must carry its own constant (+ C)."""
    return expression(
        prompt,
        answer,
        explanation=explanation,
        hints=hints,
        parameters=parameters,
        up_to_constant=True,
        difficulty=difficulty,
    )


def fact(
    operand1: int, operation: str, operand2: int, *, explanation: str, difficulty: int
) -> ExerciseSpec:
    return ExerciseSpec(
        kind=Kind.FACT,
        prompt=f"What is ${operand1} {LATEX_OPERATIONS[operation]} {operand2}$?",
        fact=(operand1, operation, operand2),
        explanation=explanation,
        difficulty=difficulty,
    )


def sample(name: str, *args: Any, **kwargs: Any) -> TestSpec:
    """A sample test: learners see its input, output and diff."""
    return TestSpec(name, args=args, **kwargs)


def hidden(name: str, *args: Any, **kwargs: Any) -> TestSpec:
    """A hidden test: learners see only whether it passed."""
    return TestSpec(name, args=args, hidden=True, **kwargs)


def program(
    prompt: str,
    *,
    entry: str | None,
    starter: str,
    solution: str,
    wrong_solution: str,
    tests: Sequence[TestSpec],
    explanation: str,
    hints: Sequence[str],
    difficulty: int = 3,
) -> ExerciseSpec:
    """A code exercise: a function `entry` (or a script when None) judged by its tests."""
    return ExerciseSpec(
        kind=Kind.CODE,
        prompt=prompt,
        explanation=explanation,
        hints=tuple(hints),
        difficulty=difficulty,
        code=CodeSpec(
            entry=entry,
            starter=starter,
            solution=solution,
            wrong_solution=wrong_solution,
            tests=tuple(tests),
        ),
    )

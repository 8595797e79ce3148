"""The fact tracks, generated: every +, −, × and exact ÷ fact with single operands from 0 to 12.

Subtraction and division are the inverses of addition and multiplication (14 − 5 because
9 + 5 = 14), so each fact family is complete. Facts are banded into units by size and grouped
into lessons by the number being added, taken away, multiplied or divided by; neighbouring
groups too small for a lesson of their own share one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from curriculum.models import Difficulty, Subject

from .specs import LATEX_OPERATIONS, ExerciseSpec, LessonSpec, TrackSpec, UnitSpec, fact

LARGEST = 12
OPERANDS = range(LARGEST + 1)
MIN_LESSON_SIZE = 8
FACT_MASTERY = Decimal("0.90")
FACT_ACCURACY = 90

Pair = tuple[int, int]


def _operand_label(operands: list[int]) -> str:
    if len(operands) == 1:
        return str(operands[0])
    if len(operands) == 2:
        return f"{operands[0]} and {operands[1]}"
    return f"{operands[0]}–{operands[-1]}"


def _lessons(
    pairs: Iterable[Pair],
    *,
    operation: str,
    verb: str,
    explain: Callable[[int, int], str],
    difficulty: Callable[[int, int], int],
    tags: tuple[str, ...],
) -> tuple[LessonSpec, ...]:
    """One lesson per second operand, merging neighbours until each lesson has enough facts."""
    by_operand: dict[int, list[Pair]] = {}
    for a, b in sorted(pairs, key=lambda pair: (pair[1], pair[0])):
        by_operand.setdefault(b, []).append((a, b))
    groups: list[tuple[list[int], list[Pair]]] = []
    for operand, facts in by_operand.items():
        if groups and len(groups[-1][1]) < MIN_LESSON_SIZE:
            groups[-1][0].append(operand)
            groups[-1][1].extend(facts)
        else:
            groups.append(([operand], list(facts)))
    if len(groups) > 1 and len(groups[-1][1]) < MIN_LESSON_SIZE:
        operands, facts = groups.pop()
        groups[-1][0].extend(operands)
        groups[-1][1].extend(facts)
    symbol = LATEX_OPERATIONS[operation]
    return tuple(
        LessonSpec(
            title=f"{verb} {_operand_label(operands)}",
            description=f"Facts of the form $a {symbol} b$ with $b$ = {_operand_label(operands)}.",
            exercises=tuple(
                _fact(a, operation, b, explain=explain, difficulty=difficulty) for a, b in facts
            ),
            tags=tags,
        )
        for operands, facts in groups
    )


def _fact(
    a: int,
    operation: str,
    b: int,
    *,
    explain: Callable[[int, int], str],
    difficulty: Callable[[int, int], int],
) -> ExerciseSpec:
    return fact(a, operation, b, explanation=explain(a, b), difficulty=difficulty(a, b))


# --------------------------------------------------------------------------------------------
# Addition and subtraction
# --------------------------------------------------------------------------------------------


def _explain_sum(a: int, b: int) -> str:
    total = a + b
    big, small = max(a, b), min(a, b)
    if small > 0 and big < 10 < total:
        to_ten = 10 - big
        return (
            f"${a} + {b} = {total}$. Make a ten: ${big} + {to_ten} = 10$, "
            f"and {small - to_ten} more makes {total}."
        )
    if b == 0:
        return f"${a} + 0 = {a}$: adding zero changes nothing."
    return f"${a} + {b} = {total}$."


def _explain_difference(minuend: int, subtrahend: int) -> str:
    difference = minuend - subtrahend
    return (
        f"${minuend} - {subtrahend} = {difference}$, "
        f"because ${difference} + {subtrahend} = {minuend}$."
    )


def _addition_difficulty(a: int, b: int) -> int:
    return Difficulty.INTRODUCTORY if a + b <= 10 else Difficulty.EASY


def _subtraction_difficulty(minuend: int, subtrahend: int) -> int:
    return Difficulty.INTRODUCTORY if minuend <= 10 else Difficulty.EASY


# Sums of two numbers up to 12 reach 24, so the last band is a small one past 20.
SUM_BANDS = (
    ("within 10", 0, 10, "sums up to 10"),
    ("within 20", 11, 20, "sums from 11 to 20, crossing ten"),
    ("past 20", 21, 24, "the biggest facts, with 9, 10, 11 and 12"),
)


def _addition_unit(band: str, low: int, high: int, about: str) -> UnitSpec:
    pairs = [(a, b) for a in OPERANDS for b in OPERANDS if low <= a + b <= high]
    return UnitSpec(
        title=f"Adding {band}",
        description=f"Addition facts: {about}.",
        lessons=_lessons(
            pairs,
            operation="+",
            verb="Adding",
            explain=_explain_sum,
            difficulty=_addition_difficulty,
            tags=("addition",),
        ),
        mastery_required=FACT_MASTERY,
        min_accuracy=FACT_ACCURACY,
    )


def _subtraction_unit(band: str, low: int, high: int, about: str) -> UnitSpec:
    # (a + b) − b for every addition fact in the band: the results stay between 0 and 12.
    pairs = [(a + b, b) for a in OPERANDS for b in OPERANDS if low <= a + b <= high]
    return UnitSpec(
        title=f"Subtracting {band}",
        description=f"Subtraction facts from {low} to {high}, the inverses of {about}.",
        lessons=_lessons(
            pairs,
            operation="−",
            verb="Taking away",
            explain=_explain_difference,
            difficulty=_subtraction_difficulty,
            tags=("subtraction",),
        ),
        mastery_required=FACT_MASTERY,
        min_accuracy=FACT_ACCURACY,
    )


ADDITION_AND_SUBTRACTION = TrackSpec(
    slug="addition-subtraction-facts",
    title="Addition & subtraction facts 0–12",
    description=(
        "Know every sum of two numbers from 0 to 12 by heart, and the subtraction facts that "
        "undo them. Fluent facts free your mind for everything that comes later."
    ),
    subject=Subject.ARITHMETIC,
    grade_level=1,
    difficulty=Difficulty.INTRODUCTORY,
    estimated_hours=Decimal("6.0"),
    colour="#2f7d32",
    icon="➕",
    xp_to_unlock=0,
    units=(
        *(_addition_unit(*band) for band in SUM_BANDS),
        *(_subtraction_unit(*band) for band in SUM_BANDS),
    ),
)


# --------------------------------------------------------------------------------------------
# Multiplication and division
# --------------------------------------------------------------------------------------------


def _explain_product(a: int, b: int) -> str:
    if 0 in (a, b):
        return f"${a} \\times {b} = 0$: anything times zero is zero."
    if b == 1:
        return f"${a} \\times 1 = {a}$: one group of {a}."
    return f"${a} \\times {b} = {a * b}$: {b} groups of {a}."


def _explain_quotient(dividend: int, divisor: int) -> str:
    quotient = dividend // divisor
    return (
        f"${dividend} \\div {divisor} = {quotient}$, "
        f"because ${quotient} \\times {divisor} = {dividend}$."
    )


def _product_difficulty(a: int, b: int) -> int:
    return Difficulty.EASY if min(a, b) <= 2 or 5 in (a, b) or 10 in (a, b) else Difficulty.MEDIUM


def _quotient_difficulty(dividend: int, divisor: int) -> int:
    return Difficulty.EASY if divisor in (1, 2, 5, 10) else Difficulty.MEDIUM


# Tables grouped from easiest to hardest to remember.
TABLES = (
    ("Multiplying by 0, 1, 2, 5 and 10", (0, 1, 2, 5, 10), "The friendliest tables."),
    ("Multiplying by 3, 4, 9 and 11", (3, 4, 9, 11), "Doubling twice, and patterns of 9 and 11."),
    ("Multiplying by 6, 7, 8 and 12", (6, 7, 8, 12), "The hardest tables, one at a time."),
)


def _table_unit(title: str, tables: tuple[int, ...], description: str) -> UnitSpec:
    return UnitSpec(
        title=title,
        description=description,
        lessons=tuple(
            LessonSpec(
                title=f"Times {table}",
                description=f"Every fact $a \\times {table}$ for $a$ from 0 to {LARGEST}.",
                exercises=tuple(
                    _fact(a, "×", table, explain=_explain_product, difficulty=_product_difficulty)
                    for a in OPERANDS
                ),
                tags=("multiplication",),
            )
            for table in tables
        ),
        mastery_required=FACT_MASTERY,
        min_accuracy=FACT_ACCURACY,
    )


DIVISION_UNIT = UnitSpec(
    title="Division facts",
    description="Sharing and grouping: each division undoes a multiplication fact.",
    lessons=tuple(
        LessonSpec(
            title=f"Dividing by {divisor}",
            description=(
                f"Every fact $(a \\times {divisor}) \\div {divisor}$ for $a$ from 0 to {LARGEST}."
            ),
            exercises=tuple(
                _fact(
                    a * divisor,
                    "÷",
                    divisor,
                    explain=_explain_quotient,
                    difficulty=_quotient_difficulty,
                )
                for a in OPERANDS
            ),
            tags=("division",),
        )
        for divisor in range(1, LARGEST + 1)
    ),
    mastery_required=FACT_MASTERY,
    min_accuracy=FACT_ACCURACY,
)

MULTIPLICATION_AND_DIVISION = TrackSpec(
    slug="multiplication-division-facts",
    title="Multiplication & division facts 0–12",
    description=(
        "The times tables from 0 to 12 and the exact divisions that undo them, practised until "
        "they are automatic."
    ),
    subject=Subject.ARITHMETIC,
    grade_level=3,
    difficulty=Difficulty.EASY,
    estimated_hours=Decimal("8.0"),
    colour="#1565c0",
    icon="✖️",
    xp_to_unlock=150,
    prerequisites=("addition-subtraction-facts",),
    units=(*(_table_unit(*table) for table in TABLES), DIVISION_UNIT),
)

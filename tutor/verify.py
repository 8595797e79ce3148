"""Claims a worked solution makes, and their check by the grader (`curriculum.grading`).

Every step the tutor shows rests on claims: two expressions are the same function
(`Equal`, decided by `equivalence.compare`), one is the derivative of another (`Derivative`,
by the grader's own differentiator `calculus.derivative`, independent of SymPy), one is an
antiderivative of another (`Antiderivative`, the same check read backwards), a limit has a
value (`LimitValue`), a number is another (`SameNumber`). A chain is verified only when all
of its claims hold; an unverified chain is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import sympy

from curriculum.grading.equivalence import Outcome, compare, compare_up_to_constant
from curriculum.grading.mathparse import MathSyntaxError, parse
from tutor.symbolic import (
    NotRepresentable,
    derivative_matches,
    equivalent,
    equivalent_texts,
    text_of,
)

LIMIT_MAX_SIZE = 60


class Claim(Protocol):
    def holds(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Equal:
    before: Any
    after: Any

    def holds(self) -> bool:
        return equivalent(self.before, self.after)


@dataclass(frozen=True, slots=True)
class Derivative:
    function: Any
    result: Any
    variable: str

    def holds(self) -> bool:
        return derivative_matches(self.function, self.result, self.variable)


@dataclass(frozen=True, slots=True)
class Antiderivative:
    integrand: Any
    result: Any
    variable: str

    def holds(self) -> bool:
        constants = self.result.free_symbols - {sympy.Symbol(self.variable)}
        plain = self.result.subs({symbol: 0 for symbol in constants if str(symbol) == "C"})
        return derivative_matches(plain, self.integrand, self.variable)


@dataclass(frozen=True, slots=True)
class LimitValue:
    """lim_{variable -> point} expression = value (`direction` "+", "-" or "+-")."""

    expression: Any
    variable: Any
    point: Any
    value: Any
    direction: str = "+-"

    def holds(self) -> bool:
        if sympy.count_ops(self.expression) > LIMIT_MAX_SIZE:
            return False
        try:
            if self.point.is_infinite:
                found = sympy.limit(self.expression, self.variable, self.point)
            else:
                found = sympy.limit(self.expression, self.variable, self.point, self.direction)
        except Exception:  # noqa: BLE001 - SymPy gives up on some limits: not verified
            return False
        return bool(sympy.simplify(found - self.value) == 0)


@dataclass(frozen=True, slots=True)
class SameNumber:
    """Two constant expressions are the same number (checked by the grader, exactly if rational)."""

    before: Any
    after: Any

    def holds(self) -> bool:
        return equivalent(self.before, self.after)


def all_hold(claims: list[Claim]) -> bool:
    """Whether every claim holds (an empty chain proves nothing, so it is not verified)."""
    return bool(claims) and all(claim.holds() for claim in claims)


def matches_expected(result: Any, expected_text: str, *, up_to_constant: bool) -> bool:
    """Whether the worked result is the exercise's expected answer, by the grader."""
    try:
        expected = parse(expected_text)
        if up_to_constant:
            given = parse(text_of(result + sympy.Symbol("C")))
            variables = expected.symbols or frozenset(given.symbols - {"C"})
            outcome = compare_up_to_constant(
                expected.node, given.node, variables, expected.symbols, given.symbols
            )
        else:
            given = parse(text_of(result))
            outcome = compare(expected.node, given.node, expected.symbols, given.symbols)
    except (MathSyntaxError, NotRepresentable):
        return False
    return outcome is Outcome.EQUIVALENT


def rational(value: Any) -> Fraction | None:
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    return None


@dataclass(frozen=True, slots=True)
class SameValue:
    """Two expressions in the grader's syntax are equivalent (exact for rational numbers)."""

    before: str
    after: str

    def holds(self) -> bool:
        return equivalent_texts(self.before, self.after)


_POSITIVE_POINTS = (
    sympy.Rational(17, 10),
    sympy.Rational(31, 10),
    sympy.Rational(103, 10),
    sympy.Rational(579, 10),
    sympy.Rational(12345, 10),
)


@dataclass(frozen=True, slots=True)
class EqualForPositive:
    """Two expressions agree for every `variable` > 0 (checked at sample points, 30 digits)."""

    before: Any
    after: Any
    variable: Any

    def holds(self) -> bool:
        difference = self.before - self.after
        for point in _POSITIVE_POINTS:
            try:
                value = complex(difference.subs(self.variable, point).evalf(30))
                size = abs(complex(self.before.subs(self.variable, point).evalf(30)))
            except (TypeError, ValueError, ZeroDivisionError):
                return False
            if abs(value) > 1e-20 * max(1.0, size):
                return False
        return True

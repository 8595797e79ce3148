"""Deciding whether two parsed expressions are mathematically equivalent, in bounded time.

Design (why not `sympy.simplify`): simplification can run for minutes on innocent-looking
input, and the usual timeouts don't fit a web app: `signal.alarm` only works in the main
thread (Django, gunicorn and celery call us from worker threads) and a process pool per check
is heavy. So equivalence is decided *numerically*, by our own evaluator walking our own AST
with mpmath at 30 significant digits, at a handful of pseudo-random sample points:

- every operation is cheap and bounded: magnitudes above 1e300 (and `exp`/powers whose result
  would be larger) count as "undefined here" instead of being computed, factorial goes through
  gamma only for |z| <= 170, and the parser already limits exponents, depth and length;
- a cooperative deadline is checked at every node, which works in any thread;
- sample points are drawn from a fixed-seed generator, so grading is reproducible.

Semantics (documented choice for branch questions): values are principal-branch complex
numbers. The *expected* answer decides the domain: a point counts when the expected answer is
finite and real there, and the learner's answer must then be real and agree to ~12 digits.
So when the answer is `2 ln(x)`, `ln(x^2)` is accepted (they agree wherever 2 ln(x) is real);
when the answer is `ln(x^2)`, `2 ln(x)` is rejected (not real on the negatives, where ln(x^2)
is). Likewise `ln|x|` is accepted for the answer `ln(x)`, but `ln(x)` is rejected for `ln|x|`.
If the expected answer is real at too few points (e.g. sqrt(x - 9) on our sample range),
finite complex points are used instead. Real infinities (`oo`) compare equal only to the same
infinity. Variables are sampled as non-integer reals, so expressions that only make sense for
whole numbers (`(-1)^n` versus `cos(pi n)`) are compared as complex functions. A decimal
approximation of an irrational answer is only accepted to about 12 significant digits.

mpmath is SymPy's own dependency; each thread gets a private context (see `_context`).
"""

from __future__ import annotations

import enum
import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath  # type: ignore[import-untyped]

from curriculum.grading.mathparse import Call, Const, Neg, Node, Num, Power, Product, Sum, Var

TIME_LIMIT_SECONDS = 0.5
_DIGITS = 30
_REL_TOL = 1e-12
_ABS_TOL = 1e-20
_LARGEST = 1e300
_TINY = 1e-250
_LOG_LARGEST = 690.0  # ln(1e300); exp beyond this would exceed _LARGEST
_TARGET_POINTS = 8
_MIN_POINTS = 4
_MAX_CANDIDATES = 48
_SEED = 1729

Seed = str | int | None


def _seed_value(seed: Seed) -> int:
    """A stable integer for `seed` (hashlib, never Python's per-process randomised hash())."""
    if seed is None:
        return _SEED
    digest = hashlib.sha256(f"{type(seed).__name__}:{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Outcome(enum.Enum):
    EQUIVALENT = "equivalent"
    DIFFERENT = "different"
    MISSING_CONSTANT = "missing_constant"  # right up to a constant, but no constant was added
    UNDETERMINED = "undetermined"  # the expected answer is undefined at every sample point
    TOO_SLOW = "too_slow"


class _Undefined(Exception):
    """The expression has no finite value at this point."""


class _OutOfTime(Exception):
    pass


_local = threading.local()


def _context() -> Any:
    """A private mpmath context per thread: the global `mpmath.mp` is shared mutable state."""
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = mpmath.MPContext()
        ctx.dps = _DIGITS
        _local.ctx = ctx
    return ctx


class _Evaluator:
    """Numeric value of an AST at a point, with magnitude guards and a deadline."""

    def __init__(self, deadline: float) -> None:
        self.ctx = _context()
        self.deadline = deadline
        ctx = self.ctx
        self.unary: dict[str, Callable[[Any], Any]] = {
            "asin": ctx.asin,
            "acos": ctx.acos,
            "atan": ctx.atan,
            "asec": ctx.asec,
            "acsc": ctx.acsc,
            "acot": ctx.acot,
            "tanh": ctx.tanh,
            "sech": ctx.sech,
            "csch": ctx.csch,
            "coth": ctx.coth,
            "asinh": ctx.asinh,
            "acosh": ctx.acosh,
            "atanh": ctx.atanh,
            "sqrt": ctx.sqrt,
        }
        self.trig: dict[str, Callable[[Any], Any]] = {
            "sin": ctx.sin,
            "cos": ctx.cos,
            "tan": ctx.tan,
            "sec": ctx.sec,
            "csc": ctx.csc,
            "cot": ctx.cot,
            "sinh": ctx.sinh,
            "cosh": ctx.cosh,
        }

    def at(self, node: Node, env: dict[str, Any]) -> Any:
        """The value of `node` at `env`; raises _Undefined where it has no finite value."""
        try:
            return self._value(node, env)
        except (ZeroDivisionError, ValueError, OverflowError, ArithmeticError) as exc:
            raise _Undefined from exc

    def _mpc(self, value: Fraction) -> Any:
        return self.ctx.mpc(self.ctx.mpf(value.numerator) / value.denominator)

    def _checked(self, value: Any) -> Any:
        ctx = self.ctx
        if ctx.isnan(value.real) or ctx.isnan(value.imag):
            raise _Undefined
        if ctx.isinf(value.real) or ctx.isinf(value.imag):
            if value.imag != 0:
                raise _Undefined
            return value  # a real infinity typed as `oo`
        if abs(value) > _LARGEST:
            raise _Undefined
        # mpmath's exponents are unbounded, and arithmetic mixing 1 with 1e-400000000 costs
        # time proportional to the gap: flush negligible parts to zero to keep every step cheap.
        real, imag = value.real, value.imag
        if (real and abs(real) < _TINY) or (imag and abs(imag) < _TINY):
            value = ctx.mpc(0 if abs(real) < _TINY else real, 0 if abs(imag) < _TINY else imag)
        return value

    def _finite(self, value: Any) -> Any:
        if not self.ctx.isfinite(value):
            raise _Undefined
        return value

    def _value(self, node: Node, env: dict[str, Any]) -> Any:
        if time.perf_counter() > self.deadline:
            raise _OutOfTime
        ctx = self.ctx
        if node.rational is not None:
            return self._checked(self._mpc(node.rational))
        if isinstance(node, Num):  # pragma: no cover - numbers always carry `rational`
            return self._mpc(node.value)
        if isinstance(node, Var):
            return env[node.name]
        if isinstance(node, Const):
            if node.name == "pi":
                return ctx.mpc(ctx.pi)
            if node.name == "e":
                return ctx.mpc(ctx.e)
            return ctx.mpc(ctx.inf)
        if isinstance(node, Neg):
            return -self._value(node.operand, env)
        if isinstance(node, Sum):
            total = ctx.mpc(0)
            for negative, term in node.terms:
                value = self._value(term, env)
                total = total - value if negative else total + value
            return self._checked(total)
        if isinstance(node, Product):
            total = ctx.mpc(1)
            for divisor, factor in node.factors:
                value = self._value(factor, env)
                if divisor:
                    if value == 0:
                        raise _Undefined
                    total = total / value
                else:
                    total = total * value
            return self._checked(total)
        if isinstance(node, Power):
            return self._power(node, env)
        if isinstance(node, Call):
            return self._call(node, env)
        raise TypeError(f"unknown node {node!r}")  # pragma: no cover

    def _power(self, node: Power, env: dict[str, Any]) -> Any:
        ctx = self.ctx
        base = self._finite(self._value(node.base, env))
        exponent_value = node.exponent.rational
        if exponent_value is not None and exponent_value.denominator == 1:
            # Whole exponents (at most 100 by the parser) use exact repeated multiplication,
            # so (-2)^3 is exactly -8 rather than a complex number with a tiny imaginary part.
            n = int(exponent_value)
            if base == 0:
                if n < 0:
                    raise _Undefined
                return ctx.mpc(1 if n == 0 else 0)
            if n * ctx.log(abs(base)) > _LOG_LARGEST:
                raise _Undefined
            return self._checked(ctx.power(base, n))
        exponent = self._finite(self._value(node.exponent, env))
        if base == 0:
            if exponent.real > 0:
                return ctx.mpc(0)
            raise _Undefined
        log_result = exponent * ctx.log(base)
        if log_result.real > _LOG_LARGEST:
            raise _Undefined
        if log_result.real < -_LOG_LARGEST:
            return ctx.mpc(0)  # below 1e-300: zero for our purposes, and cheap
        return self._checked(ctx.exp(log_result))

    def _call(self, node: Call, env: dict[str, Any]) -> Any:
        ctx = self.ctx
        args = [self._finite(self._value(arg, env)) for arg in node.args]
        z = args[0]
        name = node.name
        if name in self.trig:
            # sin/cos of a large imaginary part (or sinh/cosh of a large real part) overflow.
            size = abs(z.real) if name in ("sinh", "cosh") else abs(z.imag)
            if size > _LOG_LARGEST:
                raise _Undefined
            result = self.trig[name](z)
        elif name in self.unary:
            result = self.unary[name](z)
        elif name == "exp":
            if z.real > _LOG_LARGEST:
                raise _Undefined
            result = ctx.mpc(0) if z.real < -_LOG_LARGEST else ctx.exp(z)
        elif name in ("ln", "log"):
            if z == 0:
                raise _Undefined
            result = ctx.log(z)
            if len(args) == 2:
                if args[1] == 0:
                    raise _Undefined
                base_log = ctx.log(args[1])
                if base_log == 0:
                    raise _Undefined
                result = result / base_log
        elif name == "cbrt":
            # Principal cube root, the same convention as sympy's cbrt and x^(1/3).
            result = ctx.mpc(0) if z == 0 else ctx.exp(ctx.log(z) / 3)
        elif name == "abs":
            result = ctx.mpc(abs(z))
        elif name == "factorial":
            if abs(z) > 170:
                raise _Undefined
            result = ctx.gamma(z + 1)
        else:  # pragma: no cover - the parser only produces known names
            raise TypeError(f"unknown function {name}")
        return self._checked(ctx.mpc(result))


def _is_real(value: Any) -> bool:
    if _context().isinf(value.real):
        return bool(value.imag == 0)
    return bool(abs(value.imag) <= 1e-15 * max(1.0, abs(value)))


def _close(a: Any, b: Any) -> bool:
    ctx = _context()
    if ctx.isinf(a.real) or ctx.isinf(b.real):
        return bool(a == b)
    return bool(abs(a - b) <= _REL_TOL * max(abs(a), abs(b)) + _ABS_TOL)


@dataclass(frozen=True, slots=True)
class _Point:
    env: dict[str, Any]
    expected: Any
    real: bool


class _Sampler:
    """Draws sample points where the expected answer is defined (real ones preferred)."""

    def __init__(self, evaluator: _Evaluator, seed: Seed = None) -> None:
        self.evaluator = evaluator
        self.rng = random.Random(_seed_value(seed))  # noqa: S311 - reproducible, not security

    def value(self) -> Any:
        scale = 2.75 if self.rng.random() < 0.75 else 12.0
        magnitude = self.rng.uniform(0.25, scale)
        return self.evaluator.ctx.mpc(magnitude if self.rng.random() < 0.5 else -magnitude)

    def points(
        self, expected: Node, names: Iterable[str], fixed: dict[str, Any] | None = None
    ) -> list[_Point]:
        names = sorted(names)
        real: list[_Point] = []
        complex_: list[_Point] = []
        attempts = _MAX_CANDIDATES if names else 1
        for _ in range(attempts):
            env = dict(fixed or {})
            env.update({name: self.value() for name in names})
            try:
                value = self.evaluator.at(expected, env)
            except _Undefined:
                continue
            if _is_real(value):
                real.append(_Point(env, value, real=True))
                if len(real) >= _TARGET_POINTS:
                    break
            elif len(complex_) < _TARGET_POINTS:
                complex_.append(_Point(env, value, real=False))
        needed = _MIN_POINTS if names else 1
        if len(real) >= needed:
            return real
        if len(real) + len(complex_) >= needed:
            return real + complex_
        return []


def compare(
    expected: Node,
    given: Node,
    expected_symbols: frozenset[str],
    given_symbols: frozenset[str],
    *,
    seed: Seed = None,
) -> Outcome:
    """EQUIVALENT when `given` agrees with `expected` at every sample point (see module doc)."""
    deadline = time.perf_counter() + TIME_LIMIT_SECONDS
    evaluator = _Evaluator(deadline)
    try:
        points = _Sampler(evaluator, seed).points(expected, expected_symbols | given_symbols)
        if not points:
            return Outcome.UNDETERMINED
        for point in points:
            try:
                value = evaluator.at(given, point.env)
            except _Undefined:
                return Outcome.DIFFERENT
            if not _close(point.expected, value):
                return Outcome.DIFFERENT
    except _OutOfTime:
        return Outcome.TOO_SLOW
    return Outcome.EQUIVALENT


def compare_up_to_constant(
    expected: Node,
    given: Node,
    variables: frozenset[str],
    expected_symbols: frozenset[str],
    given_symbols: frozenset[str],
    *,
    parameters: frozenset[str] = frozenset(),
    seed: Seed = None,
) -> Outcome:
    """EQUIVALENT when given - expected is constant in `variables` and given has a constant.

    Every symbol that is not a variable is a constant (C, k, ...). The learner's answer must
    depend on one of its constants (`x^3/3 + C`); a correct antiderivative without one
    (`x^3/3` or `x^3/3 + 5`) is MISSING_CONSTANT.
    """
    deadline = time.perf_counter() + TIME_LIMIT_SECONDS
    evaluator = _Evaluator(deadline)
    sampler = _Sampler(evaluator, seed)
    constants = sorted((expected_symbols | given_symbols) - variables - parameters)
    used_variables = (expected_symbols | given_symbols) & (variables | parameters)
    try:
        assignments = [{name: sampler.value() for name in constants} for _ in range(2)]
        points = sampler.points(expected, used_variables, assignments[0])
        if not points:
            return Outcome.UNDETERMINED
        if not _constant_difference(evaluator, expected, given, points):
            return Outcome.DIFFERENT
        if not (given_symbols - variables - parameters):
            return Outcome.MISSING_CONSTANT
        # Same variable values, other constants: the difference must still be constant ...
        moved = []
        for point in points:
            env = {**point.env, **assignments[1]}
            try:
                moved.append(_Point(env, evaluator.at(expected, env), point.real))
            except _Undefined:
                continue
        if moved and not _constant_difference(evaluator, expected, given, moved):
            return Outcome.DIFFERENT
        # ... and the learner's answer must actually change with its constant (not C - C).
        first = points[0]
        try:
            before = evaluator.at(given, first.env)
            after = evaluator.at(given, {**first.env, **assignments[1]})
        except _Undefined:
            return Outcome.DIFFERENT
        if _close(before, after):
            return Outcome.MISSING_CONSTANT
    except _OutOfTime:
        return Outcome.TOO_SLOW
    return Outcome.EQUIVALENT


def _constant_difference(
    evaluator: _Evaluator, expected: Node, given: Node, points: list[_Point]
) -> bool:
    """Whether given - expected takes one value at all `points` (relative to their sizes)."""
    ctx = evaluator.ctx
    differences: list[tuple[Any, Any]] = []
    for point in points:
        try:
            value = evaluator.at(given, point.env)
        except _Undefined:
            return False
        if point.real and not _is_real(value):
            return False
        if ctx.isinf(value.real) or ctx.isinf(point.expected.real):
            return False
        differences.append((value - point.expected, max(abs(value), abs(point.expected))))
    first, first_scale = differences[0]
    return all(
        abs(difference - first)
        <= _REL_TOL * max(scale, first_scale, abs(difference), abs(first)) + _ABS_TOL
        for difference, scale in differences[1:]
    )

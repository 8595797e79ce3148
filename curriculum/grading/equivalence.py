"""Deciding whether two parsed expressions are mathematically equivalent, in bounded time.

Design (why not `sympy.simplify`): simplification can run for minutes on innocent-looking
input, and the usual timeouts don't fit a web app: `signal.alarm` only works in the main
thread (Django, gunicorn and celery call us from worker threads) and a process pool per check
is heavy. So equivalence is decided by our own code walking our own AST:

- *exactly* when both answers are rational functions with rational coefficients (numbers,
  variables, + - * / and whole powers; see `exact`): `99999999/10^8` is not
  `99999998/99999999`, `x^2 + 0.0000000000001` is not `x^2` (a learner's decimal is the
  exact decimal written), `(x^2-1)/(x-1)` is `x+1`, and `(a-x)^6000` is `(x-a)^6000` while
  `(x-a)^5999` is not — decided modulo a large prime in microseconds. When both contain the
  same non-rational parts (`e^x`, `sin(x)`...), treating those as opaque symbols can prove
  the answers equal (`e^x (x-1)^6000` and `(1-x)^6000 e^x`), never different;
- otherwise *numerically*, with mpmath at 30 significant digits, at 8 pseudo-random points.
  Answers must agree to 20 significant digits, or within the rounding error of the two
  values: the evaluator propagates a first-order error bound with every value (sums add
  errors, products add relative errors, a function multiplies by the size of its
  derivative). So `sin(pi)` is 0 and `sin(2x) - 2 sin x cos x` is 0, but `sin(x)^9999` (about
  1e-44 near x = 2) is not 0, and `sin(x) + 0.0000000000001` is not `sin(x)`. A value whose
  error bound leaves no reliable digit (`sin(10^100 x)`) is never close to anything, and a
  point where the expected value only survives as underflow (`sin(x)^9999` flushed to 0) or
  has no reliable digit is not used.

Bounds: magnitudes above 1e300 (and `exp`/powers whose result would be larger) count as
"undefined here" instead of being computed, factorial goes through gamma only for |z| <= 170,
and the parser limits exponents (10 000), depth and length. A cooperative deadline
(TIME_LIMIT_SECONDS of the grading thread's CPU time, WALL_LIMIT_SECONDS of wall time) is
checked at every node, in the exact and derivative code too, and works in any thread: past it
the outcome is TOO_SLOW.

Seeds: `seed` (str, int or None) chooses the sample points, through a stable hash (sha256,
never Python's per-process `hash()`). The same seed gives the same points, hence the same
verdict (a regrade is reproducible); another seed gives other points, so an answer built to
agree with the expected one at one seed's points is refused at (almost) every other seed.
None is a fixed default seed. The exact check's prime is drawn from the seed as well.
Points are stratified (see `_Sampler.draw`): every 8 candidates give each variable both signs
in each band of sizes ([0.25, 2.75] twice, [2.75, 100], [100, 10 000]) and two variables all
four sign quadrants, so an answer wrong only for x > 100 or only for x, y < 0 is refused at
every seed. Where a value is beyond what we compute (above 1e300, `cosh(5000)`, a factorial
beyond 170, or undefined only because a tiny part was flushed to 0) or has no reliable digit,
the point tells nothing and is skipped; agreement needs at least 4 points that do tell.

Semantics (documented choice for branch questions): values are principal-branch complex
numbers. The *expected* answer decides the domain: a point counts when the expected answer is
finite and real there, and the learner's answer must then be real and agree (see above).
So when the answer is `2 ln(x)`, `ln(x^2)` is accepted (they agree wherever 2 ln(x) is real);
when the answer is `ln(x^2)`, `2 ln(x)` is rejected (not real on the negatives, where ln(x^2)
is). Likewise `ln|x|` is accepted for the answer `ln(x)`, but `ln(x)` is rejected for `ln|x|`.
If the expected answer is real at too few points (e.g. sqrt(x - 9) on our sample range),
finite complex points are used instead. Real infinities (`oo`) compare equal only to the same
infinity. Variables are sampled as non-integer reals, so expressions that only make sense for
whole numbers (`(-1)^n` versus `cos(pi n)`) are compared as complex functions. A decimal
approximation of an irrational answer is only accepted to 20 significant digits: a decimal
is the exact number written (`3.14159265358979` is not pi).

Antiderivatives (`compare_up_to_constant`): `variables` are the variables of integration,
`parameters` fixed symbols (sampled like variables, never arbitrary), and every other symbol
is an arbitrary constant (the teacher's `C`, the learner's `C`, `K`, `A`...). The answers are
compared through their DERIVATIVES with respect to each variable (`calculus`), so answers
that differ by different constants on either side of a discontinuity are accepted
(`atan(x) + C` and `-atan(1/x) + C`; `-1/(x-1) + C` and `x/(1-x) + C`), and so is a constant
that depends on a parameter (for x^(k+1)/(k+1) + C with parameter k, `(x^(k+1)-1)/(k+1) + C`;
`x^(k+1)/k + C` is refused). Rational antiderivatives are decided exactly; the others
numerically, at points where the teacher's derivative is real and the teacher's answer is
real for a positive or a negative choice of its constants. Then:

- the learner's answer must be real there too, for SOME choice of its constants (a positive
  and a negative value are tried), and its derivative must agree for that choice. So for
  `ln|x| + C`, `ln(A|x|) + C` is accepted whatever the letter (A > 0 works everywhere), and
  `ln(k(x^2+7x+7)) + C` is accepted for `ln|x^2+7x+7| + C` (k < 0 where the square is
  negative) and for `ln(x^2+7x+7) + C`; but `ln(x) + C` is refused for `ln|x| + C`: no real
  constant makes it real for x < 0, where the teacher's answer is;
- the learner's answer must contain a constant that changes its value: `x^3/3`, `x^3/3 + 5`
  and `x^3/3 + C - C` are MISSING_CONSTANT;
- answers with a factorial (no derivative) or whose derivative would be too large fall back
  to checking that given - expected is constant at points with the parameters and constants
  fixed once for the point set (constants positive, so `ln(A x)` is defined).

mpmath is SymPy's own dependency; each thread gets a private context (see `_context`).
"""

from __future__ import annotations

import enum
import hashlib
import math
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

import mpmath  # type: ignore[import-untyped]

from curriculum.grading import exact
from curriculum.grading.calculus import (
    Deadline,
    DeadlineExceeded,
    NotDifferentiable,
    derivative,
)
from curriculum.grading.mathparse import (
    Call,
    Const,
    Neg,
    Node,
    Num,
    Power,
    Product,
    Sum,
    Var,
    free_symbols,
)

TIME_LIMIT_SECONDS = 0.08  # CPU time of the grading thread for one comparison
WALL_LIMIT_SECONDS = 2.0  # backstop only: a starved thread (busy machine) is not a slow answer
_DIGITS = 30
_REL_TOL = 1e-20  # answers agree to 20 significant digits (we compute with 30)
_EPSILON = 2.0**-90  # relative rounding of one operation at 30 digits (2^-99), with margin
_SAFETY = 16.0  # error bounds are first-order estimates: allow 16 times the estimate
_UNRELIABLE = 1e-6  # an error bound beyond 1e-6 (relative, or absolute near 0): no digits
_INFORMATIVE = 2.0**-600  # an underflowed part matters when the value is below ~1e-180
_DIFFERENCE_REL_TOL = 1e-12  # the fallback for factorials (`_constant_difference`)
_ABS_TOL = 1e-20
_LARGEST_BITS = 997  # |value| >= 2^997 (about 1.3e300) counts as undefined
_TINY_BITS = -3000  # |part| < 2^-3000 (about 1e-903) is flushed to zero: far below 1/1e300
_LOG_TINY = 2000.0  # exp(-2000) (about 1e-869): smaller results are flushed to zero
_LOG_LARGEST = 690.0  # ln(1e300); exp beyond this would exceed _LARGEST
_TARGET_POINTS = 8
_MIN_POINTS = 4
_MAX_CANDIDATES = 48
_SEED = 1729
_P = TypeVar("_P")
_BANDS = 4
_BAND_LIMITS = ((0.25, 2.75), (0.25, 2.75), (2.75, 100.0), (100.0, 10_000.0))

Seed = str | int | None


def _seed_value(seed: Seed) -> int:
    """A stable integer for `seed` (hashlib, never Python's per-process randomised hash())."""
    if seed is None:
        return _SEED
    digest = hashlib.sha256(f"calcuingo-equivalence:{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _deadline() -> Deadline:
    return Deadline(TIME_LIMIT_SECONDS, WALL_LIMIT_SECONDS)


class Outcome(enum.Enum):
    EQUIVALENT = "equivalent"
    DIFFERENT = "different"
    MISSING_CONSTANT = "missing_constant"  # right up to a constant, but no constant was added
    UNDETERMINED = "undetermined"  # the expected answer is undefined at every sample point
    TOO_SLOW = "too_slow"


class _Undefined(Exception):
    """The expression has no finite value at this point."""


class _Overflow(_Undefined):
    """The value is beyond what we compute (1e300, factorial of 170): no verdict from here."""


_OutOfTime = DeadlineExceeded


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

    def __init__(self, deadline: Deadline) -> None:
        self.ctx = _context()
        self.deadline = deadline
        self.constants: dict[Fraction, Any] = {}
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

    def informative(self, node: Node, env: dict[str, Any]) -> Any:
        """Like `at`, but _Undefined where the value tells nothing: it lost a part to
        underflow and is itself tiny (`sin(x)^9999` far from x = pi/2 is flushed to 0), or
        its rounding error cannot be bounded (a root or log at an exact zero)."""
        value = self.at(node, env)
        size = _magnitude(value)
        if (self.lossy and size < _INFORMATIVE) or not _reliable(self.error, size):
            raise _Undefined
        return value

    def at(self, node: Node, env: dict[str, Any]) -> Any:
        """The value of `node` at `env`; raises _Undefined where it has no finite value.

        Afterwards `self.error` bounds (roughly) how far the value is from the exact one.
        """
        self.memo: dict[int, Any] = {}
        self.errors: dict[int, float] = {}
        self.lossy = False
        try:
            value = self._value(node, env)
        except _Overflow:
            raise
        except (_Undefined, ZeroDivisionError, ValueError, OverflowError, ArithmeticError) as exc:
            if self.lossy:  # ln(e^-823): undefined only because e^-823 was flushed to 0
                raise _Overflow from exc
            raise _Undefined from exc
        self.error = self.errors[id(node)]
        return value

    def _mpc(self, value: Fraction) -> Any:
        known = self.constants.get(value)
        if known is None:
            known = self.constants[value] = self.ctx.mpc(
                self.ctx.mpf(value.numerator) / value.denominator
            )
        return known

    def _checked(self, value: Any) -> Any:
        """`value`, or _Undefined when it is NaN, a complex infinity or beyond 1e300.

        Works on mpmath's raw (sign, mantissa, exponent, bitcount) parts: this runs at every
        node, and comparing mpf objects with floats converts the float every time.
        """
        real, imag = value._mpc_
        if (not real[1] and real[2]) or (not imag[1] and imag[2]):  # inf or nan
            ctx = self.ctx
            if ctx.isnan(value.real) or ctx.isnan(value.imag) or value.imag != 0:
                raise _Undefined
            return value  # a real infinity typed as `oo`
        if (real[1] and real[2] + real[3] > _LARGEST_BITS) or (
            imag[1] and imag[2] + imag[3] > _LARGEST_BITS
        ):
            raise _Overflow
        # mpmath's exponents are unbounded, and arithmetic mixing 1 with 1e-400000000 costs
        # time proportional to the gap: flush negligible parts to zero to keep every step cheap.
        tiny_real = real[1] and real[2] + real[3] < _TINY_BITS
        tiny_imag = imag[1] and imag[2] + imag[3] < _TINY_BITS
        if tiny_real or tiny_imag:
            self.lossy = True
            zero = (0, 0, 0, 0)
            value = self.ctx.make_mpc((zero if tiny_real else real, zero if tiny_imag else imag))
        return value

    def _finite(self, value: Any) -> Any:
        if not self.ctx.isfinite(value):
            raise _Undefined
        return value

    def _value(self, node: Node, env: dict[str, Any]) -> Any:
        # Derivatives share subtrees (see calculus): each shared node is evaluated once.
        key = id(node)
        known = self.memo.get(key)
        if known is None:
            known = self.memo[key] = self._compute(node, env)
            self.errors[key] = self._error(node, known)
        return known

    def _error(self, node: Node, value: Any) -> float:
        """A first-order bound on the absolute error of `value`, from its operands' errors.

        Rounding at 30 digits is relative (EPSILON), but cancellation turns it absolute:
        sin(pi) is about 1e-31, not 0, and must still compare equal to 0, while
        sin(x)^9999 near 1e-44 must not. Propagating error bounds (sums add them, products
        and powers add relative errors, a function multiplies by the size of its
        derivative) tells the two apart; a fixed absolute tolerance cannot.
        """
        size = _magnitude(value)
        own = _EPSILON * size
        if node.rational is not None or isinstance(node, (Num, Var, Const)):
            return own
        errors = self.errors
        if isinstance(node, Neg):
            return errors[id(node.operand)]
        if isinstance(node, Sum):
            return sum(errors[id(term)] for _, term in node.terms) + own
        if isinstance(node, Product):
            return self._product_error(node, size) + own
        if isinstance(node, Power):
            return self._power_error(node, size) + own
        if isinstance(node, Call):
            return self._call_error(node, value, size) + own
        return math.inf  # pragma: no cover - every node type is handled above

    def _product_error(self, node: Product, size: float) -> float:
        relative = 0.0
        for index, (_, factor) in enumerate(node.factors):
            magnitude = _magnitude(self.memo[id(factor)])
            error = self.errors[id(factor)]
            if magnitude == 0:  # an exact zero factor: its error times the others' size
                others = 1.0
                for other_index, (divisor, other) in enumerate(node.factors):
                    if other_index != index:
                        other_size = _magnitude(self.memo[id(other)])
                        others = others / other_size if divisor else others * other_size
                return error * others
            relative += error / magnitude
        return size * relative

    def _power_error(self, node: Power, size: float) -> float:
        base = self.memo[id(node.base)]
        base_size = _magnitude(base)
        base_error = self.errors[id(node.base)]
        if node.exponent.rational is not None:
            exponent_size = float(abs(node.exponent.rational))
            exponent_error = 0.0
        else:
            exponent_size = _magnitude(self.memo[id(node.exponent)])
            exponent_error = self.errors[id(node.exponent)]
        if base_size == 0:
            return base_error if exponent_size <= 1 else 0.0
        log_size = abs(math.log(base_size)) + 4.0  # |ln b| <= |ln|b|| + pi
        return size * (exponent_size * base_error / base_size + exponent_error * log_size)

    def _call_error(self, node: Call, value: Any, size: float) -> float:
        """The argument's error times a bound on |f'| there."""
        argument = self.memo[id(node.args[0])]
        error = self.errors[id(node.args[0])]
        if error == 0:
            return 0.0
        name = node.name
        u = _magnitude(argument)
        if name in ("sin", "cos", "abs"):
            slope = max(1.0, size)
        elif name in ("sinh", "cosh"):
            slope = 1.0 + size
        elif name in ("tan", "cot", "sec", "csc", "tanh", "coth", "sech", "csch"):
            slope = 1.0 + size * size
        elif name == "exp":
            slope = size
        elif name in ("ln", "log"):
            slope = 1.0 / u if u else math.inf
            if len(node.args) == 2:
                base = self.memo[id(node.args[1])]
                base_log = abs(complex(self.ctx.log(base)))
                base_error = self.errors[id(node.args[1])]
                base_size = _magnitude(base)
                if not base_log or not base_size:
                    return math.inf
                return (error * slope + size * base_error / base_size) / base_log
        elif name == "sqrt":
            slope = 0.5 / size if size else math.inf
        elif name == "cbrt":
            slope = 1.0 / (3.0 * size * size) if size else math.inf
        elif name == "factorial":
            slope = size * (abs(math.log(u + 1.0)) + 1.0)
        else:  # inverse trigonometric and hyperbolic functions: 1/sqrt(|1 ± u^2|) and kin
            z = complex(argument)
            square = z * z
            gap = {
                "asin": abs(1 - square),
                "acos": abs(1 - square),
                "atanh": abs(1 - square) ** 2,
                "atan": abs(1 + square) ** 2,
                "acot": abs(1 + square) ** 2,
                "asinh": abs(1 + square),
                "acosh": abs(square - 1),
                "asec": abs(square - 1) * abs(square),
                "acsc": abs(square - 1) * abs(square),
            }.get(name, 0.0)
            slope = 1.0 / math.sqrt(gap) if gap else math.inf
        return slope * error

    def _compute(self, node: Node, env: dict[str, Any]) -> Any:
        self.deadline.check()
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
            # Whole exponents (at most 10 000 by the parser) use exact repeated multiplication,
            # so (-2)^3 is exactly -8 rather than a complex number with a tiny imaginary part.
            n = int(exponent_value)
            if base == 0:
                if n < 0:
                    raise _Undefined
                return ctx.mpc(1 if n == 0 else 0)
            if n * ctx.log(abs(base)) > _LOG_LARGEST:
                raise _Overflow
            return self._checked(ctx.power(base, n))
        exponent = self._finite(self._value(node.exponent, env))
        if base == 0:
            if exponent.real > 0:
                return ctx.mpc(0)
            raise _Undefined
        log_result = exponent * ctx.log(base)
        if log_result.real > _LOG_LARGEST:
            raise _Overflow
        if log_result.real < -_LOG_TINY:
            self.lossy = True
            return ctx.mpc(0)  # below 1e-869: zero for our purposes, and cheap
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
                raise _Overflow
            result = self.trig[name](z)
        elif name in self.unary:
            result = self.unary[name](z)
        elif name == "exp":
            if z.real > _LOG_LARGEST:
                raise _Overflow
            if z.real < -_LOG_TINY:
                self.lossy = True
                result = ctx.mpc(0)
            else:
                result = ctx.exp(z)
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
                raise _Overflow
            result = ctx.gamma(z + 1)
        else:  # pragma: no cover - the parser only produces known names
            raise TypeError(f"unknown function {name}")
        return self._checked(ctx.mpc(result))


def _is_real(value: Any) -> bool:
    if _context().isinf(value.real):
        return bool(value.imag == 0)
    return bool(abs(value.imag) <= 1e-15 * max(1.0, abs(value)))


def _magnitude(value: Any) -> float:
    """|value| within a factor of 2, from mpmath's raw parts (cheap: no square root)."""
    largest = 0.0
    for _, mantissa, exponent, bits in value._mpc_:
        if mantissa:
            largest = max(largest, math.ldexp(1.0, max(exponent + bits, -1074)))
        elif exponent:  # inf or nan
            return math.inf
    return largest


def _close(a: Any, b: Any, error: float = 0.0) -> bool:
    """Equal to 20 significant digits, or within the rounding `error` of the two values."""
    ctx = _context()
    if ctx.isinf(a.real) or ctx.isinf(b.real):
        return bool(a == b)
    largest = max(abs(a), abs(b))
    if not _reliable(error, largest):
        error = 0.0  # `sin(10^100 x)`: no digit is right, and nothing may pass because of it
    return bool(abs(a - b) <= _REL_TOL * largest + _SAFETY * error)


def _reliable(error: float, size: Any) -> bool:
    """Whether a value of this size is known to this error well enough to compare it."""
    return math.isfinite(error) and error <= _UNRELIABLE * (float(size) + 1.0)


@dataclass(frozen=True, slots=True)
class _Point:
    env: dict[str, Any]
    expected: Any
    real: bool
    error: float = 0.0  # the expected value's rounding error


class _Sampler:
    """Draws sample points where the expected answer is defined (real ones preferred)."""

    def __init__(self, evaluator: _Evaluator, seed_value: int = _SEED) -> None:
        self.evaluator = evaluator
        self.rng = random.Random(seed_value)  # noqa: S311 - reproducible, not security
        self.drawn = 0

    def draw(self, names: Iterable[str]) -> dict[str, Any]:
        """Values for `names` (in this order) at the next candidate point.

        Stratified so that any 8 consecutive candidates cover, for each variable, both signs
        in every band of sizes, and for two variables all four sign quadrants: an answer
        wrong only for x > 3, for x > 100 or for x, y < 0 is caught at every seed. The sizes
        within a band are random (per seed); bands 0 and 1 are [0.25, 2.75], band 2 is
        [2.75, 100] and band 3 is [100, 10 000], the last two log-uniform.
        """
        index = self.drawn
        self.drawn += 1
        signs = index + index // _BANDS
        values = {}
        for position, name in enumerate(names):
            band = (index + 2 * position) % _BANDS
            low, high = _BAND_LIMITS[band]
            if band < 2:
                magnitude = self.rng.uniform(low, high)
            else:
                magnitude = math.exp(self.rng.uniform(math.log(low), math.log(high)))
            negative = (signs >> position) & 1
            values[name] = self.evaluator.ctx.mpc(-magnitude if negative else magnitude)
        return values

    def constant(self, sign: int) -> Any:
        """A value for a constant of integration, of the given sign."""
        # Near 1, so that a tower of constants (C^C^C^C^C) stays computable: its verdict must
        # not depend on the seed.
        return self.evaluator.ctx.mpc(sign * self.rng.uniform(0.5, 1.5))

    def points(
        self, expected: Node, names: Iterable[str], fixed: dict[str, Any] | None = None
    ) -> list[_Point]:
        names = sorted(names)
        real: list[_Point] = []
        complex_: list[_Point] = []
        attempts = _MAX_CANDIDATES if names else 1
        for _ in range(attempts):
            env = dict(fixed or {})
            env.update(self.draw(names))
            try:
                value = self.evaluator.informative(expected, env)
            except _Undefined:
                continue
            if _is_real(value):
                real.append(_Point(env, value, real=True, error=self.evaluator.error))
                if len(real) >= _TARGET_POINTS:
                    break
            elif len(complex_) < _TARGET_POINTS:
                complex_.append(_Point(env, value, real=False, error=self.evaluator.error))
        return _enough(real, complex_, needed=_MIN_POINTS if names else 1)


def _enough(real: list[_P], complex_: list[_P], *, needed: int) -> list[_P]:
    """The real points if there are enough of them, else real and complex ones, else none."""
    if len(real) >= needed:
        return real
    if len(real) + len(complex_) >= needed:
        return real + complex_
    return []


def sample_points(
    expected: Node, names: Iterable[str], *, seed: Seed = None
) -> list[dict[str, complex]]:
    """The points `compare` samples for `expected` with this seed (for tests and diagnostics)."""
    evaluator = _Evaluator(_deadline())
    points = _Sampler(evaluator, _seed_value(seed)).points(expected, names)
    return [{name: complex(value) for name, value in point.env.items()} for point in points]


def compare(
    expected: Node,
    given: Node,
    expected_symbols: frozenset[str],
    given_symbols: frozenset[str],
    *,
    seed: Seed = None,
) -> Outcome:
    """EQUIVALENT when `given` is the same function as `expected` (see the module doc).

    Rational functions are decided exactly (`exact`); everything else numerically at sample
    points drawn from `seed`.
    """
    deadline = _deadline()
    seed_value = _seed_value(seed)
    evaluator = _Evaluator(deadline)
    try:
        decided = exact.identical(
            expected,
            given,
            seed_value=seed_value,
            deadline=deadline,
            names=expected_symbols | given_symbols,
            defined=lambda part: _somewhere_defined(part, evaluator, seed_value),
        )
        if decided is not None:
            return Outcome.EQUIVALENT if decided else Outcome.DIFFERENT
        points = _Sampler(evaluator, seed_value).points(expected, expected_symbols | given_symbols)
        if not points:
            return Outcome.UNDETERMINED
        compared = 0
        for point in points:
            try:
                value = evaluator.at(given, point.env)
            except _Overflow:
                continue  # too large to compute here (cosh(5000)^2): this point tells nothing
            except _Undefined:
                return Outcome.DIFFERENT
            if not _reliable(evaluator.error, _magnitude(value)):
                continue  # no reliable digit (cosh(100)^2 - sinh(100)^2): tells nothing
            if not _close(point.expected, value, point.error + evaluator.error):
                return Outcome.DIFFERENT
            compared += 1
    except _OutOfTime:
        return Outcome.TOO_SLOW
    # Agreement needs enough points where the learner's value is known to its last digits.
    return Outcome.EQUIVALENT if compared >= min(_MIN_POINTS, len(points)) else Outcome.DIFFERENT


def _somewhere_defined(node: Node, evaluator: _Evaluator, seed_value: int) -> bool:
    """Whether `node` has a finite value (real or complex) at one of a few sample points."""
    sampler = _Sampler(evaluator, seed_value)
    names = sorted(free_symbols(node))
    for _ in range(_TARGET_POINTS if names else 1):
        try:
            evaluator.at(node, sampler.draw(names))
        except _Undefined:
            continue
        return True
    return False


@dataclass(frozen=True, slots=True)
class _Antiderivatives:
    """One antiderivative question: the two answers, their derivatives and who is what."""

    expected: Node
    given: Node
    derivatives: tuple[tuple[Node, Node], ...]  # (d expected, d given) per variable
    sampled: tuple[str, ...]  # variables and parameters: a value per point
    constants: tuple[str, ...]  # every constant, the teacher's and the learner's
    learner_constants: frozenset[str]
    constant_derivatives: bool  # whether the teacher's derivatives involve a constant
    additive_constants: bool  # the teacher's constants are only added (`... + C`)


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
    """EQUIVALENT when `given` is an antiderivative family of the same function as `expected`.

    `variables` are the variables of integration, `parameters` fixed symbols; every other
    symbol is an arbitrary constant. Decided on the derivatives with respect to the variables
    (exactly for rational functions, else numerically), then: the learner's answer must be
    real wherever the teacher's is, for some value of its constants, and must contain a
    constant that changes its value (`x^3/3`, `x^3/3 + 5` and `x^3/3 + C - C` are
    MISSING_CONSTANT). See the module doc.
    """
    deadline = _deadline()
    seed_value = _seed_value(seed)
    symbols = expected_symbols | given_symbols
    constants = symbols - variables - parameters
    try:
        try:
            derivatives = tuple(
                (
                    derivative(expected, name, deadline=deadline),
                    derivative(given, name, deadline=deadline),
                )
                for name in sorted(variables & symbols)
            )
        except NotDifferentiable:
            return _by_difference(
                expected, given, variables, parameters, symbols, given_symbols, seed_value, deadline
            )
        question = _Antiderivatives(
            expected,
            given,
            derivatives,
            tuple(sorted(symbols & (variables | parameters))),
            tuple(sorted(constants)),
            given_symbols - variables - parameters,
            any(free_symbols(pair[0]) & constants for pair in derivatives),
            _only_added(expected, constants),
        )
        decided = _exactly(question, seed_value, deadline)
        if decided is not None:
            return decided
        return _numerically(question, _Evaluator(deadline), seed_value)
    except _OutOfTime:
        return Outcome.TOO_SLOW


def _exactly(question: _Antiderivatives, seed_value: int, deadline: Deadline) -> Outcome | None:
    """The verdict for rational antiderivatives (always real), or None to go numeric."""
    nodes = [question.expected, question.given]
    nodes.extend(node for pair in question.derivatives for node in pair)
    if not all(exact.is_rational_function(node) for node in nodes):
        return None
    names = frozenset(question.sampled) | frozenset(question.constants)
    for expected_derivative, given_derivative in question.derivatives:
        same = exact.identical(
            expected_derivative,
            given_derivative,
            seed_value=seed_value,
            deadline=deadline,
            names=names,
        )
        if same is None:
            return None
        if not same:
            return Outcome.DIFFERENT
    if not question.learner_constants:
        return Outcome.MISSING_CONSTANT
    unchanged = exact.identical(
        question.given,
        question.given,
        seed_value=seed_value,
        deadline=deadline,
        names=names,
        vary=question.learner_constants,
    )
    if unchanged is None:
        return None
    return Outcome.MISSING_CONSTANT if unchanged else Outcome.EQUIVALENT


def _only_added(expected: Node, constants: frozenset[str]) -> bool:
    """Whether every constant in `expected` is a bare term of its top-level sum (`f + C`)."""
    terms = expected.terms if isinstance(expected, Sum) else ((False, expected),)
    rest = []
    for _, term in terms:
        bare = term.operand if isinstance(term, Neg) else term
        if not (isinstance(bare, Var) and bare.name in constants):
            rest.append(term)
    return not any(free_symbols(term) & constants for term in rest)


def _numerically(question: _Antiderivatives, evaluator: _Evaluator, seed_value: int) -> Outcome:
    sampler = _Sampler(evaluator, seed_value)
    real: list[_Trial] = []
    complex_: list[_Trial] = []
    for _ in range(_MAX_CANDIDATES):
        trial = _trial(question, evaluator, sampler, want_complex=len(complex_) < _TARGET_POINTS)
        if trial is None:
            continue
        if trial.real:
            real.append(trial)
            if len(real) >= _TARGET_POINTS:
                break
        elif len(complex_) < _TARGET_POINTS:
            complex_.append(trial)
    trials = _enough(real, complex_, needed=_MIN_POINTS if question.sampled else 1)
    if not trials:
        return Outcome.UNDETERMINED
    compared = 0
    for index, trial in enumerate(trials):
        agreed = _derivatives_agree(question, evaluator, trial, index)
        if agreed is False:
            return Outcome.DIFFERENT
        compared += agreed is True
    if compared < min(_MIN_POINTS, len(trials)):
        return Outcome.DIFFERENT  # too few points where the learner's answer could be computed
    if not question.learner_constants:
        return Outcome.MISSING_CONSTANT
    if not _constant_matters(question, evaluator, sampler, trials):
        return Outcome.MISSING_CONSTANT
    return Outcome.EQUIVALENT


@dataclass(frozen=True, slots=True)
class _Trial:
    """A sample point, two assignments of the constants, and the teacher's derivatives there."""

    env: dict[str, Any]
    assignments: tuple[dict[str, Any], dict[str, Any]]  # all positive, all negative
    teacher: dict[str, Any]  # the assignment the teacher's answer is evaluated with
    derivatives: tuple[tuple[Any, float], ...]  # (value, rounding error)
    real: bool


def _trial(
    question: _Antiderivatives, evaluator: _Evaluator, sampler: _Sampler, *, want_complex: bool
) -> _Trial | None:
    """A candidate point: real when the teacher's answer (for a positive or a negative choice
    of its constants) and its derivatives are real there; None where they are undefined."""
    env = sampler.draw(question.sampled)
    positive = {name: sampler.constant(1) for name in question.constants}
    negative = {name: sampler.constant(-1) for name in question.constants}
    teacher: dict[str, Any] | None = None
    real = False
    # Where the teacher's constants are only added, their sign cannot make the answer real.
    choices = (positive,) if question.additive_constants else (positive, negative)
    for assignment in choices:
        try:
            value = evaluator.informative(question.expected, {**env, **assignment})
        except _Undefined:
            continue
        if teacher is None:
            teacher = assignment
        if _is_real(value) and not evaluator.ctx.isinf(value.real):
            teacher, real = assignment, True
            break
    if teacher is None or not (real or want_complex):
        return None
    values = []
    for expected_derivative, _ in question.derivatives:
        try:
            value = evaluator.informative(expected_derivative, {**env, **teacher})
        except _Undefined:
            return None
        if evaluator.ctx.isinf(value.real):
            return None
        real = real and _is_real(value)
        values.append((value, evaluator.error))
    return _Trial(env, (positive, negative), teacher, tuple(values), real)


def _derivatives_agree(
    question: _Antiderivatives, evaluator: _Evaluator, trial: _Trial, index: int
) -> bool | None:
    """At a real point, the learner's answer must be real for a positive or a negative choice
    of its constants, and its derivatives must match the teacher's there. Points alternate
    which sign is tried first, so a family whose derivative depends on its constant (`A x^2`)
    is caught either way. At a complex point only the derivatives are compared. None: this
    point tells nothing (the learner's values are beyond what we compute there)."""
    if not trial.real:
        env = {**trial.env, **trial.teacher}
        return _same_derivatives(question, evaluator, env, trial.derivatives)
    order = trial.assignments if index % 2 == 0 else trial.assignments[::-1]
    overflowed = False
    for assignment in order:
        env = {**trial.env, **assignment}
        try:
            value = evaluator.at(question.given, env)
        except _Overflow:
            overflowed = True
            continue
        except _Undefined:
            continue
        if not _is_real(value) or evaluator.ctx.isinf(value.real):
            continue
        reuse = assignment is trial.teacher or not question.constant_derivatives
        return _same_derivatives(question, evaluator, env, trial.derivatives if reuse else None)
    return None if overflowed else False


def _same_derivatives(
    question: _Antiderivatives,
    evaluator: _Evaluator,
    env: dict[str, Any],
    known: tuple[tuple[Any, float], ...] | None,
) -> bool | None:
    """Whether the learner's derivatives equal the teacher's at `env` (`known`: the teacher's
    values there, when already computed). None when they cannot be computed reliably."""
    informative = True
    for index, (expected_derivative, given_derivative) in enumerate(question.derivatives):
        try:
            if known is not None:
                expected_value, expected_noise = known[index]
            else:
                expected_value = evaluator.informative(expected_derivative, env)
                expected_noise = evaluator.error
        except _Undefined:
            continue  # the teacher's derivative depends on a constant and is undefined here
        try:
            value = evaluator.at(given_derivative, env)
        except _Overflow:
            return None
        except _Undefined:
            return False
        if not _reliable(evaluator.error, _magnitude(value)):
            informative = False
        elif not _close(expected_value, value, expected_noise + evaluator.error):
            return False
    return True if informative else None


def _constant_matters(
    question: _Antiderivatives, evaluator: _Evaluator, sampler: _Sampler, trials: list[_Trial]
) -> bool:
    """Whether new values of the learner's constants change its answer at some point."""
    for trial in trials[:_MIN_POINTS]:
        first = {**trial.env, **trial.assignments[0]}
        second = {
            **first,
            **{name: sampler.constant(1) for name in sorted(question.learner_constants)},
        }
        try:
            before = evaluator.at(question.given, first)
            noise = evaluator.error
            after = evaluator.at(question.given, second)
        except _Undefined:
            continue
        if not _close(before, after, noise + evaluator.error):
            return True
    return False


def _by_difference(
    expected: Node,
    given: Node,
    variables: frozenset[str],
    parameters: frozenset[str],
    symbols: frozenset[str],
    given_symbols: frozenset[str],
    seed_value: int,
    deadline: Deadline,
) -> Outcome:
    """The fallback without derivatives (factorials): given - expected must be constant.

    Parameters and constants are fixed once for the point set (constants positive, so a
    logarithm of a constant multiple is defined); then the constants get new values.
    """
    evaluator = _Evaluator(deadline)
    sampler = _Sampler(evaluator, seed_value)
    constants = sorted(symbols - variables - parameters)
    fixed = sampler.draw(sorted(symbols & parameters))
    assignments = [{**fixed, **{name: sampler.constant(1) for name in constants}} for _ in range(2)]
    points = sampler.points(expected, symbols & variables, assignments[0])
    if not points:
        return Outcome.UNDETERMINED
    if not _constant_difference(evaluator, given, points):
        return Outcome.DIFFERENT
    if not (given_symbols - variables - parameters):
        return Outcome.MISSING_CONSTANT
    # Same variable values, other constants: the difference must still be constant ...
    moved = []
    for point in points:
        env = {**point.env, **assignments[1]}
        try:
            moved.append(_Point(env, evaluator.informative(expected, env), point.real))
        except _Undefined:
            continue
    if moved and not _constant_difference(evaluator, given, moved):
        return Outcome.DIFFERENT
    # ... and the learner's answer must actually change with its constant (not C - C).
    first = points[0]
    try:
        before = evaluator.at(given, first.env)
        noise = evaluator.error
        after = evaluator.at(given, {**first.env, **assignments[1]})
    except _Undefined:
        return Outcome.DIFFERENT
    if _close(before, after, noise + evaluator.error):
        return Outcome.MISSING_CONSTANT
    return Outcome.EQUIVALENT


def _constant_difference(evaluator: _Evaluator, given: Node, points: list[_Point]) -> bool:
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
        <= _DIFFERENCE_REL_TOL * max(scale, first_scale, abs(difference), abs(first)) + _ABS_TOL
        for difference, scale in differences[1:]
    )

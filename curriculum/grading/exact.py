"""Exact identity testing for rational functions with rational coefficients.

An expression built only from numbers (decimals are the exact decimal written: 0.1 is one
tenth), variables, `+ - * /` and whole-number powers — no function call, no pi/e/oo — is a
rational function. Two of them are decided exactly instead of numerically:

- both constants: Fraction equality (`99999999/10^8` is not `99999998/99999999`);
- otherwise by evaluation at random points with exact arithmetic: first once with Fractions
  at a random whole-number point (when the numbers stay small), where different values prove
  the answers different; then modulo a large prime p (about 2^61, drawn from the seed) at
  several random points, with `pow(b, n, p)` so `(x - a)^6000` costs microseconds. If
  E - G is not identically zero, its numerator has total degree D (bounded from the trees),
  so it vanishes at a random point with probability at most D/p (Schwartz-Zippel); we use
  enough points to make a wrong "identical" less likely than 2^-100, and give up (None, the
  caller falls back to numeric checking) when D exceeds 2^40.
  A point where the expected answer's denominator vanishes mod p is skipped; a given answer
  whose denominator vanishes where the expected answer's does not (twice) has a denominator
  that is identically zero: it is undefined everywhere, so DIFFERENT.

Answers with the same non-rational parts (`e^x`, `sin(x)`, `pi`...) on both sides can be
proved identical with those parts as opaque symbols (`e^x (x-1)^6000` is `(1-x)^6000 e^x`):
that direction is sound; "not formally identical" decides nothing (`sin(x)^2 + cos(x)^2` is 1)
and is left to the numeric check.

The removable singularity is not a difference: `(x^2-1)/(x-1)` is identical to `x+1`, as
the numeric check also says (it never samples x = 1). The prime depends on the seed; with
the default seed it is fixed, so an answer whose difference from the expected one has every
coefficient divisible by that particular 61-bit prime could pass the modular step; the
Fraction step catches such answers whenever their values stay below a few thousand bits.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from functools import lru_cache

from curriculum.grading.calculus import Deadline
from curriculum.grading.mathparse import Call, Const, Neg, Node, Num, Power, Product, Sum, Var

_MAX_DEGREE = 1 << 40
_FRACTION_BITS = 60_000  # Fraction evaluation gives up beyond numbers this large
_POINT_BITS = 20
_MAX_TRIES = 24
_SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)


class _Undefined(Exception):
    """A denominator vanishes at this point."""


class _Unsuitable(Exception):
    """This point or modulus cannot be used (too large, or a constant's denominator is 0 mod p)."""


def is_rational_function(node: Node) -> bool:
    """Numbers, variables, + - * / and whole-number powers only."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.rational is not None or isinstance(current, Var):
            continue
        if isinstance(current, Neg):
            stack.append(current.operand)
        elif isinstance(current, Sum):
            stack.extend(term for _, term in current.terms)
        elif isinstance(current, Product):
            stack.extend(factor for _, factor in current.factors)
        elif isinstance(current, Power):
            exponent = current.exponent.rational
            if exponent is None or exponent.denominator != 1:
                return False
            stack.append(current.base)
        elif not isinstance(current, Num):
            return False
    return True


def _degrees(node: Node, memo: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """Upper bounds on the total degrees of numerator and denominator (saturating)."""
    key = id(node)
    if key in memo:
        return memo[key]
    if node.rational is not None:
        result = (0, 0)
    elif isinstance(node, Var):
        result = (1, 0)
    elif isinstance(node, Neg):
        result = _degrees(node.operand, memo)
    elif isinstance(node, Sum):
        parts = [_degrees(term, memo) for _, term in node.terms]
        below = sum(d for _, d in parts)
        result = (max(n + below - d for n, d in parts), below)
    elif isinstance(node, Product):
        top = below = 0
        for divisor, factor in node.factors:
            n, d = _degrees(factor, memo)
            top, below = (top + d, below + n) if divisor else (top + n, below + d)
        result = (top, below)
    elif isinstance(node, Power):
        n, d = _degrees(node.base, memo)
        exponent = int(node.exponent.rational or 0)
        result = (n * exponent, d * exponent) if exponent >= 0 else (d * -exponent, n * -exponent)
    else:  # pragma: no cover - callers check is_rational_function first
        raise TypeError(type(node).__name__)
    result = (min(result[0], 1 << 62), min(result[1], 1 << 62))
    memo[key] = result
    return result


def degree_bound(*nodes: Node) -> int:
    """A bound on the total degree of the numerator of any ± combination of `nodes`."""
    memo: dict[int, tuple[int, int]] = {}
    return sum(sum(_degrees(node, memo)) for node in nodes)


class _Evaluator:
    """Exact value at a point: a Fraction, or an int modulo `modulus`."""

    def __init__(self, modulus: int | None, deadline: Deadline) -> None:
        self.modulus = modulus
        self.deadline = deadline

    def constant(self, value: Fraction) -> Fraction | int:
        p = self.modulus
        if p is None:
            return value
        if value.denominator % p == 0:
            raise _Unsuitable
        return value.numerator * pow(value.denominator, -1, p) % p

    def at(self, node: Node, env: Mapping[str, Fraction | int]) -> Fraction | int:
        return self._value(node, env, {})

    def _value(
        self, node: Node, env: Mapping[str, Fraction | int], memo: dict[int, Fraction | int]
    ) -> Fraction | int:
        self.deadline.check()
        key = id(node)
        if key in memo:
            return memo[key]
        p = self.modulus
        result: Fraction | int
        if node.rational is not None:
            result = self.constant(node.rational)
        elif isinstance(node, Var):
            result = env[node.name]
        elif isinstance(node, Neg):
            result = -self._value(node.operand, env, memo)
        elif isinstance(node, Sum):
            result = 0
            for negative, term in node.terms:
                value = self._value(term, env, memo)
                result = result - value if negative else result + value
        elif isinstance(node, Product):
            result = 1
            for divisor, factor in node.factors:
                value = self._value(factor, env, memo)
                if divisor:
                    if value == 0:
                        raise _Undefined
                    if p is not None:
                        assert isinstance(value, int)
                        result = result * pow(value, -1, p)
                    else:
                        result = Fraction(result) / value
                else:
                    result = result * value
                self._check_size(result)
        elif isinstance(node, Power):
            result = self._power(node, env, memo)
        else:  # pragma: no cover - callers check is_rational_function first
            raise TypeError(type(node).__name__)
        if p is not None:
            result %= p
        memo[key] = result
        return result

    def _power(
        self, node: Power, env: Mapping[str, Fraction | int], memo: dict[int, Fraction | int]
    ) -> Fraction | int:
        base = self._value(node.base, env, memo)
        exponent = int(node.exponent.rational or 0)
        if base == 0:
            if exponent < 0:
                raise _Undefined
            return 1 if exponent == 0 else 0
        p = self.modulus
        if p is not None:
            assert isinstance(base, int)
            return pow(base, exponent, p)  # a negative exponent is the modular inverse's power
        assert isinstance(base, Fraction)
        bits = max(base.numerator.bit_length(), base.denominator.bit_length())
        if bits * abs(exponent) > _FRACTION_BITS:
            raise _Unsuitable
        return base**exponent

    def _check_size(self, value: Fraction | int) -> None:
        if isinstance(value, Fraction) and (
            max(value.numerator.bit_length(), value.denominator.bit_length()) > _FRACTION_BITS
        ):
            raise _Unsuitable


def _is_probable_prime(n: int) -> bool:
    """Miller-Rabin with the first 13 primes as bases: deterministic below 3.3e24."""
    if n < 2:
        return False
    for prime in _SMALL_PRIMES:
        if n % prime == 0:
            return n == prime
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for base in _SMALL_PRIMES:
        x = pow(base, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


@lru_cache(maxsize=256)
def prime_for(seed_value: int) -> int:
    """A prime between 2^61 and 2^62 drawn from the seed (the same seed, the same prime)."""
    rng = random.Random(seed_value)  # noqa: S311 - reproducible, not security
    while True:
        candidate = rng.randrange(1 << 61, 1 << 62) | 1
        if _is_probable_prime(candidate):
            return candidate


def _rng(seed_value: int, purpose: str) -> random.Random:
    digest = hashlib.sha256(f"{purpose}:{seed_value}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - reproducible


def _points_needed(degree: int) -> int:
    """Points making a false 'identical' less likely than 2^-100 (each fails with D/2^61)."""
    per_point_bits = 61 - max(degree, 1).bit_length()
    return max(3, -(-100 // per_point_bits))


def identical(
    expected: Node,
    given: Node,
    *,
    seed_value: int,
    deadline: Deadline,
    names: Iterable[str] = (),
    vary: frozenset[str] = frozenset(),
    defined: Callable[[Node], bool] | None = None,
) -> bool | None:
    """True/False when decided exactly; None when not a rational-function question.

    Raises calculus.DeadlineExceeded when `deadline` is spent.

    `names` are the symbols to sample. With `vary`, `given` is the same tree as `expected`
    and the question is whether the value changes when only the names in `vary` get new
    values (an antiderivative's constant that actually matters): True means "unchanged".
    With `defined` (whether a non-rational part has a value somewhere), answers with the
    same non-rational parts may be proved identical (see `_identical_over_atoms`).
    """
    if not (is_rational_function(expected) and is_rational_function(given)):
        if vary or defined is None:
            return None
        return _identical_over_atoms(expected, given, seed_value, deadline, names, defined)
    if expected.rational is not None and given.rational is not None:
        return expected.rational == given.rational
    degree = degree_bound(expected, given)
    if degree > _MAX_DEGREE:
        return None
    ordered = sorted(set(names))
    if _differ_with_fractions(expected, given, ordered, vary, seed_value, deadline):
        return False
    return _identical_modulo_prime(expected, given, ordered, vary, seed_value, deadline, degree)


def _identical_over_atoms(
    expected: Node,
    given: Node,
    seed_value: int,
    deadline: Deadline,
    names: Iterable[str],
    defined: Callable[[Node], bool],
) -> bool | None:
    """True when the two are the same rational function of their variables and of their
    non-rational parts taken as opaque symbols (`e^x (x-1)^6000` and `(1-x)^6000 e^x`, the
    same `e^x` in each); None otherwise, for the numeric check to decide.

    Sound in one direction only (`sin(x)^2 + cos(x)^2` is not formally 1), and only when
    every part of the learner's answer also occurs in the expected one, so the learner
    cannot bring in a part that is undefined where the expected answer is defined, and only
    when every part has a value somewhere (`ln(x - x)` has none: no proof, the numeric check
    then finds the answer undefined).
    """
    table: dict[Node, str] = {}
    expected_over_atoms = _with_atoms(expected, table)
    expected_atoms = len(table)
    given_over_atoms = _with_atoms(given, table)
    if not expected_atoms or len(table) > expected_atoms:
        return None
    if not all(defined(atom) for atom in table):
        return None
    same = identical(
        expected_over_atoms,
        given_over_atoms,
        seed_value=seed_value,
        deadline=deadline,
        names=[*names, *table.values()],
    )
    return True if same else None


def _with_atoms(node: Node, table: dict[Node, str]) -> Node:
    """`node` with each maximal non-rational part replaced by a symbol named in `table`
    (equal parts get the same symbol; names start with '#', which no variable can)."""
    if node.rational is not None or isinstance(node, Var):
        return node
    if isinstance(node, Neg):
        return Neg(_with_atoms(node.operand, table))
    if isinstance(node, Sum):
        return Sum(tuple((negative, _with_atoms(term, table)) for negative, term in node.terms))
    if isinstance(node, Product):
        return Product(
            tuple((divisor, _with_atoms(factor, table)) for divisor, factor in node.factors)
        )
    exponent = node.exponent.rational if isinstance(node, Power) else None
    if isinstance(node, Power) and exponent is not None and exponent.denominator == 1:
        return Power(_with_atoms(node.base, table), node.exponent)
    if isinstance(node, Call) and node.name == "exp":
        node = Power(Const("e"), node.args[0])  # exp(u) and e^u are one part
    if node not in table:
        table[node] = f"#{len(table)}"
    return Var(table[node])


def _assignments(
    names: list[str], vary: frozenset[str], draw: Callable[[], Fraction | int]
) -> tuple[dict[str, Fraction | int], dict[str, Fraction | int]]:
    """A point, and the same point with new values for the names in `vary`."""
    first = {name: draw() for name in names}
    second = {**first, **{name: draw() for name in names if name in vary}}
    return first, second


def _differ_with_fractions(
    expected: Node,
    given: Node,
    names: list[str],
    vary: frozenset[str],
    seed_value: int,
    deadline: Deadline,
) -> bool:
    """Whether the two differ at one random whole-number point (exact, when small enough)."""
    rng = _rng(seed_value, "fraction")
    evaluator = _Evaluator(None, deadline)
    for _ in range(2):
        first, second = _assignments(
            names, vary, lambda: Fraction(rng.randint(-(1 << _POINT_BITS), 1 << _POINT_BITS))
        )
        try:
            a = evaluator.at(expected, first)
            b = evaluator.at(given, second if vary else first)
        except (_Undefined, _Unsuitable):
            continue
        return a != b
    return False


def _identical_modulo_prime(
    expected: Node,
    given: Node,
    names: list[str],
    vary: frozenset[str],
    seed_value: int,
    deadline: Deadline,
    degree: int,
) -> bool | None:
    prime = prime_for(seed_value)
    rng = _rng(seed_value, "modular")
    evaluator = _Evaluator(prime, deadline)
    needed = _points_needed(degree)
    agreed = given_undefined = 0
    for _ in range(_MAX_TRIES + needed):
        first, second = _assignments(names, vary, lambda: rng.randrange(prime))
        try:
            a = evaluator.at(expected, first)
        except _Undefined:
            continue
        except _Unsuitable:
            return None
        try:
            b = evaluator.at(given, second if vary else first)
        except _Undefined:
            given_undefined += 1
            if given_undefined >= 2:
                return False
            continue
        except _Unsuitable:
            return None
        if a != b:
            return False
        agreed += 1
        if agreed >= needed:
            return True
    return None

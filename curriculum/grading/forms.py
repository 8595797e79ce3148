"""Answer forms: is an expression, *as the learner typed it*, factored, expanded, simplified...?

Each check inspects our own AST (`mathparse`), never a simplified copy: `x^2-5x+6` and
`(x-2)(x-3)` are the same function but only one of them is factored. Checks run after the
answer was found equivalent, so they only decide the form, never the value.

Polynomial questions are answered without ever expanding or factoring a large polynomial,
so a hostile answer costs milliseconds: degrees are bounded from the AST first (at most
`MAX_DEGREE`, else "too complicated"); "factored" compares the learner's number of factors
with the author's answer (validated as factored) instead of factoring; common factors of a
fraction are found by exact polynomial gcds modulo a large prime (`_share_a_factor`); only
small polynomials (degree at most 8) are ever factored by SymPy, on objects built with
`display.to_sympy` (constructors, never string parsing): the author's answer at validation
and the denominators of partial fractions.

Documented choices:
- "factored" is over the integers: every non-constant factor must be a primitive polynomial
  with integer coefficients that is irreducible over the integers (`3-x` is fine, `2x-4` is
  not: the 2 must come out, so `(2x-4)(x-3)/2` is *not fully factored* while
  `2(x-2)(x-3)/2` is). Rational constant factors are allowed anywhere, repeated factors may be
  written as a power or twice (`(x-1)^2`, `(x-1)(x-1)`), and fractions may have factored
  denominators. A sum that is irreducible (`x^2+1`) is already factored.
- "expanded": a sum of monomials (numbers times powers of variables or of other atoms such
  as `sin(x)`), no bracketed sum multiplied, negated or raised to a power (`x(x+1)`,
  `-(x+1)`, `2-(x+1)`, `(x+1)^2`, `(2x)^2`), no two terms with the same monomial (`x + x`).
  Denominators are not inspected.
- "lowest_terms": in every fraction (a product with divisors) numerator and denominator have
  no common factor: no common integer (`6/8`, `(2x+2)/4`), no common polynomial factor
  (`(x^2-1)/(x-1)`), no factor written on both sides. Fractions with decimals are not judged;
  above degree 60 only numbers and factors written on both sides are (`(x-1)^6001/(x-1)`).
- "simplified": lowest terms, and no unevaluated operation: no arithmetic between numbers
  (`2+3`, `2*3`, `4/2 x`, `2^3`, `--2`), no `1*x`, `x/1`, `0*x`, `x+0`, `x^1`, `x^0`, `1^x`,
  `(x^2)^3`, no like terms or like factors (`2x+3x`, `x*x`, `x*x^2`, `x/x`), no function of a
  number with a simple value (`sqrt(4)`, `sqrt(8)` = 2√2, `cbrt(8)`, `|-3|`, `ln(1)`, `ln(e)`,
  `exp(0)`, `sin(0)`, `cos(0)`, `tan(0)`). A plain fraction of integers (`3/4`, `-3/4`) and
  a coefficient written as a fraction (`1/2 x`, `3x/4`) are simplified.
- "no_decimals": no decimal point anywhere.
- "partial_fractions": a sum of polynomial terms and proper fractions `N/p^k` where `p` is
  one irreducible polynomial (written expanded or not), `deg N < deg p`, no two fractions
  over the same `p^k`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

from curriculum.grading.display import to_sympy, to_text
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

FACTORED = "factored"
EXPANDED = "expanded"
LOWEST_TERMS = "lowest_terms"
SIMPLIFIED = "simplified"
NO_DECIMALS = "no_decimals"
PARTIAL_FRACTIONS = "partial_fractions"
FORMS = (FACTORED, EXPANDED, LOWEST_TERMS, SIMPLIFIED, NO_DECIMALS, PARTIAL_FRACTIONS)

FEEDBACK = {
    FACTORED: "This is correct but not factored.",
    EXPANDED: "This is correct but not expanded.",
    LOWEST_TERMS: "This is correct but not in lowest terms.",
    SIMPLIFIED: "This is correct but can be simplified further.",
    NO_DECIMALS: "Give an exact answer, without decimals.",
    PARTIAL_FRACTIONS: "This is correct but not written as partial fractions.",
}
NOT_FULLY_FACTORED = "This is correct but not fully factored."
TOO_COMPLICATED = "Your answer is too complicated to check. Try simplifying it."

MAX_DEGREE = 60
# SymPy factors only small polynomials: its factoring takes seconds on some degree-60 or
# multivariate inputs, and a learner's answer must be checked in milliseconds.
# Largest total degree factored, by number of variables (none beyond three).
IRREDUCIBILITY_DEGREE = 8
_IRREDUCIBILITY_DEGREES = {1: IRREDUCIBILITY_DEGREE, 2: 6, 3: 4}
IRREDUCIBILITY_BITS = 128
_MAX_SURD = 10**8  # sqrt(n) is checked for square factors up to this n


class TooComplicated(Exception):
    """The answer is too large to analyse within our time budget."""


def form_failure(name: str, node: Node, expected: Node | None = None) -> str | None:
    """None when `node` (as typed) is in form `name`, else the learner-facing feedback.

    `expected` is the author's answer, already known to be equivalent and in the form: with
    it, "factored" counts factors instead of factoring (see `_factored`). Raises
    TooComplicated when deciding would take too long (feedback: TOO_COMPLICATED).
    """
    if name == FACTORED:
        return _factored(node, expected)
    if name == EXPANDED:
        return None if _is_expanded(node) else FEEDBACK[EXPANDED]
    if name == LOWEST_TERMS:
        return None if _in_lowest_terms(node) else FEEDBACK[LOWEST_TERMS]
    if name == SIMPLIFIED:
        return None if _is_simplified(node) else FEEDBACK[SIMPLIFIED]
    if name == NO_DECIMALS:
        return None if not _has_decimal(node) else FEEDBACK[NO_DECIMALS]
    if name == PARTIAL_FRACTIONS:
        return None if _is_partial_fractions(node) else FEEDBACK[PARTIAL_FRACTIONS]
    raise ValueError(f"unknown form {name!r}")


def first_failure(
    names: Iterable[str], node: Node, expected: Node | None = None
) -> tuple[str, str] | None:
    """(form, feedback) for the first form in `names` that `node` is not in, or None."""
    for name in names:
        try:
            feedback = form_failure(name, node, expected)
        except TooComplicated:
            return name, TOO_COMPLICATED
        if feedback is not None:
            return name, feedback
    return None


# --------------------------------------------------------------------------------------------
# Walking the AST
# --------------------------------------------------------------------------------------------


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, Sum):
        return tuple(term for _, term in node.terms)
    if isinstance(node, Product):
        return tuple(factor for _, factor in node.factors)
    if isinstance(node, Power):
        return (node.base, node.exponent)
    if isinstance(node, Call):
        return node.args
    return ()


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(_children(current))


def _terms(node: Node, negative: bool = False) -> list[tuple[bool, Node]]:
    """The terms of a sum, through brackets and minus signs: x - (y - 1) -> x, -y, +1."""
    if isinstance(node, Neg) and node.rational is None:
        return _terms(node.operand, not negative)
    if isinstance(node, Sum) and node.rational is None:
        out: list[tuple[bool, Node]] = []
        for subtracted, term in node.terms:
            out.extend(_terms(term, negative != subtracted))
        return out
    return [(negative, node)]


def _integer_exponent(node: Power) -> int | None:
    value = node.exponent.rational
    return int(value) if value is not None and value.denominator == 1 else None


def _factors(node: Node, divisor: bool = False, powers: bool = True) -> list[tuple[bool, Node]]:
    """The factors of a product, through brackets and signs: (2x)(x+1)/4 -> 2, x, x+1, /4.

    With `powers`, a whole power of a product or a negative whole power is opened too:
    (x(x+1))^2 -> x, x+1 and x^-2 -> /x. Constant subtrees stay whole.
    """
    if node.rational is not None:
        return [(divisor, node)]
    if isinstance(node, Neg):
        return _factors(node.operand, divisor, powers)
    if isinstance(node, Product):
        out: list[tuple[bool, Node]] = []
        for inverted, factor in node.factors:
            out.extend(_factors(factor, divisor != inverted, powers))
        return out
    if powers and isinstance(node, Power):
        exponent = _integer_exponent(node)
        if exponent is not None and exponent < 0:
            return _factors(node.base, not divisor, powers)
        if exponent is not None and exponent > 0 and isinstance(node.base, Product | Neg):
            return _factors(node.base, divisor, powers)
    return [(divisor, node)]


def _has_variables(node: Node) -> bool:
    return bool(free_symbols(node))


def _has_decimal(node: Node) -> bool:
    return any(isinstance(part, Num) and "." in part.text for part in _walk(node))


# --------------------------------------------------------------------------------------------
# Polynomials (bounded before SymPy sees them)
# --------------------------------------------------------------------------------------------


def _degree_bound(node: Node) -> int | None:
    """An upper bound of the total degree if `node` is a polynomial with rational coefficients.

    Raises TooComplicated above MAX_DEGREE, so nothing larger is ever expanded.
    """
    if node.rational is not None:
        return 0
    if isinstance(node, Var):
        return 1
    if isinstance(node, Neg):
        return _degree_bound(node.operand)
    if isinstance(node, Sum):
        degrees = [_degree_bound(term) for _, term in node.terms]
        return None if any(d is None for d in degrees) else max(d or 0 for d in degrees)
    if isinstance(node, Product):
        total = 0
        for divisor, factor in node.factors:
            if divisor:
                if factor.rational is None or factor.rational == 0:
                    return None
                continue
            degree = _degree_bound(factor)
            if degree is None:
                return None
            total += degree
        if total > MAX_DEGREE:
            raise TooComplicated
        return total
    if isinstance(node, Power):
        exponent = _integer_exponent(node)
        if exponent is None or exponent < 0:
            return None
        degree = _degree_bound(node.base)
        if degree is None:
            return None
        if degree * exponent > MAX_DEGREE:
            raise TooComplicated
        return degree * exponent
    return None  # constants like pi and function calls are not polynomial coefficients


def _is_polynomial(node: Node) -> bool:
    return _degree_bound(node) is not None and not _has_decimal(node)


def _content(node: Node) -> Fraction:
    """The common numeric factor of a polynomial *as typed*: 2x-4 -> 2, x/2+1 -> 1/2.

    gcd of the terms' coefficients, product over factors; a fraction when coefficients are
    fractions. Primitive over the integers means content 1.
    """
    if node.rational is not None:
        return abs(node.rational)
    if isinstance(node, Neg):
        return _content(node.operand)
    if isinstance(node, Sum):
        numerator, denominator = 0, 1
        for _, term in node.terms:
            part = _content(term)
            numerator = math.gcd(numerator, part.numerator)
            denominator = math.lcm(denominator, part.denominator)
        return Fraction(numerator, denominator)
    if isinstance(node, Product):
        total = Fraction(1)
        for divisor, factor in node.factors:
            part = _content(factor)
            total = total / part if divisor and part else total * part
        return total
    if isinstance(node, Power):
        exponent = _integer_exponent(node)
        if exponent is not None and exponent >= 0:
            base = _content(node.base)
            if base == 1:
                return base
            if exponent > MAX_DEGREE:
                raise TooComplicated
            return base**exponent
    return Fraction(1)


# Exact polynomial algebra modulo a large prime, on our AST: a common factor of two
# polynomials survives reduction mod p and substituting random values for all variables but
# one, while a spurious one appears with probability about degree/p (~1e-16). Cheap and
# bounded (degree <= MAX_DEGREE), unlike SymPy's gcd on hostile input (seconds).
_PRIME = 2**61 - 1
_POINTS = random.Random(1729)  # noqa: S311 - reproducible sample values, not security
_POINT_VALUES = tuple(_POINTS.randrange(2, _PRIME - 1) for _ in range(64))


def _modular(node: Node, main: str, values: dict[str, int]) -> list[int] | None:
    """Coefficients (lowest first) of `node` mod _PRIME as a polynomial in `main`."""
    if node.rational is not None:
        value = node.rational
        if value.denominator % _PRIME == 0:
            return None
        return _trim([value.numerator * pow(value.denominator, -1, _PRIME) % _PRIME])
    if isinstance(node, Var):
        return [0, 1] if node.name == main else [values[node.name]]
    if isinstance(node, Neg):
        inner = _modular(node.operand, main, values)
        return None if inner is None else [(-c) % _PRIME for c in inner]
    if isinstance(node, Sum):
        total: list[int] = []
        for negative, term in node.terms:
            part = _modular(term, main, values)
            if part is None:
                return None
            total = _add(total, [(-c) % _PRIME for c in part] if negative else part)
        return _trim(total)
    if isinstance(node, Product):
        product = [1]
        for divisor, factor in node.factors:
            part = _modular(factor, main, values)
            if part is None or (divisor and (len(part) != 1 or part[0] == 0)):
                return None
            if divisor:
                part = [pow(part[0], -1, _PRIME)]
            product = _multiply(product, part)
        return product
    if isinstance(node, Power):
        exponent = _integer_exponent(node)
        base = _modular(node.base, main, values)
        if exponent is None or exponent < 0 or base is None:
            return None
        result = [1]
        for _ in range(exponent):
            result = _multiply(result, base)
        return result
    return None


def _trim(coefficients: list[int]) -> list[int]:
    while coefficients and coefficients[-1] == 0:
        coefficients.pop()
    return coefficients


def _add(left: list[int], right: list[int]) -> list[int]:
    size = max(len(left), len(right))
    return [
        ((left[i] if i < len(left) else 0) + (right[i] if i < len(right) else 0)) % _PRIME
        for i in range(size)
    ]


def _multiply(left: list[int], right: list[int]) -> list[int]:
    if not left or not right:
        return []
    out = [0] * (len(left) + len(right) - 1)
    for i, a in enumerate(left):
        if a:
            for j, b in enumerate(right):
                out[i + j] = (out[i + j] + a * b) % _PRIME
    return _trim(out)


def _gcd_degree(left: list[int], right: list[int]) -> int:
    """Degree of gcd(left, right) over GF(_PRIME) (-1 when both are zero)."""
    a, b = _trim(list(left)), _trim(list(right))
    while b:
        inverse = pow(b[-1], -1, _PRIME)
        while len(a) >= len(b) and a:
            factor = a[-1] * inverse % _PRIME
            shift = len(a) - len(b)
            for i, c in enumerate(b):
                a[shift + i] = (a[shift + i] - factor * c) % _PRIME
            a = _trim(a)
        a, b = b, a
    return len(a) - 1


def _share_a_factor(upper: list[Node], lower: list[Node]) -> bool:
    """Whether two products of polynomials have a common non-constant factor."""
    gens = sorted(set().union(*(free_symbols(part) for part in (*upper, *lower))))
    if len(gens) > len(_POINT_VALUES):
        raise TooComplicated
    for main in gens:
        values = dict(zip(gens, _POINT_VALUES, strict=False))
        product = _modular(Product(tuple((False, part) for part in upper)), main, values)
        other = _modular(Product(tuple((False, part) for part in lower)), main, values)
        if product is None or other is None:
            return False
        if _gcd_degree(product, other) > 0:
            return True
    return False


def _sympy_poly(node: Node) -> Any:
    """The SymPy Poly of a small polynomial (callers bound its degree first)."""
    import sympy  # deferred: only answer forms need SymPy

    gens = [sympy.Symbol(name) for name in sorted(free_symbols(node))]
    return sympy.Poly(to_sympy(node), *gens)


def _irreducible(node: Node, *, over_integers: bool = True) -> bool:
    """Whether a polynomial is irreducible: over the integers (primitive) or the rationals.

    Linear ones are; anything else is factored by SymPy, only when small (degree at most 8 in
    one variable, 6 in two, 4 in three; coefficients up to 128 bits): else TooComplicated.
    """
    degree = _degree_bound(node)
    if degree == 1 and (not over_integers or _content(node) == 1):
        return True
    if degree is None or degree > _IRREDUCIBILITY_DEGREES.get(len(free_symbols(node)), 0):
        raise TooComplicated
    poly = _sympy_poly(node)
    exact = poly.domain.is_ZZ or (poly.domain.is_QQ and not over_integers)
    if not exact or poly.total_degree() < 1:
        return False
    if poly.total_degree() == 1:
        return True
    largest = max(max(abs(int(c.p)), int(c.q)) for c in poly.coeffs())  # ZZ or QQ: exact
    if largest.bit_length() > IRREDUCIBILITY_BITS:
        raise TooComplicated
    coefficient, factors = poly.factor_list()
    unit = abs(coefficient) == 1 or not over_integers
    return bool(unit and len(factors) == 1 and factors[0][1] == 1)


# --------------------------------------------------------------------------------------------
# Factored
# --------------------------------------------------------------------------------------------


def _polynomial_factors(node: Node) -> tuple[list[Node], list[Node]] | None:
    """The non-constant factors above and below the bar, powers repeated: (x-1)^2 -> two.

    None when a factor is not a polynomial with rational coefficients.
    """
    above: list[Node] = []
    below: list[Node] = []
    for divisor, factor in _factors(node):
        if factor.rational is not None:
            continue
        count = 1
        if isinstance(factor, Power) and (_integer_exponent(factor) or 0) > 0:
            count, factor = _integer_exponent(factor) or 1, factor.base
        if not _has_variables(factor) or not _is_polynomial(factor):
            return None
        (below if divisor else above).extend([factor] * min(count, MAX_DEGREE + 1))
    return above, below


def _factored(node: Node, expected: Node | None) -> str | None:
    """Factored over the integers; see the module doc.

    When grading, `expected` (the author's answer, validated as factored and equivalent to
    `node`) has as many irreducible factors as the polynomial has: the learner's answer is
    fully factored exactly when it has as many non-constant factors, each primitive. So
    nothing is factored while grading. Without `expected` (validating the author's answer),
    each factor is tested for irreducibility, within bounds.
    """
    if not free_symbols(node):
        return None  # a number is as factored as it gets
    factors = _polynomial_factors(node)
    if factors is None:
        return FEEDBACK[FACTORED]
    above, below = factors
    if any(_content(factor) != 1 for factor in (*above, *below)):
        return NOT_FULLY_FACTORED  # a number left inside a bracket (2x-4), or x - 1/2
    product = len(above) + len(below) > 1
    if expected is not None:
        wanted = _polynomial_factors(expected)
        if wanted is None:
            return None
        if len(above) >= len(wanted[0]) and len(below) >= len(wanted[1]):
            return None
        return NOT_FULLY_FACTORED if product else FEEDBACK[FACTORED]
    if all(_irreducible(factor) for factor in (*above, *below)):
        return None
    return NOT_FULLY_FACTORED if product else FEEDBACK[FACTORED]


# --------------------------------------------------------------------------------------------
# Expanded
# --------------------------------------------------------------------------------------------


def _monomial_key(term: Node) -> tuple[tuple[str, str], ...]:
    """The non-numeric part of a term, as sorted (base, total exponent) pairs: 3x*x^2 -> x^3."""
    exponents: dict[str, Fraction] = {}
    others: list[tuple[str, str]] = []
    for divisor, factor in _factors(term, powers=False):
        if factor.rational is not None:
            continue
        base, exponent = factor, Fraction(1)
        if isinstance(factor, Power) and factor.exponent.rational is not None:
            base, exponent = factor.base, factor.exponent.rational
        elif isinstance(factor, Power):
            others.append((to_text(factor.base), ("/" if divisor else "") + to_text(factor)))
            continue
        text = to_text(base)
        exponents[text] = exponents.get(text, Fraction(0)) + (-exponent if divisor else exponent)
    pairs = [(text, str(exponent)) for text, exponent in exponents.items() if exponent != 0]
    return tuple(sorted(pairs + others))


def _unexpanded_product(node: Node) -> bool:
    """A bracketed sum (with variables) multiplied by something or raised to a power."""
    if isinstance(node, Product):
        factors = [factor for divisor, factor in _factors(node, powers=False) if not divisor]
        if len(factors) > 1 and any(
            isinstance(_unsigned(factor), Sum) and _has_variables(factor) for factor in factors
        ):
            return True
    if isinstance(node, Power):
        exponent = _integer_exponent(node)
        base = _unsigned(node.base)
        if (
            exponent is not None
            and exponent >= 2
            and isinstance(base, Sum | Product)
            and _has_variables(base)
        ):
            return True
    return False


def _unexpanded_minus(node: Node) -> bool:
    """A minus sign not distributed over a bracket: -(x+1), 2-(x+1)."""
    if isinstance(node, Neg):
        inner = _unsigned(node.operand)
        return isinstance(inner, Sum) and _has_variables(inner)
    if isinstance(node, Sum):
        return any(
            negative and isinstance(_unsigned(term), Sum) and _has_variables(term)
            for negative, term in node.terms
        )
    return False


def _unsigned(node: Node) -> Node:
    while isinstance(node, Neg):
        node = node.operand
    return node


def _numerators(node: Node) -> Iterator[Node]:
    """Every subtree outside denominators (expanded form does not look below a fraction bar)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Product):
            stack.extend(factor for divisor, factor in current.factors if not divisor)
        elif isinstance(current, Power):
            exponent = _integer_exponent(current)
            if exponent is None or exponent > 0:
                stack.append(current.base)
        else:
            stack.extend(_children(current))


def _is_expanded(node: Node) -> bool:
    if any(_unexpanded_product(part) or _unexpanded_minus(part) for part in _numerators(node)):
        return False
    keys = [_monomial_key(term) for _, term in _terms(node)]
    return len(keys) == len(set(keys))


# --------------------------------------------------------------------------------------------
# Lowest terms
# --------------------------------------------------------------------------------------------


def _fraction_sides(node: Node) -> tuple[list[Node], list[Node]]:
    numerator: list[Node] = []
    denominator: list[Node] = []
    top = _unsigned(node)
    pieces = top.factors if isinstance(top, Product) else ((False, top),)
    for inverted, piece in pieces:
        for divisor, factor in _factors(piece, inverted):
            (denominator if divisor else numerator).append(factor)
    return numerator, denominator


def _product_of(values: Iterable[Fraction]) -> Fraction:
    total = Fraction(1)
    for value in values:
        total *= value
    return total


def _fraction_in_lowest_terms(node: Product) -> bool:
    numerator, denominator = _fraction_sides(node)
    if not denominator or any(_has_decimal(part) for part in (*numerator, *denominator)):
        return True
    top = _product_of(part.rational for part in numerator if part.rational is not None)
    bottom = _product_of(part.rational for part in denominator if part.rational is not None)
    symbolic_top = [part for part in numerator if part.rational is None]
    symbolic_bottom = [part for part in denominator if part.rational is None]
    if not symbolic_top and not symbolic_bottom:
        if top.denominator == 1 and bottom.denominator == 1:
            return math.gcd(top.numerator, bottom.numerator) == 1
        return True
    texts = {to_text(_power_base(part)) for part in symbolic_top}
    if any(to_text(_power_base(part)) in texts for part in symbolic_bottom):
        return False  # the same factor above and below the bar: (x+1)^2/(x+1)
    try:
        if not all(_is_polynomial(part) for part in (*numerator, *denominator)):
            return True  # not a polynomial fraction: only repeated factors are judged
        upper = _product_of(_content(part) for part in numerator)
        lower = _product_of(_content(part) for part in denominator)
    except TooComplicated:
        return True  # degree above MAX_DEGREE ((x-1)^6000/6000): only repeated factors
    integral = upper.denominator == lower.denominator == 1
    if integral and math.gcd(upper.numerator, lower.numerator) > 1:
        return False  # (2x+2)/4, (2x+2)/(4x)
    if not symbolic_top or not symbolic_bottom:
        return True
    return not _share_a_factor(symbolic_top, symbolic_bottom)


def _power_base(node: Node) -> Node:
    """x+1 for (x+1)^3; the node itself when it is not a whole positive power."""
    if isinstance(node, Power) and (_integer_exponent(node) or 0) > 0:
        return node.base
    return node


def _in_lowest_terms(node: Node) -> bool:
    return all(
        _fraction_in_lowest_terms(part)
        for part in _walk(node)
        if isinstance(part, Product) and any(divisor for divisor, _ in part.factors)
    )


# --------------------------------------------------------------------------------------------
# Simplified
# --------------------------------------------------------------------------------------------


def _is_plain_number(node: Node) -> bool:
    """`3`, `-3`, `0.5`, `3/4`, `-3/4`: a number as it is normally written."""
    if isinstance(node, Num):
        return True
    if isinstance(node, Neg):
        return isinstance(node.operand, Num) or (
            isinstance(node.operand, Product) and _is_plain_fraction(node.operand)
        )
    return isinstance(node, Product) and _is_plain_fraction(node)


def _is_plain_fraction(node: Product) -> bool:
    if len(node.factors) != 2:
        return False
    (top_divides, top), (bottom_divides, bottom) = node.factors
    top = top.operand if isinstance(top, Neg) else top
    if top_divides or not bottom_divides or not isinstance(top, Num):
        return False
    if not isinstance(bottom, Num) or "." in top.text or "." in bottom.text:
        return False
    numerator, denominator = int(top.value), int(bottom.value)
    return denominator > 1 and math.gcd(numerator, denominator) == 1


def _integer_root(n: int, root: int) -> int:
    """floor(n ** (1/root)) exactly, for n >= 0 (Newton's method on integers)."""
    if n < 2:
        return n
    x = 1 << -(-n.bit_length() // root)  # above the root
    while True:
        y = ((root - 1) * x + n // x ** (root - 1)) // root
        if y >= x:
            return x
        x = y


def _is_perfect_power(value: Fraction, root: int) -> bool:
    if root > 64:
        return False  # 2^(1/1000): not a simplification anyone expects

    def exact_root(n: int) -> bool:
        if n < 0:
            return root % 2 == 1 and exact_root(-n)
        return bool(_integer_root(n, root) ** root == n)

    return exact_root(value.numerator) and exact_root(value.denominator)


def _has_square_factor(n: int) -> bool:
    if n < 4 or n > _MAX_SURD:
        return False
    k = 2
    while k * k <= n:
        if n % (k * k) == 0:
            return True
        k += 1
    return False


_ZERO_AT_ZERO = frozenset({"sin", "tan", "sinh", "tanh", "asin", "atan", "asinh", "atanh"})


def _unevaluated_call(node: Call) -> bool:
    argument = node.args[0]
    value = argument.rational
    if node.name in ("ln", "log") and len(node.args) == 1:
        return value == 1 or (isinstance(argument, Const) and argument.name == "e")
    if value is None:
        return False
    if node.name == "sqrt":
        return (
            value < 0
            or _is_perfect_power(value, 2)
            or (value.denominator == 1 and _has_square_factor(value.numerator))
        )
    if node.name == "cbrt":
        return _is_perfect_power(value, 3)
    if node.name == "abs":
        return True
    if node.name == "exp" or node.name in ("cos", "cosh"):
        return value == 0
    return node.name in _ZERO_AT_ZERO and value == 0


def _unevaluated_power(node: Power) -> bool:
    exponent = node.exponent.rational
    if exponent in (0, 1):
        return True
    if node.base.rational in (0, 1):
        return True
    if exponent is not None and isinstance(_unsigned(node.base), Power):
        inner = _unsigned(node.base)
        assert isinstance(inner, Power)
        if inner.exponent.rational is not None:
            return True  # (x^2)^3
    base = node.base.rational
    if base is not None and exponent is not None and exponent.denominator != 1:
        return _is_perfect_power(base, exponent.denominator)  # 4^(1/2)
    return False


def _unevaluated_product(node: Product) -> bool:
    factors = _factors(node, powers=False)
    numbers_above = [factor for divisor, factor in factors if not divisor and factor.rational]
    numbers_below = [factor for divisor, factor in factors if divisor and factor.rational]
    if any(factor.rational == 0 for _, factor in factors):
        return True
    if len(numbers_above) > 1 or len(numbers_below) > 1:
        return True  # 2*3x, x/2/3
    if numbers_below and numbers_below[0].rational == 1:
        return True  # x/1
    symbolic_above = [f for divisor, f in factors if not divisor and f.rational is None]
    one = numbers_above and abs(numbers_above[0].rational or 0) == 1
    if one and symbolic_above and not numbers_below:
        return True  # 1*x, but 1/x is fine
    if any(not _is_plain_number(part) for part in (*numbers_above, *numbers_below)):
        return True
    bases: list[str] = []
    for _, factor in factors:
        if factor.rational is not None:
            continue
        base = factor.base if isinstance(factor, Power) else factor
        bases.append(to_text(base))
    return len(bases) != len(set(bases))  # x*x, x/x, x*x^2


def _unevaluated_sum(node: Sum) -> bool:
    terms = _terms(node)
    if any(term.rational == 0 for _, term in terms):
        return True  # x + 0
    if any(isinstance(term, Neg) for _, term in node.terms[1:]):
        return True  # x - -y, x + -y (a leading minus, -3x + 2, is fine)
    keys = [_monomial_key(term) for _, term in terms]
    return len(keys) != len(set(keys))  # 2x + 3x, x + 2 + 3


def _is_simplified(node: Node) -> bool:
    if not _in_lowest_terms(node):
        return False
    stack = [node]
    while stack:
        current = stack.pop()
        if current.rational is not None:
            if not _is_plain_number(current):
                return False  # 2+3, 2*3, 4/2, 2^3, 3!, --2
            continue
        if isinstance(current, Neg) and isinstance(current.operand, Neg):
            return False
        if isinstance(current, Sum) and _unevaluated_sum(current):
            return False
        if isinstance(current, Product) and _unevaluated_product(current):
            return False
        if isinstance(current, Power) and _unevaluated_power(current):
            return False
        if isinstance(current, Call) and _unevaluated_call(current):
            return False
        stack.extend(_children(current))
    return True


# --------------------------------------------------------------------------------------------
# Partial fractions
# --------------------------------------------------------------------------------------------


def _is_partial_fractions(node: Node) -> bool:
    if not free_symbols(node):
        return True
    seen: set[tuple[str, int]] = set()
    for _, term in _terms(node):
        numerator, denominator = _fraction_sides(term)
        symbolic_below = [part for part in denominator if part.rational is None]
        # Decimals are allowed (0.5/(x-1)): only the shape is judged here.
        if not symbolic_below:
            if _degree_bound(term) is None:
                return False
            continue
        # Below the bar: one polynomial p, as p, p^k or p*p ... (written the same way).
        bases = [_power_base(part) for part in symbolic_below]
        if any(_degree_bound(part) is None for part in (*numerator, *bases)):
            return False
        multiplicity = sum(
            (_integer_exponent(part) or 1) if isinstance(part, Power) else 1
            for part in symbolic_below
        )
        if len({to_text(base) for base in bases}) != 1:
            return False
        base = bases[0]
        if not _irreducible(base, over_integers=False):
            return False
        top_degree = _degree_bound(Product(tuple((False, part) for part in numerator)))
        base_degree = 1 if _degree_bound(base) == 1 else _sympy_poly(base).total_degree()
        if top_degree is not None and top_degree >= base_degree:
            if top_degree > IRREDUCIBILITY_DEGREE:
                raise TooComplicated
            exact = _sympy_poly(Product(tuple((False, part) for part in numerator)))
            if not exact.is_zero and exact.total_degree() >= base_degree:
                return False  # not proper
        key = (to_text(base), multiplicity)
        if key in seen:
            return False  # two fractions over the same power: not collected
        seen.add(key)
    return True

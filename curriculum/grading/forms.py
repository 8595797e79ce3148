"""Answer forms: is an expression, *as the learner typed it*, factored, expanded, simplified...?

Each check inspects our own AST (`mathparse`), never a simplified copy: `x^2-5x+6` and
`(x-2)(x-3)` are the same function but only one of them is factored. Checks run after the
answer was found equivalent, so they only decide the form, never the value.

Polynomial questions (irreducible? common factor?) go to SymPy's polynomial algebra on
objects built with `display.to_sympy` (constructors only, never string parsing). Before any
SymPy call the size of the polynomial is bounded from the AST (degree at most
`MAX_DEGREE`, a bounded number of possible terms), so a hostile answer such as
`(x+y+z+1)^60` is refused as too complicated instead of being expanded.

Documented choices:
- "factored" is over the integers: every non-constant factor must be a primitive polynomial
  with integer coefficients that is irreducible over the integers (`3-x` is fine, `2x-4` is
  not: the 2 must come out, so `(2x-4)(x-3)/2` is *not fully factored* while
  `2(x-2)(x-3)/2` is). Rational constant factors are allowed anywhere, repeated factors may be
  written as a power or twice (`(x-1)^2`, `(x-1)(x-1)`), and fractions may have factored
  denominators. A sum that is irreducible (`x^2+1`) is already factored.
- "expanded": a sum of monomials (numbers times powers of variables or of other atoms such
  as `sin(x)`), no bracketed sum multiplied or raised to a power (`x(x+1)`, `(x+1)^2`,
  `(2x)^2`), no two terms with the same monomial (`x + x`). Denominators are not inspected.
- "lowest_terms": in every fraction (a product with divisors) numerator and denominator have
  no common factor: no common integer (`6/8`, `(2x+2)/4`), no common polynomial factor
  (`(x^2-1)/(x-1)`), no factor written on both sides. Fractions with decimals are not judged.
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
# The most terms a polynomial of the bounded degree in its variables could have, C(n+d, n):
# beyond this, expanding it could take seconds.
MAX_TERMS = 2000
_MAX_SURD = 10**8  # sqrt(n) is checked for square factors up to this n


class TooComplicated(Exception):
    """The answer is too large to analyse within our time budget."""


def form_failure(name: str, node: Node) -> str | None:
    """None when `node` (as typed) is in form `name`, else the learner-facing feedback.

    Raises TooComplicated when deciding would take too long (feedback: TOO_COMPLICATED).
    """
    if name == FACTORED:
        return _factored(node)
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


def first_failure(names: Iterable[str], node: Node) -> tuple[str, str] | None:
    """(form, feedback) for the first form in `names` that `node` is not in, or None."""
    for name in names:
        try:
            feedback = form_failure(name, node)
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
    """An upper bound of the total degree if `node` is a polynomial with rational coefficients."""
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


def _polynomial(nodes: list[Node], gens: list[str]) -> Any | None:
    """The SymPy Poly of the product of `nodes` over QQ in `gens`, or None if not one."""
    import sympy  # deferred: only answer forms need SymPy

    degree = 0
    for node in nodes:
        bound = _degree_bound(node)
        if bound is None:
            return None
        degree += bound
    if degree > MAX_DEGREE or math.comb(len(gens) + degree, max(len(gens), 1)) > MAX_TERMS:
        raise TooComplicated
    if any(_has_decimal(node) for node in nodes):
        return None  # decimals are not exact coefficients
    symbols = [sympy.Symbol(name) for name in gens]
    expression = sympy.Mul(*(to_sympy(node) for node in nodes)) if nodes else sympy.Integer(1)
    try:
        poly = sympy.Poly(expression, *symbols) if symbols else None
    except sympy.PolynomialError:
        return None
    if poly is None:
        return None
    if not (poly.domain.is_ZZ or poly.domain.is_QQ):
        return None
    return poly


def _is_integer_poly(poly: Any) -> bool:
    return bool(poly.domain.is_ZZ)


def _irreducible(poly: Any) -> bool:
    """Primitive over the integers and irreducible (3 - x yes, 2x - 4 no, x^2 - 1 no)."""
    if not _is_integer_poly(poly) or poly.total_degree() < 1:
        return False
    coefficient, factors = poly.factor_list()
    return abs(coefficient) == 1 and len(factors) == 1 and factors[0][1] == 1


# --------------------------------------------------------------------------------------------
# Factored
# --------------------------------------------------------------------------------------------


def _factored(node: Node) -> str | None:
    gens = sorted(free_symbols(node))
    if not gens:
        return None  # a number is as factored as it gets
    top = node
    while isinstance(top, Neg):
        top = top.operand
    if isinstance(top, Sum):
        poly = _polynomial([top], gens)
        return None if poly is not None and _irreducible(poly) else FEEDBACK[FACTORED]
    for _, factor in _factors(node):
        if factor.rational is not None:
            continue  # a rational constant factor is allowed
        if isinstance(factor, Power) and (_integer_exponent(factor) or 0) > 0:
            factor = factor.base
        poly = _polynomial([factor], gens) if _has_variables(factor) else None
        if poly is None:
            return FEEDBACK[FACTORED]
        if not _irreducible(poly):
            return NOT_FULLY_FACTORED
    return None


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
    if any(_unexpanded_product(part) for part in _numerators(node)):
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
    texts = {to_text(part) for part in symbolic_top}
    if any(to_text(part) in texts for part in symbolic_bottom):
        return False  # the same factor above and below the bar
    gens = sorted(set().union(*(free_symbols(part) for part in (*numerator, *denominator))))
    if not gens:
        return True
    upper = _polynomial(numerator, gens)
    lower = _polynomial(denominator, gens)
    if upper is None or lower is None:
        return True  # not a polynomial fraction: only repeated factors are judged
    common = upper.gcd(lower)
    if common.total_degree() > 0:
        return False
    if _is_integer_poly(upper) and _is_integer_poly(lower):
        return bool(abs(common.LC()) == 1)
    return True


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


def _is_perfect_power(value: Fraction, root: int) -> bool:
    def exact_root(n: int) -> bool:
        if n < 0:
            return root % 2 == 1 and exact_root(-n)
        guess = round(n ** (1 / root)) if n.bit_length() < 1000 else None
        if guess is None:
            return False
        return any((guess + step) ** root == n for step in (-1, 0, 1))

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
    for _, term in node.terms:
        if isinstance(term, Neg):
            return True  # x - -y, x + -y
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
    gens = sorted(free_symbols(node))
    if not gens:
        return True
    seen: set[tuple[Any, int]] = set()
    for _, term in _terms(node):
        numerator, denominator = _fraction_sides(term)
        symbolic_below = [part for part in denominator if part.rational is None]
        if not symbolic_below:
            if _polynomial([term], gens) is None:
                return False
            continue
        upper = _polynomial(numerator, gens)
        lower = _polynomial(symbolic_below, gens)
        if upper is None or lower is None:
            return False
        _, factors = lower.factor_list()
        if len(factors) != 1:
            return False  # more than one irreducible factor below the bar
        base, multiplicity = factors[0]
        if not upper.is_zero and upper.total_degree() >= base.total_degree():
            return False  # not proper
        key = (base.as_expr(), multiplicity)
        if key in seen:
            return False  # two fractions over the same power: not collected
        seen.add(key)
    return True

"""The bridge between SymPy objects and the grader's own AST, and the equivalence checks.

SymPy objects enter only from our AST (`curriculum.grading.display.to_sympy`); they leave as
text in the grader's syntax (`text_of`), which `mathparse.parse` reads back, so every step the
tutor shows is checked by the grader's equivalence engine, not by SymPy's own opinion.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import sympy

from curriculum.grading.calculus import DeadlineExceeded, NotDifferentiable, derivative
from curriculum.grading.display import to_latex, to_sympy, to_text
from curriculum.grading.equivalence import Outcome, compare
from curriculum.grading.mathparse import MathSyntaxError, Node, parse

MAX_TEXT_LENGTH = 400  # the tutor refuses to work on anything longer: no steps available

_FUNCTION_NAMES = {
    sympy.sin: "sin",
    sympy.cos: "cos",
    sympy.tan: "tan",
    sympy.sec: "sec",
    sympy.csc: "csc",
    sympy.cot: "cot",
    sympy.asin: "asin",
    sympy.acos: "acos",
    sympy.atan: "atan",
    sympy.sinh: "sinh",
    sympy.cosh: "cosh",
    sympy.tanh: "tanh",
    sympy.log: "ln",
}


class NotRepresentable(ValueError):
    """A SymPy object with no spelling in the grader's syntax."""


def sympy_of(text: str, variables: Iterable[str] | None = None) -> Any:
    """An evaluated SymPy object for `text`, built from our AST (never SymPy's string parser)."""
    if len(text) > MAX_TEXT_LENGTH:
        raise NotRepresentable("too long")
    return to_sympy(parse(text, variables).node).doit()


def node_of(text: str) -> Node:
    return parse(text).node


def _wrap(text: str) -> str:
    return f"({text})"


def _atom(expr: Any) -> str:
    """`expr` as an operand that binds tighter than a product."""
    text = text_of(expr)
    if expr.is_Symbol or expr.is_Function or (expr.is_Integer and expr >= 0):
        return text
    if expr in (sympy.E, sympy.pi):
        return text
    return _wrap(text)


def text_of(expr: Any) -> str:
    """`expr` in the grader's syntax (`x^2`, `e^(3x)`, `ln(x)`, `|x|`), which it parses back."""
    if expr is sympy.S.Infinity:
        return "oo"
    if expr is sympy.S.NegativeInfinity:
        return "-oo"
    if expr is sympy.E:
        return "e"
    if expr is sympy.pi:
        return "pi"
    if expr.is_Integer:
        return str(int(expr))
    if expr.is_Rational:
        return f"{int(expr.p)}/{int(expr.q)}"
    if expr.is_Symbol:
        return str(expr.name)
    if expr.is_Add:
        terms = list(expr.as_ordered_terms())
        pieces = [text_of(terms[0])]
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                pieces.append(" - " + _product_operand(-term))
            else:
                pieces.append(" + " + _product_operand(term))
        return "".join(pieces)
    if expr.is_Mul:
        if expr.could_extract_minus_sign():
            return "-" + _product_operand(-expr)
        numerator, denominator = sympy.fraction(expr)
        top = _factors(numerator)
        if denominator == 1:
            return top
        above = _wrap(top) if numerator.is_Add or numerator.is_Mul else top
        return f"{above}/{_atom_product(denominator)}"
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent == sympy.Rational(1, 2):
            return f"sqrt({text_of(base)})"
        if exponent.is_negative:
            return f"1/{_atom_product(sympy.Pow(base, -exponent))}"
        return f"{_atom(base)}^{_atom(exponent)}"
    if isinstance(expr, sympy.exp):
        return f"e^{_atom(expr.args[0])}"
    if isinstance(expr, sympy.Abs):
        return f"|{text_of(expr.args[0])}|"
    name = _FUNCTION_NAMES.get(type(expr))
    if name is not None and len(expr.args) == 1:
        return f"{name}({text_of(expr.args[0])})"
    raise NotRepresentable(str(type(expr)))


def _product_operand(expr: Any) -> str:
    text = text_of(expr)
    return _wrap(text) if expr.is_Add else text


def _atom_product(expr: Any) -> str:
    text = text_of(expr)
    if expr.is_Add or expr.is_Mul or (expr.is_Rational and not expr.is_Integer):
        return _wrap(text)
    return text


def _factors(expr: Any) -> str:
    if not expr.is_Mul:
        return _product_operand(expr)
    coefficient, rest = expr.as_coeff_Mul()
    factors = list(sympy.Mul.make_args(rest))
    pieces = [_atom(factor) if not factor.is_Pow else _power_factor(factor) for factor in factors]
    if coefficient != 1:
        pieces.insert(0, _atom(coefficient))
    return "*".join(pieces)


def _power_factor(expr: Any) -> str:
    text = text_of(expr)
    return _wrap(text) if text.startswith("1/") else text


def latex_of(expr: Any) -> str:
    """KaTeX for `expr`, through the grader's renderer (so steps look like the rest of the site)."""
    return to_latex(node_of(text_of(expr)))


def spoken_of(expr: Any) -> str:
    return to_text(node_of(text_of(expr)))


def equivalent_texts(first: str, second: str) -> bool:
    """Whether two expressions in the grader's syntax are the same function (the grader says so)."""
    try:
        a = parse(first)
        b = parse(second)
    except MathSyntaxError:
        return False
    return compare(a.node, b.node, a.symbols, b.symbols) is Outcome.EQUIVALENT


def equivalent(first: Any, second: Any) -> bool:
    """The grader's verdict on two SymPy objects (each printed and parsed back)."""
    try:
        return equivalent_texts(text_of(first), text_of(second))
    except NotRepresentable:
        return False


def derivative_matches(function: Any, claimed: Any, variable: str) -> bool:
    """Whether `claimed` is d/d`variable` of `function`, by the grader's own differentiator."""
    try:
        node = node_of(text_of(function))
        expected = derivative(node, variable)
        given = parse(text_of(claimed))
    except (NotRepresentable, MathSyntaxError, NotDifferentiable, DeadlineExceeded):
        return False
    names = given.symbols | frozenset([variable])
    return compare(expected, given.node, names, given.symbols) is Outcome.EQUIVALENT


def as_fraction(expr: Any) -> Fraction | None:
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    return None


def size_of(expr: Any) -> int:
    return int(sympy.count_ops(expr, visual=False)) + len(expr.free_symbols)

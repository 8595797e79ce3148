"""Showing parsed expressions: LaTeX, plain text, SymPy objects, and the preview endpoint.

LaTeX comes from our own printer over our AST rather than from `sympy.latex`: SymPy's printer
orders terms and checks signs by evaluating constant subterms numerically, and a 160-character
learner input of constants took over three minutes to print in our fuzzing. Our printer is a
single pass over a depth-limited tree, shows the expression as typed (no reordering or
simplification) and follows SymPy's LaTeX conventions (`2 x`, `x^{2}`, `\\sqrt{x}`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from curriculum.grading.mathparse import (
    GREEK_BY_NAME,
    Call,
    Const,
    MathSyntaxError,
    Neg,
    Node,
    Num,
    Power,
    Product,
    Sum,
    Var,
    parse,
)

# --------------------------------------------------------------------------------------------
# LaTeX
# --------------------------------------------------------------------------------------------

_LATEX_FUNCTIONS = {
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "sec": r"\sec",
    "csc": r"\csc",
    "cot": r"\cot",
    "asin": r"\arcsin",
    "acos": r"\arccos",
    "atan": r"\arctan",
    "asec": r"\operatorname{arcsec}",
    "acsc": r"\operatorname{arccsc}",
    "acot": r"\operatorname{arccot}",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "tanh": r"\tanh",
    "coth": r"\coth",
    "sech": r"\operatorname{sech}",
    "csch": r"\operatorname{csch}",
    "asinh": r"\operatorname{arsinh}",
    "acosh": r"\operatorname{arcosh}",
    "atanh": r"\operatorname{artanh}",
    "ln": r"\ln",
    "log": r"\ln",  # log is the natural logarithm here; showing \ln makes that visible
}
_LATEX_CONSTANTS = {"pi": r"\pi", "e": "e", "oo": r"\infty"}

# Binding strength, loosest first; atoms (numbers, names, function calls) are strongest.
_SUM, _PRODUCT, _NEG, _POWER, _POSTFIX, _ATOM = range(1, 7)


def _strength(node: Node) -> int:
    if isinstance(node, Sum):
        return _SUM
    if isinstance(node, Product):
        return _PRODUCT
    if isinstance(node, Neg):
        return _NEG
    if isinstance(node, Power):
        return _POWER
    if isinstance(node, Call) and node.name == "factorial":
        return _POSTFIX
    return _ATOM


def _brackets(latex: str) -> str:
    return rf"\left({latex}\right)"


def _wrapped(node: Node, minimum: int) -> str:
    latex = to_latex(node)
    return _brackets(latex) if _strength(node) < minimum else latex


def _variable_latex(name: str) -> str:
    if name in GREEK_BY_NAME:
        return "o" if name == "omicron" else "\\" + name
    return name if len(name) == 1 else rf"\mathit{{{name}}}"


def _number_latex(text: str) -> str:
    if text.startswith("."):
        text = "0" + text
    return text[:-1] if text.endswith(".") else text


def _factors_latex(factors: list[Node]) -> str:
    pieces: list[str] = []
    for index, factor in enumerate(factors):
        if index == 0:
            # A leading minus needs no brackets: -2 x.
            piece = to_latex(factor) if isinstance(factor, Neg) else _wrapped(factor, _NEG)
        else:
            piece = _wrapped(factor, _POWER)
        if pieces and (piece[:1].isdigit() or piece.startswith("-")):
            pieces.append(r"\cdot")  # 2 \cdot 3 rather than a misleading 2 3
        pieces.append(piece)
    return " ".join(pieces)


def _product_latex(node: Product) -> str:
    numerator = [factor for divisor, factor in node.factors if not divisor]
    denominator = [factor for divisor, factor in node.factors if divisor]
    if not denominator:
        return _factors_latex(numerator)
    sign = ""
    if isinstance(numerator[0], Neg):
        sign, numerator = "-", [numerator[0].operand, *numerator[1:]]  # -\frac{1}{2}
    if len(numerator) > 1 and isinstance(numerator[0], Num) and numerator[0].value == 1:
        numerator = numerator[1:]  # 1/2x is shown as x/2, which is what it means
    top = to_latex(numerator[0]) if len(numerator) == 1 else _factors_latex(numerator)
    bottom = to_latex(denominator[0]) if len(denominator) == 1 else _factors_latex(denominator)
    return rf"{sign}\frac{{{top}}}{{{bottom}}}"


def _power_latex(node: Power) -> str:
    base, exponent = node.base, node.exponent
    exponent_latex = to_latex(exponent)
    if (
        isinstance(base, Call)
        and base.name in _LATEX_FUNCTIONS
        and len(base.args) == 1
        and isinstance(exponent, Num)
        and exponent.value.denominator == 1
    ):
        # sin^2 x is written \sin^{2}\left(x\right), the way textbooks do.
        argument = _brackets(to_latex(base.args[0]))
        return f"{_LATEX_FUNCTIONS[base.name]}^{{{exponent_latex}}}{argument}"
    simple = isinstance(base, Num | Var | Const) or (isinstance(base, Call) and base.name == "abs")
    base_latex = to_latex(base) if simple else _brackets(to_latex(base))
    return f"{base_latex}^{{{exponent_latex}}}"


def _call_latex(node: Call) -> str:
    argument = to_latex(node.args[0])
    if node.name == "factorial":
        operand = node.args[0]
        simple = isinstance(operand, Num | Var | Const)
        return (argument if simple else _brackets(argument)) + "!"
    if node.name == "abs":
        return rf"\left|{argument}\right|"
    if node.name == "sqrt":
        return rf"\sqrt{{{argument}}}"
    if node.name == "cbrt":
        return rf"\sqrt[3]{{{argument}}}"
    if node.name == "exp":
        return f"e^{{{argument}}}"
    if node.name == "log" and len(node.args) == 2:
        return rf"\log_{{{to_latex(node.args[1])}}}{_brackets(argument)}"
    return _LATEX_FUNCTIONS[node.name] + _brackets(argument)


def to_latex(node: Node) -> str:
    """LaTeX for `node`, as typed: no reordering, no simplification."""
    if isinstance(node, Num):
        return _number_latex(node.text)
    if isinstance(node, Var):
        return _variable_latex(node.name)
    if isinstance(node, Const):
        return _LATEX_CONSTANTS[node.name]
    if isinstance(node, Neg):
        operand = node.operand
        inner = to_latex(operand)
        if _strength(operand) < _PRODUCT or isinstance(operand, Neg):
            inner = _brackets(inner)
        return "-" + inner
    if isinstance(node, Sum):
        pieces = [_wrapped(node.terms[0][1], _SUM)]
        for negative, term in node.terms[1:]:
            latex = _wrapped(term, _PRODUCT)
            if isinstance(term, Neg):
                latex = _brackets(latex)
            pieces.append(("- " if negative else "+ ") + latex)
        return " ".join(pieces)
    if isinstance(node, Product):
        return _product_latex(node)
    if isinstance(node, Power):
        return _power_latex(node)
    if isinstance(node, Call):
        return _call_latex(node)
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# Plain text (round-trips through the parser)
# --------------------------------------------------------------------------------------------


def to_text(node: Node) -> str:
    """A plain-text rendering that the parser reads back as the same expression."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Var):
        return GREEK_BY_NAME.get(node.name, node.name)
    if isinstance(node, Const):
        return node.name
    if isinstance(node, Neg):
        return "-" + _text_operand(node.operand, _NEG)
    if isinstance(node, Sum):
        pieces = [_text_operand(node.terms[0][1], _SUM)]
        for negative, term in node.terms[1:]:
            pieces.append(("- " if negative else "+ ") + _text_operand(term, _PRODUCT))
        return " ".join(pieces)
    if isinstance(node, Product):
        out = _text_operand(node.factors[0][1], _NEG)
        for divisor, factor in node.factors[1:]:
            out += (" / " if divisor else " * ") + _text_operand(factor, _NEG)
        return out
    if isinstance(node, Power):
        return f"{_text_operand(node.base, _POSTFIX)}^{_text_operand(node.exponent, _POWER)}"
    if isinstance(node, Call):
        if node.name == "factorial":
            return _text_operand(node.args[0], _ATOM) + "!"
        return f"{node.name}({', '.join(to_text(arg) for arg in node.args)})"
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover


def _text_operand(node: Node, minimum: int) -> str:
    text = to_text(node)
    return f"({text})" if _strength(node) < minimum else text


# --------------------------------------------------------------------------------------------
# SymPy objects (constructors only, unevaluated)
# --------------------------------------------------------------------------------------------


def to_sympy(node: Node) -> Any:
    """An unevaluated SymPy expression mirroring the AST, built with constructors only.

    For trusted work (authoring tools, tests). Don't print or simplify one built from
    learner input inside a request: SymPy may evaluate constant subterms at great length.
    """
    import sympy  # deferred: grading itself never needs SymPy, and importing it is slow

    functions: dict[str, Callable[..., Any]] = {
        "sin": sympy.sin,
        "cos": sympy.cos,
        "tan": sympy.tan,
        "sec": sympy.sec,
        "csc": sympy.csc,
        "cot": sympy.cot,
        "asin": sympy.asin,
        "acos": sympy.acos,
        "atan": sympy.atan,
        "asec": sympy.asec,
        "acsc": sympy.acsc,
        "acot": sympy.acot,
        "sinh": sympy.sinh,
        "cosh": sympy.cosh,
        "tanh": sympy.tanh,
        "sech": sympy.sech,
        "csch": sympy.csch,
        "coth": sympy.coth,
        "asinh": sympy.asinh,
        "acosh": sympy.acosh,
        "atanh": sympy.atanh,
        "ln": sympy.log,
        "log": sympy.log,
        "exp": sympy.exp,
        "sqrt": sympy.sqrt,
        "cbrt": sympy.cbrt,
        "abs": sympy.Abs,
        "factorial": sympy.factorial,
    }
    constants = {"pi": sympy.pi, "e": sympy.E, "oo": sympy.oo}

    def build(current: Node) -> Any:
        if isinstance(current, Num):
            if "." in current.text:
                return sympy.Float(_number_latex(current.text), max(15, len(current.text)))
            return sympy.Integer(int(current.value))
        if isinstance(current, Var):
            return sympy.Symbol(current.name)
        if isinstance(current, Const):
            return constants[current.name]
        if isinstance(current, Neg):
            return negated(current.operand)
        if isinstance(current, Sum):
            return sympy.Add(
                *(negated(term) if negative else build(term) for negative, term in current.terms),
                evaluate=False,
            )
        if isinstance(current, Product):
            return sympy.Mul(
                *(
                    sympy.Pow(build(factor), -1, evaluate=False) if divisor else build(factor)
                    for divisor, factor in current.factors
                ),
                evaluate=False,
            )
        if isinstance(current, Power):
            return sympy.Pow(build(current.base), build(current.exponent), evaluate=False)
        if isinstance(current, Call):
            args = [build(arg) for arg in current.args]
            if current.name == "log" and len(args) == 2:
                return sympy.Mul(
                    sympy.log(args[0], evaluate=False),
                    sympy.Pow(sympy.log(args[1], evaluate=False), -1, evaluate=False),
                    evaluate=False,
                )
            return functions[current.name](args[0], evaluate=False)
        raise TypeError(f"unknown node {current!r}")  # pragma: no cover

    def negated(current: Node) -> Any:
        if isinstance(current, Num) and "." not in current.text:
            return sympy.Integer(-int(current.value))
        return sympy.Mul(sympy.S.NegativeOne, build(current), evaluate=False)

    return build(node)


# --------------------------------------------------------------------------------------------
# Preview
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviewResult:
    """What `POST /api/v1/math/preview` returns: LaTeX, or an error and where it happened."""

    latex: str = ""
    error: str = ""
    position: int | None = None  # 0-based offset into the raw text, set with `error`

    @property
    def ok(self) -> bool:
        return not self.error


def preview(raw: str, variables: Iterable[str] | None = None) -> PreviewResult:
    """Show how `raw` is read, as LaTeX, or why and where it cannot be read. Never raises."""
    if not isinstance(raw, str):
        return PreviewResult(error="Type an expression", position=0)
    try:
        return PreviewResult(latex=to_latex(parse(raw, variables).node))
    except MathSyntaxError as exc:
        return PreviewResult(error=exc.message, position=min(exc.position, len(raw)))
    except Exception:  # noqa: BLE001 - a preview must never turn into a server error
        return PreviewResult(error="This expression could not be read", position=0)

"""Misconceptions: rebuild the learner's wrong answer from a known wrong transformation.

For each mistake that applies to the task, the tutor makes that mistake itself (a buggy
differentiator, a buggy integrator, wrong fraction rules, wrong algebra on the AST) and asks the
grader whether the learner's answer is the result. The first match is the diagnosis, with the
right step at the place where it went wrong. Nothing matches: None (the caller shows the steps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from curriculum.grading.display import to_sympy, to_text
from curriculum.grading.equivalence import Outcome, compare, compare_up_to_constant
from curriculum.grading.errors import SpecError
from curriculum.grading.kinds import grade
from curriculum.grading.mathparse import (
    Call,
    MathSyntaxError,
    Neg,
    Node,
    Power,
    Product,
    Sum,
    parse,
)
from tutor.budget import OutOfTime, time_budget
from tutor.derivatives import buggy_derivatives
from tutor.steps import NoSteps, Step, guard_size, spoken_of_safe, step, tex
from tutor.symbolic import NotRepresentable, sympy_of, text_of

MAX_RESPONSE_LENGTH = 300


@dataclass(frozen=True, slots=True)
class Misconception:
    code: str
    title: str
    message: str


MISCONCEPTIONS: dict[str, Misconception] = {
    m.code: m
    for m in (
        Misconception(
            "chain_rule_inner_derivative",
            "Forgot the chain rule's inner derivative",
            "You differentiated the outside function but did not multiply by the derivative of "
            "the inside.",
        ),
        Misconception(
            "product_rule_sign",
            "Product rule with a minus sign",
            "The product rule adds its two terms: (fg)' = f'g + fg'. A minus belongs to the "
            "quotient rule.",
        ),
        Misconception(
            "product_rule_missing_term",
            "Product rule: multiplied the derivatives",
            "The derivative of a product is not the product of the derivatives: "
            "(fg)' = f'g + fg', not f'g'.",
        ),
        Misconception(
            "power_rule_kept_exponent",
            "Power rule: the power was not lowered",
            "Bring the power down and lower it by one: d/dx x^n = n x^(n-1), not n x^n.",
        ),
        Misconception(
            "power_rule_raised_exponent",
            "Power rule: the power was raised",
            "When differentiating, the power goes down by one (n x^(n-1)); raising it is what "
            "integration does.",
        ),
        Misconception(
            "quotient_rule_sign",
            "Quotient rule: the numerator's terms swapped",
            "The quotient rule's numerator is f'g - fg' (derivative of the top first); "
            "swapping the terms changes the sign.",
        ),
        Misconception(
            "quotient_rule_square",
            "Quotient rule: the denominator is not squared",
            "The quotient rule divides by g squared: (f/g)' = (f'g - fg')/g^2.",
        ),
        Misconception(
            "derivative_of_constant",
            "The derivative of a constant is 0",
            "A constant does not change, so its derivative is 0: it disappears.",
        ),
        Misconception(
            "dropped_constant_of_integration",
            "Dropped the constant of integration",
            "Your antiderivative is right, but every antiderivative can be shifted by a "
            "constant: add + C.",
        ),
        Misconception(
            "antiderivative_power_divided_by_n",
            "Antiderivative power rule: divided by the old power",
            "Raise the power by one and divide by the NEW power: ∫x^n dx = x^(n+1)/(n+1) + C.",
        ),
        Misconception(
            "differentiated_instead_of_integrated",
            "Differentiated instead of integrating",
            "You found the derivative of the integrand; the question asks for a function whose "
            "derivative is the integrand.",
        ),
        Misconception(
            "fractions_added_denominators",
            "Added the denominators",
            "Fractions add over a common denominator: add the numerators only, after making the "
            "denominators the same.",
        ),
        Misconception(
            "fractions_divided_instead_of_multiplied",
            "Divided instead of multiplying",
            "The question multiplies the fractions: multiply the numerators and the denominators.",
        ),
        Misconception(
            "fractions_forgot_to_flip",
            "Multiplied instead of dividing (forgot to flip)",
            "Dividing by a fraction is multiplying by its reciprocal: flip the second fraction "
            "first.",
        ),
        Misconception(
            "sign_error_distributing_minus",
            "A minus not distributed to every term",
            "A minus in front of a bracket changes the sign of every term inside it: "
            "a - (b + c) = a - b - c.",
        ),
        Misconception(
            "exponent_product_rule",
            "Multiplied the exponents of a product",
            "When multiplying powers of the same base, add the exponents: "
            "x^a · x^b = x^(a+b), not x^(ab).",
        ),
        Misconception(
            "sqrt_of_sum",
            "Split a square root over a sum",
            "The square root of a sum is not the sum of the square roots: "
            "√(a + b) ≠ √a + √b (try a = 9, b = 16).",
        ),
    )
}

DERIVATIVE_CODES = {
    "chain_inner": "chain_rule_inner_derivative",
    "product_sign": "product_rule_sign",
    "product_missing_term": "product_rule_missing_term",
    "power_keep_exponent": "power_rule_kept_exponent",
    "power_raise_exponent": "power_rule_raised_exponent",
    "quotient_sign": "quotient_rule_sign",
    "quotient_no_square": "quotient_rule_square",
    "constant_not_zero": "derivative_of_constant",
}


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Which misconception the learner's answer shows, and the right step where it went wrong.

    `code` is stable (for statistics), `title` and `message` are for the learner, `step` shows
    the right version of the step where the mistake happened.
    """

    code: str
    title: str
    message: str
    step: Step


def _diagnosis(code: str, right_step: Step) -> Diagnosis:
    known = MISCONCEPTIONS[code]
    return Diagnosis(code=code, title=known.title, message=known.message, step=right_step)


# --------------------------------------------------------------------------------------------
# Comparing the learner's answer with a mistaken one
# --------------------------------------------------------------------------------------------


def _same(response: Any, mistaken_text: str) -> bool:
    try:
        mistaken = parse(mistaken_text)
    except MathSyntaxError:
        return False
    outcome = compare(mistaken.node, response.node, mistaken.symbols, response.symbols)
    return outcome is Outcome.EQUIVALENT


def _same_up_to_constant(response: Any, mistaken_text: str, variable: str) -> bool:
    """The learner's answer is the mistaken antiderivative, with or without its + C."""
    if _same(response, mistaken_text):
        return True
    try:
        mistaken = parse(mistaken_text)
    except MathSyntaxError:
        return False
    outcome = compare_up_to_constant(
        mistaken.node,
        response.node,
        frozenset([variable]),
        mistaken.symbols,
        response.symbols,
    )
    return outcome is Outcome.EQUIVALENT


# --------------------------------------------------------------------------------------------
# Calculus
# --------------------------------------------------------------------------------------------


def _derivative_mistakes(task: Mapping[str, Any], response: Any) -> Diagnosis | None:
    x = sympy.Symbol(str(task.get("variable", "x")))
    function = sympy_of(str(task["of"]))
    guard_size(function)
    for bug, (wrong, sites) in buggy_derivatives(function, x).items():
        if _same(response, text_of(wrong)):
            site = sites[0]
            right = step(
                f"Here: the derivative of {spoken_of_safe(site.function)} is "
                f"{spoken_of_safe(site.right)}, not {spoken_of_safe(site.wrong)}.",
                rule=MISCONCEPTIONS[DERIVATIVE_CODES[bug]].title,
                latex=(rf"\frac{{d}}{{d{x}}}\left[{tex(site.function)}\right] = {tex(site.right)}"),
                result=site.right,
            )
            return _diagnosis(DERIVATIVE_CODES[bug], right)
    return None


def _power_divided_by_n(expr: Any, x: Any) -> Any | None:
    """The antiderivative a learner gets by dividing x^(n+1) by n instead of n+1."""
    total = sympy.Integer(0)
    changed = False
    for term in sympy.Add.make_args(sympy.expand(expr)):
        constant, rest = term.as_independent(x, as_Add=False)
        if rest == 1:
            total += constant * x
            continue
        base, exponent = rest.as_base_exp()
        if base != x or exponent.has(x) or exponent in (0, -1):
            return None
        total += constant * x ** (exponent + 1) / exponent
        changed = True
    return total if changed else None


def _integral_mistakes(task: Mapping[str, Any], response: Any) -> Diagnosis | None:
    name = str(task.get("variable", "x"))
    x = sympy.Symbol(name)
    integrand = sympy_of(str(task["of"]))
    guard_size(integrand)
    derivative = sympy.diff(integrand, x)
    if _same_up_to_constant(response, text_of(derivative), name):
        return _diagnosis(
            "differentiated_instead_of_integrated",
            step(
                f"Check by differentiating: the answer's derivative must be {text_of(integrand)}.",
                rule="antiderivative",
                latex=rf"\frac{{d}}{{d{x}}}\left[F\right] = {tex(integrand)}",
            ),
        )
    wrong = _power_divided_by_n(integrand, x)
    if wrong is not None and _same_up_to_constant(response, text_of(wrong), name):
        return _diagnosis(
            "antiderivative_power_divided_by_n",
            step(
                "Power rule in reverse: raise the power by one, then divide by the new power.",
                rule="power rule",
                latex=r"\int x^n\,dx = \frac{x^{n+1}}{n+1} + C",
            ),
        )
    return None


# --------------------------------------------------------------------------------------------
# Fractions
# --------------------------------------------------------------------------------------------


def _number(text: str) -> Fraction | None:
    try:
        node = parse(text).node
    except MathSyntaxError:
        return None
    return node.rational


def _fraction_mistakes(task: Mapping[str, Any], response: Any) -> Diagnosis | None:
    given = response.node.rational
    stages = task.get("stages")
    if given is None or not isinstance(stages, list) or len(stages) != 1:
        return None
    stage = stages[0]
    if not isinstance(stage, list | tuple) or len(stage) != 3:
        return None
    left, operation, right = _number(str(stage[0])), str(stage[1]), _number(str(stage[2]))
    if left is None or right is None:
        return None
    a, b, c, d = left.numerator, left.denominator, right.numerator, right.denominator
    if operation in {"+", "-", "−"}:
        subtract = operation != "+"
        top, bottom = (a - c, b - d) if subtract else (a + c, b + d)
        if bottom != 0 and given == Fraction(top, bottom):
            common = b * d // _gcd(b, d)
            return _diagnosis(
                "fractions_added_denominators",
                Step(
                    text=f"Use the common denominator {common} and "
                    f"{'subtract' if subtract else 'add'} only the numerators.",
                    latex=(
                        rf"\frac{{{a}}}{{{b}}} {'-' if subtract else '+'} \frac{{{c}}}{{{d}}} = "
                        rf"\frac{{{a * common // b}}}{{{common}}} {'-' if subtract else '+'} "
                        rf"\frac{{{c * common // d}}}{{{common}}}"
                    ),
                    rule="common denominator",
                ),
            )
    if operation in {"×", "*"} and right != 0 and given == left / right and left * right != given:
        return _diagnosis(
            "fractions_divided_instead_of_multiplied",
            Step(
                text="Multiply straight across: numerators together, denominators together.",
                latex=(
                    rf"\frac{{{a}}}{{{b}}} \times \frac{{{c}}}{{{d}}} = "
                    rf"\frac{{{a} \times {c}}}{{{b} \times {d}}}"
                ),
                rule="multiply fractions",
            ),
        )
    if operation in {"÷", "/"} and given in {left * right, right / left} and given != left / right:
        return _diagnosis(
            "fractions_forgot_to_flip",
            Step(
                text="Keep the first fraction, flip the second, then multiply.",
                latex=(
                    rf"\frac{{{a}}}{{{b}}} \div \frac{{{c}}}{{{d}}} = "
                    rf"\frac{{{a}}}{{{b}}} \times \frac{{{d}}}{{{c}}}"
                ),
                rule="flip and multiply",
            ),
        )
    return None


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return abs(a)


# --------------------------------------------------------------------------------------------
# Algebra on the AST (the question's expression, or the expected answer as written)
# --------------------------------------------------------------------------------------------


def _rewrite(node: Node, rule: Callable[[Node], Node | None]) -> Node:
    """Apply `rule` bottom-up wherever it gives a replacement."""
    if isinstance(node, Neg):
        node = Neg(_rewrite(node.operand, rule))
    elif isinstance(node, Sum):
        node = Sum(tuple((sign, _rewrite(term, rule)) for sign, term in node.terms))
    elif isinstance(node, Product):
        node = Product(tuple((div, _rewrite(factor, rule)) for div, factor in node.factors))
    elif isinstance(node, Power):
        node = Power(_rewrite(node.base, rule), _rewrite(node.exponent, rule))
    elif isinstance(node, Call):
        node = Call(node.name, tuple(_rewrite(arg, rule) for arg in node.args))
    replaced = rule(node)
    return node if replaced is None else replaced


def _minus_on_first_term_only(node: Node) -> Node | None:
    if not isinstance(node, Sum):
        return None
    terms: list[tuple[bool, Node]] = []
    changed = False
    for subtracted, term in node.terms:
        if subtracted and isinstance(term, Sum) and len(term.terms) > 1:
            (first_sign, first), *rest = term.terms
            terms.append((not first_sign, first))
            terms.extend(rest)
            changed = True
        else:
            terms.append((subtracted, term))
    return Sum(tuple(terms)) if changed else None


def _multiplied_exponents(node: Node) -> Node | None:
    if not isinstance(node, Product):
        return None
    groups: dict[str, list[Node]] = {}
    bases: dict[str, Node] = {}
    others: list[tuple[bool, Node]] = []
    for divisor, factor in node.factors:
        if divisor:
            others.append((divisor, factor))
            continue
        base, exponent = (
            (factor.base, factor.exponent) if isinstance(factor, Power) else (factor, None)
        )
        if base.rational is not None:
            others.append((divisor, factor))
            continue
        key = to_text(base)
        bases[key] = base
        groups.setdefault(key, []).append(exponent if exponent is not None else parse("1").node)
    if not any(len(exponents) > 1 for exponents in groups.values()):
        return None
    factors = list(others)
    for key, exponents in groups.items():
        if len(exponents) == 1:
            factors.append((False, Power(bases[key], exponents[0])))
        else:
            factors.append(
                (False, Power(bases[key], Product(tuple((False, e) for e in exponents))))
            )
    return Product(tuple(factors))


def _split_root(node: Node) -> Node | None:
    if isinstance(node, Call) and node.name == "sqrt" and isinstance(node.args[0], Sum):
        return Sum(tuple((sign, Call("sqrt", (term,))) for sign, term in node.args[0].terms))
    return None


def _as_positive_simplified(node: Node) -> str:
    """What a learner writes for √(x^2) + √9: x + 3 (the letters taken positive)."""
    expr = to_sympy(parse(to_text(node)).node).doit()
    positive = {symbol: sympy.Symbol(symbol.name, positive=True) for symbol in expr.free_symbols}
    simplified = sympy.simplify(expr.subs(positive))
    back = {value: sympy.Symbol(key.name) for key, value in positive.items()}
    return text_of(simplified.subs(back))


_ALGEBRA: tuple[tuple[str, Callable[[Node], Node | None], str], ...] = (
    ("sign_error_distributing_minus", _minus_on_first_term_only, "a - (b + c) = a - b - c"),
    ("exponent_product_rule", _multiplied_exponents, "x^a x^b = x^(a + b)"),
    ("sqrt_of_sum", _split_root, r"\sqrt{a + b} \ne \sqrt{a} + \sqrt{b}"),
)


def _algebra_mistakes(sources: list[str], response: Any) -> Diagnosis | None:
    for source in sources:
        try:
            node = parse(source).node
        except MathSyntaxError:
            continue
        for code, rule, formula in _ALGEBRA:
            mistaken = _rewrite(node, rule)
            if to_text(mistaken) == to_text(node):
                continue
            candidates = [to_text(mistaken)]
            if code == "sqrt_of_sum":
                with suppress(NotRepresentable, MathSyntaxError, TypeError, ValueError):
                    candidates.append(_as_positive_simplified(mistaken))
            if any(_same(response, candidate) for candidate in candidates):
                return _diagnosis(
                    code,
                    Step(
                        text=f"The rule is {formula}.",
                        latex=formula,
                        rule=MISCONCEPTIONS[code].title,
                    ),
                )
    return None


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _checks(
    task: Mapping[str, Any] | None, expected: str, response: Any
) -> Iterator[Callable[[], Diagnosis | None]]:
    name = task.get("task") if task else None
    if task is not None and name == "differentiate" and "at" not in task:
        yield lambda: _derivative_mistakes(task, response)
    if task is not None and name == "integrate" and "from" not in task:
        yield lambda: _integral_mistakes(task, response)
    if task is not None and name == "fractions":
        yield lambda: _fraction_mistakes(task, response)
    sources = [expected]
    if task is not None and name == "simplify":
        sources.insert(0, str(task.get("of", "")))
    yield lambda: _algebra_mistakes([s for s in sources if s], response)


def diagnose_task(
    kind: str,
    spec: Mapping[str, Any],
    response: str,
    *,
    task: Mapping[str, Any] | None,
    expected: str,
    values: Mapping[str, int] | None = None,
) -> Diagnosis | None:
    if not isinstance(response, str) or len(response) > MAX_RESPONSE_LENGTH:
        return None
    try:
        verdict = grade(kind, spec, response, values=values)
    except SpecError:
        return None
    if verdict.correct:
        return None
    if verdict.reason == "missing_constant":
        return _diagnosis(
            "dropped_constant_of_integration",
            Step(
                text="Add the constant of integration.",
                latex=r"\int f(x)\,dx = F(x) + C",
                rule="constant of integration",
            ),
        )
    try:
        parsed = parse(response)
    except MathSyntaxError:
        return None
    for check in _checks(task, expected, parsed):
        try:
            with time_budget():
                found = check()
        except (NoSteps, NotRepresentable, MathSyntaxError, KeyError, ValueError, TypeError):
            continue
        except OutOfTime:
            continue
        if found is not None:
            return found
    return None

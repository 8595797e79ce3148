"""Worked limits: direct substitution, factor and cancel, conjugates, dividing by the highest
power, standard limits, 1^oo forms and L'Hôpital's rule.

Rewrites are `Equal` claims (the grader's equivalence, on the domain shared near the point);
each value is a `LimitValue` claim.
"""

from __future__ import annotations

from typing import Any

import sympy

from tutor import verify
from tutor.steps import NoSteps, Worked, guard_size, spoken_of_safe, step, tex

MAX_LHOPITAL = 3


def _lim(expr: Any, x: Any, point: Any, direction: str = "+-") -> str:
    arrow = tex(point) if not point.is_infinite else (r"\infty" if point > 0 else r"-\infty")
    side = {"+": "^+", "-": "^-"}.get(direction, "")
    return rf"\lim_{{{x} \to {arrow}{side}}} {tex(expr)}"


def _finite_value(expr: Any, x: Any, point: Any) -> Any | None:
    if point.is_infinite:
        return None
    try:
        value = sympy.simplify(expr.subs(x, point))
    except Exception:  # noqa: BLE001
        return None
    if value.has(sympy.nan, sympy.zoo, sympy.oo, sympy.S.NegativeInfinity) or not value.is_finite:
        return None
    if value.free_symbols or not value.is_real:
        return None
    return value


def _substitute(worked: Worked, expr: Any, x: Any, point: Any, value: Any, why: str) -> None:
    worked.steps.append(
        step(
            f"{why} Substitute {x} = {spoken_of_safe(point)}.",
            rule="direct substitution",
            latex=rf"{_lim(expr, x, point)} = {tex(value)}",
            result=value,
        )
    )
    worked.claims.append(verify.LimitValue(expr, x, point, value))


def limit_worked(expr: Any, x: Any, point: Any, direction: str = "+-") -> Worked:
    guard_size(expr)
    worked = Worked()
    worked.steps.append(
        step(f"We want the limit as {x} approaches {point}.", latex=_lim(expr, x, point, direction))
    )
    value = _finite_value(expr, x, point)
    if value is not None and direction == "+-":
        worked.strategy = "direct substitution"
        worked.first_hint = [
            step(
                f"The function is continuous at {x} = {spoken_of_safe(point)}: try substituting.",
                rule="direct substitution",
            )
        ]
        _substitute(worked, expr, x, point, value, "The function is continuous here.")
        worked.result = value
        return worked
    if direction != "+-":
        return _one_sided(worked, expr, x, point, direction)
    for strategy in (_standard, _factor_cancel, _conjugate, _infinity_rational, _one_to_infinity):
        if strategy(worked, expr, x, point):
            return worked
    if _lhopital(worked, expr, x, point, 0):
        return worked
    raise NoSteps("no limit strategy")


def _one_sided(worked: Worked, expr: Any, x: Any, point: Any, direction: str) -> Worked:
    """|x|/x and friends: on one side the absolute value has a sign."""
    if not expr.has(sympy.Abs):
        raise NoSteps("one-sided limit without an absolute value")
    sign = 1 if direction == "+" else -1
    t = sympy.Symbol("t", positive=True)
    rewritten = expr.subs(x, point + sign * t).subs(t, sign * (x - point))
    simplified = sympy.simplify(expr.subs(x, point + sign * t)).subs(t, sign * (x - point))
    side = "right" if sign == 1 else "left"
    worked.steps.append(
        step(
            f"From the {side}, {x} - {point} has a fixed sign, so the absolute value can be "
            "written without bars.",
            rule="one-sided limit",
            latex=rf"{_lim(expr, x, point, direction)} = {_lim(simplified, x, point, direction)}",
        )
    )
    worked.claims.append(
        verify.LimitValue(rewritten, x, point, simplified.subs(x, point), direction)
    )
    value = _finite_value(simplified, x, point)
    if value is None:
        raise NoSteps("one-sided limit")
    worked.steps.append(
        step(
            f"Now substitute {x} = {point}.",
            rule="direct substitution",
            latex=rf"{_lim(simplified, x, point, direction)} = {tex(value)}",
            result=value,
        )
    )
    worked.claims.append(verify.LimitValue(expr, x, point, value, direction))
    worked.result = value
    worked.strategy = "one-sided limit"
    worked.first_hint = [
        step(
            f"Which sign does {x} - {point} have when {x} comes from the {side}?",
            rule="one-sided limit",
        )
    ]
    return worked


def _zero_over_zero(expr: Any, x: Any, point: Any) -> tuple[Any, Any] | None:
    top, bottom = sympy.fraction(sympy.together(expr))
    if point.is_infinite or not bottom.has(x):
        return None
    if sympy.simplify(top.subs(x, point)) == 0 and sympy.simplify(bottom.subs(x, point)) == 0:
        return top, bottom
    return None


def _factor_cancel(worked: Worked, expr: Any, x: Any, point: Any) -> bool:
    parts = _zero_over_zero(expr, x, point)
    if parts is None or not (parts[0].is_polynomial(x) and parts[1].is_polynomial(x)):
        return False
    top, bottom = parts
    factored = sympy.factor(top) / sympy.factor(bottom)
    cancelled = sympy.cancel(expr)
    value = _finite_value(cancelled, x, point)
    if value is None:
        return False
    worked.strategy = "factor and cancel"
    worked.first_hint = [
        step(
            f"Substituting {x} = {point} gives 0/0. Factor the numerator and the denominator: "
            f"both have the factor ({x} - {point}).",
            rule="factor and cancel",
        )
    ]
    worked.steps.append(
        step(
            f"Substituting gives 0/0, so factor: both parts vanish at {x} = {point}.",
            rule="factor and cancel",
            latex=(
                rf"{tex(expr)} = "
                rf"\frac{{{tex(sympy.factor(top))}}}{{{tex(sympy.factor(bottom))}}}"
            ),
        )
    )
    worked.claims.append(verify.Equal(expr, factored))
    worked.steps.append(
        step(
            f"Cancel the common factor (allowed: {x} is never equal to {point} in the limit).",
            rule="factor and cancel",
            latex=rf"{_lim(expr, x, point)} = {_lim(cancelled, x, point)}",
            result=cancelled,
        )
    )
    worked.claims.append(verify.Equal(expr, cancelled))
    _substitute(worked, cancelled, x, point, value, "What is left is continuous.")
    worked.claims.append(verify.LimitValue(expr, x, point, value))
    worked.result = value
    return True


def _conjugate(worked: Worked, expr: Any, x: Any, point: Any) -> bool:
    top, bottom = (expr, sympy.Integer(1)) if expr.is_Add else sympy.fraction(sympy.together(expr))
    if not top.is_Add:
        return False
    root = next(
        (
            term
            for term in sympy.Add.make_args(top)
            if isinstance(term, sympy.Pow) and term.exp == sympy.Rational(1, 2)
        ),
        None,
    )
    if root is None:
        return False
    other = top - root
    conjugate = root - other
    new_top = sympy.expand(top * conjugate)
    rewritten = new_top / (bottom * conjugate)
    simplified = sympy.cancel(sympy.together(new_top / bottom)) / conjugate
    worked.strategy = "conjugate"
    worked.first_hint = [
        step(
            "The square root makes a difference that cancels badly: multiply the numerator and "
            f"denominator by the conjugate {spoken_of_safe(conjugate)}.",
            rule="conjugate",
        )
    ]
    worked.steps.append(
        step(
            f"Multiply above and below by the conjugate {spoken_of_safe(conjugate)}: "
            "(a - b)(a + b) = a^2 - b^2 removes the root.",
            rule="conjugate",
            latex=rf"{tex(expr)} = \frac{{{tex(new_top)}}}{{{tex(bottom * conjugate)}}}",
        )
    )
    worked.claims.append(verify.Equal(expr, rewritten))
    worked.steps.append(
        step(
            "Simplify.",
            rule="conjugate",
            latex=rf"{tex(expr)} = {tex(simplified)}",
            result=simplified,
        )
    )
    worked.claims.append(verify.Equal(expr, simplified))
    if point.is_infinite:
        return _finish_at_infinity(worked, simplified, x, point, expr)
    value = _finite_value(simplified, x, point)
    if value is None:
        return False
    _substitute(worked, simplified, x, point, value, "Now the denominator is not 0.")
    worked.claims.append(verify.LimitValue(expr, x, point, value))
    worked.result = value
    return True


def _finish_at_infinity(worked: Worked, expr: Any, x: Any, point: Any, original: Any) -> bool:
    top, bottom = sympy.fraction(sympy.together(expr))
    power = x ** sympy.degree(sympy.Poly(bottom, x)) if bottom.is_polynomial(x) else x
    divided = sympy.expand(top / power) / sympy.expand(bottom / power)
    equal: verify.Claim = verify.Equal(expr, divided)
    if not (bottom.is_polynomial(x) and top.is_polynomial(x)):
        # sqrt(p(x))/x = sqrt(p(x)/x^2) only for x > 0: checked there, not everywhere.
        if point != sympy.oo:
            return False
        scaled = [_over_x(term, x) for term in sympy.Add.make_args(bottom)]
        divided = sympy.expand(top / x) / sympy.Add(*scaled)
        equal = verify.EqualForPositive(expr, divided, x)
    divided_text = divided
    try:
        value = sympy.limit(expr, x, point)
    except Exception:  # noqa: BLE001
        return False
    if not value.is_finite:
        return False
    worked.steps.append(
        step(
            f"Divide above and below by the highest power of {x} in the denominator; every "
            f"term 1/{x}^k tends to 0.",
            rule="divide by the highest power",
            latex=rf"{_lim(expr, x, point)} = {_lim(divided_text, x, point)} = {tex(value)}",
            result=value,
        )
    )
    worked.claims.append(equal)
    worked.claims.append(verify.LimitValue(divided_text, x, point, value))
    worked.claims.append(verify.LimitValue(original, x, point, value))
    worked.result = value
    return True


def _over_x(term: Any, x: Any) -> Any:
    """`term`/x, with x taken inside a square root as x^2 (for x > 0)."""
    if isinstance(term, sympy.Pow) and term.exp == sympy.Rational(1, 2):
        return sympy.sqrt(sympy.expand(term.base / x**2))
    return sympy.expand(term / x)


def _infinity_rational(worked: Worked, expr: Any, x: Any, point: Any) -> bool:
    if not point.is_infinite:
        return False
    top, bottom = sympy.fraction(sympy.together(expr))
    if top.is_polynomial(x) and bottom.is_polynomial(x):
        worked.strategy = "divide by the highest power"
        worked.first_hint = [
            step(
                f"Divide the numerator and the denominator by the highest power of {x} in the "
                "denominator.",
                rule="divide by the highest power",
            )
        ]
        return _finish_at_infinity(worked, expr, x, point, expr)
    if expr.is_Mul and any(isinstance(f, sympy.sin | sympy.cos) for f in expr.args):
        value = sympy.Integer(0)
        worked.strategy = "squeeze"
        worked.first_hint = [
            step("The sine stays between -1 and 1: squeeze the function.", rule="squeeze theorem")
        ]
        worked.steps.append(
            step(
                f"-1 ≤ sin {x} ≤ 1, so the function is squeezed between -1/{x} and 1/{x}, "
                "and both tend to 0.",
                rule="squeeze theorem",
                latex=rf"-\frac{{1}}{{{x}}} \le {tex(expr)} \le \frac{{1}}{{{x}}}",
            )
        )
        worked.claims.append(verify.LimitValue(1 / x, x, point, value))
        worked.claims.append(verify.LimitValue(-1 / x, x, point, value))
        _bounded = verify.LimitValue(expr, x, point, value)
        worked.claims.append(_bounded)
        worked.steps.append(step("So the limit is 0.", rule="squeeze theorem", result=value))
        worked.result = value
        return True
    return False


def _standard(worked: Worked, expr: Any, x: Any, point: Any) -> bool:
    """sin(ax)/(bx), tan(ax)/(bx) and sin(ax)/sin(bx) at 0: the standard limit sin(u)/u -> 1."""
    if point != 0:
        return False
    top, bottom = sympy.fraction(expr)
    trig = (sympy.sin, sympy.tan)
    if not ((isinstance(top, trig) and top.args[0].is_Mul) or top in {sympy.sin(x), sympy.tan(x)}):
        return False
    a = sympy.simplify(top.args[0] / x)
    if a.has(x):
        return False
    if isinstance(bottom, trig):
        b = sympy.simplify(bottom.args[0] / x)
        if b.has(x):
            return False
        rewritten = (a / b) * (top / (a * x)) * ((b * x) / bottom)
        pieces = (
            rf"\frac{{{tex(a)}}}{{{tex(b)}}} \cdot \frac{{{tex(top)}}}{{{tex(a * x)}}} \cdot "
            rf"\frac{{{tex(b * x)}}}{{{tex(bottom)}}}"
        )
    else:
        b = sympy.simplify(bottom / x)
        if b.has(x):
            return False
        rewritten = (a / b) * (top / (a * x))
        pieces = rf"\frac{{{tex(a)}}}{{{tex(b)}}} \cdot \frac{{{tex(top)}}}{{{tex(a * x)}}}"
    value = a / b
    worked.strategy = "standard limit"
    worked.first_hint = [
        step(
            r"Use the standard limit sin(u)/u → 1 as u → 0 (and tan(u)/u → 1): make the "
            "argument of the sine appear below it.",
            rule="standard limit",
            latex=r"\lim_{u \to 0} \frac{\sin u}{u} = 1",
        )
    ]
    worked.steps.append(
        step(
            "Make the argument of each sine (or tangent) appear below it, to use "
            "sin(u)/u → 1 as u → 0.",
            rule="standard limit",
            latex=rf"{tex(expr)} = {pieces}",
        )
    )
    worked.claims.append(verify.Equal(expr, rewritten))
    worked.steps.append(
        step(
            "Each quotient sin(u)/u (or tan(u)/u) tends to 1.",
            rule="standard limit",
            latex=rf"{_lim(expr, x, point)} = {tex(value)} \cdot 1 = {tex(value)}",
            result=value,
        )
    )
    worked.claims.append(verify.LimitValue(top / (a * x), x, point, sympy.Integer(1)))
    worked.claims.append(verify.LimitValue(expr, x, point, value))
    worked.result = value
    return True


def _one_to_infinity(worked: Worked, expr: Any, x: Any, point: Any) -> bool:
    """(1 + a/x)^x -> e^a: write u^v as e^(v ln u)."""
    if not (expr.is_Pow and expr.base.has(x) and expr.exp.has(x)):
        return False
    try:
        base_limit = sympy.limit(expr.base, x, point)
        inner = expr.exp * sympy.log(expr.base)
        inner_limit = sympy.limit(inner, x, point)
    except Exception:  # noqa: BLE001
        return False
    if base_limit != 1 or not inner_limit.is_finite:
        return False
    value = sympy.exp(inner_limit)
    worked.strategy = "1^∞ form"
    worked.first_hint = [
        step(
            "The base tends to 1 and the power grows without bound: write the power as "
            "e^(power · ln(base)).",
            rule="standard limit",
            latex=r"\lim_{n \to \infty} \left(1 + \frac{a}{n}\right)^n = e^a",
        )
    ]
    worked.steps.append(
        step(
            "The base tends to 1 and the power grows without bound: write u^v = e^(v ln u).",
            rule="1^∞ form",
            latex=rf"{tex(expr)} = e^{{{tex(inner)}}}",
        )
    )
    worked.claims.append(verify.Equal(expr, sympy.exp(inner)))
    worked.steps.append(
        step(
            f"The power tends to {spoken_of_safe(inner_limit)} (as in (1 + 1/n)^n → e, "
            "ln(1 + t)/t → 1).",
            rule="standard limit",
            latex=rf"{_lim(inner, x, point)} = {tex(inner_limit)}",
        )
    )
    worked.claims.append(verify.LimitValue(inner, x, point, inner_limit))
    worked.steps.append(
        step(
            "So the limit is e to that power.",
            rule="standard limit",
            latex=rf"{_lim(expr, x, point)} = {tex(value)}",
            result=value,
        )
    )
    worked.claims.append(verify.LimitValue(expr, x, point, value))
    worked.result = value
    return True


def _lhopital(worked: Worked, expr: Any, x: Any, point: Any, depth: int) -> bool:
    parts = _zero_over_zero(expr, x, point)
    if parts is None or depth >= MAX_LHOPITAL:
        return False
    top, bottom = parts
    ratio = sympy.diff(top, x) / sympy.diff(bottom, x)
    if depth == 0:
        worked.strategy = "L'Hôpital's rule"
        worked.first_hint = [
            step(
                f"Substituting {x} = {point} gives 0/0: differentiate the numerator and the "
                "denominator separately (L'Hôpital's rule).",
                rule="L'Hôpital's rule",
            )
        ]
    worked.steps.append(
        step(
            "The form is 0/0: by L'Hôpital's rule, take the limit of the derivatives' quotient.",
            rule="L'Hôpital's rule",
            latex=(
                rf"{_lim(expr, x, point)} = \lim_{{{x} \to {tex(point)}}} "
                rf"\frac{{{tex(sympy.diff(top, x))}}}{{{tex(sympy.diff(bottom, x))}}}"
            ),
        )
    )
    worked.claims.append(verify.Derivative(top, sympy.diff(top, x), str(x)))
    worked.claims.append(verify.Derivative(bottom, sympy.diff(bottom, x), str(x)))
    value = _finite_value(ratio, x, point)
    if value is None:
        if _lhopital(worked, ratio, x, point, depth + 1):
            worked.claims.append(verify.LimitValue(expr, x, point, worked.result))
            return True
        return False
    _substitute(worked, ratio, x, point, value, "This quotient is continuous.")
    worked.claims.append(verify.LimitValue(expr, x, point, value))
    worked.result = value
    return True


def piecewise_worked(left: Any, right: Any, x: Any, point: Any) -> Worked:
    """A two-piece function: both one-sided limits, by substitution into each piece."""
    worked = Worked(strategy="one-sided limits")
    left_value = _finite_value(left, x, point)
    right_value = _finite_value(right, x, point)
    if left_value is None or right_value is None or left_value != right_value:
        raise NoSteps("one-sided limits differ")
    worked.first_hint = [
        step(
            "Find the limit from the left with the left piece, and from the right with the "
            "right piece, then compare them.",
            rule="one-sided limits",
        )
    ]
    worked.steps.append(
        step(
            f"From the left, f({x}) = {spoken_of_safe(left)}; substitute {x} = {point}.",
            rule="one-sided limits",
            latex=rf"{_lim(left, x, point, '-')} = {tex(left_value)}",
            result=left_value,
        )
    )
    worked.claims.append(verify.LimitValue(left, x, point, left_value, "-"))
    worked.steps.append(
        step(
            f"From the right, f({x}) = {spoken_of_safe(right)}; substitute {x} = {point}.",
            rule="one-sided limits",
            latex=rf"{_lim(right, x, point, '+')} = {tex(right_value)}",
            result=right_value,
        )
    )
    worked.claims.append(verify.LimitValue(right, x, point, right_value, "+"))
    worked.steps.append(
        step(
            "Both one-sided limits agree, so the limit exists and equals them.",
            rule="one-sided limits",
            result=right_value,
        )
    )
    worked.result = right_value
    return worked

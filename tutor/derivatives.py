"""Derivatives step by step: one step per rule (constant, power, sum, constant multiple, product,
quotient, chain with the inner derivative shown, exp/ln/trig), each claimed against the grader's
own differentiator; and the same differentiator making one deliberate mistake, for diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy

from tutor import verify
from tutor.steps import (
    MAX_FUNCTION_SIZE,
    MAX_STEPS,
    NoSteps,
    Step,
    Worked,
    guard_size,
    spoken_of_safe,
    step,
    tex,
    text_of_safe,
)
from tutor.symbolic import size_of

# Deliberate mistakes the differentiator can make, so diagnosis can rebuild a learner's answer.
DERIVATIVE_BUGS = (
    "chain_inner",
    "product_sign",
    "product_missing_term",
    "power_keep_exponent",
    "power_raise_exponent",
    "quotient_sign",
    "quotient_no_square",
    "constant_not_zero",
)


@dataclass(frozen=True, slots=True)
class BugSite:
    """Where a deliberate mistake changed a derivative: the function and its right derivative."""

    function: Any
    right: Any
    wrong: Any


def _outer_derivatives(u: Any) -> dict[Any, Callable[[], Any]]:
    return {
        sympy.sin: lambda: sympy.cos(u),
        sympy.cos: lambda: -sympy.sin(u),
        sympy.tan: lambda: sympy.sec(u) ** 2,
        sympy.sec: lambda: sympy.sec(u) * sympy.tan(u),
        sympy.csc: lambda: -sympy.csc(u) * sympy.cot(u),
        sympy.cot: lambda: -(sympy.csc(u) ** 2),
        sympy.log: lambda: 1 / u,
        sympy.atan: lambda: 1 / (1 + u**2),
        sympy.asin: lambda: 1 / sympy.sqrt(1 - u**2),
        sympy.acos: lambda: -1 / sympy.sqrt(1 - u**2),
        sympy.exp: lambda: sympy.exp(u),
    }


_FUNCTION_WORDS = {
    sympy.sin: "the derivative of sin is cos",
    sympy.cos: "the derivative of cos is -sin",
    sympy.tan: "the derivative of tan is sec squared",
    sympy.sec: "the derivative of sec is sec times tan",
    sympy.csc: "the derivative of csc is -csc times cot",
    sympy.cot: "the derivative of cot is -csc squared",
    sympy.log: "the derivative of ln(u) is 1/u",
    sympy.atan: "the derivative of arctan(u) is 1/(1 + u^2)",
    sympy.asin: "the derivative of arcsin(u) is 1/sqrt(1 - u^2)",
    sympy.acos: "the derivative of arccos(u) is -1/sqrt(1 - u^2)",
    sympy.exp: "e^u is its own derivative",
}

_FUNCTION_RULES = {
    sympy.sin: ("trig rule", r"\frac{d}{dx}\sin u = \cos u"),
    sympy.cos: ("trig rule", r"\frac{d}{dx}\cos u = -\sin u"),
    sympy.tan: ("trig rule", r"\frac{d}{dx}\tan u = \sec^2 u"),
    sympy.sec: ("trig rule", r"\frac{d}{dx}\sec u = \sec u \tan u"),
    sympy.csc: ("trig rule", r"\frac{d}{dx}\csc u = -\csc u \cot u"),
    sympy.cot: ("trig rule", r"\frac{d}{dx}\cot u = -\csc^2 u"),
    sympy.log: ("ln rule", r"\frac{d}{dx}\ln u = \frac{1}{u}"),
    sympy.atan: ("inverse trig rule", r"\frac{d}{dx}\arctan u = \frac{1}{1 + u^2}"),
    sympy.asin: ("inverse trig rule", r"\frac{d}{dx}\arcsin u = \frac{1}{\sqrt{1 - u^2}}"),
    sympy.acos: ("inverse trig rule", r"\frac{d}{dx}\arccos u = -\frac{1}{\sqrt{1 - u^2}}"),
    sympy.exp: ("exponential rule", r"\frac{d}{dx}e^u = e^u"),
}


def _d(f: Any) -> str:
    return rf"\frac{{d}}{{dx}}\left[{tex(f)}\right]"


class Differentiator:
    """Differentiates a SymPy expression rule by rule, writing a step for each rule used.

    With `bug`, it makes that one mistake wherever the rule applies (for diagnosis) and
    records the places in `sites`.
    """

    def __init__(self, variable: Any, bug: str | None = None) -> None:
        self.x = variable
        self.bug = bug
        self.steps: list[Step] = []
        self.claims: list[verify.Claim] = []
        self.sites: list[BugSite] = []
        self.rules: list[str] = []
        self.formulas: list[str] = []  # formulas of the function rules used, in order
        self.pieces: list[str] = []  # how each rule split its function, in order

    def _record(self, at: int, made: Step, function: Any, result: Any) -> None:
        if len(self.steps) > MAX_STEPS:
            raise NoSteps("too many steps")
        self.steps.insert(at, made)
        self.rules.append(made.rule)
        if self.bug is None:
            self.claims.append(verify.Derivative(function, result, str(self.x)))

    def _site(self, function: Any, right: Any, wrong: Any) -> Any:
        self.sites.append(BugSite(function, right, wrong))
        return wrong

    def d(self, f: Any) -> Any:
        x = self.x
        at = len(self.steps)
        if not f.has(x):
            result = sympy.Integer(0)
            if self.bug == "constant_not_zero" and f != 0:
                result = self._site(f, sympy.Integer(0), f)
            self._record(
                at,
                step(
                    f"The derivative of a constant is 0: {spoken_of_safe(f)} does not change.",
                    rule="constant rule",
                    latex=rf"{_d(f)} = 0",
                    result=sympy.Integer(0),
                ),
                f,
                sympy.Integer(0),
            )
            return result
        if f == x:
            self._record(
                at,
                step("The derivative of x is 1.", rule="power rule", latex=rf"{_d(x)} = 1"),
                f,
                sympy.Integer(1),
            )
            return sympy.Integer(1)
        if f.is_Add:
            parts = [self.d(term) for term in f.as_ordered_terms()]
            result = sympy.Add(*parts)
            made = step(
                "Sum rule: differentiate term by term.",
                rule="sum rule",
                latex=rf"{_d(f)} = " + " + ".join(_d(term) for term in f.as_ordered_terms()),
                result=result if self.bug is None else None,
            )
            self._record(at, made, f, result)
            return result
        if f.is_Mul:
            return self._mul(f, at)
        if f.is_Pow:
            return self._pow(f, at)
        if type(f) in _FUNCTION_RULES:
            return self._function(f, at)
        raise NoSteps(f"no rule for {type(f).__name__}")

    def _mul(self, f: Any, at: int) -> Any:
        x = self.x
        constant, rest = f.as_independent(x, as_Add=False)
        if constant != 1:
            inner = self.d(rest)
            result = constant * inner
            self._record(
                at,
                step(
                    f"Constant multiple rule: keep the factor {spoken_of_safe(constant)} and "
                    f"differentiate {spoken_of_safe(rest)}.",
                    rule="constant multiple rule",
                    latex=rf"{_d(f)} = {tex(constant)} \cdot {_d(rest)}",
                    result=result if self.bug is None else None,
                ),
                f,
                result,
            )
            return result
        numerator, denominator = sympy.fraction(f)
        if denominator.has(x) and numerator.has(x):
            return self._quotient(f, numerator, denominator, at)
        factors = sympy.Mul.make_args(f)
        u, v = factors[0], sympy.Mul(*factors[1:])
        du, dv = self.d(u), self.d(v)
        self.pieces.append(f"Here f = {spoken_of_safe(u)} and g = {spoken_of_safe(v)}.")
        right = du * v + u * dv
        result = right
        if self.bug == "product_sign":
            result = self._site(f, right, du * v - u * dv)
        elif self.bug == "product_missing_term":
            result = self._site(f, right, du * dv)
        self._record(
            at,
            step(
                f"Product rule: (fg)' = f'g + fg' with f = {spoken_of_safe(u)} and "
                f"g = {spoken_of_safe(v)}; f' = {spoken_of_safe(du)}, g' = {spoken_of_safe(dv)}.",
                rule="product rule",
                latex=(
                    rf"{_d(f)} = \left({tex(du)}\right) \cdot {tex(v)} + "
                    rf"{tex(u)} \cdot \left({tex(dv)}\right)"
                ),
                result=right if self.bug is None else None,
            ),
            f,
            right,
        )
        return result

    def _quotient(self, f: Any, top: Any, bottom: Any, at: int) -> Any:
        dtop, dbottom = self.d(top), self.d(bottom)
        self.pieces.append(
            f"Here f = {spoken_of_safe(top)} (the top) and "
            f"g = {spoken_of_safe(bottom)} (the bottom)."
        )
        right = (dtop * bottom - top * dbottom) / bottom**2
        result = right
        if self.bug == "quotient_sign":
            result = self._site(f, right, (top * dbottom - dtop * bottom) / bottom**2)
        elif self.bug == "quotient_no_square":
            result = self._site(f, right, (dtop * bottom - top * dbottom) / bottom)
        self._record(
            at,
            step(
                f"Quotient rule: (f/g)' = (f'g - fg')/g^2 with f = {spoken_of_safe(top)} and "
                f"g = {spoken_of_safe(bottom)}; f' = {spoken_of_safe(dtop)}, "
                f"g' = {spoken_of_safe(dbottom)}.",
                rule="quotient rule",
                latex=(
                    rf"{_d(f)} = \frac{{\left({tex(dtop)}\right) \cdot {tex(bottom)} - "
                    rf"{tex(top)} \cdot \left({tex(dbottom)}\right)}}"
                    rf"{{\left({tex(bottom)}\right)^2}}"
                ),
                result=right if self.bug is None else None,
            ),
            f,
            right,
        )
        return result

    def _pow(self, f: Any, at: int) -> Any:
        x = self.x
        base, exponent = f.args
        if not exponent.has(x):
            if base == x:
                right = exponent * x ** (exponent - 1)
                result = right
                if self.bug == "power_keep_exponent":
                    result = self._site(f, right, exponent * x**exponent)
                elif self.bug == "power_raise_exponent":
                    result = self._site(f, right, exponent * x ** (exponent + 1))
                written = ""
                if (exponent.is_Rational and not exponent.is_Integer) or exponent.is_negative:
                    written = f"Write it as the power x^({text_of_safe(exponent)}). "
                self._record(
                    at,
                    step(
                        f"{written}Power rule: bring the power {text_of_safe(exponent)} down "
                        "and lower it by one.",
                        rule="power rule",
                        latex=rf"{_d(f)} = {tex(exponent)} \cdot {tex(x ** (exponent - 1))}",
                        result=right,
                    ),
                    f,
                    right,
                )
                return result
            inner = self.d(base)
            outer = exponent * base ** (exponent - 1)
            return self._chain(
                f,
                at,
                outer,
                inner,
                base,
                f"the power rule on the outside, u^{text_of_safe(exponent)}",
            )
        if not base.has(x):
            inner = self.d(exponent)
            outer = f * sympy.log(base)
            return self._chain(
                f, at, outer, inner, exponent, f"a^u has derivative a^u ln(a) for a = {base}"
            )
        rewritten = sympy.exp(exponent * sympy.log(base))
        made = step(
            "Both the base and the power vary: write the function as e^(power times ln(base)).",
            rule="logarithmic differentiation",
            latex=rf"{tex(f)} = e^{{{tex(exponent * sympy.log(base))}}}",
        )
        inner = self.d(exponent * sympy.log(base))
        result = f * inner
        self._record(at, made, f, result)
        self.steps.insert(
            at + 1 + (len(self.steps) - at - 1),
            step(
                "Exponential rule with the chain rule: multiply by the derivative of the power.",
                rule="chain rule",
                latex=rf"{_d(rewritten)} = {tex(f)} \cdot \left({tex(inner)}\right)",
                result=result if self.bug is None else None,
            ),
        )
        return result

    def _function(self, f: Any, at: int) -> Any:
        u = f.args[0]
        outer = _outer_derivatives(u)[type(f)]()
        rule, formula = _FUNCTION_RULES[type(f)]
        self.formulas.append(formula)
        if u == self.x:
            self._record(
                at,
                step(
                    f"Use the {rule}: {_FUNCTION_WORDS[type(f)]}.",
                    rule=rule,
                    latex=rf"{_d(f)} = {tex(outer)}",
                    result=outer,
                ),
                f,
                outer,
            )
            return outer
        inner = self.d(u)
        return self._chain(f, at, outer, inner, u, f"the {rule} on the outside")

    def _chain(self, f: Any, at: int, outer: Any, inner: Any, u: Any, how: str) -> Any:
        self.pieces.append(f"The inner function is u = {spoken_of_safe(u)}.")
        right = outer * inner
        result = right
        if self.bug == "chain_inner" and inner != 1:
            result = self._site(f, right, outer)
        self._record(
            at,
            step(
                f"Chain rule with the inner function u = {spoken_of_safe(u)}: differentiate "
                f"the outside ({how}), then multiply by the inner derivative "
                f"u' = {spoken_of_safe(inner)}.",
                rule="chain rule",
                latex=(
                    rf"{_d(f)} = {tex(outer)} \cdot \underbrace{{{tex(inner)}}}"
                    r"_{\text{inner derivative}}"
                ),
                result=right if self.bug is None else None,
            ),
            f,
            right,
        )
        return result


def derivative_worked(function: Any, variable: Any) -> Worked:
    """Steps for d/dx of `function`, each checked against the grader's differentiator."""
    guard_size(function)
    engine = Differentiator(variable)
    result = engine.d(function)
    simplified = sympy.simplify(result) if size_of(result) <= MAX_FUNCTION_SIZE else result
    worked = Worked(steps=list(engine.steps), claims=list(engine.claims), result=result)
    worked.steps.insert(
        0,
        step(
            f"We differentiate {spoken_of_safe(function)} with respect to {variable}.",
            rule="",
            latex=_d(function),
        ),
    )
    worked.steps.append(
        step(
            "Put the pieces together.",
            rule="result",
            latex=rf"{_d(function)} = {tex(result)}",
            result=result,
        )
    )
    if size_of(simplified) < size_of(result):
        worked.steps.append(
            step(
                "Simplify.",
                rule="simplify",
                latex=rf"{tex(result)} = {tex(simplified)}",
                result=simplified,
            )
        )
        worked.claims.append(verify.Equal(result, simplified))
        worked.result = simplified
    main_rule = engine.rules[-1] if engine.rules else ""
    worked.strategy = main_rule
    formula = DERIVATIVE_FORMULAS.get(main_rule) or (engine.formulas[-1] if engine.formulas else "")
    worked.first_hint = [
        step(
            f"Look at the outermost operation of {spoken_of_safe(function)}: it calls for "
            f"{'the ' if main_rule.endswith('rule') else ''}{main_rule}.",
            rule=main_rule,
            latex=formula,
        )
    ]
    if main_rule in {"product rule", "quotient rule", "chain rule"} and engine.pieces:
        worked.first_hint.append(step(engine.pieces[-1], rule=main_rule))
    return worked


DERIVATIVE_FORMULAS = {
    "power rule": r"\frac{d}{dx}\,x^n = n x^{n-1}",
    "sum rule": r"(f + g)' = f' + g'",
    "constant multiple rule": r"(c f)' = c f'",
    "product rule": r"(fg)' = f'g + fg'",
    "quotient rule": r"\left(\frac{f}{g}\right)' = \frac{f'g - fg'}{g^2}",
    "chain rule": r"\frac{d}{dx}\,f(u(x)) = f'(u) \cdot u'(x)",
    "logarithmic differentiation": r"a^b = e^{b \ln a}",
    "constant rule": r"\frac{d}{dx}\,c = 0",
}


def buggy_derivatives(function: Any, variable: Any) -> dict[str, tuple[Any, list[BugSite]]]:
    """For each differentiation mistake that applies, the answer it leads to and where."""
    found: dict[str, tuple[Any, list[BugSite]]] = {}
    for bug in DERIVATIVE_BUGS:
        engine = Differentiator(variable, bug)
        try:
            wrong = engine.d(function)
        except NoSteps:
            continue
        if engine.sites:
            found[bug] = (wrong, engine.sites)
    return found

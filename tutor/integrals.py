"""Antiderivatives step by step, following SymPy's `manualintegrate.integral_steps` rule by rule
(power, constant multiple, sum, u-substitution, parts, trig, exp, ln), ending with + C; each
step claimed by differentiating its result back with the grader's differentiator.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.integrals import manualintegrate as mi

from tutor import verify
from tutor.steps import (
    MAX_STEPS,
    NoSteps,
    Step,
    Worked,
    guard_size,
    spoken_of_safe,
    step,
    tex,
)

INTEGRAL_FORMULAS = {
    "u-substitution": r"\int f(u(x))\,u'(x)\,dx = \int f(u)\,du",
    "integration by parts": r"\int u\,dv = uv - \int v\,du",
    "power rule": r"\int x^n\,dx = \frac{x^{n+1}}{n+1} + C \quad (n \ne -1)",
    "sum rule": r"\int (f + g)\,dx = \int f\,dx + \int g\,dx",
    "constant multiple rule": r"\int c f\,dx = c \int f\,dx",
    "ln rule": r"\int \frac{1}{u}\,du = \ln|u| + C",
    "exponential rule": r"\int e^x\,dx = e^x + C",
    "constant rule": r"\int c\,dx = c x + C",
}


_ATOMIC_RULES = {
    "ConstantRule": "constant rule",
    "PowerRule": "power rule",
    "ExpRule": "exponential rule",
    "SinRule": "trig rule",
    "CosRule": "trig rule",
    "Sec2Rule": "trig rule",
    "SecTanRule": "trig rule",
    "Csc2Rule": "trig rule",
    "CscCotRule": "trig rule",
    "ArctanRule": "inverse trig rule",
    "ArcsinRule": "inverse trig rule",
}


def _int(f: Any, x: Any) -> str:
    return rf"\int {tex(f)}\,d{x}"


class Integrator:
    """Walks SymPy's integral_steps, writing one step per rule and checking each by derivative."""

    def __init__(self, variable: Any) -> None:
        self.x = variable
        self.steps: list[Step] = []
        self.claims: list[verify.Claim] = []
        self.rules: list[str] = []
        self.substitutions: list[Any] = []

    def walk(self, rule: Any, integrand: Any = None) -> Any:
        """The antiderivative of `integrand` (the parent's view of it: SymPy's own label on a
        nested rule may differ by a constant factor) by `rule`."""
        if len(self.steps) > MAX_STEPS:
            raise NoSteps("too many steps")
        name = type(rule).__name__
        x = rule.variable
        at = len(self.steps)
        f = rule.integrand if integrand is None else integrand
        if name == "AlternativeRule":
            return self.walk(rule.alternatives[0], f)
        if name == "RewriteRule":
            self.steps.append(
                step(
                    "Rewrite the integrand.",
                    rule="rewrite",
                    latex=rf"{tex(f)} = {tex(rule.rewritten)}",
                )
            )
            self.claims.append(verify.Equal(f, rule.rewritten))
            return self.walk(rule.substep, rule.rewritten)
        if name == "ConstantTimesRule":
            inner = self.walk(rule.substep, rule.other)
            result = rule.constant * inner
            made = step(
                f"Constant multiple rule: take the factor {spoken_of_safe(rule.constant)} "
                "outside the integral.",
                rule="constant multiple rule",
                latex=rf"{_int(f, x)} = {tex(rule.constant)} {_int(rule.other, x)}",
                result=result,
            )
        elif name == "AddRule":
            parts = [self.walk(sub) for sub in rule.substeps]
            result = sympy.Add(*parts)
            made = step(
                "Sum rule: integrate term by term.",
                rule="sum rule",
                latex=rf"{_int(f, x)} = "
                + " + ".join(_int(sub.integrand, x) for sub in rule.substeps),
                result=result,
            )
        elif name == "URule":
            u = sympy.Symbol("u")
            self.substitutions.append(rule.u_func)
            sub = _rename(rule.substep, rule.u_var, u)
            inner = self.walk(sub)
            result = inner.subs(u, rule.u_func)
            made = step(
                f"Substitute u = {spoken_of_safe(rule.u_func)}, so du = "
                f"{spoken_of_safe(sympy.diff(rule.u_func, x))} d{x}; then substitute back.",
                rule="u-substitution",
                latex=rf"{_int(f, x)} = {_int(sub.integrand, u)}",
                result=result,
            )
        elif name == "PartsRule":
            v = self.walk(rule.v_step, rule.dv)
            second = (
                self.walk(rule.second_step, v * sympy.diff(rule.u, x))
                if rule.second_step
                else sympy.Integer(0)
            )
            result = rule.u * v - second
            made = step(
                f"Integration by parts with u = {spoken_of_safe(rule.u)} and "
                f"dv = {spoken_of_safe(rule.dv)} d{x}.",
                rule="integration by parts",
                latex=rf"{_int(f, x)} = {tex(rule.u * v)} - {_int(v * sympy.diff(rule.u, x), x)}",
                result=result,
            )
        elif name == "ReciprocalRule":
            result = sympy.log(sympy.Abs(rule.base))
            made = step(
                "The power rule fails for the power -1: the integral of 1/u is ln|u|.",
                rule="ln rule",
                latex=rf"{_int(f, x)} = {tex(result)}",
                result=result,
            )
        elif name in _ATOMIC_RULES:
            result = rule.eval()  # safe-by-review: a SymPy rule object evaluates itself, no text
            words = {
                "PowerRule": "Power rule: raise the power by one and divide by the new power.",
                "ConstantRule": f"A constant integrates to the constant times {x}.",
                "ExpRule": "The exponential is its own antiderivative (divided by ln of the "
                "base when the base is not e).",
            }.get(name, f"A standard integral ({_ATOMIC_RULES[name]}).")
            made = step(
                words,
                rule=_ATOMIC_RULES[name],
                latex=rf"{_int(f, x)} = {tex(result)}",
                result=result,
            )
        else:
            raise NoSteps(f"no explanation for {name}")
        self.steps.insert(at, made)
        self.rules.append(made.rule)
        self.claims.append(verify.Antiderivative(f, result, str(x)))
        return result


def _rename(rule: Any, old: Any, new: Any) -> Any:
    """integral_steps names its substitution variable `_u`: call it u, which we can print."""
    fields = {}
    for name, value in vars(rule).items() if hasattr(rule, "__dict__") else ():
        fields[name] = value
    if not fields:
        fields = {name: getattr(rule, name) for name in rule.__dataclass_fields__}
    changed: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, sympy.Basic):
            changed[name] = value.subs(old, new)
        elif isinstance(value, mi.Rule):
            changed[name] = _rename(value, old, new)
        elif isinstance(value, list):
            changed[name] = [
                _rename(item, old, new) if isinstance(item, mi.Rule) else item for item in value
            ]
        else:
            changed[name] = value
    return type(rule)(**changed)


# integral_steps' trigonometric rules search for minutes on products of high trigonometric
# powers (sin^7 cos^5), and SymPy can swallow the time budget's exception on the way (a tracer
# that raises is switched off): such integrands are refused before the search starts.
MAX_TRIG_POWER = 6


def _trig_power(integrand: Any) -> int:
    trig = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot)
    total = 0
    for power in integrand.atoms(sympy.Pow):
        if isinstance(power.base, trig) and power.exp.is_Integer:
            total += abs(int(power.exp))
    return total


def antiderivative_worked(integrand: Any, variable: Any) -> Worked:
    guard_size(integrand)
    if _trig_power(integrand) > MAX_TRIG_POWER:
        raise NoSteps("too many trigonometric powers for a step-by-step search")
    try:
        rule = mi.integral_steps(integrand, variable)
    except Exception as exc:
        raise NoSteps("integral_steps failed") from exc
    engine = Integrator(variable)
    result = engine.walk(rule)
    constant = sympy.Symbol("C")
    worked = Worked(steps=list(engine.steps), claims=list(engine.claims))
    worked.steps.insert(
        0,
        step(
            f"We look for a function whose derivative is {spoken_of_safe(integrand)}.",
            latex=_int(integrand, variable),
        ),
    )
    worked.steps.append(
        step(
            "Add the constant of integration, C: every antiderivative differs by a constant.",
            rule="constant of integration",
            latex=rf"{_int(integrand, variable)} = {tex(result)} + C",
            result=result + constant,
        )
    )
    worked.claims.append(verify.Antiderivative(integrand, result + constant, str(variable)))
    worked.result = result
    # The idea that unlocks the integral, else the outermost rule.
    main_rule = next(
        (rule for rule in ("u-substitution", "integration by parts") if rule in engine.rules),
        engine.rules[-1] if engine.rules else "",
    )
    worked.strategy = main_rule
    worked.first_hint = [
        step(
            f"Which function has {spoken_of_safe(integrand)} as its derivative? Try the "
            f"{main_rule}.",
            rule=main_rule,
            latex=INTEGRAL_FORMULAS.get(main_rule, ""),
        )
    ]
    if engine.substitutions:
        worked.first_hint.append(
            step(
                f"Try u = {spoken_of_safe(engine.substitutions[0])}: its derivative appears in "
                "the integrand.",
                rule="u-substitution",
            )
        )
    return worked

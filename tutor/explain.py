"""The tutor's entry points: `explain`, `help_before_answer` and `diagnose` (see `tutor`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

from curriculum.grading.equivalence import Outcome, compare
from curriculum.grading.mathparse import MathSyntaxError, parse
from curriculum.grading.templates import render_spec
from tutor import verify
from tutor.arithmetic import arithmetic_worked, fact_worked, fraction_text, scale_fraction_worked
from tutor.budget import OutOfTime, time_budget
from tutor.demo_tasks import DEMO_TASKS
from tutor.derivatives import derivative_worked
from tutor.diagnosis import Diagnosis, diagnose_task
from tutor.integrals import antiderivative_worked
from tutor.limits import limit_worked, piecewise_worked
from tutor.steps import Explanation, NoSteps, Step, Worked, step, tex
from tutor.symbolic import NotRepresentable, sympy_of, text_of

FACT_OPERATIONS = {"+", "−", "×", "÷", "-", "*", "/"}
NO_STEPS = (
    "No worked steps are available for this exercise. Compare your answer with the "
    "explanation, and try the hints."
)


def task_for(
    kind: str,
    spec: Mapping[str, Any],
    *,
    values: Mapping[str, int] | None = None,
    prompt_hint: str | None = None,
) -> dict[str, Any] | None:
    """What the exercise asks, as a tutor task: the spec's "tutor" key, the demo's, or a fact."""
    task: Any = spec.get("tutor")
    if task is None and prompt_hint is not None:
        task = DEMO_TASKS.get(prompt_hint)
    if task is None and kind == "fact":
        task = {
            "task": "fact",
            "operand1": spec.get("operand1"),
            "operation": spec.get("operation"),
            "operand2": spec.get("operand2"),
        }
    if not isinstance(task, Mapping):
        return None
    rendered = render_spec(dict(task), values) if values else dict(task)
    return rendered if isinstance(rendered, dict) else None


def expected_answer(kind: str, spec: Mapping[str, Any], values: Mapping[str, int] | None) -> str:
    """The expected answer as text in the grader's syntax ("" when the kind has none)."""
    rendered = render_spec(dict(spec), values) if values else spec
    if kind == "expression":
        return str(rendered.get("answer", ""))
    if kind == "numeric":
        return str(rendered.get("value", ""))
    if kind == "fact":
        a, operation, b = (
            rendered.get("operand1"),
            rendered.get("operation"),
            rendered.get("operand2"),
        )
        if not isinstance(a, int) or not isinstance(b, int):
            return ""
        symbol = {"+": "+", "−": "-", "-": "-", "×": "*", "*": "*", "÷": "/", "/": "/"}.get(
            str(operation), ""
        )
        if not symbol or (symbol == "/" and b == 0):
            return ""
        value = {"+": a + b, "-": a - b, "*": a * b}.get(symbol, Fraction(a, b or 1))
        return fraction_text(Fraction(value))
    return ""


def _symbol(task: Mapping[str, Any]) -> Any:
    name = str(task.get("variable", "x"))
    if len(name) != 1 or not name.isalpha():
        raise NoSteps("bad variable")
    return sympy.Symbol(name)


def _expr(text: Any) -> Any:
    try:
        return sympy_of(str(text))
    except (MathSyntaxError, NotRepresentable) as exc:
        raise NoSteps(str(exc)) from exc


def work(task: Mapping[str, Any]) -> Worked:
    """The worked solution of a task (raises NoSteps when the tutor has none)."""
    name = task.get("task")
    if name == "differentiate":
        x = _symbol(task)
        worked = derivative_worked(_expr(task["of"]), x)
        if "at" in task:
            _evaluate_at(worked, x, _expr(task["at"]))
        return worked
    if name == "integrate":
        x = _symbol(task)
        worked = antiderivative_worked(_expr(task["of"]), x)
        if "from" in task:
            _evaluate_between(worked, x, _expr(task["from"]), _expr(task["to"]))
        return worked
    if name == "limit":
        x = _symbol(task)
        point = _expr(task["to"])
        if "left" in task:
            return piecewise_worked(_expr(task["left"]), _expr(task["right"]), x, point)
        side = {"+": "+", "-": "-"}.get(str(task.get("side", "")), "+-")
        return limit_worked(_expr(task["of"]), x, point, side)
    if name == "fractions":
        stages = task.get("stages")
        if not isinstance(stages, list) or not stages:
            raise NoSteps("no stages")
        return arithmetic_worked(
            [stage if isinstance(stage, str) else tuple(stage) for stage in stages],
            str(task.get("words", "")),
            as_decimal=task.get("as") == "decimal",
        )
    if name == "equivalent_fraction":
        numerator = task.get("numerator")
        denominator = task.get("denominator")
        return scale_fraction_worked(
            str(task["of"]),
            numerator=int(Fraction(str(numerator))) if numerator else None,
            denominator=int(Fraction(str(denominator))) if denominator else None,
        )
    if name == "fact":
        a, operation, b = task.get("operand1"), task.get("operation"), task.get("operand2")
        if not isinstance(a, int) or not isinstance(b, int) or operation not in FACT_OPERATIONS:
            raise NoSteps("not a fact")
        return fact_worked(a, str(operation), b)
    if name == "simplify":
        return _simplify_worked(_expr(task["of"]))
    raise NoSteps(f"unknown task {name!r}")


@lru_cache(maxsize=2048)
def _checked_work(task_json: str) -> tuple[Worked | None, bool]:
    """The worked solution of a task and whether all its claims hold (cached: tasks repeat).

    Raises OutOfTime past the budget (not cached: a busy machine is not a property of the task).
    """
    try:
        with time_budget():
            worked = work(json.loads(task_json))
            return worked, verify.all_hold(worked.claims)
    except (NoSteps, NotRepresentable, MathSyntaxError, KeyError, ValueError, TypeError):
        return None, False


def checked(
    kind: str,
    spec: Mapping[str, Any],
    task: Mapping[str, Any],
    values: Mapping[str, int] | None,
) -> Worked | None:
    """The worked solution when every step holds and it ends at the expected answer."""
    try:
        worked, holds = _checked_work(json.dumps(task, sort_keys=True))
    except OutOfTime:
        return None
    if worked is None or not holds:
        return None
    try:
        return worked if matches(worked, kind, spec, values) else None
    except (NotRepresentable, MathSyntaxError, KeyError, ValueError, TypeError):
        return None


def _simplify_worked(expr: Any) -> Worked:
    simplified = sympy.simplify(expr)
    worked = Worked(strategy="simplify", result=simplified)
    worked.steps.append(step("We simplify", latex=tex(expr)))
    expanded = sympy.expand(expr)
    if expanded != expr and expanded != simplified:
        worked.steps.append(
            step(
                "Expand the brackets.",
                rule="expand",
                latex=rf"{tex(expr)} = {tex(expanded)}",
                result=expanded,
            )
        )
        worked.claims.append(verify.Equal(expr, expanded))
    worked.steps.append(
        step(
            "Collect like terms.",
            rule="simplify",
            latex=rf"{tex(expr)} = {tex(simplified)}",
            result=simplified,
        )
    )
    worked.claims.append(verify.Equal(expr, simplified))
    worked.first_hint = [
        Step(text="Work on the brackets first, one sign at a time.", rule="simplify")
    ]
    return worked


def _evaluate_at(worked: Worked, x: Any, point: Any) -> None:
    derivative = worked.result
    value = sympy.simplify(derivative.subs(x, point))
    worked.steps.append(
        step(
            f"Substitute {x} = {text_of(point)} into the derivative.",
            rule="substitute",
            latex=rf"{tex(derivative)}\Big|_{{{x} = {tex(point)}}} = {tex(value)}",
            result=value,
        )
    )
    worked.claims.append(verify.Equal(derivative.subs(x, point), value))
    worked.result = value


def _evaluate_between(worked: Worked, x: Any, low: Any, high: Any) -> None:
    antiderivative = worked.result
    # The constant of integration cancels: drop the "+ C" step of the indefinite integral.
    worked.steps = [s for s in worked.steps if s.rule != "constant of integration"]
    value = sympy.simplify(antiderivative.subs(x, high) - antiderivative.subs(x, low))
    worked.steps.append(
        step(
            f"Evaluate the antiderivative at {text_of(high)} and at {text_of(low)}, and subtract "
            "(the fundamental theorem of calculus).",
            rule="fundamental theorem of calculus",
            latex=(
                rf"\left[{tex(antiderivative)}\right]_{{{tex(low)}}}^{{{tex(high)}}} = "
                rf"{tex(value)}"
            ),
            result=value,
        )
    )
    worked.claims.append(
        verify.Equal(antiderivative.subs(x, high) - antiderivative.subs(x, low), value)
    )
    worked.result = value
    worked.definite = True


def _result_text(result: Any) -> str:
    if isinstance(result, Fraction):
        return fraction_text(result)
    return text_of(result)


def matches(
    worked: Worked, kind: str, spec: Mapping[str, Any], values: Mapping[str, int] | None
) -> bool:
    """Whether the worked result is the exercise's expected answer (by the grader)."""
    expected = expected_answer(kind, spec, values)
    if not expected or worked.result is None:
        return False
    rendered = render_spec(dict(spec), values) if values else spec
    try:
        result_text = _result_text(worked.result)
    except NotRepresentable:
        return False
    tolerance = rendered.get("abs_tol") if kind == "numeric" else None
    if tolerance is not None:
        try:
            got = sympy_of(result_text)
            want = sympy_of(expected)
        except (MathSyntaxError, NotRepresentable):
            return False
        return bool(abs(float(got) - float(want)) <= float(tolerance))
    up_to_constant = bool(rendered.get("up_to_constant")) and not worked.definite
    if up_to_constant:
        return verify.matches_expected(sympy_of(result_text), expected, up_to_constant=True)
    try:
        want_node = parse(expected)
        got_node = parse(result_text)
    except MathSyntaxError:
        return False
    outcome = compare(want_node.node, got_node.node, want_node.symbols, got_node.symbols)
    return outcome is Outcome.EQUIVALENT


def _fallback(summary: str = NO_STEPS) -> Explanation:
    return Explanation(steps=[Step(text=summary, spoken=summary)], verified=False, summary=summary)


def explain(
    kind: str,
    spec: Mapping[str, Any],
    *,
    values: Mapping[str, int] | None = None,
    prompt_hint: str | None = None,
) -> Explanation:
    """Worked steps to the expected answer, verified by the grader; a short note otherwise."""
    task = task_for(kind, spec, values=values, prompt_hint=prompt_hint)
    worked = checked(kind, spec, task, values) if task is not None else None
    if worked is None:
        return _fallback()
    summary = f"Worked steps ({worked.strategy})." if worked.strategy else "Worked steps."
    return Explanation(steps=list(worked.steps), verified=True, summary=summary)


def reveals(step_: Step, expected: str) -> bool:
    """Whether a step states an expression equivalent to the expected answer."""
    if not step_.expression or not expected:
        return False
    try:
        want = parse(expected)
        got = parse(step_.expression)
    except MathSyntaxError:
        return True  # what cannot be checked is not shown before an answer
    return compare(want.node, got.node, want.symbols, got.symbols) is not Outcome.DIFFERENT


def help_before_answer(
    kind: str,
    spec: Mapping[str, Any],
    *,
    values: Mapping[str, int] | None = None,
    prompt_hint: str | None = None,
) -> Explanation:
    """A first step or strategy, never an expression equivalent to the expected answer."""
    task = task_for(kind, spec, values=values, prompt_hint=prompt_hint)
    generic = "Read the question again and look at the first hint: which rule or idea fits?"
    worked = checked(kind, spec, task, values) if task is not None else None
    if worked is None:
        return _fallback(generic)
    expected = expected_answer(kind, spec, values)
    steps = [s for s in worked.first_hint if not reveals(s, expected)]
    if not steps:
        return _fallback(generic)
    summary = f"Strategy: {worked.strategy}." if worked.strategy else "A first step."
    return Explanation(steps=steps, verified=True, summary=summary)


def diagnose(
    kind: str,
    spec: Mapping[str, Any],
    response: str,
    *,
    values: Mapping[str, int] | None = None,
    prompt_hint: str | None = None,
) -> Diagnosis | None:
    """Which known misconception produced this wrong answer; None if none did, or if right."""
    task = task_for(kind, spec, values=values, prompt_hint=prompt_hint)
    try:
        expected = expected_answer(kind, spec, values)
    except (KeyError, ValueError, TypeError):
        expected = ""
    return diagnose_task(kind, spec, response, task=task, expected=expected, values=values)

"""Feedback on the mistake: a learner's answer built with a known mistake is diagnosed as it."""

from __future__ import annotations

from typing import Any

import pytest
import sympy

from curriculum.grading import grade, render_spec
from tests.tutor.demo_content import DemoExercise, demo_exercises
from tutor import diagnose
from tutor.derivatives import buggy_derivatives
from tutor.diagnosis import DERIVATIVE_CODES, MISCONCEPTIONS
from tutor.explain import task_for
from tutor.symbolic import sympy_of, text_of


def derivative_of(function: str, answer: str) -> dict[str, Any]:
    return {"answer": answer, "tutor": {"task": "differentiate", "of": function, "variable": "x"}}


def antiderivative_of(integrand: str, answer: str) -> dict[str, Any]:
    return {
        "answer": answer,
        "up_to_constant": True,
        "tutor": {"task": "integrate", "of": integrand, "variable": "x"},
    }


def fractions(left: str, operation: str, right: str, value: str) -> dict[str, Any]:
    return {"value": value, "tutor": {"task": "fractions", "stages": [[left, operation, right]]}}


def simplify(expression: str, answer: str) -> dict[str, Any]:
    return {"answer": answer, "tutor": {"task": "simplify", "of": expression}}


D_SIN_X_SQUARED = derivative_of("sin(x^2)", "2x cos(x^2)")
D_X3_SIN = derivative_of("x^3 sin(x)", "3x^2 sin(x) + x^3 cos(x)")
D_SIN_OVER_X = derivative_of("sin(x)/x", "(x cos(x) - sin(x))/x^2")
D_X5 = derivative_of("x^5", "5x^4")

# (misconception, kind, spec, the learner's answer built by that mistake)
CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("chain_rule_inner_derivative", "expression", D_SIN_X_SQUARED, "cos(x^2)"),
    (
        "chain_rule_inner_derivative",
        "expression",
        derivative_of("(3x + 1)^5", "15(3x+1)^4"),
        "5(3x + 1)^4",
    ),
    ("product_rule_sign", "expression", D_X3_SIN, "3x^2 sin(x) - x^3 cos(x)"),
    ("product_rule_missing_term", "expression", D_X3_SIN, "3x^2 cos(x)"),
    ("power_rule_kept_exponent", "expression", D_X5, "5x^5"),
    ("power_rule_raised_exponent", "expression", D_X5, "5x^6"),
    ("quotient_rule_sign", "expression", D_SIN_OVER_X, "(sin(x) - x cos(x))/x^2"),
    ("quotient_rule_square", "expression", D_SIN_OVER_X, "(x cos(x) - sin(x))/x"),
    (
        "derivative_of_constant",
        "expression",
        derivative_of("3x^4 - 2x^2 + 7x - 5", "12x^3 - 4x + 7"),
        "12x^3 - 4x + 7 - 5",
    ),
    ("dropped_constant_of_integration", "expression", antiderivative_of("x^4", "x^5/5"), "x^5/5"),
    (
        "antiderivative_power_divided_by_n",
        "expression",
        antiderivative_of("3x^2 + 4x - 5", "x^3 + 2x^2 - 5x"),
        "3x^3/2 + 4x^2 - 5x + C",
    ),
    (
        "differentiated_instead_of_integrated",
        "expression",
        antiderivative_of("x^4", "x^5/5"),
        "4x^3 + C",
    ),
    ("fractions_added_denominators", "numeric", fractions("1/2", "+", "1/3", "5/6"), "2/5"),
    ("fractions_added_denominators", "numeric", fractions("3/4", "-", "2/3", "1/12"), "1"),
    (
        "fractions_divided_instead_of_multiplied",
        "numeric",
        fractions("2/3", "×", "3/5", "2/5"),
        "10/9",
    ),
    ("fractions_forgot_to_flip", "numeric", fractions("2/3", "÷", "4/9", "3/2"), "8/27"),
    (
        "sign_error_distributing_minus",
        "expression",
        simplify("3x - (x + 2)", "2x - 2"),
        "2x + 2",
    ),
    ("exponent_product_rule", "expression", simplify("x^2 x^3", "x^5"), "x^6"),
    ("sqrt_of_sum", "expression", simplify("sqrt(x^2 + 9)", "sqrt(x^2 + 9)"), "x + 3"),
]


@pytest.mark.parametrize(("code", "kind", "spec", "response"), CASES, ids=[c[0] for c in CASES])
def test_an_answer_built_with_a_known_mistake_is_diagnosed_as_it(
    code: str, kind: str, spec: dict[str, Any], response: str
) -> None:
    diagnosis = diagnose(kind, spec, response)
    assert diagnosis is not None
    assert diagnosis.code == code
    assert diagnosis.title == MISCONCEPTIONS[code].title
    assert diagnosis.message
    assert diagnosis.step.text


def test_at_least_twelve_misconceptions_are_recognised() -> None:
    assert len({code for code, *_ in CASES}) >= 12
    assert {code for code, *_ in CASES} == set(MISCONCEPTIONS)


def test_the_diagnosis_shows_the_right_step_where_it_went_wrong() -> None:
    diagnosis = diagnose("expression", D_SIN_X_SQUARED, "cos(x^2)")
    assert diagnosis is not None
    assert diagnosis.step.text == (
        "Here: the derivative of sin(x^2) is 2 * x * cos(x^2), not cos(x^2)."
    )
    assert diagnosis.step.expression == "2*x*cos(x^2)"


def test_a_mistake_inside_a_larger_function_is_found_at_its_place() -> None:
    # Chain rule forgotten inside a product: d/dx x sin(x^2).
    spec = derivative_of("x sin(x^2)", "sin(x^2) + 2x^2 cos(x^2)")
    diagnosis = diagnose("expression", spec, "sin(x^2) + x cos(x^2)")
    assert diagnosis is not None
    assert diagnosis.code == "chain_rule_inner_derivative"
    assert "sin(x^2)" in diagnosis.step.text


@pytest.mark.parametrize(
    ("kind", "spec", "response"),
    [
        ("expression", D_SIN_X_SQUARED, "2x cos(x^2)"),  # right
        ("expression", D_SIN_X_SQUARED, "2 cos(x^2)"),  # wrong, but no known mistake
        ("expression", D_X5, "this is not math ("),  # unreadable
        ("numeric", fractions("1/2", "+", "1/3", "5/6"), "7/6"),
        ("expression", {"answer": "x^2"}, "x^3"),  # no task: nothing to compare with
    ],
)
def test_a_right_or_unrecognised_answer_gets_no_diagnosis(
    kind: str, spec: dict[str, Any], response: str
) -> None:
    assert diagnose(kind, spec, response) is None


def test_a_demo_exercise_is_diagnosed_through_its_prompt() -> None:
    prompt = r"Find $\frac{d}{dx}\,\sin(x^2)$."
    diagnosis = diagnose("expression", {"answer": "2x cos(x^2)"}, "cos(x^2)", prompt_hint=prompt)
    assert diagnosis is not None
    assert diagnosis.code == "chain_rule_inner_derivative"


def test_a_parametrised_demo_exercise_is_diagnosed_in_its_variant() -> None:
    prompt = r"Find $\frac{{d}}{{dx}}\,\sin({a}x)$."
    spec = {"answer": "{a}cos({a}x)"}
    diagnosis = diagnose("expression", spec, "cos(7x)", values={"a": 7}, prompt_hint=prompt)
    assert diagnosis is not None
    assert diagnosis.code == "chain_rule_inner_derivative"


def _demo_derivative_mistakes() -> list[tuple[DemoExercise, str, str]]:
    cases = []
    for exercise in demo_exercises(("derivatives",), ("expression",)):
        task = task_for(
            exercise.kind, exercise.spec, values=exercise.values, prompt_hint=exercise.prompt
        )
        assert task is not None
        function = sympy_of(task["of"])
        for bug, (wrong, _) in buggy_derivatives(function, sympy.Symbol("x")).items():
            cases.append((exercise, DERIVATIVE_CODES[bug], text_of(wrong)))
    return cases


def test_every_differentiation_mistake_on_the_demo_derivatives_is_diagnosed() -> None:
    cases = _demo_derivative_mistakes()
    assert len(cases) > 60
    for exercise, code, wrong in cases:
        diagnosis = diagnose(
            exercise.kind, exercise.spec, wrong, values=exercise.values, prompt_hint=exercise.prompt
        )
        assert diagnosis is not None, (exercise.id, code, wrong)
        assert diagnosis.code == code, (exercise.id, code, wrong)


def test_on_every_demo_antiderivative_a_missing_constant_and_a_derivative_are_diagnosed() -> None:
    exercises = [
        exercise
        for exercise in demo_exercises(("antiderivatives",), ("expression",))
        if exercise.spec.get("up_to_constant")
    ]
    assert len(exercises) > 20
    for exercise in exercises:
        task = task_for(
            exercise.kind, exercise.spec, values=exercise.values, prompt_hint=exercise.prompt
        )
        assert task is not None
        answer = render_spec(exercise.spec, exercise.values or {})["answer"]
        dropped = diagnose(
            exercise.kind,
            exercise.spec,
            answer,
            values=exercise.values,
            prompt_hint=exercise.prompt,
        )
        assert dropped is not None
        assert dropped.code == "dropped_constant_of_integration", exercise.id
        derivative = text_of(sympy.diff(sympy_of(task["of"]), sympy.Symbol(task["variable"])))
        typed = derivative + " + C"
        if grade(exercise.kind, exercise.spec, typed, values=exercise.values).correct:
            continue  # e^x: differentiating gives the right answer
        wrong = diagnose(
            exercise.kind,
            exercise.spec,
            typed,
            values=exercise.values,
            prompt_hint=exercise.prompt,
        )
        assert wrong is not None, (exercise.id, derivative)
        assert wrong.code == "differentiated_instead_of_integrated", exercise.id

"""Worked steps for the demo content: every chain is verified by the grader and ends at the answer.

The last step's expression, typed as the learner's answer, is graded right by the exercise's own
answer test (with + C for antiderivatives).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from curriculum.grading import grade
from curriculum.grading.mathparse import parse
from tests.tutor.demo_content import (
    CALCULUS_AND_FRACTIONS,
    FACTS,
    WORKED_KINDS,
    DemoExercise,
    demo_exercises,
)
from tutor import budget, explain, verify

# Right (u = sin x), so only the time budget can refuse it.
SIN7_COS5_ANTIDERIVATIVE = "sin(x)^8/8 - sin(x)^10/5 + sin(x)^12/12"
CALCULUS = demo_exercises(CALCULUS_AND_FRACTIONS, WORKED_KINDS)
FACT_EXERCISES = demo_exercises(FACTS, ("fact",))


def _assert_verified_to_the_answer(exercise: DemoExercise) -> None:
    explanation = explain(
        exercise.kind, exercise.spec, values=exercise.values, prompt_hint=exercise.prompt
    )
    assert explanation.verified, exercise.id
    shown = [step for step in explanation.steps if step.expression]
    assert shown, exercise.id
    for step in explanation.steps:
        assert step.text
        assert step.spoken
        if step.expression:
            parse(step.expression)  # every expression shown is one the grader reads
            assert step.expression_latex
    verdict = grade(exercise.kind, exercise.spec, shown[-1].expression, values=exercise.values)
    assert verdict.correct, (exercise.id, shown[-1].expression, verdict.feedback)


def test_the_demo_has_worked_content_in_each_calculus_and_fraction_track() -> None:
    tracks = {exercise.track for exercise in CALCULUS}
    assert tracks == set(CALCULUS_AND_FRACTIONS)
    assert len(CALCULUS) > 120


@pytest.mark.parametrize("exercise", CALCULUS, ids=lambda exercise: exercise.id)
def test_every_demo_calculus_and_fraction_exercise_gets_verified_steps_to_its_answer(
    exercise: DemoExercise,
) -> None:
    _assert_verified_to_the_answer(exercise)


def test_every_demo_number_fact_gets_a_verified_strategy_to_its_answer() -> None:
    assert len(FACT_EXERCISES) > 600
    for exercise in FACT_EXERCISES:
        _assert_verified_to_the_answer(exercise)


def _rules(of: str, task: str = "differentiate", answer: str = "") -> list[str]:
    spec = {"answer": answer, "tutor": {"task": task, "of": of, "variable": "x"}}
    if task == "integrate":
        spec["up_to_constant"] = True
    explanation = explain("expression", spec)
    assert explanation.verified
    return [step.rule for step in explanation.steps]


def test_derivative_steps_name_their_rules() -> None:
    assert "power rule" in _rules("x^5", answer="5x^4")
    assert {"sum rule", "constant rule"} <= set(_rules("x^2 - 5", answer="2x"))
    assert "constant multiple rule" in _rules("7x^3", answer="21x^2")
    assert "product rule" in _rules("x^3 sin(x)", answer="3x^2 sin(x) + x^3 cos(x)")
    assert "quotient rule" in _rules("sin(x)/x", answer="(x cos(x) - sin(x))/x^2")
    assert "ln rule" in _rules("ln(x)", answer="1/x")
    assert "exponential rule" in _rules("e^x", answer="e^x")


def test_the_chain_rule_step_shows_the_inner_derivative() -> None:
    spec = {
        "answer": "2x cos(x^2)",
        "tutor": {"task": "differentiate", "of": "sin(x^2)", "variable": "x"},
    }
    chain = [s for s in explain("expression", spec).steps if s.rule == "chain rule"]
    assert len(chain) == 1
    assert "inner derivative u' = 2 * x" in chain[0].text
    assert r"\underbrace{2 x}_{\text{inner derivative}}" in chain[0].latex


def test_antiderivative_steps_follow_sympys_rules_and_end_with_the_constant() -> None:
    rules = _rules("2x cos(x^2)", "integrate", "sin(x^2)")
    assert "u-substitution" in rules
    assert rules[-1] == "constant of integration"
    assert "integration by parts" in _rules("x e^x", "integrate", "x e^x - e^x")


@pytest.mark.parametrize(
    ("of", "to", "value", "strategy"),
    [
        ("(x^2 - 9)/(x - 3)", "3", "6", "factor and cancel"),
        ("(sqrt(x + 4) - 2)/x", "0", "1/4", "conjugate"),
        ("sin(5x)/x", "0", "5", "standard limit"),
        ("(1 - cos(x))/x^2", "0", "1/2", "L'Hôpital's rule"),
        ("(3x^2 + 1)/(2x^2 - x)", "oo", "3/2", "divide by the highest power"),
        ("3x^2 - 5x + 1", "2", "3", "direct substitution"),
    ],
)
def test_limits_are_worked_with_the_strategy_that_fits(
    of: str, to: str, value: str, strategy: str
) -> None:
    spec = {"value": value, "tutor": {"task": "limit", "of": of, "to": to, "variable": "x"}}
    explanation = explain("numeric", spec)
    assert explanation.verified
    assert strategy in {step.rule for step in explanation.steps}


def test_a_chain_that_does_not_reach_the_expected_answer_is_not_shown() -> None:
    # The author's answer is wrong: the steps are right, but they do not end there.
    spec = {"answer": "3x^2 + 1", "tutor": {"task": "differentiate", "of": "x^3", "variable": "x"}}
    explanation = explain("expression", spec)
    assert not explanation.verified
    assert [step.expression for step in explanation.steps] == [""]


def test_an_exercise_without_a_task_gets_a_short_generic_note() -> None:
    explanation = explain("expression", {"answer": "x^2"}, prompt_hint="Something new")
    assert not explanation.verified
    assert len(explanation.steps) == 1
    assert not explanation.steps[0].expression


def test_a_huge_function_is_refused_quickly() -> None:
    of = " + ".join(f"sin({k}x)^{k}" for k in range(2, 40))
    spec = {"answer": "0", "tutor": {"task": "integrate", "of": of, "variable": "x"}}
    started = time.monotonic()
    explanation = explain("expression", spec)
    assert not explanation.verified
    assert time.monotonic() - started < 2


def test_a_small_function_with_a_long_antiderivative_search_is_refused_within_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # integral_steps searches for minutes on sin(x)^7 cos(x)^5; the tutor gives up instead.
    monkeypatch.setattr(budget, "DEFAULT_SECONDS", 0.5)
    spec = {
        "answer": SIN7_COS5_ANTIDERIVATIVE,
        "up_to_constant": True,
        "tutor": {"task": "integrate", "of": "sin(x)^7 cos(x)^5", "variable": "x"},
    }
    started = time.monotonic()
    explanation = explain("expression", spec)
    assert not explanation.verified
    assert time.monotonic() - started < 1.5


def test_a_step_the_grader_does_not_confirm_hides_the_whole_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if the grader's differentiator disagreed with one product-rule step.
    original = verify.Derivative.holds

    def disagree_on_products(claim: verify.Derivative) -> bool:
        return claim.function.is_Mul is False and original(claim)

    monkeypatch.setattr(verify.Derivative, "holds", disagree_on_products)
    # A function no other test uses: worked solutions are cached per task.
    spec = {
        "answer": "2x cos(x) - x^2 sin(x)",
        "tutor": {"task": "differentiate", "of": "x^2 cos(x)", "variable": "x"},
    }
    explanation = explain("expression", spec)
    assert not explanation.verified
    assert [step.expression for step in explanation.steps] == [""]


def test_the_demo_facts_are_taught_with_the_usual_strategies() -> None:
    rules = {
        step.rule
        for exercise in FACT_EXERCISES
        for step in explain(exercise.kind, exercise.spec).steps
    }
    assert {
        "doubles",
        "near doubles",
        "make ten",
        "counting on",
        "think addition",
        "skip counting",
        "×10 minus",
        "split a factor",
        "double double",
        "think multiplication",
    } <= rules


def test_nine_times_seven_is_ten_sevens_minus_one_seven() -> None:
    explanation = explain("fact", {"operand1": 9, "operation": "×", "operand2": 7})
    assert explanation.verified
    assert [step.expression for step in explanation.steps] == ["10*7 - 7", "70 - 7", "63"]


def test_the_tutor_works_and_keeps_its_budget_inside_worker_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No signals: the budget is per thread, so a slow search in one thread stops on its own
    # while another thread's explanation completes.
    monkeypatch.setattr(budget, "DEFAULT_SECONDS", 0.5)
    slow = {
        "answer": SIN7_COS5_ANTIDERIVATIVE,
        "up_to_constant": True,
        "tutor": {"task": "integrate", "of": "sin(x)^7 cos(x)^5", "variable": "x"},
    }
    quick = {
        "answer": "7x^6",
        "tutor": {"task": "differentiate", "of": "x^7", "variable": "x"},
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        started = time.monotonic()
        slow_reply = pool.submit(explain, "expression", slow)
        quick_reply = pool.submit(explain, "expression", quick)
        assert quick_reply.result(timeout=5).verified
        assert not slow_reply.result(timeout=5).verified
    assert time.monotonic() - started < 3

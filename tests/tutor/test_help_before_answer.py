""" "Help me" before an answer: a strategy and a first step, never the answer itself."""

from __future__ import annotations

import pytest

from curriculum.grading import grade
from tests.tutor.demo_content import (
    CALCULUS_AND_FRACTIONS,
    FACTS,
    WORKED_KINDS,
    DemoExercise,
    demo_exercises,
)
from tutor import Step, help_before_answer
from tutor.explain import expected_answer, reveals

CALCULUS = demo_exercises(CALCULUS_AND_FRACTIONS, WORKED_KINDS)
FACT_EXERCISES = demo_exercises(FACTS, ("fact",))


def _assert_gives_nothing_away(exercise: DemoExercise) -> None:
    help_ = help_before_answer(
        exercise.kind, exercise.spec, values=exercise.values, prompt_hint=exercise.prompt
    )
    assert help_.steps, exercise.id
    expected = expected_answer(exercise.kind, exercise.spec, exercise.values)
    for step in help_.steps:
        if not step.expression:
            continue
        # Neither equivalent by the grader, nor accepted when typed as the answer.
        assert not reveals(step, expected), (exercise.id, step.expression)
        typed = step.expression + (" + C" if exercise.spec.get("up_to_constant") else "")
        verdict = grade(exercise.kind, exercise.spec, typed, values=exercise.values)
        assert not verdict.correct, (exercise.id, step.expression)


@pytest.mark.parametrize("exercise", CALCULUS, ids=lambda exercise: exercise.id)
def test_help_on_a_demo_calculus_or_fraction_exercise_never_contains_the_answer(
    exercise: DemoExercise,
) -> None:
    _assert_gives_nothing_away(exercise)


def test_help_on_a_demo_number_fact_never_contains_the_answer() -> None:
    for exercise in FACT_EXERCISES:
        _assert_gives_nothing_away(exercise)


def test_help_names_the_strategy_and_shows_a_first_step() -> None:
    spec = {"operand1": 8, "operation": "+", "operand2": 5}
    help_ = help_before_answer("fact", spec)
    assert help_.summary == "Strategy: make ten."
    assert [step.expression for step in help_.steps] == ["8 + 2"]

    spec = {"value": "1/12"}
    prompt = r"Find $\frac{3}{4} - \frac{2}{3}$."
    help_ = help_before_answer("numeric", spec, prompt_hint=prompt)
    assert "common denominator of 4 and 3: the least one is 12" in help_.steps[0].text
    assert [step.expression for step in help_.steps if step.expression] == ["9/12"]


def test_help_on_a_one_rule_derivative_shows_the_rule_but_no_expression() -> None:
    prompt = r"Find $\frac{d}{dx}\,x^5$."
    help_ = help_before_answer("expression", {"answer": "5x^4"}, prompt_hint=prompt)
    assert help_.verified
    assert [step.rule for step in help_.steps] == ["power rule"]
    assert not any(step.expression for step in help_.steps)


def test_any_form_of_the_answer_counts_as_revealing_it() -> None:
    assert reveals(Step(text="", expression="3/6"), "1/2")
    assert reveals(Step(text="", expression="2x cos(x^2) + 0"), "2x cos(x^2)")
    assert reveals(Step(text="", expression="not math ("), "2")  # unreadable: held back
    assert not reveals(Step(text="", expression="9/12"), "1/12")
    assert not reveals(Step(text="", expression=""), "1/12")

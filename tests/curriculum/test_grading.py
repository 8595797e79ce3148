"""Grading each exercise kind, parametrised exercises and spec validation."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest

from curriculum.grading import (
    SpecError,
    Verdict,
    fact_variants,
    grade,
    render_spec,
    render_template,
    validate_spec,
    variant_for,
)

# --------------------------------------------------------------------------------------------
# Verdicts
# --------------------------------------------------------------------------------------------


def test_a_verdict_is_frozen_and_serialisable() -> None:
    verdict = grade("text", {"accepted": ["Paris"]}, "paris")
    assert isinstance(verdict, Verdict)
    with pytest.raises(FrozenInstanceError):
        verdict.correct = False  # type: ignore[misc]
    assert verdict.as_dict() == {
        "correct": True,
        "score": 1.0,
        "interpreted_as": "paris",
        "feedback": "Correct!",
        "explanation": "",
        "reason": "",
    }


def test_grading_is_pure_python_without_django() -> None:
    probe = (
        "import sys, curriculum.grading as g; "
        "assert g.grade('fact', {'operand1': 2, 'operation': '+', 'operand2': 2}, '4').correct; "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('django', 'sympy')]"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60, cwd=root)


def test_grading_from_many_threads_at_once_gives_the_same_verdicts() -> None:
    cases = [("2 sin(x) cos(x)", "sin(2x)", True), ("e^x", "e^(x+1)", False)] * 20
    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(
            pool.map(lambda case: grade("expression", {"answer": case[0]}, case[1]), cases)
        )
    assert [verdict.correct for verdict in verdicts] == [case[2] for case in cases]


def test_an_unknown_kind_is_a_spec_error() -> None:
    with pytest.raises(SpecError):
        grade("essay", {}, "anything")


# --------------------------------------------------------------------------------------------
# Multiple choice
# --------------------------------------------------------------------------------------------

CHOICE = {
    "options": [
        {"text": "2x", "explanation": "Power rule: bring the 2 down."},
        {"text": "x^2", "explanation": "That is the function itself."},
        {"text": "2", "explanation": "You differentiated twice."},
    ],
    "correct": 0,
}


def test_choosing_the_correct_option_shows_its_explanation() -> None:
    verdict = grade("multiple_choice", CHOICE, 0)
    assert verdict.correct
    assert verdict.score == 1.0
    assert verdict.explanation == "Power rule: bring the 2 down."
    assert verdict.interpreted_as == "2x"


def test_choosing_a_wrong_option_shows_that_options_explanation() -> None:
    verdict = grade("multiple_choice", CHOICE, "2")
    assert not verdict.correct
    assert verdict.explanation == "You differentiated twice."


def test_an_exercise_without_parameters_keeps_the_braces_of_its_latex() -> None:
    """The answer path passes the empty variant of an exercise without parameters: braces in
    LaTeX (`\\frac{1}{2}`) are math, not placeholders, and must not break the grading."""
    choice = {
        "options": [{"text": "$\\frac{1}{2}$", "explanation": "Halve it."}, {"text": "$2$"}],
        "correct": 0,
    }
    verdict = grade("multiple_choice", choice, 0, values={})
    assert verdict.correct
    assert verdict.explanation == "Halve it."


@pytest.mark.parametrize("response", [3, -1, "b", "", "1.0", True, None])
def test_a_choice_outside_the_options_is_incorrect(response: Any) -> None:
    verdict = grade("multiple_choice", CHOICE, response)
    assert not verdict.correct
    assert verdict.feedback == "Choose one of the options."


# --------------------------------------------------------------------------------------------
# Numeric
# --------------------------------------------------------------------------------------------

HALF = {"value": "1/2", "abs_tol": 0.001}


@pytest.mark.parametrize("response", ["0.5", "1/2", ".5", " 0.5 ", "0.5004", "2/4", "5e-1", "½"])
def test_a_half_can_be_typed_in_many_ways(response: str) -> None:
    assert grade("numeric", HALF, response).correct


@pytest.mark.parametrize("response", ["0.502", "-0.5", "1/3", "0"])
def test_a_number_outside_the_tolerance_is_incorrect(response: str) -> None:
    assert not grade("numeric", HALF, response).correct


def test_without_a_tolerance_the_number_must_be_exact() -> None:
    spec = {"value": 0.1}
    assert grade("numeric", spec, "1/10").correct
    assert not grade("numeric", spec, "0.1000001").correct


def test_a_relative_tolerance_scales_with_the_value() -> None:
    spec = {"value": 1000, "rel_tol": 0.01}
    assert grade("numeric", spec, "1009").correct
    assert grade("numeric", spec, "1e3").correct
    assert not grade("numeric", spec, "1011").correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [("-3", True), ("−3", True), ("-2 1/2", False), ("+3", False)],
)
def test_negative_numbers_and_unicode_minus_are_read(response: str, correct: bool) -> None:
    assert grade("numeric", {"value": -3}, response).correct is correct


def test_a_mixed_number_is_read_as_whole_plus_fraction() -> None:
    verdict = grade("numeric", {"value": "5/2"}, "2 1/2")
    assert verdict.correct
    assert verdict.interpreted_as == "2.5"
    assert grade("numeric", {"value": "-5/2"}, "-2 1/2").correct


def test_a_unit_may_follow_the_number_when_units_are_declared() -> None:
    spec = {"value": 5, "unit": "cm"}
    verdict = grade("numeric", spec, "5 cm")
    assert verdict.correct
    assert verdict.interpreted_as == "5 cm"
    assert grade("numeric", spec, "5cm").correct
    assert grade("numeric", spec, "5").correct


def test_a_wrong_unit_is_incorrect_and_says_which_unit() -> None:
    verdict = grade("numeric", {"value": 5, "unit": "cm"}, "5 m")
    assert not verdict.correct
    assert verdict.feedback == "The unit should be cm."


def test_a_required_unit_must_be_written() -> None:
    spec = {"value": 5, "unit": ["cm²", "cm^2"], "unit_required": True}
    assert grade("numeric", spec, "5 cm^2").correct
    assert grade("numeric", spec, "5 cm²").correct
    assert "Include the unit" in grade("numeric", spec, "5").feedback


def test_a_unit_where_none_is_expected_is_incorrect() -> None:
    verdict = grade("numeric", {"value": 5}, "5 kg")
    assert not verdict.correct
    assert "no unit" in verdict.feedback
    assert "not a calculation" in grade("numeric", {"value": 15}, "5 x 3").feedback


def test_a_huge_integer_response_is_refused_politely() -> None:
    verdict = grade("numeric", {"value": 5}, 10**5000)
    assert not verdict.correct
    assert "too long" in verdict.feedback


@pytest.mark.parametrize(
    ("response", "hint"),
    [
        ("0,5", "decimal point"),
        ("1/0", "denominator"),
        ("3+4", "not a calculation"),
        ("half", "not a number"),
        ("", "Type a number"),
    ],
)
def test_a_malformed_number_gets_a_helpful_message(response: str, hint: str) -> None:
    verdict = grade("numeric", HALF, response)
    assert not verdict.correct
    assert hint in verdict.feedback


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "response", ["Paris", "paris", "  PARIS ", "Ｐａｒｉｓ", "New  York", "new york"]
)
def test_text_answers_ignore_case_spacing_and_width(response: str) -> None:
    assert grade("text", {"accepted": ["Paris", "New York"]}, response).correct


def test_a_different_text_is_incorrect() -> None:
    verdict = grade("text", {"accepted": ["derivative"]}, "integral")
    assert not verdict.correct
    assert verdict.interpreted_as == "integral"


def test_an_empty_text_answer_asks_for_an_answer() -> None:
    assert grade("text", {"accepted": ["x"]}, "   ").feedback == "Type an answer."


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------

SEVEN_EIGHTS = {"operand1": 7, "operation": "×", "operand2": 8}


def test_typing_the_product_answers_a_fact() -> None:
    verdict = grade("fact", SEVEN_EIGHTS, "56")
    assert verdict.correct
    assert verdict.interpreted_as == "56"


@pytest.mark.parametrize("response", ["7*8", "7×8", "7 x 8", "8*7", "50+6", "(56)"])
def test_typing_a_calculation_for_a_fact_is_not_an_answer(response: str) -> None:
    verdict = grade("fact", SEVEN_EIGHTS, response)
    assert not verdict.correct
    assert verdict.feedback == "Type the number itself, not a calculation."


@pytest.mark.parametrize("response", [" 56 ", "56.0", "+56", "０56"])
def test_a_bare_number_with_spaces_sign_or_decimals_is_accepted(response: str) -> None:
    assert grade("fact", SEVEN_EIGHTS, response).correct


def test_a_wrong_fact_answer_is_incorrect() -> None:
    assert not grade("fact", SEVEN_EIGHTS, "54").correct
    assert grade("fact", SEVEN_EIGHTS, "fifty-six").feedback == "That is not a number."


def test_ascii_operation_aliases_are_accepted() -> None:
    assert grade("fact", {"operand1": 7, "operation": "*", "operand2": 8}, "56").correct
    assert grade("fact", {"operand1": 7, "operation": "-", "operand2": 8}, "-1").correct


def test_two_operations_follow_the_usual_precedence() -> None:
    spec = {"operand1": 2, "operation": "+", "operand2": 3, "operation2": "×", "operand3": 4}
    assert grade("fact", spec, "14").correct
    assert not grade("fact", spec, "20").correct
    left_to_right = {"operand1": 12, "operation": "÷", "operand2": 3, "operation2": "×"}
    assert grade("fact", {**left_to_right, "operand3": 2}, "8").correct


def test_division_facts_are_exact() -> None:
    assert grade("fact", {"operand1": 7, "operation": "÷", "operand2": 2}, "3.5").correct
    assert grade("fact", {"operand1": 56, "operation": "/", "operand2": 8}, "7").correct


def test_fact_variants_cover_every_pair_and_make_division_exact() -> None:
    assert list(fact_variants("×", (2, 3), (4, 5))) == [(2, 4), (2, 5), (3, 4), (3, 5)]
    assert list(fact_variants("÷", (1, 2), (0, 2))) == [(1, 1), (2, 2), (2, 1), (4, 2)]
    assert list(fact_variants("-", (1, 2), (1, 2))) == [(1, 1), (2, 1), (2, 2)]
    assert len(list(fact_variants("−", (1, 2), (1, 2), allow_negative_results=True))) == 4
    assert list(fact_variants("+", range(2), range(5, 6))) == [(0, 5), (1, 5)]


# --------------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("response", ["2x", "x*2", "x+x", "2·x", "(4x)/2"])
def test_equivalent_expressions_are_correct(response: str) -> None:
    verdict = grade("expression", {"answer": "2*x"}, response)
    assert verdict.correct
    assert verdict.interpreted_as


def test_sin_2x_is_right_for_twice_sin_cos() -> None:
    verdict = grade("expression", {"answer": "2 sin(x) cos(x)"}, "sin(2x)")
    assert verdict.correct
    assert verdict.interpreted_as == r"\sin\left(2 x\right)"


def test_a_non_equivalent_expression_is_incorrect_and_shows_its_reading() -> None:
    verdict = grade("expression", {"answer": "2*x"}, "x^2")
    assert not verdict.correct
    assert verdict.interpreted_as == "x^{2}"


def test_an_unreadable_expression_says_where_the_problem_is() -> None:
    verdict = grade("expression", {"answer": "2*x"}, "2*(x+")
    assert not verdict.correct
    assert verdict.interpreted_as == ""
    assert "character 6" in verdict.feedback


def test_an_equation_instead_of_an_expression_is_explained() -> None:
    verdict = grade("expression", {"answer": "2*x"}, "y = 2x")
    assert verdict.feedback == "Type just the expression, without '=' (at character 3)."


def test_using_a_letter_that_is_not_in_the_question_is_pointed_out() -> None:
    verdict = grade("expression", {"answer": "2x"}, "2y")
    assert verdict.feedback == "Your answer uses y, which is not in this question."


@pytest.mark.parametrize("constant", ["C", "c", "K", "k", "D"])
def test_an_antiderivative_with_any_constant_letter_is_correct(constant: str) -> None:
    spec = {"answer": "x^3/3", "up_to_constant": True}
    assert grade("expression", spec, f"x^3/3 + {constant}").correct


@pytest.mark.parametrize("response", ["x^3/3", "x^3/3 + 5", "x^3/3 + C - C"])
def test_an_antiderivative_without_an_arbitrary_constant_is_incorrect(response: str) -> None:
    verdict = grade("expression", {"answer": "x^3/3", "up_to_constant": True}, response)
    assert not verdict.correct
    assert verdict.feedback == "Don't forget the constant of integration."


def test_an_antiderivative_may_differ_by_a_constant_from_the_expected_form() -> None:
    spec = {"answer": "sin(x)^2/2", "up_to_constant": True}
    assert grade("expression", spec, "-cos(2x)/4 + C").correct
    assert grade("expression", spec, "-cos(x)^2/2 + C").correct


def test_the_expected_antiderivative_may_include_its_own_constant() -> None:
    spec = {"answer": "ln|x| + C", "up_to_constant": True}
    assert grade("expression", spec, "ln|x| + K").correct
    assert not grade("expression", spec, "ln(x) + K").correct


def test_a_wrong_antiderivative_with_a_constant_is_incorrect() -> None:
    spec = {"answer": "x^3/3", "up_to_constant": True}
    verdict = grade("expression", spec, "x^3 + C")
    assert not verdict.correct
    assert verdict.feedback != "Don't forget the constant of integration."
    assert not grade("expression", spec, "C x^3/3").correct


def test_declared_variables_allow_multi_letter_names_and_e_as_a_variable() -> None:
    assert grade("expression", {"answer": "2theta", "variables": ["theta"]}, "theta*2").correct
    spec = {"answer": "e^2", "variables": ["e"]}
    assert grade("expression", spec, "e*e").correct


def test_a_greek_variable_can_be_declared_by_its_letter() -> None:
    spec = {"answer": "θ^2/2", "variables": ["θ"], "up_to_constant": True}
    assert grade("expression", spec, "theta^2/2 + C").correct
    assert grade("expression", spec, "θ²/2 + C").correct
    assert not grade("expression", spec, "θ²/2").correct


# --------------------------------------------------------------------------------------------
# Parametrised exercises
# --------------------------------------------------------------------------------------------

POWER_RULE = {"a": [2, 9], "n": [2, 5]}


def test_a_variant_is_reproducible_for_the_same_seed() -> None:
    assert variant_for(POWER_RULE, "7:42:0") == variant_for(POWER_RULE, "7:42:0")


def test_variants_vary_across_seeds_and_stay_in_range() -> None:
    variants = [variant_for(POWER_RULE, f"7:42:{n}") for n in range(30)]
    assert len({tuple(sorted(v.items())) for v in variants}) > 5
    assert all(2 <= v["a"] <= 9 and 2 <= v["n"] <= 5 for v in variants)


def test_rendering_the_power_rule_template_and_grading_the_rendered_answer() -> None:
    values = {"a": 3, "n": 4}
    assert render_template("d/dx {a}x^{n}", values) == "d/dx 3x^4"
    assert render_template("{a*n}x^{n-1}", values) == "12x^3"
    spec = {"answer": "{a*n}x^{n-1}", "params": POWER_RULE}
    assert grade("expression", spec, "12x^3", values=values).correct
    assert grade("expression", spec, "12*x*x*x", values=values).correct
    assert not grade("expression", spec, "3x^3", values=values).correct


def test_every_variant_of_the_power_rule_grades_its_own_answer() -> None:
    for n in range(10):
        values = variant_for(POWER_RULE, f"user:exercise:{n}")
        answer = f"{values['a'] * values['n']}*x^{values['n'] - 1}"
        spec = {"answer": "{a*n}x^{n-1}"}
        assert grade("expression", spec, answer, values=values).correct


def test_templates_render_fractions_in_brackets_and_escape_braces() -> None:
    assert render_template("x^{a/2}", {"a": 3}) == "x^(3/2)"
    assert render_template("{-a} and {a^2}", {"a": 3}) == "-3 and 9"
    assert render_template(r"\frac{{1}}{{{a}}}", {"a": 3}) == r"\frac{1}{3}"


@pytest.mark.parametrize(
    "template",
    ["{b}", "{a/0}", "{__import__('os')}", "{a", "a}", "{a.real}", "{a^1000}", "{}"],
)
def test_a_bad_placeholder_is_a_spec_error(template: str) -> None:
    with pytest.raises(SpecError):
        render_template(template, {"a": 3})


def test_parameters_support_steps_choices_exclusions_and_constraints() -> None:
    params = {
        "a": [2, 10, 2],
        "b": {"min": -3, "max": 3, "exclude": [0]},
        "k": {"choices": [1, 3, 7]},
        "c": 4,
        "constraints": ["a != b", "a*b <= 12"],
    }
    for n in range(40):
        values = variant_for(params, f"seed-{n}")
        assert values["a"] in (2, 4, 6, 8, 10)
        assert values["b"] != 0
        assert values["k"] in (1, 3, 7)
        assert values["c"] == 4
        assert values["a"] * values["b"] <= 12


def test_unsatisfiable_constraints_are_a_spec_error() -> None:
    with pytest.raises(SpecError):
        variant_for({"a": [1, 3], "constraints": ["a > 5"]}, "seed")


def test_render_spec_renders_every_string_in_a_spec() -> None:
    spec = {"value": "{a/4}", "unit": "cm", "abs_tol": 0.01}
    assert render_spec(spec, {"a": 2}) == {"value": "(1/2)", "unit": "cm", "abs_tol": 0.01}
    assert grade("numeric", spec, "0.5 cm", values={"a": 2}).correct


def test_a_parametrised_spec_graded_without_values_is_a_spec_error() -> None:
    with pytest.raises(SpecError):
        grade("expression", {"answer": "{a}x", "params": {"a": [1, 3]}}, "2x")


# --------------------------------------------------------------------------------------------
# Spec validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("multiple_choice", CHOICE),
        ("numeric", {"value": "1/2", "abs_tol": 0.001, "rel_tol": None, "unit": "cm"}),
        ("text", {"accepted": ["Paris"]}),
        ("fact", {"operand1": 7, "operation": "×", "operand2": 8, "operation2": None}),
        ("expression", {"answer": "2*x", "variables": ["x"], "up_to_constant": False}),
        ("expression", {"answer": "{a*n}x^{n-1}", "params": POWER_RULE}),
    ],
)
def test_a_valid_spec_has_no_errors(kind: str, spec: dict[str, Any]) -> None:
    assert validate_spec(kind, spec) == {}


@pytest.mark.parametrize(
    ("kind", "spec", "field", "fragment"),
    [
        (
            "multiple_choice",
            {"options": [{"text": "a"}, {"text": "b"}], "correct": 2},
            "correct",
            "0 to 1",
        ),
        ("multiple_choice", {"options": [{"text": "a"}], "correct": 0}, "options", "two options"),
        (
            "multiple_choice",
            {"options": ["a", {"text": ""}], "correct": 0},
            "options[1].text",
            "text",
        ),
        ("numeric", {"value": "abc"}, "value", "number"),
        ("numeric", {"value": 1, "abs_tol": -1}, "abs_tol", "negative"),
        ("numeric", {"value": 1, "unit": 5}, "unit", "unit"),
        ("text", {"accepted": []}, "accepted", "accepted answers"),
        ("fact", {"operation": "×", "operand2": 8}, "operand1", "number"),
        ("fact", {"operand1": 7, "operation": "%", "operand2": 8}, "operation", "+ − × ÷"),
        ("fact", {"operand1": 7, "operation": "÷", "operand2": 0}, "operand2", "zero"),
        ("fact", {"operand1": 1, "operation": "÷", "operand2": 3}, "operation", "decimal"),
        ("expression", {"answer": "2*(x+"}, "answer", "missing"),
        ("expression", {"answer": ""}, "answer", "expected expression"),
        ("expression", {"answer": "x", "variables": ["sin"]}, "variables", "function"),
        ("expression", {"answer": "x/(x-x)"}, "answer", "undefined"),
        ("expression", {"answer": "x", "up_to_constant": "yes"}, "up_to_constant", "true"),
    ],
)
def test_an_invalid_spec_gets_a_message_for_the_field(
    kind: str, spec: dict[str, Any], field: str, fragment: str
) -> None:
    errors = validate_spec(kind, spec)
    assert field in errors, errors
    assert fragment in errors[field]


def test_an_unknown_kind_is_reported_by_validation() -> None:
    assert "kind" in validate_spec("essay", {})


def test_parameters_are_validated_by_rendering_variants() -> None:
    errors = validate_spec("expression", {"answer": "{a}x / {b}"}, {"a": [1, 3], "b": [0, 0]})
    assert "answer" in errors
    assert "b=0" in errors["answer"]
    errors = validate_spec("expression", {"answer": "{c}x"}, {"a": [1, 3]})
    assert "unknown parameter 'c'" in errors["answer"]
    assert "params" in validate_spec("expression", {"answer": "x"}, {"a": [5, 1]})
    assert "params" in validate_spec("expression", {"answer": "x"}, {"1a": [1, 2]})


def test_grading_a_malformed_spec_raises_a_spec_error_with_field_errors() -> None:
    with pytest.raises(SpecError) as info:
        grade("multiple_choice", {"options": [], "correct": 0}, 0)
    assert "options" in info.value.errors


def test_a_typographic_minus_in_a_text_answer_reads_as_a_hyphen_minus():
    from curriculum.grading import grade

    spec = {"accepted": ["-∞"]}

    assert grade("text", spec, "−∞").correct
    assert grade("text", spec, "–∞").correct
    assert not grade("text", spec, "∞").correct


@pytest.mark.parametrize(
    ("kind", "spec", "response"),
    [
        ("multiple_choice", CHOICE, "b"),
        ("text", {"accepted": ["x"]}, "  "),
        ("fact", SEVEN_EIGHTS, "7*8"),
        ("numeric", HALF, "half"),
        ("expression", {"answer": "x"}, "(x"),
    ],
)
def test_an_unreadable_answer_has_the_syntax_reason(kind: str, spec: Any, response: str) -> None:
    verdict = grade(kind, spec, response)
    assert (verdict.correct, verdict.reason) == (False, "syntax")


def test_a_plainly_wrong_answer_has_no_reason() -> None:
    assert grade("fact", SEVEN_EIGHTS, "54").reason == ""
    assert grade("multiple_choice", CHOICE, 1).reason == ""
    assert grade("text", {"accepted": ["x"]}, "y").reason == ""

"""Answer tests an author can choose for expressions: forms, antiderivatives, seeds, reasons."""

from __future__ import annotations

import string
import time
from typing import Any

import pytest

from curriculum.grading import grade, validate_spec


def expression(answer: str, *forms: str, **extra: Any) -> dict[str, Any]:
    return {"answer": answer, "forms": list(forms), **extra}


# --------------------------------------------------------------------------------------------
# Factored
# --------------------------------------------------------------------------------------------

FACTOR_QUADRATIC = expression("(x-2)(x-3)", "factored")  # "Factor x² − 5x + 6"


@pytest.mark.parametrize("response", ["(x-2)(x-3)", "(x-3)(x-2)", "(3-x)(2-x)", "-(x-2)(3-x)"])
def test_a_factored_answer_in_any_order_or_sign_is_correct(response: str) -> None:
    verdict = grade("expression", FACTOR_QUADRATIC, response)
    assert verdict.correct
    assert verdict.reason == ""


def test_the_expanded_quadratic_is_correct_but_not_factored() -> None:
    verdict = grade("expression", FACTOR_QUADRATIC, "x^2-5x+6")
    assert not verdict.correct
    assert verdict.score == 0.0
    assert verdict.feedback == "This is correct but not factored."
    assert verdict.reason == "form:factored"
    assert verdict.interpreted_as == "x^{2} - 5 x + 6"


def test_a_partly_factored_sum_is_not_factored() -> None:
    verdict = grade("expression", FACTOR_QUADRATIC, "x(x-5)+6")
    assert verdict.feedback == "This is correct but not factored."
    assert verdict.reason == "form:factored"


def test_a_common_number_left_inside_a_bracket_is_not_fully_factored() -> None:
    # Over the integers each bracket must be primitive: the 2 of 2x-4 comes out.
    verdict = grade("expression", FACTOR_QUADRATIC, "(2x-4)(x-3)/2")
    assert not verdict.correct
    assert verdict.feedback == "This is correct but not fully factored."
    assert verdict.reason == "form:factored"
    assert grade("expression", FACTOR_QUADRATIC, "2(x-2)(x-3)/2").correct


@pytest.mark.parametrize(
    ("answer", "response", "feedback"),
    [
        ("x(x-1)(x+1)", "x(x^2-1)", "This is correct but not fully factored."),
        ("2(x-2)(x-3)", "(2x-4)(x-3)", "This is correct but not fully factored."),
        ("(x-y)(x+y)", "x^2-y^2", "This is correct but not factored."),
        ("(x-1/2)(x-3)", "(x-1/2)(x-3)", "This is correct but not fully factored."),
    ],
)
def test_reducible_factors_are_refused(answer: str, response: str, feedback: str) -> None:
    verdict = grade("expression", {"answer": answer, "forms": ["factored"]}, response)
    assert (verdict.correct, verdict.feedback) == (False, feedback)


@pytest.mark.parametrize(
    ("answer", "response"),
    [
        ("(x-1)^2", "(x-1)(x-1)"),
        ("(x-1)^2", "(1-x)^2"),
        ("x^2+1", "x^2+1"),
        ("2(x-y)(x+y)", "-2(y-x)(x+y)"),
        ("(x+1)/(x(x-1))", "(x+1)/(x(x-1))"),
    ],
)
def test_factored_forms_that_are_accepted(answer: str, response: str) -> None:
    assert grade("expression", {"answer": answer, "forms": ["factored"]}, response).correct


def test_a_wrong_factorisation_is_plainly_wrong_without_revealing_the_answer() -> None:
    verdict = grade("expression", FACTOR_QUADRATIC, "(x-2)(x-4)")
    assert not verdict.correct
    assert verdict.feedback == "Not quite. Have another look."
    assert verdict.reason == ""


def test_a_factored_answer_of_high_degree_is_judged_without_factoring_it() -> None:
    spec = expression("(x-a)^60 (x+1)", "factored")
    started = time.perf_counter()
    assert grade("expression", spec, "(x+1)(x-a)^60").correct
    assert grade("expression", spec, "(x+1)(a-x)^30 (x-a)^30").correct
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "response",
    [
        "((12345678901234567890x+98765432109876543210)^30+1)(x+2)"
        " / (((12345678901234567890x+98765432109876543210)^30+1)(x+3))",
        "((x+y+z+1)^10+1)(x+2) / ((x+3)((x+y+z+1)^10+1))",
    ],
)
def test_hostile_fractions_are_judged_in_milliseconds(response: str) -> None:
    started = time.perf_counter()
    verdict = grade("expression", expression("(x+2)/(x+3)", "simplified"), response)
    assert time.perf_counter() - started < 0.1
    assert verdict.reason == "form:simplified"


@pytest.mark.parametrize(
    ("form", "answer", "response", "correct"),
    [
        ("simplified", "(x-1)^6000/6000", "(x-1)^6000/6000", True),
        ("simplified", "(x-1)^6000/6000", "(x-1)^6001/(6000(x-1))", False),
        ("partial_fractions", "1/(x-1)^6000", "1/(x-1)^6000", True),
        ("factored", "(x-1)^6000", "(1-x)^6000", True),
    ],
)
def test_forms_of_answers_with_huge_exponents_are_judged(
    form: str, answer: str, response: str, correct: bool
) -> None:
    started = time.perf_counter()
    assert grade("expression", expression(answer, form), response).correct is correct
    assert time.perf_counter() - started < 0.5


def test_an_answer_too_large_to_analyse_is_refused_as_too_complicated() -> None:
    spec = expression("1/((x+1)^40 + 3)", "partial_fractions")
    verdict = grade("expression", spec, "1/((x+1)^40+3)")
    assert verdict.feedback == "Your answer is too complicated to check. Try simplifying it."
    assert verdict.reason == "form:partial_fractions"


def test_an_author_answer_too_large_to_factor_is_reported() -> None:
    errors = validate_spec("expression", expression("(x+1)^40 + 3", "factored"))
    assert errors == {"forms": "The answer is too complicated to check the form factored."}


# --------------------------------------------------------------------------------------------
# Simplified, expanded, lowest terms, no decimals, partial fractions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "response"),
    [
        ("x+1", "(x^2-1)/(x-1)"),
        ("5x", "2x+3x"),
        ("x^2", "x*x"),
        ("2x", "4/2 x"),
        ("5", "2+3"),
        ("2", "sqrt(4)"),
        ("2sqrt(2)", "sqrt(8)"),
        ("x", "x^1"),
        ("x", "1*x"),
        ("x", "x + 0"),
        ("x^6", "(x^2)^3"),
        ("3/4", "6/8"),
        ("x+5", "x+2+3"),
        ("e^(2x)", "e^x e^x"),
        ("x+1", "x - -1"),
        ("x", "-(-x)"),
        ("x", "x + 1 - 1"),
    ],
)
def test_unsimplified_answers_are_refused(answer: str, response: str) -> None:
    verdict = grade("expression", expression(answer, "simplified"), response)
    assert not verdict.correct
    assert verdict.feedback == "This is correct but can be simplified further."
    assert verdict.reason == "form:simplified"


@pytest.mark.parametrize(
    ("answer", "response"),
    [
        ("x+1", "x+1"),
        ("x+1", "1+x"),
        ("x/2", "1/2 x"),
        ("3x/4", "3/4 x"),
        ("-3/4", "-3/4"),
        ("1/x", "x^-1"),
        ("2sqrt(2)", "2√2"),
        ("e^(2x)", "e^(2x)"),
        ("2-3x", "-3x + 2"),
        ("-1/x", "-1/x"),
        ("-x/2", "-x/2"),
        ("x/2 + 1/3", "x/2 + 1/3"),
        ("2/(3x)", "2/(3x)"),
        ("(x+1)^2", "(x+1)^2"),
        ("2sin(x)cos(x)", "2sin(x)cos(x)"),
        ("x - 1/2", "x - 1/2"),
        ("sqrt(2)/2", "√2/2"),
        ("x/2", "(1/2)x"),
        ("2x/(x^2+1)", "2x/(x^2+1)"),
        ("1.5x", "1.5x"),
    ],
)
def test_simplified_answers_are_accepted(answer: str, response: str) -> None:
    assert grade("expression", expression(answer, "simplified"), response).correct


@pytest.mark.parametrize("response", ["(x+1)^2", "x(x+2)+1", "x^2+x+x+1"])
def test_an_unexpanded_answer_is_refused(response: str) -> None:
    verdict = grade("expression", expression("x^2+2x+1", "expanded"), response)
    assert (verdict.correct, verdict.reason) == (False, "form:expanded")
    assert verdict.feedback == "This is correct but not expanded."


def test_an_expanded_answer_in_any_order_is_accepted() -> None:
    spec = expression("x^2+2x+1", "expanded")
    assert grade("expression", spec, "1 + 2x + x^2").correct


@pytest.mark.parametrize(
    ("answer", "response", "correct"),
    [("-x-1", "-(x+1)", False), ("1-x", "2-(x+1)", False), ("-x-1", "-1-x", True)],
)
def test_a_minus_must_be_distributed_over_its_bracket(
    answer: str, response: str, correct: bool
) -> None:
    assert grade("expression", expression(answer, "expanded"), response).correct is correct


@pytest.mark.parametrize(
    ("answer", "response"),
    [("3/4", "6/8"), ("(x+1)/(2x)", "(2x+2)/(4x)"), ("(x-1)/(x+1)", "(x^2-1)/(x^2+2x+1)")],
)
def test_a_fraction_with_a_common_factor_is_not_in_lowest_terms(answer: str, response: str) -> None:
    verdict = grade("expression", expression(answer, "lowest_terms"), response)
    assert (verdict.correct, verdict.reason) == (False, "form:lowest_terms")
    assert verdict.feedback == "This is correct but not in lowest terms."


def test_lowest_terms_accepts_a_reduced_fraction() -> None:
    assert grade("expression", expression("3/4", "lowest_terms"), "3/4").correct
    assert grade("expression", expression("(x+1)/(2x)", "lowest_terms"), "(x+1)/(2x)").correct


def test_no_decimals_refuses_a_decimal_coefficient() -> None:
    verdict = grade("expression", expression("x/2", "no_decimals"), "0.5x")
    assert (verdict.correct, verdict.reason) == (False, "form:no_decimals")
    assert verdict.feedback == "Give an exact answer, without decimals."
    assert grade("expression", expression("x/2", "no_decimals"), "x/2").correct


def test_partial_fractions_accepts_the_decomposition_and_refuses_the_single_fraction() -> None:
    # The check inspects the learner's answer; the author's answer only decides equivalence.
    spec = expression("1/(x(x-1))", "partial_fractions")
    assert grade("expression", spec, "1/(x-1) - 1/x").correct
    verdict = grade("expression", spec, "1/(x^2-x)")
    assert (verdict.correct, verdict.reason) == (False, "form:partial_fractions")
    assert verdict.feedback == "This is correct but not written as partial fractions."


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("x + 1 + 2/(x-1) + 3/(x-1)^2", True),
        ("(2x+1)/(x^2+1) + 1/x", True),
        ("1 + 0.5/(x-1) - 0.5/(x+1)", True),  # decimals are for no_decimals to judge
        ("1/(2x-2) + 1/(x^2+1)", True),
        ("1/(x^2-2x+1)", False),  # (x-1)^2 written expanded: not one irreducible factor
        ("x/(x-1)", False),  # improper
        ("1/x + 1/x", False),  # not collected
    ],
)
def test_partial_fraction_shapes(response: str, correct: bool) -> None:
    spec = {"answer": response, "forms": ["partial_fractions"]}
    assert grade("expression", spec, response).correct is correct


def test_several_forms_are_checked_in_the_authors_order() -> None:
    spec = expression("x/2", "no_decimals", "simplified")
    assert grade("expression", spec, "0.5x").reason == "form:no_decimals"
    assert grade("expression", spec, "2x/4").reason == "form:simplified"
    assert grade("expression", spec, "x/2").correct


def test_an_answer_that_is_not_equivalent_never_gets_form_feedback() -> None:
    verdict = grade("expression", expression("x+1", "simplified"), "(x^2-1)/(x+1)")
    assert verdict.feedback == "Not quite. Have another look."


# --------------------------------------------------------------------------------------------
# Spec validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spec", "message"),
    [
        ("expression", expression("x^2-5x+6", "factored"), "not factored"),
        ("expression", expression("(x+1)^2", "expanded"), "not expanded"),
        ("expression", expression("0.5x", "no_decimals"), "free of decimals"),
        ("expression", expression("2x", "factorised"), "Unknown form 'factorised'"),
        ("expression", {"answer": "x", "forms": "factored"}, "list of names"),
        ("numeric", {"value": 1, "forms": ["factored"]}, "only to expression"),
        ("expression", expression("1/(x-y)", "partial_fractions"), "one variable"),
    ],
)
def test_invalid_forms_are_reported_on_the_forms_field(
    kind: str, spec: dict[str, Any], message: str
) -> None:
    assert message in validate_spec(kind, spec)["forms"]


def test_an_answer_in_its_forms_is_valid() -> None:
    assert validate_spec("expression", FACTOR_QUADRATIC) == {}
    assert validate_spec("expression", expression("1/(x-1) - 1/x", "partial_fractions")) == {}
    assert validate_spec("expression", expression("x^2+2x+1", "expanded", "simplified")) == {}
    with_a_parameter = {"answer": "1/(x-a) + 1/x", "variables": ["x"]}
    assert validate_spec("expression", {**with_a_parameter, "forms": ["partial_fractions"]}) == {}


# --------------------------------------------------------------------------------------------
# Antiderivatives with a declared variable of integration
# --------------------------------------------------------------------------------------------

POWER_RULE = {"answer": "x^(k+1)/(k+1) + C", "up_to_constant": True, "variable": "x"}


def test_a_parameter_is_not_a_constant_of_integration() -> None:
    assert grade("expression", POWER_RULE, "x^(k+1)/(k+1) + D").correct
    verdict = grade("expression", POWER_RULE, "x^(k+1)/(k+1)")
    assert (verdict.feedback, verdict.reason) == (
        "Don't forget the constant of integration.",
        "missing_constant",
    )
    assert not grade("expression", POWER_RULE, "x^(k+2)/(k+1) + C").correct


def test_a_constant_that_depends_on_a_parameter_is_accepted() -> None:
    assert grade("expression", POWER_RULE, "(x^(k+1) - 1)/(k+1) + C").correct


def test_the_parameter_alone_does_not_count_as_the_learners_constant() -> None:
    verdict = grade("expression", POWER_RULE, "x^(k+1)/(k+1) + k")
    assert not verdict.correct


def test_declared_constants_name_the_teachers_constant() -> None:
    spec = {
        "answer": "a sin(x) + K",
        "up_to_constant": True,
        "variable": "x",
        "constants": ["K"],
    }
    assert grade("expression", spec, "a sin(x) + C").correct
    assert grade("expression", spec, "a sin(x)").reason == "missing_constant"
    assert not grade("expression", spec, "b sin(x) + C").correct


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"answer": "x^2/2 + C", "variable": "x"}, "variable", "only used with up_to_constant"),
        (
            {"answer": "x^2/2 + C", "up_to_constant": True, "variable": "t"},
            "variable",
            "does not use the variable of integration t",
        ),
        (
            {"answer": "x^2/2 + C", "up_to_constant": True, "variable": 3},
            "variable",
            "as a name",
        ),
        (
            {"answer": "x^2/2 + C", "up_to_constant": True, "variable": "x", "constants": ["x"]},
            "constants",
            "cannot be a constant",
        ),
        ({"answer": "x^2/2 + C", "up_to_constant": True, "constants": ["C"]}, "constants", "only"),
    ],
)
def test_a_bad_variable_of_integration_is_reported(
    spec: dict[str, Any], field: str, message: str
) -> None:
    assert message in validate_spec("expression", spec)[field]


@pytest.mark.parametrize("letter", [c for c in string.ascii_letters if c not in "xe"])
@pytest.mark.parametrize("declared", [False, True])
def test_ln_of_a_constant_times_abs_x_is_right_whatever_the_letter(
    letter: str, declared: bool
) -> None:
    spec = {
        "answer": "ln|x| + C",
        "up_to_constant": True,
        **({"variable": "x"} if declared else {}),
    }
    assert grade("expression", spec, f"ln({letter}|x|) + C").correct


# --------------------------------------------------------------------------------------------
# Seeds, exactness, reasons
# --------------------------------------------------------------------------------------------


def test_ln_of_a_constant_times_a_quadratic_is_right() -> None:
    spec = {"answer": "ln(x^2+7x+7) + C", "up_to_constant": True, "variable": "x"}
    assert grade("expression", spec, "ln(k(x^2+7x+7)) + C").correct


def test_the_same_seed_gives_the_same_verdict() -> None:
    spec = {"answer": "sin(2x)"}
    verdicts = {grade("expression", spec, "2sin(x)cos(x)", seed="attempt-17") for _ in range(3)}
    assert len(verdicts) == 1
    assert verdicts.pop().correct
    assert grade("expression", spec, "2sin(x)cos(x)", seed=42).correct


def test_two_different_exact_fractions_are_not_equal() -> None:
    assert not grade("expression", {"answer": "99999998/99999999"}, "99999999/10^8").correct
    assert grade("expression", {"answer": "99999998/99999999"}, "99999998/99999999").correct


def test_a_tiny_added_constant_is_not_equivalent() -> None:
    assert not grade("expression", {"answer": "x^2"}, "x^2 + 0.0000000000001").correct


def test_a_syntax_error_has_the_syntax_reason() -> None:
    verdict = grade("expression", {"answer": "x"}, "x^2-5x+")
    assert verdict.reason == "syntax"
    assert grade("expression", {"answer": "x"}, "  ").reason == "syntax"

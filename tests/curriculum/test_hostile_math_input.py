"""Hostile learner input: refused quickly, never executed, never raising."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curriculum.grading import KINDS, equivalent, grade, preview

TIME_BOUND_SECONDS = 1.0  # wall clock, generous: the test machine may be busy
CPU_BOUND_SECONDS = 0.1  # what one hostile answer may cost us: under 100 ms of CPU
T = TypeVar("T")
# What `grade` says when a grader itself fails: hostile input must never get that far.
INTERNAL_FAILURE = "Sorry, this answer could not be checked."

HOSTILE = [
    pytest.param("__import__('os').system('ls')", id="import-call"),
    pytest.param("x.__class__.__bases__", id="attribute-access"),
    pytest.param("().__class__.__mro__[1].__subclasses__()", id="subclasses"),
    pytest.param("getattr(x, 'y')", id="getattr"),
    pytest.param("open('/etc/passwd').read()", id="open-file"),
    pytest.param("lambda: 0", id="lambda"),
    pytest.param("lambda x: x", id="lambda-with-argument"),
    pytest.param("import os", id="import-statement"),
    pytest.param("x; y", id="semicolon"),
    pytest.param("x = 1", id="assignment"),
    pytest.param("9^9^9^9", id="power-tower"),
    pytest.param("9**9**9**9", id="power-tower-python-style"),
    pytest.param("x^(10^10)", id="huge-exponent"),
    pytest.param("x^99999999999", id="huge-literal-exponent"),
    pytest.param("2^2^2^2^2^2", id="tall-tower-of-twos"),
    pytest.param("(99^100)^100", id="huge-exact-number"),
    pytest.param("9" * 400 + "^100", id="huge-base"),
    pytest.param("e^e^e^e^e^e^e^x", id="exponential-tower"),
    pytest.param("exp(exp(exp(exp(exp(exp(x))))))", id="nested-exp"),
    pytest.param("x^x^x^x^x^x^x^x", id="variable-tower"),
    pytest.param("sin(10^100*x)^100", id="huge-trig-argument"),
    pytest.param("1000000!", id="huge-factorial"),
    pytest.param("(10^6)!", id="huge-factorial-of-a-power"),
    pytest.param("20!!", id="factorial-of-a-factorial"),
    pytest.param("x!!!!!!!!", id="repeated-symbolic-factorial"),
    pytest.param("+".join(["x"] * 20_000), id="20000-terms"),
    pytest.param("x+" * 240 + "x", id="many-terms-within-length"),
    pytest.param("(" * 10_000, id="10000-open-brackets"),
    pytest.param("(" * 10_000 + "x" + ")" * 10_000, id="10000-deep"),
    pytest.param("(" * 200 + "x" + ")" * 200, id="200-deep"),
    pytest.param("-" * 400 + "x", id="many-unary-minuses"),
    pytest.param("sin(" * 100 + "x" + ")" * 100, id="deep-functions"),
    pytest.param("|" * 100, id="bars"),
    pytest.param("((x+1)", id="unbalanced"),
    pytest.param("x+1))", id="unbalanced-closing"),
    pytest.param("[x)", id="mismatched-brackets"),
    pytest.param("x\x00", id="null-byte"),
    pytest.param("\x00" * 50, id="null-bytes"),
    pytest.param("x\u202e2", id="bidi-override"),
    pytest.param("x\u200by", id="zero-width-space"),
    pytest.param("💥🐍", id="emoji"),
    pytest.param("\ud800", id="lone-surrogate"),
    pytest.param("1/0", id="division-by-zero"),
    pytest.param("0^-1", id="zero-to-a-negative-power"),
    pytest.param("ln(0)", id="log-of-zero"),
    pytest.param("x/(x-x)", id="undefined-everywhere"),
    pytest.param("1" * 500, id="500-digit-number"),
    pytest.param("x" * 499, id="499-letters"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param("{a}", id="template-braces"),
    pytest.param("x" + "^x" * 100, id="long-power-chain"),
    # Exponents up to 10 000 are allowed (for (x-a)^6000 exercises): towers of them are not.
    pytest.param("((((x^9999)^9999)^9999)^9999)^9999", id="nested-large-powers"),
    pytest.param("x^10000^10000", id="exponent-tower-at-the-limit"),
    pytest.param("x^(10000*10000)", id="exponent-product-over-the-limit"),
    pytest.param("9999^9999", id="huge-constant-power"),
    pytest.param("(x+1)^9999 - (x+1)^9998*(x+1) + x^2 + 1", id="large-powers-almost-cancelling"),
    pytest.param("+".join(["(x+1)^9999"] * 60)[:500], id="500-chars-of-large-powers"),
    pytest.param("*".join(["(x-1)^9999"] * 60)[:500], id="500-chars-of-large-products"),
    pytest.param("/".join(["(x-2)^9999"] * 60)[:500], id="500-chars-of-large-quotients"),
    pytest.param("+".join(["sin(x^9999)"] * 60)[:500], id="500-chars-of-trig-of-powers"),
    pytest.param("e^(9999x)*sin(x)^9999*cos(x)^9999*tan(x)^9999", id="large-powers-of-functions"),
    pytest.param("x!!!!!!!!!!!!!!!!!!!!", id="symbolic-factorial-tower"),
    pytest.param("((x!)!)!", id="nested-symbolic-factorials"),
    pytest.param("3!!!", id="factorial-tower-of-a-number"),
    pytest.param("(5!)!", id="factorial-of-a-factorial-over-the-limit"),
    pytest.param("ln(" * 29 + "x" + ")" * 29, id="deep-logarithms"),
    pytest.param("asec(" * 20 + "x" + ")" * 20, id="deep-inverse-secants"),
    pytest.param("sqrt(" * 29 + "x" + ")" * 29, id="deep-roots"),
    pytest.param("(x^x)^(x^x)^(x^x)^(x^x)", id="variable-towers-of-towers"),
    pytest.param("*".join(["x"] * 150), id="150-factor-product"),
    pytest.param("+".join(f"{c}^9999" for c in "abcdfghijklmnopqrstuvwyz"), id="many-variables"),
]


def _timed(function: Callable[..., T], *args: Any) -> T:
    """Call `function`, failing the test if it costs more than 100 ms of CPU (or 1 s).

    The garbage collector is paused meanwhile: a full collection of the test process's heap
    (SymPy, Hypothesis...) can take longer than the call itself and is not the call's cost.
    """
    gc.disable()
    try:
        start, start_cpu = time.perf_counter(), time.thread_time()
        result = function(*args)
        elapsed, cpu = time.perf_counter() - start, time.thread_time() - start_cpu
    finally:
        gc.enable()
    assert cpu < CPU_BOUND_SECONDS, f"took {cpu * 1000:.0f} ms of CPU"
    assert elapsed < TIME_BOUND_SECONDS, f"took {elapsed:.2f}s"
    return result


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_is_not_equivalent_and_returns_quickly(hostile: str) -> None:
    assert _timed(equivalent, "x^2", hostile) is False


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_gets_an_incorrect_verdict_with_a_message(hostile: str) -> None:
    verdict = _timed(grade, "expression", {"answer": "x^2"}, hostile)
    assert verdict.correct is False
    assert verdict.score == 0.0
    assert verdict.feedback
    assert verdict.feedback != INTERNAL_FAILURE


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_gets_a_preview_error_or_a_harmless_rendering(hostile: str) -> None:
    result = _timed(preview, hostile)
    assert result.ok != bool(result.error)
    if not result.ok:
        assert result.position is not None
        assert 0 <= result.position <= len(hostile)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_to_an_antiderivative_is_incorrect(hostile: str) -> None:
    spec = {"answer": "x^3/3", "up_to_constant": True}
    assert _timed(grade, "expression", spec, hostile).correct is False


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_with_a_constant_to_an_antiderivative_is_incorrect(hostile: str) -> None:
    spec = {"answer": "ln|x| + C", "up_to_constant": True, "variable": "x"}
    assert _timed(grade, "expression", spec, hostile + " + K").correct is False


@pytest.mark.parametrize(
    ("answer", "right", "wrong"),
    [
        pytest.param("(x-a)^6000", "(a-x)^6000", "(x+a)^6000", id="large-power"),
        pytest.param(
            "(x-a)^6001/6001 + C",
            "-(a-x)^6001/6001 + K",
            "(x-a)^6001/6000 + K",
            id="large-power-antiderivative",
        ),
        pytest.param("sin(x)^9999", "(-sin(-x))^9999", "sin(x)^9998", id="large-power-of-sine"),
    ],
)
def test_large_exponent_answers_are_checked_quickly(answer: str, right: str, wrong: str) -> None:
    spec = {"answer": answer, "up_to_constant": "C" in answer}
    assert _timed(grade, "expression", spec, right).correct is True
    assert _timed(grade, "expression", spec, wrong).correct is False


SIMPLE_SPECS = {
    "multiple_choice": {"options": [{"text": "a"}, {"text": "b"}], "correct": 0},
    "numeric": {"value": "1/2", "abs_tol": 0.01, "unit": "cm"},
    "text": {"accepted": ["Paris"]},
    "fact": {"operand1": 7, "operation": "×", "operand2": 8},
    "expression": {"answer": "2x", "variables": ["x"]},
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("hostile", HOSTILE[:20])
def test_no_kind_raises_on_hostile_input(kind: str, hostile: str) -> None:
    verdict = _timed(grade, kind, SIMPLE_SPECS[kind], hostile)
    assert verdict.correct is False
    assert verdict.feedback != INTERNAL_FAILURE


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("response", [None, 3.5, -1, 10**100, True, b"x", ["x"], {"a": 1}])
def test_responses_of_the_wrong_type_are_incorrect_not_errors(kind: str, response: object) -> None:
    verdict = grade(kind, SIMPLE_SPECS[kind], response)  # type: ignore[arg-type]
    assert verdict.correct is False


def test_the_evaluator_is_not_reachable_through_names() -> None:
    verdict = grade("expression", {"answer": "x"}, "import")
    assert verdict.correct is False
    assert "Unknown word" in verdict.feedback


MATH_TOKENS = [
    "x", "y", "C", "2", "0", "9", "10", ".5", "e", "pi", "π", "oo", "∞",
    "sin", "cos", "tan", "ln", "log", "log_2", "sqrt", "√", "abs", "exp", "asin", "sinh",
    "(", ")", "[", "]", "|", ",", "+", "-", "−", "*", "·", "×", "/", "÷", "^", "**", "^-",
    "!", "²", "³", "⁻¹", " ", "  ",
]  # fmt: skip

math_like = st.lists(st.sampled_from(MATH_TOKENS), max_size=60).map("".join)
HYPOTHESIS = settings(
    deadline=timedelta(seconds=TIME_BOUND_SECONDS),
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)


@HYPOTHESIS
@given(st.text(max_size=600))
def test_random_text_never_raises(text: str) -> None:
    assert isinstance(equivalent("sin(x)^2", text), bool)
    verdict = grade("expression", {"answer": "x^3/3", "up_to_constant": True}, text)
    assert verdict.feedback != INTERNAL_FAILURE
    preview(text)


@HYPOTHESIS
@given(math_like)
def test_random_math_like_input_never_raises(text: str) -> None:
    assert isinstance(equivalent("2 sin(x) cos(x)", text), bool)
    verdict = grade("expression", {"answer": "x^3/3 + C", "up_to_constant": True}, text)
    assert verdict.feedback != INTERNAL_FAILURE
    result = preview(text, ["x", "y"])
    assert result.ok or result.position is not None


@HYPOTHESIS
@given(st.sampled_from(KINDS), st.text(max_size=200))
def test_random_text_for_any_kind_never_raises(kind: str, text: str) -> None:
    verdict = grade(kind, SIMPLE_SPECS[kind], text)
    assert verdict.score in (0.0, 1.0)
    assert verdict.feedback != INTERNAL_FAILURE

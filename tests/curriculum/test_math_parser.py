"""The whitelisting math parser: what learners can type, how it is read and shown."""

from __future__ import annotations

import pytest
import sympy

from curriculum.grading import MathSyntaxError, parse, preview, to_sympy, to_text
from curriculum.grading.mathparse import MAX_INPUT_LENGTH


@pytest.mark.parametrize(
    ("raw", "latex"),
    [
        pytest.param("2x", "2 x", id="implicit-product"),
        pytest.param("x^2", "x^{2}", id="power"),
        pytest.param("x**2", "x^{2}", id="python-power"),
        pytest.param("x²", "x^{2}", id="superscript"),
        pytest.param("sqrt(x)", r"\sqrt{x}", id="square-root"),
        pytest.param("√x", r"\sqrt{x}", id="root-sign"),
        pytest.param("cbrt(x)", r"\sqrt[3]{x}", id="cube-root"),
        pytest.param("|x|", r"\left|x\right|", id="absolute-value-bars"),
        pytest.param("abs(x)", r"\left|x\right|", id="absolute-value-function"),
        pytest.param("x+1", "x + 1", id="sum-in-typed-order"),
        pytest.param("1 + x", "1 + x", id="sum-not-reordered"),
        pytest.param("x+x", "x + x", id="sum-not-simplified"),
        pytest.param("-x^2", "-x^{2}", id="minus-binds-looser-than-power"),
        pytest.param("2^-1", "2^{-1}", id="negative-exponent"),
        pytest.param("1/(2sqrt(x))", r"\frac{1}{2 \sqrt{x}}", id="fraction"),
        pytest.param("1/2x", r"\frac{x}{2}", id="division-then-implicit-product"),
        pytest.param("-1/2", r"-\frac{1}{2}", id="negative-fraction"),
        pytest.param("(x+1)(x-1)", r"\left(x + 1\right) \left(x - 1\right)", id="brackets"),
        pytest.param("3(x+1)", r"3 \left(x + 1\right)", id="number-times-bracket"),
        pytest.param("2*3", r"2 \cdot 3", id="numbers-need-a-dot"),
        pytest.param("sin x", r"\sin\left(x\right)", id="function-without-brackets"),
        pytest.param("sin 2x", r"\sin\left(2 x\right)", id="function-of-a-monomial"),
        pytest.param(
            "sin x cos x", r"\sin\left(x\right) \cos\left(x\right)", id="two-bare-functions"
        ),
        pytest.param("x sin x", r"x \sin\left(x\right)", id="variable-times-function"),
        pytest.param("sin^2 x", r"\sin^{2}\left(x\right)", id="power-of-a-function"),
        pytest.param("sin(x)^2", r"\sin^{2}\left(x\right)", id="power-after-the-call"),
        pytest.param("sin^-1(x)", r"\arcsin\left(x\right)", id="inverse-notation"),
        pytest.param("arctan x", r"\arctan\left(x\right)", id="arc-function"),
        pytest.param("ln|x|", r"\ln\left(\left|x\right|\right)", id="ln-of-absolute-value"),
        pytest.param("log(x)", r"\ln\left(x\right)", id="log-is-natural"),
        pytest.param("log_2 x", r"\log_{2}\left(x\right)", id="log-with-base"),
        pytest.param("log(x, 3)", r"\log_{3}\left(x\right)", id="log-with-two-arguments"),
        pytest.param("exp(x)", "e^{x}", id="exp"),
        pytest.param("e^(2x)", "e^{2 x}", id="e-power"),
        pytest.param("e^2x", "e^{2} x", id="exponent-takes-one-atom"),
        pytest.param("π r²", r"\pi r^{2}", id="pi-symbol"),
        pytest.param("pi", r"\pi", id="pi-word"),
        pytest.param("oo", r"\infty", id="infinity"),
        pytest.param("-∞", r"-\infty", id="minus-infinity-symbol"),
        pytest.param("n!", "n!", id="factorial"),
        pytest.param("(n+1)!", r"\left(n + 1\right)!", id="factorial-of-a-sum"),
        pytest.param("3×x", "3 x", id="times-sign"),
        pytest.param("3·x", "3 x", id="middle-dot"),
        pytest.param("6÷2", r"\frac{6}{2}", id="division-sign"),
        pytest.param("−x", "-x", id="unicode-minus"),
        pytest.param("θ^2", r"\theta^{2}", id="greek-letter"),
        pytest.param("ｘ＋１", "x + 1", id="full-width-characters"),
        pytest.param("Sin(x)", r"\sin\left(x\right)", id="capitalised-function"),
        pytest.param("2e-1", "2 e - 1", id="no-scientific-notation"),
        pytest.param(".5x", "0.5 x", id="leading-decimal-point"),
        pytest.param("[x+1]^2", r"\left(x + 1\right)^{2}", id="square-brackets"),
    ],
)
def test_a_typical_input_previews_as_latex(raw: str, latex: str) -> None:
    result = preview(raw)
    assert result.ok, result.error
    assert result.latex == latex


@pytest.mark.parametrize(
    ("raw", "position", "message"),
    [
        pytest.param("2*(x+", 5, "missing at the end", id="incomplete-sum"),
        pytest.param("2*(x", 2, "never closed", id="unclosed-bracket"),
        pytest.param("x$y", 1, "Unexpected character '$'", id="unknown-character"),
        pytest.param("x+1)", 3, "no matching opening", id="unmatched-closing-bracket"),
        pytest.param("(x]", 2, "matching brackets", id="mismatched-brackets"),
        pytest.param("|x", 0, "never closed", id="unclosed-bar"),
        pytest.param("x2", 1, "operator", id="number-after-a-variable"),
        pytest.param("2 3", 2, "operator", id="two-numbers"),
        pytest.param("sin", 3, "needs an argument", id="function-without-argument"),
        pytest.param("sin()", 4, "missing before ')'", id="empty-call"),
        pytest.param("*x", 0, "missing before '*'", id="leading-operator"),
        pytest.param("1.2.3", 3, "two decimal points", id="two-decimal-points"),
        pytest.param("x^100000", 1, "Exponents are limited", id="large-exponent"),
        pytest.param("9^9^9^9", 3, "Exponents are limited", id="power-tower"),
        pytest.param("1000000!", 7, "Factorials are limited", id="large-factorial"),
        pytest.param("(-1)!", 4, "whole number", id="negative-factorial"),
        pytest.param("x.y", 1, "'.'", id="attribute-dot"),
        pytest.param("a_1", 1, "'_'", id="underscore"),
        pytest.param("x\x00", 1, "U+0000", id="null-byte"),
        pytest.param("", 0, "Type an expression", id="empty"),
        pytest.param("sin(x, 2)", 0, "one argument", id="too-many-arguments"),
    ],
)
def test_an_unreadable_input_reports_what_and_where(raw: str, position: int, message: str) -> None:
    result = preview(raw)
    assert not result.ok
    assert result.latex == ""
    assert result.position == position
    assert message in result.error


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    result = preview("(" * 40 + "x" + ")" * 40)
    assert "nested too deeply" in result.error
    assert preview("(" * 20 + "x" + ")" * 20).ok


def test_an_input_longer_than_the_limit_is_refused() -> None:
    result = preview("x+" * MAX_INPUT_LENGTH)
    assert "too long" in result.error


def test_with_declared_variables_unknown_words_are_refused() -> None:
    assert preview("lambda", ["x"]).error == "Unknown word 'lambda'"
    assert preview("sni(x)", ["x"]).error == "Unknown word 'sni'"
    assert preview("xy", ["x"]).ok  # one unknown letter may be a constant such as C


def test_declared_multi_letter_variables_are_single_symbols() -> None:
    assert preview("theta x", ["theta", "x"]).latex == r"\theta x"
    assert parse("rate t", ["rate", "t"]).symbols == frozenset({"rate", "t"})


def test_declaring_e_as_a_variable_overrides_eulers_number() -> None:
    assert parse("e^2").symbols == frozenset()
    assert parse("e^2", ["e"]).symbols == frozenset({"e"})


def test_a_function_name_inside_a_word_is_recognised() -> None:
    assert preview("xsinx").latex == r"x \sin\left(x\right)"
    assert preview("2cos(x)").latex == r"2 \cos\left(x\right)"


def test_parse_errors_are_value_errors_with_a_position() -> None:
    with pytest.raises(MathSyntaxError) as info:
        parse("2*(x+")
    assert isinstance(info.value, ValueError)
    assert info.value.position == 5


@pytest.mark.parametrize(
    "raw",
    ["-x^2", "2^-x^2", "a-(b-c)", "x/(y*z)", "(x+1)!", "sin(x)^2", "log(x, 2)", "|x-1|", "θ^2"],
)
def test_the_plain_text_rendering_reads_back_as_the_same_expression(raw: str) -> None:
    node = parse(raw).node
    assert parse(to_text(node)).node == node


def test_the_ast_converts_to_sympy_objects_built_with_constructors() -> None:
    x = sympy.Symbol("x")
    built = to_sympy(parse("2x + sin(x)^2 - 1/2").node)
    assert sympy.simplify(built - (2 * x + sympy.sin(x) ** 2 - sympy.Rational(1, 2))) == 0
    assert to_sympy(parse("|x|").node) == sympy.Abs(x)


def test_preview_never_raises_for_a_non_string() -> None:
    assert not preview(None).ok  # type: ignore[arg-type]

"""The code runner judging learners' code: verdicts, scores, diffs, errors, hidden tests.

Through the public API only (``run_tests``). Skipped only where bubblewrap is missing, and never
in CI (CI=true), where a missing sandbox is a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from curriculum.grading.coderunner import (
    Limits,
    TestCase,
    TestResult,
    check_expression_problem,
    run_tests,
    sandbox_available,
)

SANDBOX_PACKAGES_INSTALLED = Path("/usr/bin/bwrap").exists() and any(
    Path("/usr/lib/python3/dist-packages").glob("seccomp*.so")
)
if not SANDBOX_PACKAGES_INSTALLED and os.environ.get("CI") != "true":
    pytest.skip(
        "the code runner's sandbox is not installed: apt-get install bubblewrap python3-seccomp",
        allow_module_level=True,
    )

QUICK = Limits(cpu_seconds=2, wall_seconds=4.0)

NEWTON_TESTS = [
    TestCase("square root of 2", args=(2,), expected=1.41421356, tolerance=1e-6),
    TestCase("square root of 9", args=(9,), expected=3.0, tolerance=1e-6, weight=2),
    TestCase("square root of 1e6", args=(1_000_000,), expected=1000.0, tolerance=1e-6,
             hidden=True),
    TestCase("zero", args=(0,), expected=0.0, tolerance=1e-6, hidden=True),
]  # fmt: skip

NEWTON = """
def newton_sqrt(a):
    if a == 0:
        return 0.0
    x = a
    for _ in range(100):
        x = (x + a / x) / 2
    return x
"""


def test_the_sandbox_is_available_here() -> None:
    assert sandbox_available()


def test_a_correct_solution_passes_every_test() -> None:
    result = run_tests(NEWTON, NEWTON_TESTS, entry="newton_sqrt", limits=QUICK)

    assert result.status == "passed"
    assert result.score == 1.0
    assert [t.verdict for t in result.tests] == ["passed"] * 4
    assert result.error is None
    assert 0 < result.peak_memory_kb < 200 * 1024
    assert result.time_ms >= 0


def test_a_wrong_solution_fails_with_a_diff_on_sample_tests_only() -> None:
    wrong = "def newton_sqrt(a):\n    return a / 2 + 1\n"
    result = run_tests(wrong, NEWTON_TESTS, entry="newton_sqrt", limits=QUICK)

    assert result.status == "failed"
    assert result.score == 0.0
    first = result.tests[0]
    assert (first.verdict, first.output, first.expected) == ("wrong", "2.0", "1.41421356")
    assert first.diff == "--- expected\n+++ your output\n@@ -1 +1 @@\n-1.41421356\n+2.0"
    hidden = result.tests[2]
    assert hidden == TestResult(index=2, name="Hidden test 1", hidden=True, weight=1.0,
                                passed=False, verdict="wrong")  # fmt: skip
    assert "1000" not in json.dumps(result.as_dict())  # neither input, nor expected, nor name


def test_the_score_is_the_passed_weight_over_the_total() -> None:
    # Right for 9 (weight 2) and 1e6 by luck of a shortcut; wrong for 2 and 0.
    shortcut = "def newton_sqrt(a):\n    return float(round(a ** 0.5)) if a else -1.0\n"
    result = run_tests(shortcut, NEWTON_TESTS, entry="newton_sqrt", limits=QUICK)

    assert result.status == "partial"
    assert [t.passed for t in result.tests] == [False, True, True, False]
    assert result.score == pytest.approx(3 / 5)


def test_a_syntax_error_names_its_line_and_nothing_runs() -> None:
    result = run_tests("x = 1\ndef newton_sqrt(a)\n    return a\n", NEWTON_TESTS,
                       entry="newton_sqrt", limits=QUICK)  # fmt: skip

    assert result.status == "error"
    assert result.error == (
        '  File "solution.py", line 2\n    def newton_sqrt(a)\n                      ^\n'
        "SyntaxError: expected ':'"
    )
    assert {t.verdict for t in result.tests} == {"not_run"}


def test_an_exception_shows_the_learners_own_frames_only() -> None:
    source = (
        "import math\n\ndef helper(a):\n    return math.sqrt(-a)\n\n"
        "def newton_sqrt(a):\n    return helper(a)\n"
    )
    result = run_tests(source, NEWTON_TESTS[:1], entry="newton_sqrt", limits=QUICK)

    test = result.tests[0]
    assert result.status == "failed"
    assert test.verdict == "error"
    assert test.error is not None
    assert test.error.startswith("Traceback (most recent call last):\n")
    assert '  File "solution.py", line 7, in newton_sqrt\n' in test.error
    assert '  File "solution.py", line 4, in helper\n' in test.error
    assert test.error.endswith("ValueError: math domain error")
    assert test.error.count("File ") == 2  # no harness frame, no host or sandbox path
    assert "/tmp" not in test.error
    assert "harness" not in test.error


def test_an_exception_while_loading_is_the_runs_error() -> None:
    result = run_tests("raise RuntimeError('no')\n", NEWTON_TESTS, entry="newton_sqrt",
                       limits=QUICK)  # fmt: skip

    assert result.status == "error"
    assert result.error == (
        'Traceback (most recent call last):\n  File "solution.py", line 1, in <module>\n'
        "    raise RuntimeError('no')\nRuntimeError: no"
    )


def test_a_missing_function_is_named() -> None:
    result = run_tests("def sqrt(a):\n    return a\n", NEWTON_TESTS, entry="newton_sqrt",
                       limits=QUICK)  # fmt: skip

    assert result.status == "error"
    assert result.error == "Your code must define a function named newton_sqrt."


def test_exact_comparison_tells_booleans_from_numbers_and_compares_structures() -> None:
    tests = [
        TestCase("a pair", args=(6, 4), expected=[2, 12]),
        TestCase("a flag", args=(1, 1), expected=[1, 1]),
    ]
    source = "import math\ndef gcd_lcm(a, b):\n    g = math.gcd(a, b)\n    return (g, a * b // g)\n"
    assert run_tests(source, tests, entry="gcd_lcm", limits=QUICK).status == "passed"

    as_bools = "def gcd_lcm(a, b):\n    return (True, True)\n"
    result = run_tests(as_bools, tests, entry="gcd_lcm", limits=QUICK)
    assert [t.output for t in result.tests] == ["[true, true]", "[true, true]"]
    assert result.status == "failed"


def test_a_value_that_is_not_json_fails_with_a_clear_message() -> None:
    result = run_tests("def f():\n    return {1, 2}\n", [TestCase("set", expected=[1, 2])],
                       entry="f", limits=QUICK)  # fmt: skip

    assert result.tests[0].verdict == "error"
    assert result.tests[0].error == (
        "Your function returned a value of type set; return a number, a string, a list or a dict."
    )


def test_fractions_come_back_as_numbers() -> None:
    source = "from fractions import Fraction\ndef half(n):\n    return Fraction(n, 2)\n"
    tests = [TestCase("whole", args=(4,), expected=2), TestCase("half", args=(3,), expected=1.5)]
    assert run_tests(source, tests, entry="half", limits=QUICK).status == "passed"


def test_a_checking_expression_judges_the_result() -> None:
    tests = [
        TestCase("a root of x^2 - 2", args=(), check="abs(result * result - 2) < 1e-9"),
        TestCase("positive", args=(), check="result > 0 and math.isfinite(result)", hidden=True),
    ]
    assert run_tests(NEWTON.replace("(a)", "(a=2)"), tests, entry="newton_sqrt",
                     limits=QUICK).status == "passed"  # fmt: skip

    result = run_tests("def newton_sqrt():\n    return -1.4142135623730951\n", tests,
                       entry="newton_sqrt", limits=QUICK)  # fmt: skip
    assert [t.passed for t in result.tests] == [True, False]
    assert result.tests[1].error is None  # hidden: no message


def test_a_checking_expression_that_raises_fails_the_test_with_its_message() -> None:
    tests = [TestCase("keys", check="result['root'] > 0")]
    result = run_tests("def f():\n    return [1]\n", tests, entry="f", limits=QUICK)

    assert result.tests[0].verdict == "wrong"
    assert result.tests[0].error == (
        "The check failed: TypeError: list indices must be integers or slices, not str"
    )


def test_a_malformed_checking_expression_is_refused_before_anything_runs() -> None:
    assert check_expression_problem("result > 0") is None
    assert check_expression_problem("1)\nimport os\n(1") is not None
    with pytest.raises(ValueError, match="Not a Python expression"):
        run_tests("def f():\n    return 1\n", [TestCase("t", check="x =")], entry="f")


def test_a_script_reads_stdin_and_its_printed_lines_are_compared() -> None:
    source = "n = int(input())\nfor k in range(1, n + 1):\n    print(k * k, end='  \\n')\n"
    tests = [
        TestCase("three squares", stdin="3\n", expected="1\n4\n9\n"),
        TestCase("one square", stdin="1\n", expected="2\n"),
    ]
    result = run_tests(source, tests, entry=None, limits=QUICK)

    assert [t.passed for t in result.tests] == [True, False]
    assert result.tests[1].output == "1  \n"
    assert result.tests[1].diff == "--- expected\n+++ your output\n@@ -1 +1 @@\n-2\n+1  "


def test_printed_output_of_a_sample_test_is_shown() -> None:
    source = "def f(x):\n    print('trying', x)\n    return x\n"
    result = run_tests(source, [TestCase("echo", args=(5,), expected=5)], entry="f",
                       limits=QUICK)  # fmt: skip

    assert result.tests[0].stdout == "trying 5\n"


def test_results_arrive_one_test_at_a_time() -> None:
    arrived: list[tuple[int, str]] = []
    run_tests(NEWTON, NEWTON_TESTS, entry="newton_sqrt", limits=QUICK,
              on_test=lambda test: arrived.append((test.index, test.name)))  # fmt: skip

    assert arrived == [(0, "square root of 2"), (1, "square root of 9"),
                       (2, "Hidden test 1"), (3, "Hidden test 2")]  # fmt: skip


def test_an_author_sees_hidden_tests_in_full() -> None:
    wrong = "def newton_sqrt(a):\n    return a / 2 + 1\n"
    result = run_tests(wrong, NEWTON_TESTS, entry="newton_sqrt", limits=QUICK, reveal_hidden=True)

    hidden = result.tests[2]
    assert (hidden.name, hidden.output, hidden.expected) == ("square root of 1e6", "500001.0",
                                                             "1000.0")  # fmt: skip


def test_hidden_inputs_never_reach_the_run_that_the_learner_sees() -> None:
    # Code that prints every test input it can find in its own process.
    snoop = """
import gc
def f(x):
    found = [o for o in gc.get_objects() if isinstance(o, dict) and "args" in o]
    print(found)
    return x
"""
    tests = [TestCase("seen", args=(1,), expected=1),
             TestCase("secret", args=(424242,), expected=424242, hidden=True)]  # fmt: skip
    result = run_tests(snoop, tests, entry="f", limits=QUICK)

    assert "424242" not in json.dumps(result.as_dict())
    assert "[1]" in (result.tests[0].stdout or "")


def test_a_timeout_keeps_the_tests_judged_before_it() -> None:
    source = "def f(x):\n    while x > 1:\n        pass\n    return x\n"
    tests = [TestCase("quick", args=(1,), expected=1), TestCase("slow", args=(2,), expected=2),
             TestCase("after", args=(1,), expected=1)]  # fmt: skip
    result = run_tests(source, tests, entry="f", limits=Limits(cpu_seconds=1, wall_seconds=3))

    assert result.status == "timeout"
    assert result.error is not None
    assert result.error.startswith("Time limit exceeded: your code ran longer than 1 s of CPU")
    assert [t.verdict for t in result.tests] == ["passed", "timeout", "not_run"]
    assert result.score == pytest.approx(1 / 3)


def test_the_peak_memory_of_the_learners_code_is_measured() -> None:
    source = "def f():\n    block = b'x' * (100 * 1024 * 1024)\n    return len(block)\n"
    result = run_tests(source, [TestCase("100 MB", expected=100 * 1024 * 1024)], entry="f",
                       limits=QUICK)  # fmt: skip

    assert result.status == "passed"
    assert 100 * 1024 < result.peak_memory_kb < 150 * 1024


def test_code_longer_than_the_limit_is_refused() -> None:
    result = run_tests("x = 1\n" * 20_000, NEWTON_TESTS, entry="newton_sqrt", limits=QUICK)

    assert result.status == "error"
    assert result.error == "Your code is longer than 64 KB."


def test_limits_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match=r"Limits\.memory_mb must be between 64 and 4096, not 1\."):
        Limits(memory_mb=1)

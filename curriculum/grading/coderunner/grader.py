"""``run_tests``: run a learner's code against test cases in the sandbox and judge the results.

Sample and hidden tests run in separate sandboxes, so nothing a learner is shown (a sample
test's output, printed text or error) comes from a process that held a hidden test's input.
Expected values never enter a sandbox that runs learner code: the comparison happens here,
on JSON values. Checking expressions run in a third sandbox holding no learner code.
"""

from __future__ import annotations

import ast
import difflib
import json
import math
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from curriculum.grading.coderunner.results import (
    DEFAULT_LIMITS,
    UNAVAILABLE_MESSAGE,
    Limits,
    RunnerUnavailable,
    RunResult,
    RunStatus,
    TestCase,
    TestResult,
    TestVerdict,
)
from curriculum.grading.coderunner.sandbox import (
    SandboxRun,
    bwrap_installed,
    run_in_sandbox,
    seccomp_filter,
)

_available: bool | None = None


def sandbox_available() -> bool:
    """Whether learner code can run here: bubblewrap, the seccomp filter, and a trial sandbox.

    Cached per process once it works (a failure is re-checked next time, so installing
    bubblewrap needs no restart).
    """
    global _available
    if _available:
        return True
    try:
        if not bwrap_installed():
            return False
        seccomp_filter()
        trial = run_in_sandbox(
            {"mode": "check", "checks": []}, Limits(cpu_seconds=5, wall_seconds=15)
        )
    except RunnerUnavailable:
        return False
    _available = trial.finished
    return _available


def check_expression_problem(expression: str) -> str | None:
    """Why an author's checking expression is not a single Python expression, or None."""
    try:
        ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        return f"Not a Python expression: {error.msg} (line {error.lineno})."
    return None


def run_tests(
    source: str,
    tests: Sequence[TestCase],
    *,
    entry: str | None,
    limits: Limits = DEFAULT_LIMITS,
    reveal_hidden: bool = False,
    on_test: Callable[[TestResult], None] | None = None,
) -> RunResult:
    """Run ``source`` against ``tests`` in the sandbox and judge every test.

    ``entry`` is the function each test calls (None: the file is a script fed ``stdin``).
    ``reveal_hidden`` (authors checking a reference solution) keeps hidden tests' details.
    ``on_test`` is called with each test's final result as soon as it is known.
    Raises RunnerUnavailable when the sandbox cannot run here (nothing is run), ValueError
    for a malformed test (a bad checking expression, no tests, a non-positive weight).
    """
    if not bwrap_installed():
        raise RunnerUnavailable(UNAVAILABLE_MESSAGE)
    _validate(tests, entry)
    if len(source.encode("utf-8")) > limits.source_kb * 1024:
        return _whole_run_error(
            tests, f"Your code is longer than {limits.source_kb} KB.", reveal_hidden, on_test
        )
    syntax = _syntax_error(source)
    if syntax is not None:
        return _whole_run_error(tests, syntax, reveal_hidden, on_test)
    labels = _labels(tests, reveal_hidden)
    judged: dict[int, TestResult] = {}
    outcomes: dict[int, dict[str, Any]] = {}
    runs: list[SandboxRun] = []
    error: str | None = None
    timed_out = False
    timeout_message: str | None = None
    groups = [
        [i for i, test in enumerate(tests) if not test.hidden],
        [i for i, test in enumerate(tests) if test.hidden],
    ]
    for group in groups:
        if not group or error is not None:
            continue

        def finish(index: int, result: TestResult) -> None:
            judged[index] = result
            if on_test is not None:
                on_test(_shown(result, labels[index]))

        def on_line(line: dict[str, Any], group: list[int] = group) -> None:
            if line.get("event") != "test" or not isinstance(line.get("index"), int):
                return
            if not 0 <= line["index"] < len(group) or group[line["index"]] in outcomes:
                return
            index = group[line["index"]]
            line = _clean(line)
            outcomes[index] = line
            if tests[index].check is None or not line.get("ok"):
                finish(
                    index,
                    _judge(
                        index,
                        tests[index],
                        line,
                        script=entry is None,
                        check_passed=None,
                        check_error=None,
                    ),
                )

        run = run_in_sandbox(
            _solve_payload(source, tests, group, entry, limits), limits, on_line=on_line
        )
        runs.append(run)
        load_error = next((ln for ln in run.lines if ln.get("event") == "load_error"), None)
        if load_error is not None:
            # A hidden run's message could carry its inputs (the code ran with them in memory).
            error = str(load_error.get("error") or "Your code could not be loaded.")
            if tests[group[0]].hidden and not reveal_hidden:
                error = "Your code could not be loaded: it failed before the hidden tests ran."
            break
        # Tests without an outcome: the time ran out, or the program died or stopped reporting
        # (its "done" line proves nothing: learner code can write one).
        missing = [index for index in group if index not in outcomes]
        if missing:
            problem = _unfinished(run, limits)
            timed_out = timed_out or run.timed_out
            first = True
            for index in missing:
                verdict: TestVerdict = "timeout" if run.timed_out else "error"
                finish(
                    index,
                    TestResult(
                        index=index,
                        name=tests[index].name,
                        hidden=tests[index].hidden,
                        weight=tests[index].weight,
                        passed=False,
                        verdict=verdict if first else "not_run",
                        error=problem if first else None,
                    ),
                )
                first = False
            if run.timed_out:
                timeout_message = problem
            else:
                error = problem
    if error is not None and not judged:
        return _whole_run_error(tests, error, reveal_hidden, on_test, runs=runs)
    _run_checks(
        tests, outcomes, judged, limits, script=entry is None, finish_all=on_test, labels=labels
    )
    for index, test in enumerate(tests):
        if index not in judged:  # a group not run because an earlier one could not load
            judged[index] = TestResult(
                index=index,
                name=test.name,
                hidden=test.hidden,
                weight=test.weight,
                passed=False,
                verdict="not_run",
            )
    ordered = tuple(_shown(judged[i], labels[i]) for i in range(len(tests)))
    total = sum(test.weight for test in tests)
    score = sum(r.weight for r in ordered if r.passed) / total
    status: RunStatus
    if timed_out:
        status = "timeout"
    elif error is not None:
        status = "error"
    elif all(r.passed for r in ordered):
        status = "passed"
    else:
        status = "partial" if score > 0 else "failed"
    return RunResult(
        status=status,
        score=round(score, 6),
        time_ms=round(sum(o["time_ms"] or 0.0 for o in outcomes.values()), 3),
        peak_memory_kb=max((run.peak_memory_kb for run in runs), default=0),
        tests=ordered,
        error=error or timeout_message,
    )


def _clean(line: dict[str, Any]) -> dict[str, Any]:
    """A test's report line with every field of the type the host expects.

    Learner code shares the harness's process and may write lines of its own: whatever it
    writes must not break the host (it can only claim values it could have returned).
    """
    time_ms = line.get("time_ms")
    return {
        "ok": line.get("ok") is True,
        "value": line.get("value"),
        "kind": str(line.get("kind") or ""),
        "error": str(line.get("error") or "Your code failed."),
        "stdout": line["stdout"] if isinstance(line.get("stdout"), str) else "",
        "stdout_truncated": line.get("stdout_truncated") is True,
        "time_ms": float(time_ms)
        if isinstance(time_ms, int | float) and math.isfinite(time_ms) and time_ms >= 0
        else None,
    }


def _validate(tests: Sequence[TestCase], entry: str | None) -> None:
    if not tests:
        raise ValueError("A code exercise needs at least one test.")
    if entry is not None and not entry.isidentifier():
        raise ValueError(f"{entry!r} is not a Python function name.")
    for test in tests:
        if not (test.weight > 0 and math.isfinite(test.weight)):
            raise ValueError(f"Test {test.name!r}: the weight must be a positive number.")
        if test.check is not None:
            problem = check_expression_problem(test.check)
            if problem:
                raise ValueError(f"Test {test.name!r}: {problem}")
        json.dumps([test.args, test.expected])  # TypeError for what the sandbox cannot receive


def _solve_payload(
    source: str, tests: Sequence[TestCase], group: list[int], entry: str | None, limits: Limits
) -> dict[str, Any]:
    return {
        "mode": "solve",
        "source": source,
        "entry": entry,
        "tests": [{"args": list(tests[i].args), "stdin": tests[i].stdin} for i in group],
        "output_keep": limits.output_kb * 1024,
        "output_limit": limits.output_kb * 1024 * 16,
        "memory_mb": limits.memory_mb,
    }


def _unfinished(run: SandboxRun, limits: Limits) -> str:
    """Why a run ended without finishing, in the learner's terms."""
    if run.timed_out:
        return (
            f"Time limit exceeded: your code ran longer than {limits.cpu_seconds} s of CPU "
            f"or {limits.wall_seconds:g} s in all."
        )
    if run.report_overflow:
        return "Your code produced too much output; the run was stopped."
    code = run.exit_code
    if code is not None and (code < 0 or code > 128):
        number = -code if code < 0 else code - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"Your program crashed ({name})."
    if "MemoryError" in run.stderr or "Cannot allocate memory" in run.stderr:
        return f"Your code ran out of memory (the limit is {limits.memory_mb} MB)."
    return "Your program stopped before every test had run."


def _run_checks(
    tests: Sequence[TestCase],
    outcomes: dict[int, dict[str, Any]],
    judged: dict[int, TestResult],
    limits: Limits,
    *,
    script: bool,
    finish_all: Callable[[TestResult], None] | None,
    labels: list[str | None],
) -> None:
    waiting = [i for i, test in enumerate(tests) if test.check is not None and i not in judged]
    if not waiting:
        return
    payload = {
        "mode": "check",
        "checks": [
            {
                "expression": tests[i].check,
                "result": outcomes[i].get("value"),
                "args": list(tests[i].args),
                "stdin": tests[i].stdin,
            }
            for i in waiting
        ],
    }
    run = run_in_sandbox(payload, limits)
    verdicts = {
        line["index"]: line
        for line in run.lines
        if line.get("event") == "check" and isinstance(line.get("index"), int)
    }
    for position, index in enumerate(waiting):
        line = verdicts.get(position)
        problem: str | None
        if line is None:
            passed, problem = (
                False,
                "The checking expression did not finish: " + _unfinished(run, limits),
            )
        else:
            passed = bool(line.get("passed"))
            problem = str(line["error"]) if line.get("error") else None
        result = _judge(
            index,
            tests[index],
            outcomes[index],
            script=script,
            check_passed=passed,
            check_error=problem,
        )
        judged[index] = result
        if finish_all is not None:
            finish_all(_shown(result, labels[index]))


def _judge(
    index: int,
    test: TestCase,
    line: dict[str, Any],
    *,
    script: bool,
    check_passed: bool | None,
    check_error: str | None,
) -> TestResult:
    base: dict[str, Any] = {
        "index": index,
        "name": test.name,
        "hidden": test.hidden,
        "weight": test.weight,
        "stdout": str(line.get("stdout") or "") + ("…" if line.get("stdout_truncated") else ""),
        "time_ms": line.get("time_ms"),
    }
    if not line.get("ok"):
        return TestResult(passed=False, verdict="error", error=line["error"], **base)
    value = line.get("value")
    shown = str(value) if script else _as_text(value)
    if test.check is not None:
        passed = bool(check_passed)
        message = (
            None
            if passed
            else (f"The check failed: {check_error}" if check_error else "The check failed.")
        )
        return TestResult(
            passed=passed,
            verdict="passed" if passed else "wrong",
            output=shown,
            expected=None,
            diff=None,
            error=message,
            **base,
        )
    passed = _equal(value, test.expected, test.tolerance)
    expected = str(test.expected) if script else _as_text(test.expected)
    diff = None if passed else _diff(expected, shown)
    return TestResult(
        passed=passed,
        verdict="passed" if passed else "wrong",
        output=shown,
        expected=expected,
        diff=diff,
        **base,
    )


def _as_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


def _diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "expected", "your output", lineterm="", n=2
    )
    return "\n".join(lines)


def _normalise_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _equal(got: Any, expected: Any, tolerance: float | None) -> bool:
    """JSON values equal: exact, or every number within ``tolerance`` (absolute or relative).

    Booleans are not numbers here (True is not 1); text is compared line by line without
    trailing spaces or blank lines at either end (what a printed answer looks like).
    """
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        if tolerance is None:
            return got == expected
        if math.isnan(expected) or math.isnan(got):
            return math.isnan(expected) and math.isnan(got)
        return math.isclose(got, expected, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(expected, str) and isinstance(got, str):
        return _normalise_text(got) == _normalise_text(expected)
    if isinstance(expected, list) and isinstance(got, list):
        return len(got) == len(expected) and all(
            _equal(g, e, tolerance) for g, e in zip(got, expected, strict=True)
        )
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(
            _equal(got[key], expected[key], tolerance) for key in expected
        )
    return expected is None and got is None


def _labels(tests: Sequence[TestCase], reveal_hidden: bool) -> list[str | None]:
    """The name a learner sees for each hidden test ("Hidden test 2"); None: shown as it is."""
    labels: list[str | None] = []
    count = 0
    for test in tests:
        if test.hidden and not reveal_hidden:
            count += 1
            labels.append(f"Hidden test {count}")
        else:
            labels.append(None)
    return labels


def _syntax_error(source: str) -> str | None:
    """The learner's syntax error as Python shows it (with its line), read without running it."""
    try:
        ast.parse(source, filename="solution.py")
    except SyntaxError as error:
        return "".join(traceback.format_exception_only(error)).rstrip()
    except (RecursionError, MemoryError):
        return "Your code is nested too deeply to be read."
    except ValueError as error:  # e.g. a null byte
        return f"Your code could not be read: {error}"
    return None


def _shown(result: TestResult, label: str | None) -> TestResult:
    """What a learner may see: a hidden test's outcome only, never its data or its name."""
    if label is None:
        return result
    return TestResult(
        index=result.index,
        name=label,
        hidden=True,
        weight=result.weight,
        passed=result.passed,
        verdict=result.verdict,
    )


def _whole_run_error(
    tests: Sequence[TestCase],
    message: str,
    reveal_hidden: bool,
    on_test: Callable[[TestResult], None] | None,
    *,
    runs: Sequence[SandboxRun] = (),
) -> RunResult:
    labels = _labels(tests, reveal_hidden)
    results = tuple(
        _shown(
            TestResult(
                index=i,
                name=t.name,
                hidden=t.hidden,
                weight=t.weight,
                passed=False,
                verdict="not_run",
            ),
            labels[i],
        )
        for i, t in enumerate(tests)
    )
    if on_test is not None:
        for result in results:
            on_test(result)
    return RunResult(
        status="error",
        score=0.0,
        time_ms=0.0,
        peak_memory_kb=max((run.peak_memory_kb for run in runs), default=0),
        tests=results,
        error=message,
    )

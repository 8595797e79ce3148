"""The code runner's sandbox: start-up time and graded submissions per second.

    .venv/bin/python -m bench.sandbox [--rounds 40] [--submissions 20]

Needs bubblewrap and python3-seccomp (Debian packages); without them it reports what is
missing and measures nothing. Pure: no database, no Django.

- Start-up: an empty sandbox (bubblewrap, namespaces, seccomp, rlimits, Debian's Python in
  isolated mode starting the harness, no test), p50/p99/max wall milliseconds; beside it the
  same Python started without a sandbox, so the sandbox's own cost shows.
- Throughput: a 5-test function problem (3 sample, 2 hidden tests: one sandbox for each group),
  graded end to end by ``run_tests``, one at a time and with 2 at once (the machine's cores);
  and the same problem with one checking expression (a third sandbox).
Writes bench/results/sandbox.json and sandbox.md. Timings never fail: benchmarks report.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from curriculum.grading.coderunner import (
    DEFAULT_LIMITS,
    UNAVAILABLE_MESSAGE,
    TestCase,
    run_tests,
    sandbox_available,
)
from curriculum.grading.coderunner.sandbox import SANDBOX_PYTHON, run_in_sandbox

RESULTS = Path(__file__).resolve().parent / "results"

SOLUTION = """
def derivative(coefficients):
    return [k * c for k, c in enumerate(coefficients)][1:]
"""
PROBLEM = [
    TestCase("constant", args=([5],), expected=[]),
    TestCase("line", args=([1, 2],), expected=[2]),
    TestCase("cubic", args=([1, 0, 3, 4],), expected=[0, 6, 12]),
    TestCase("long", args=(list(range(50)),), expected=[k * k for k in range(1, 50)], hidden=True),
    TestCase("negative", args=([0, -1, -1],), expected=[-1, -2], hidden=True),
]
WITH_CHECK = [*PROBLEM[:4], TestCase("degree", args=([0, -1, -1],), check="len(result) == 2",
                                     hidden=True)]  # fmt: skip


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def _summary(millis: Sequence[float]) -> dict[str, float]:
    return {
        "count": len(millis),
        "p50_ms": round(statistics.median(millis), 2),
        "p99_ms": round(_percentile(millis, 0.99), 2),
        "max_ms": round(max(millis), 2),
    }


def _startup(rounds: int) -> dict[str, Any]:
    sandboxed, bare = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        run = run_in_sandbox({"mode": "check", "checks": []}, DEFAULT_LIMITS)
        sandboxed.append((time.perf_counter() - started) * 1000)
        assert run.finished, run
        started = time.perf_counter()
        subprocess.run([SANDBOX_PYTHON, "-I", "-S", "-B", "-c", "pass"], check=True)  # noqa: S603
        bare.append((time.perf_counter() - started) * 1000)
    return {"sandbox": _summary(sandboxed), "python_without_sandbox": _summary(bare)}


def _throughput(tests: list[TestCase], submissions: int, workers: int) -> dict[str, Any]:
    def grade_one(_: int) -> float:
        started = time.perf_counter()
        result = run_tests(SOLUTION, tests, entry="derivative")
        assert result.status == "passed", result
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        latencies = list(pool.map(grade_one, range(submissions)))
    elapsed = time.perf_counter() - started
    return {
        "workers": workers,
        "submissions": submissions,
        "per_second": round(submissions / elapsed, 2),
        "latency": _summary(latencies),
    }


def run(rounds: int = 40, submissions: int = 20) -> dict[str, Any]:
    """Measure; {"skipped": reason} where the sandbox cannot run."""
    if not sandbox_available():
        return {"skipped": UNAVAILABLE_MESSAGE}
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "limits": {
            "cpu_seconds": DEFAULT_LIMITS.cpu_seconds,
            "wall_seconds": DEFAULT_LIMITS.wall_seconds,
            "memory_mb": DEFAULT_LIMITS.memory_mb,
        },
        "startup": _startup(rounds),
        "throughput": [
            {"problem": "5 tests (3 sample, 2 hidden)", **_throughput(PROBLEM, submissions, 1)},
            {"problem": "5 tests (3 sample, 2 hidden)", **_throughput(PROBLEM, submissions, 2)},
            {
                "problem": "5 tests, one checked by an expression",
                **_throughput(WITH_CHECK, submissions, 2),
            },
        ],
    }


def markdown(results: dict[str, Any]) -> str:
    if "skipped" in results:
        return f"# Sandbox benchmark\n\nSkipped: {results['skipped']}\n"
    startup = results["startup"]
    lines = [
        "# Sandbox benchmark",
        "",
        f"`python -m bench.sandbox` on {results['machine']['cpus']} CPUs. Wall-clock times, "
        "including whatever else the machine was doing.",
        "",
        "## Start-up of an empty sandbox",
        "",
        "| what | runs | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, label in (("sandbox", "bubblewrap + seccomp + rlimits + harness"),
                        ("python_without_sandbox", "the same Python, no sandbox")):  # fmt: skip
        row = startup[name]
        lines.append(
            f"| {label} | {row['count']} | {row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} |"
        )
    lines += [
        "",
        "## Graded submissions (run_tests end to end, a correct solution)",
        "",
        "| problem | at once | submissions | per second | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in results["throughput"]:
        latency = row["latency"]
        lines.append(
            f"| {row['problem']} | {row['workers']} | {row['submissions']} | "
            f"{row['per_second']} | {latency['p50_ms']} | {latency['p99_ms']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="empty sandboxes to start")
    parser.add_argument("--submissions", type=int, default=20, help="submissions per setting")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results directory")
    args = parser.parse_args(argv)
    results = run(rounds=args.rounds, submissions=args.submissions)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "sandbox.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.output / "sandbox.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()

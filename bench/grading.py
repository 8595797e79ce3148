"""Grading throughput over issue 11's hand-checked corpus (tests/curriculum/corpus_cases.py).

    DJANGO_SETTINGS_MODULE=calcuingo.settings .venv/bin/python -m bench.grading [--repeat 5]

Grading is pure (no database, no service), so this needs nothing running. Typical cases (every
answer test, right and wrong answers) and hostile inputs are timed separately: cases per second,
p50/p99/max milliseconds per grading, and the five slowest cases. Each round grades every case
once, as a new attempt (its own seed) with the parser's cache emptied first, so every timing
includes reading the learner's text as it would for a fresh answer. The issue's targets are
reported, never enforced here: p99 under 20 ms for typical answers, every hostile input under
100 ms. It also reports how many verdicts agree with the corpus, since a fast wrong grader is no
use. Writes bench/results/grading.json and grading.md; everything in them but the timings is
deterministic.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from curriculum.grading import grade, mathparse
from tests.curriculum.corpus_cases import HOSTILE, TYPICAL, Case

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_REPEAT = 5
TYPICAL_P99_TARGET_MS = 20.0
HOSTILE_BUDGET_MS = 100.0
SLOWEST = 5


def _empty_parse_cache() -> None:
    """A learner's answer is new text: don't let the parser's memo hide the cost of reading it."""
    cached: Callable[..., Any] | None = getattr(mathparse, "_parse_cached", None)
    clear = getattr(cached, "cache_clear", None)
    if clear is not None:
        clear()


def _percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class _GarbageCollectionClock:
    """CPU seconds spent in Python's garbage collector (pauses the grader does not cause)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.thread_time()
        else:
            self.total += time.thread_time() - self._started


GC_CLOCK = _GarbageCollectionClock()


def _grade_once(case: Case, seed: str) -> tuple[float, float, bool]:
    """Wall and CPU milliseconds for one grading, and whether its verdict agrees with the corpus.

    Wall time is what a learner waits; CPU time is the grader's own work (this thread, garbage
    collection excluded), the fairer number to compare between runs on a busy machine.
    """
    started, started_cpu, collecting = time.perf_counter(), time.thread_time(), GC_CLOCK.total
    try:
        verdict = grade(case.kind, case.spec, case.response, seed=seed)
        agrees = verdict.correct is case.correct
    except Exception:  # noqa: BLE001 - a raising grader is a disagreement, not a crashed bench
        agrees = False
    wall = (time.perf_counter() - started) * 1000
    cpu = time.thread_time() - started_cpu - (GC_CLOCK.total - collecting)
    return wall, cpu * 1000, agrees


def _measure(cases: Sequence[Case], repeat: int) -> dict[str, Any]:
    timings: dict[str, list[float]] = {case.id: [] for case in cases}
    cpu: list[float] = []
    agreeing: set[str] = {case.id for case in cases}
    total = 0.0
    for round_ in range(repeat):
        _empty_parse_cache()
        for case in cases:
            elapsed, elapsed_cpu, agrees = _grade_once(case, f"bench:{round_}")
            timings[case.id].append(elapsed)
            cpu.append(elapsed_cpu)
            total += elapsed
            if not agrees:
                agreeing.discard(case.id)
    samples = [elapsed for per_case in timings.values() for elapsed in per_case]
    by_median = sorted(
        ((statistics.median(per_case), case_id) for case_id, per_case in timings.items()),
        reverse=True,
    )
    kinds = {case.id: case.kind for case in cases}
    return {
        "cases": len(cases),
        "gradings": len(samples),
        "cases_per_second": round(len(samples) / (total / 1000), 1) if total else None,
        "p50_ms": round(_percentile(samples, 0.50), 3),
        "p99_ms": round(_percentile(samples, 0.99), 3),
        "max_ms": round(max(samples), 3),
        "cpu_p50_ms": round(_percentile(cpu, 0.50), 3),
        "cpu_p99_ms": round(_percentile(cpu, 0.99), 3),
        "slowest": [
            {"id": case_id, "kind": kinds[case_id], "median_ms": round(median, 3)}
            for median, case_id in by_median[:SLOWEST]
        ],
        "agree_with_corpus": len(agreeing),
        "disagree_with_corpus": sorted(set(timings) - agreeing),
    }


def run(repeat: int = DEFAULT_REPEAT) -> dict[str, Any]:
    """Time grading over the corpus: typical and hostile cases apart, `repeat` rounds each."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    gc.callbacks.append(GC_CLOCK)
    try:
        for case in [*TYPICAL, *HOSTILE]:  # warm up: mpmath contexts, imports, first-use caches
            _grade_once(case, "bench:warm-up")
        typical = _measure(TYPICAL, repeat)
        hostile = _measure(HOSTILE, repeat)
    finally:
        gc.callbacks.remove(GC_CLOCK)
    return {
        "repeat": repeat,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "typical": typical,
        "hostile": hostile,
        "targets": {
            "typical_p99_ms": TYPICAL_P99_TARGET_MS,
            "typical_p99_met": typical["p99_ms"] < TYPICAL_P99_TARGET_MS,
            "hostile_max_ms": HOSTILE_BUDGET_MS,
            "hostile_max_met": hostile["max_ms"] < HOSTILE_BUDGET_MS,
        },
    }


def markdown(results: dict[str, Any]) -> str:
    targets = results["targets"]
    lines = [
        "# Grading benchmark",
        "",
        f"Issue 11's corpus, {results['repeat']} rounds; every grading includes parsing "
        f"(`python -m bench.grading`, {results['machine']['cpus']} CPUs, Python "
        f"{results['machine']['python']}). Wall time is what a learner waits and includes the "
        "machine's other load; CPU time is the grader's own work. The targets are read on wall "
        "time.",
        "",
        "| cases | count | gradings | cases/s | p50 ms | p99 ms | max ms | CPU p99 ms | target "
        "| met | agree with corpus |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for name, target, met in (
        ("typical", f"p99 < {targets['typical_p99_ms']:g} ms", targets["typical_p99_met"]),
        ("hostile", f"max < {targets['hostile_max_ms']:g} ms", targets["hostile_max_met"]),
    ):
        part = results[name]
        lines.append(
            f"| {name} | {part['cases']} | {part['gradings']} | {part['cases_per_second']} "
            f"| {part['p50_ms']} | {part['p99_ms']} | {part['max_ms']} | {part['cpu_p99_ms']} "
            f"| {target} "
            f"| {'yes' if met else 'NO'} | {part['agree_with_corpus']}/{part['cases']} |"
        )
    for name in ("typical", "hostile"):
        part = results[name]
        lines += ["", f"Slowest {name} cases (median ms):", ""]
        lines += [
            f"- `{slow['id']}` ({slow['kind']}): {slow['median_ms']}" for slow in part["slowest"]
        ]
        if part["disagree_with_corpus"]:
            lines += [
                "",
                f"{name.capitalize()} cases judged otherwise than the corpus (right/wrong):",
                "",
            ]
            lines += [f"- `{case_id}`" for case_id in part["disagree_with_corpus"]]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="rounds per case")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results directory")
    args = parser.parse_args(argv)
    results = run(repeat=args.repeat)
    report = markdown(results)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "grading.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (args.output / "grading.md").write_text(report)
    print(report, end="")


if __name__ == "__main__":
    main()

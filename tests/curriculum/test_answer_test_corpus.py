"""Issue 11's corpus: hundreds of hand-checked answers, one verdict each, across every answer test.

The cases live in `corpus_cases.py`, each with the one-line mathematical reason it holds. Timing of
typical answers belongs to `bench/grading.py`; the only budget asserted here is the 100 ms per
hostile input that the issue requires.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from typing import Any

import pytest

from curriculum.grading import Verdict, grade
from tests.curriculum.corpus_cases import (
    CASES,
    EXPRESSION,
    HOSTILE,
    KINDS_COVERED,
    PART_OF_THE_DOMAIN,
    TYPICAL,
    Case,
)

HOSTILE_BUDGET_SECONDS = 0.1
HOSTILE_WALL_BACKSTOP_SECONDS = 1.0
INTERNAL_FAILURE = "Sorry, this answer could not be checked."
SEEDS = ["attempt:1", "attempt:2", 7, 123456789]
MANY_SEEDS = 64
MISSING = "<Verdict has no reason>"

# The learner-facing text for each reason code (issue 11's shared design).
FEEDBACK = {
    "form:factored": (
        "This is correct but not fully factored.",
        "This is correct but not factored.",
    ),
    "form:expanded": ("This is correct but not expanded.",),
    "form:lowest_terms": ("This is correct but not in lowest terms.",),
    "form:simplified": ("This is correct but can be simplified further.",),
    "form:no_decimals": ("Give an exact answer, without decimals.",),
    "form:partial_fractions": ("This is correct but not written as partial fractions.",),
    "missing_constant": ("Don't forget the constant of integration.",),
}


def _grade(case: Case, seed: str | int | None = None) -> Verdict:
    return grade(case.kind, case.spec, case.response, seed=case.seed if seed is None else seed)


def _reason(verdict: Verdict) -> Any:
    return getattr(verdict, "reason", MISSING)


def _expected_feedback(case: Case) -> tuple[str, ...]:
    """The feedbacks a reason code may come with (empty when any message will do)."""
    if case.reason in FEEDBACK:
        return FEEDBACK[case.reason]
    if case.reason == "sig_figs":
        return (f"Give your answer to {case.spec['sig_figs']} significant figures.",)
    return ()


def _described(case: Case, verdict: Verdict, timing: str = "") -> str:
    return (
        f"{case.kind} {case.spec} <- {case.response!r}: expected "
        f"{'right' if case.correct else 'wrong'} ({case.reason!r}) because {case.why}; "
        f"got correct={verdict.correct} reason={_reason(verdict)!r} "
        f"feedback={verdict.feedback!r} {timing}"
    )


class _GarbageCollectionClock:
    """CPU seconds spent in Python's garbage collector (a pause the grader does not cause)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.thread_time()
        else:
            self.total += time.thread_time() - self._started


GC_CLOCK = _GarbageCollectionClock()


@pytest.fixture(scope="module", autouse=True)
def _garbage_collection_clock() -> Iterator[None]:
    gc.callbacks.append(GC_CLOCK)
    yield
    gc.callbacks.remove(GC_CLOCK)


def _timed(case: Case) -> tuple[Verdict, float, float]:
    """The verdict, the wall seconds it took and the grader's own CPU seconds (GC excluded)."""
    started, started_cpu, collecting = time.perf_counter(), time.thread_time(), GC_CLOCK.total
    verdict = _grade(case)
    cpu = time.thread_time() - started_cpu - (GC_CLOCK.total - collecting)
    return verdict, time.perf_counter() - started, cpu


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    """First use builds mpmath contexts and parser caches; that is not a learner's wait."""
    grade("expression", {"answer": "sin(x)^2 + ln|x|"}, "1 - cos(x)^2 + ln|x|", seed=0)
    grade("numeric", {"value": "1/2", "abs_tol": 0.01}, "0.5")


@pytest.mark.parametrize("case", TYPICAL, ids=[case.id for case in TYPICAL])
def test_each_answer_is_judged_as_the_mathematics_says(case: Case) -> None:
    verdict, wall, cpu = _timed(case)

    description = _described(case, verdict, f"(took {wall * 1000:.0f} ms, {cpu * 1000:.0f} ms CPU)")
    assert verdict.correct is case.correct, description
    assert verdict.score == (1.0 if case.correct else 0.0), description
    if case.reason is not None:
        assert _reason(verdict) == case.reason, description
    if expected := _expected_feedback(case):
        assert verdict.feedback in expected, description
    if case.reason == "decimal_places":
        places = case.spec["decimal_places"]
        assert verdict.feedback.startswith(f"Give your answer to {places} decimal place"), (
            description
        )
    if case.reason == "notation":
        assert verdict.feedback.startswith("Write your answer in scientific notation"), description
    if case.feedback_contains:
        assert case.feedback_contains in verdict.feedback, description
    if case.correct:
        assert verdict.feedback == "Correct!", description
    else:
        assert verdict.feedback, description
        assert verdict.feedback != INTERNAL_FAILURE, description


@pytest.mark.parametrize("case", HOSTILE, ids=[case.id for case in HOSTILE])
def test_hostile_input_is_refused_in_under_100_ms(case: Case) -> None:
    verdict, wall, cpu = _timed(case)

    assert verdict.correct is False, _described(case, verdict)
    assert verdict.score == 0.0
    assert verdict.feedback
    assert verdict.feedback != INTERNAL_FAILURE, _described(case, verdict)
    # The budget is the grader's own work (this thread's CPU time without garbage-collection
    # pauses): on a loaded machine the wall clock also counts other processes, so it only has a
    # generous backstop here.
    assert cpu < HOSTILE_BUDGET_SECONDS, f"{case.id} took {cpu * 1000:.0f} ms of CPU"
    assert wall < HOSTILE_WALL_BACKSTOP_SECONDS, f"{case.id} took {wall * 1000:.0f} ms"


EXPRESSION_CASES = [case for case in TYPICAL if case.kind == EXPRESSION]


@pytest.mark.parametrize("seed", ["attempt:41", 2026, None])
def test_a_regrade_with_the_same_seed_gives_the_same_verdict(seed: str | int | None) -> None:
    for case in EXPRESSION_CASES:
        first = grade(case.kind, case.spec, case.response, seed=seed)
        again = grade(case.kind, case.spec, case.response, seed=seed)
        assert first == again, f"{case.id}: {first} then {again}"


def test_right_and_wrong_do_not_depend_on_the_attempts_seed() -> None:
    disagreements = [
        f"{case.id} with seed {seed!r}: expected {case.correct}"
        for case in EXPRESSION_CASES
        for seed in SEEDS
        if grade(case.kind, case.spec, case.response, seed=seed).correct is not case.correct
    ]
    assert disagreements == []


@pytest.mark.parametrize("case", PART_OF_THE_DOMAIN, ids=[case.id for case in PART_OF_THE_DOMAIN])
def test_an_answer_wrong_on_part_of_the_domain_is_wrong_at_every_seed(case: Case) -> None:
    accepted_at = [
        seed
        for seed in (f"attempt:{number}" for number in range(MANY_SEEDS))
        if grade(case.kind, case.spec, case.response, seed=seed).correct
    ]
    assert accepted_at == [], f"{case.response!r} for {case.spec['answer']!r}: {case.why}"


def test_the_corpus_covers_every_answer_test_with_right_and_wrong_answers() -> None:
    assert len(CASES) >= 300
    assert len({case.id for case in CASES}) == len(CASES)
    right = sum(case.correct for case in TYPICAL)
    assert 0.4 <= right / len(TYPICAL) <= 0.6
    assert {case.kind for case in CASES} == KINDS_COVERED
    for form in ("factored", "expanded", "lowest_terms", "simplified", "no_decimals",
                 "partial_fractions"):  # fmt: skip
        forms = [case for case in TYPICAL if form in case.spec.get("forms", [])]
        assert any(case.correct for case in forms), form
        assert any(case.reason == f"form:{form}" for case in forms), form
    for option in ("abs_tol", "rel_tol", "sig_figs", "decimal_places", "notation", "unit"):
        numeric = [case for case in TYPICAL if option in case.spec]
        assert any(case.correct for case in numeric), option
        assert any(not case.correct for case in numeric), option
    for reason in ("missing_constant", "sig_figs", "decimal_places", "notation", "unit", "syntax"):
        assert any(case.reason == reason for case in TYPICAL), reason
    assert all(case.why.strip() for case in CASES)

"""The demo's "Computing with Python" track is real: every reference solution passes every test in
the sandbox, and every plausible wrong solution fails a hidden test.

The solutions run in the real sandbox (bubblewrap): skipped only where bubblewrap is missing,
and never in CI (CI=true), where a missing sandbox fails the test instead.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from curriculum import demo
from curriculum.demo import python
from curriculum.demo.specs import ExerciseSpec
from curriculum.grading import coderunner
from curriculum.models import Exercise, Status, Track

PROBLEMS: list[tuple[str, ExerciseSpec]] = [
    (f"{unit_order}.{lesson_order}.{order} {spec.code.entry or 'script'}", spec)
    for unit_order, unit in enumerate(python.TRACK.units, start=1)
    for lesson_order, lesson in enumerate(unit.lessons, start=1)
    for order, spec in enumerate(lesson.exercises, start=1)
    if spec.code is not None
]
IDS = [name for name, _ in PROBLEMS]


@pytest.fixture(scope="module")
def sandbox() -> None:
    if os.environ.get("CI") != "true" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed: apt-get install bubblewrap python3-seccomp")
    assert coderunner.sandbox_available(), coderunner.UNAVAILABLE_MESSAGE


def _tests(spec: ExerciseSpec) -> list[coderunner.TestCase]:
    assert spec.code is not None
    return [
        coderunner.TestCase(
            name=test.name,
            args=test.args,
            stdin=test.stdin,
            expected=test.expected,
            check=test.check or None,
            tolerance=test.tolerance,
            hidden=test.hidden,
            weight=test.weight,
        )
        for test in spec.code.tests
    ]


def _run(spec: ExerciseSpec, source: str) -> coderunner.RunResult:
    """The runner's verdict. A sandbox that could not start (bubblewrap's "Can't fork": the
    previous sandbox's processes still count against the host user's limit for a moment) is
    retried after a pause; it says nothing about the content."""
    assert spec.code is not None
    for attempt in range(4):
        try:
            return coderunner.run_tests(
                source, _tests(spec), entry=spec.code.entry, reveal_hidden=True
            )
        except coderunner.RunnerUnavailable:
            if attempt == 3:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def test_the_track_has_three_units_and_fifteen_problems_each_with_sample_and_hidden_tests() -> None:
    assert len(python.TRACK.units) >= 3
    assert len(PROBLEMS) >= 15
    for name, spec in PROBLEMS:
        assert spec.code is not None
        tests = spec.code.tests
        assert any(not t.hidden for t in tests), name
        assert any(t.hidden for t in tests), name
        assert spec.code.starter.strip(), name
        assert spec.code.solution != spec.code.wrong_solution, name
        assert spec.explanation.strip(), name
        assert 1 <= len(spec.hints) <= 3, name
    assert any(spec.code.entry is None for _, spec in PROBLEMS if spec.code), "a script problem"
    assert python.TRACK in demo.TRACKS


@pytest.mark.parametrize(("name", "spec"), PROBLEMS, ids=IDS)
def test_the_reference_solution_passes_every_test(
    sandbox: None, name: str, spec: ExerciseSpec
) -> None:
    assert spec.code is not None

    result = _run(spec, spec.code.solution)

    failures = [
        (t.name, t.verdict, t.output, t.expected, t.error) for t in result.tests if not t.passed
    ]
    assert (result.status, failures, result.error) == ("passed", [], None), name


@pytest.mark.parametrize(("name", "spec"), PROBLEMS, ids=IDS)
def test_a_plausible_wrong_solution_fails_a_hidden_test(
    sandbox: None, name: str, spec: ExerciseSpec
) -> None:
    assert spec.code is not None

    result = _run(spec, spec.code.wrong_solution)

    assert result.status in ("partial", "failed"), (name, result.status, result.error)
    assert any(t.hidden and not t.passed for t in result.tests), name


# --- What the loader stores --------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Track]:
    with django_db_blocker.unblock():
        demo.load((python.TRACK,))
        yield Track.objects.get(slug=python.TRACK.slug)
        Track.objects.filter(slug=python.TRACK.slug).delete()


@pytest.mark.django_db
def test_the_loaded_exercises_give_the_runner_the_specs_tests(loaded: Track) -> None:
    exercises = list(
        Exercise.objects.filter(lesson__unit__track=loaded)
        .order_by("lesson__unit__order", "lesson__order", "order")
        .prefetch_related("test_cases")
    )

    assert [e.kind for e in exercises] == [Exercise.Kind.CODE] * len(PROBLEMS)
    assert all(e.status == Status.PUBLISHED for e in exercises)
    for exercise, (name, spec) in zip(exercises, PROBLEMS, strict=True):
        assert spec.code is not None
        code = exercise.code_spec()
        assert code.entry == spec.code.entry, name
        assert list(code.tests) == _tests(spec), name
        assert exercise.reference_solution == spec.code.solution
        assert exercise.starter_code == spec.code.starter
        assert code.sample_tests
        assert code.hidden_tests
        exercise.full_clean()
        for test in exercise.test_cases.all():
            test.full_clean()

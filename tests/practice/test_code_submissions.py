"""Ada writes code for a code question: recorded first, run in the sandbox by the grading task,
then counted as her answer (XP, progress, the session moving on) when she submits it.

Through the services (`code_submit`, `code_grade`, `code_sweep_stuck`) and the Celery task, which
runs eagerly here (no broker), as under `make run`. Code runs in the real sandbox.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from calcuingo.exceptions import ApplicationError
from curriculum.grading import coderunner
from curriculum.models import TestCase
from gamification.models import XPEvent
from practice.models import Attempt, CodeSubmission, ExerciseProgress, PracticeSession
from practice.services.code import (
    BROKEN_TESTS_MESSAGE,
    MAX_WORKER_ATTEMPTS,
    STUCK_MESSAGE,
    code_grade,
    code_submit,
    code_sweep_stuck,
)
from tests.accounts.factories import UserFactory

from .code_builders import PARTIAL, RIGHT, WRONG, code_lesson, code_session, needs_sandbox

pytestmark = pytest.mark.django_db

Status = CodeSubmission.Status
Capture = Callable[..., Any]


@pytest.fixture
def sandbox() -> None:
    needs_sandbox()


@pytest.fixture
def question(learner: User) -> tuple[PracticeSession, int]:
    lesson, exercise = code_lesson()
    return code_session(learner, lesson), exercise.pk


def _send(
    user: User,
    question: tuple[PracticeSession, int],
    source: str,
    kind: str = "submit",
    **extra: Any,
) -> CodeSubmission:
    session, exercise_id = question
    return code_submit(
        user=user, session_id=session.pk, exercise_id=exercise_id, source=source, kind=kind,
        **extra,
    )  # fmt: skip


def _graded(capture: Capture, user: User, question: Any, source: str, **extra: Any) -> Any:
    """Send the code and let the grading task run, as it does once the request commits."""
    with capture(execute=True):
        submission = _send(user, question, source, **extra)
    submission.refresh_from_db()
    return submission


def test_a_right_solution_passes_and_counts_as_her_answer_with_xp_and_progress(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    session, exercise_id = question

    submission = _graded(django_capture_on_commit_callbacks, learner, question, RIGHT,
                         response_ms=90_000)  # fmt: skip

    assert submission.status == Status.PASSED
    assert submission.score == 1.0
    assert submission.time_ms is not None
    assert submission.peak_memory_kb
    assert submission.started_at
    assert submission.finished_at
    assert submission.worker_attempts == 1
    attempt = Attempt.objects.get(pk=submission.attempt_id)
    assert (attempt.is_correct, attempt.score, attempt.response) == (True, 1.0, RIGHT)
    assert attempt.response_ms == 90_000
    assert attempt.xp > 0
    assert XPEvent.objects.filter(user=learner, amount=attempt.xp).exists()
    progress = ExerciseProgress.objects.get(user=learner, exercise_id=exercise_id)
    assert (progress.attempts, progress.correct) == (1, 1)
    assert progress.due_at is not None  # an FSRS card, like any answer's
    session.refresh_from_db()
    assert (session.position, session.answered, session.correct) == (1, 1, 1)


def test_hidden_tests_say_only_whether_they_passed(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    submission = _graded(django_capture_on_commit_callbacks, learner, question, WRONG)

    sample, *hidden = submission.tests
    assert (sample["hidden"], sample["passed"], sample["output"], sample["expected"]) == (
        False, True, "4", "4",
    )  # fmt: skip
    assert [test["hidden"] for test in hidden] == [True, True]
    for test in hidden:
        assert test["passed"] is False
        assert test["output"] is None
        assert test["expected"] is None
        assert test["diff"] is None


def test_a_partly_right_solution_scores_the_weight_of_the_tests_it_passes_and_earns_no_xp(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    submission = _graded(django_capture_on_commit_callbacks, learner, question, PARTIAL)

    assert submission.status == Status.PARTIAL
    assert submission.score == pytest.approx(2 / 4)  # the sample and "five": 1 + 1 of 1 + 1 + 2
    attempt = Attempt.objects.get(pk=submission.attempt_id)
    assert (attempt.is_correct, attempt.score, attempt.xp) == (False, pytest.approx(0.5), 0)
    assert "2 of 3 tests passed" in attempt.feedback


def test_a_wrong_solution_fails_earns_no_xp_and_comes_back_at_the_end_of_the_lesson(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    session, exercise_id = question
    wrong = "def double(x):\n    return 0\n"

    submission = _graded(django_capture_on_commit_callbacks, learner, question, wrong)

    assert (submission.status, submission.score) == (Status.FAILED, 0.0)
    attempt = Attempt.objects.get(pk=submission.attempt_id)
    assert (attempt.is_correct, attempt.xp) == (False, 0)
    assert not XPEvent.objects.filter(user=learner).exclude(amount=0).exists()
    session.refresh_from_db()
    assert session.position == 1
    assert session.plan[-1]["exercise"] == exercise_id


def test_code_that_does_not_run_is_an_error_with_its_line_and_counts_as_a_wrong_answer(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    submission = _graded(
        django_capture_on_commit_callbacks, learner, question, "def double(x):\n    return (\n"
    )

    assert submission.status == Status.ERROR
    assert "line" in submission.error
    assert Attempt.objects.get(pk=submission.attempt_id).is_correct is False


def test_a_sample_run_judges_only_the_sample_tests_and_counts_nothing(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    session, _ = question

    submission = _graded(django_capture_on_commit_callbacks, learner, question, WRONG, kind="run")

    assert submission.status == Status.PASSED  # its one sample test: 2 → 4
    assert [test["name"] for test in submission.tests] == ["double(2)"]
    assert submission.attempt_id is None
    assert not Attempt.objects.filter(user=learner).exists()
    session.refresh_from_db()
    assert (session.position, session.answered) == (0, 0)


def test_a_retried_submission_with_the_same_key_is_the_same_one_and_counts_once(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    first = _graded(
        django_capture_on_commit_callbacks, learner, question, RIGHT, idempotency_key="k1"
    )

    with django_capture_on_commit_callbacks(execute=True) as scheduled:
        again = _send(learner, question, RIGHT, idempotency_key="k1")

    assert again.pk == first.pk
    assert again.status == Status.PASSED
    assert scheduled == []  # nothing queued twice
    assert CodeSubmission.objects.count() == 1
    assert Attempt.objects.filter(user=learner).count() == 1
    with pytest.raises(ApplicationError) as conflict:
        _send(learner, question, WRONG, idempotency_key="k1")
    assert (conflict.value.status, conflict.value.code) == (409, "idempotency_conflict")


def test_grading_a_finished_submission_again_changes_nothing(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    submission = _graded(django_capture_on_commit_callbacks, learner, question, RIGHT)

    assert code_grade(submission.pk) is None
    assert Attempt.objects.filter(user=learner).count() == 1
    submission.refresh_from_db()
    assert submission.worker_attempts == 1


def test_a_learner_has_at_most_two_runs_in_progress_and_one_submission_per_question(
    learner: User, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False  # nothing runs: the runs stay queued
    _send(learner, question, RIGHT, kind="run")

    _send(learner, question, RIGHT)
    with pytest.raises(ApplicationError) as grading:
        _send(learner, question, RIGHT)
    assert (grading.value.status, grading.value.code) == (409, "already_grading")
    with pytest.raises(ApplicationError) as limited:
        _send(learner, question, RIGHT, kind="run")
    assert (limited.value.status, limited.value.code) == (429, "too_many_runs")
    assert CodeSubmission.objects.filter(user=learner).count() == 2


def test_sample_runs_are_rate_limited_per_minute(
    learner: User, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    settings.CODE_RUNS_PER_MINUTE = 2
    for _ in range(2):
        _send(learner, question, RIGHT, kind="run")
        CodeSubmission.objects.update(status=Status.PASSED)

    with pytest.raises(ApplicationError) as limited:
        _send(learner, question, RIGHT, kind="run")
    assert (limited.value.status, limited.value.code) == (429, "throttled")


def test_code_is_refused_for_a_question_that_is_not_the_current_code_question(
    learner: User, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    session, _exercise_id = question
    numeric_id = session.plan[1]["exercise"]

    with pytest.raises(ApplicationError) as not_current:
        _send(learner, (session, numeric_id), RIGHT)
    assert not_current.value.code == "not_current"
    session.position = 1
    session.save()
    with pytest.raises(ApplicationError) as not_code:
        _send(learner, (session, numeric_id), "1")
    assert not_code.value.code == "not_code"
    assert not CodeSubmission.objects.exists()


def test_code_is_refused_in_words_when_the_sandbox_is_missing(
    learner: User, question: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coderunner, "sandbox_available", lambda: False)

    with pytest.raises(ApplicationError) as missing:
        _send(learner, question, RIGHT)
    assert missing.value.status == 503
    assert missing.value.message == coderunner.UNAVAILABLE_MESSAGE
    assert "bubblewrap" in missing.value.message
    assert not CodeSubmission.objects.exists()


def test_code_over_64_kb_is_refused(learner: User, question: Any, settings: Any) -> None:
    settings.CODE_SANDBOX_CHECK = False
    huge = "x = 1\n" * 11_000

    with pytest.raises(ApplicationError) as refused:
        _send(learner, question, huge)
    assert (refused.value.status, refused.value.field) == (400, "source")


def test_a_sandbox_that_cannot_start_is_retried_then_the_submission_ends_in_error(
    learner: User,
    question: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    calls: list[str] = []

    def unavailable(source: str, *args: Any, **kwargs: Any) -> coderunner.RunResult:
        calls.append(source)
        raise coderunner.RunnerUnavailable("bwrap: Can't fork")

    monkeypatch.setattr(coderunner, "run_tests", unavailable)
    monkeypatch.setattr(coderunner, "sandbox_available", lambda: False)

    submission = _graded(django_capture_on_commit_callbacks, learner, question, RIGHT)

    assert submission.status == Status.ERROR
    assert submission.error == coderunner.UNAVAILABLE_MESSAGE
    assert submission.worker_attempts == len(calls) == 5  # the first try and four retries
    assert submission.attempt_id is None
    assert not Attempt.objects.exists()


def test_the_sweeper_ends_runs_that_did_not_finish_and_leaves_the_others(
    learner: User, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    settings.CODE_RUNS_PER_LEARNER = 3
    now = timezone.now()
    stuck, fresh, forgotten = (_send(learner, question, RIGHT, kind="run") for _ in range(3))
    # Ada's exercise allows 5 CPU seconds: three sandboxes of 10 s of wall clock, plus a minute.
    CodeSubmission.objects.filter(pk=stuck.pk).update(
        status=Status.RUNNING, started_at=now - timedelta(seconds=91)
    )
    CodeSubmission.objects.filter(pk=fresh.pk).update(
        status=Status.RUNNING, started_at=now - timedelta(seconds=80)
    )
    CodeSubmission.objects.filter(pk=forgotten.pk).update(created_at=now - timedelta(minutes=11))

    assert code_sweep_stuck(now=now) == 2

    statuses = dict(CodeSubmission.objects.values_list("pk", "status"))
    assert statuses == {
        stuck.pk: Status.ERROR,
        fresh.pk: Status.RUNNING,
        forgotten.pk: Status.ERROR,
    }
    assert CodeSubmission.objects.get(pk=stuck.pk).error == STUCK_MESSAGE
    assert code_grade(stuck.pk) is None  # a late worker leaves it alone


def test_a_code_question_cannot_be_answered_as_plain_text(
    learner: User, question: Any, ada: Any
) -> None:
    session, exercise_id = question

    response = ada.post(
        f"/api/v1/sessions/{session.pk}/answers",
        {"exercise": exercise_id, "response": "42", "response_ms": 1000},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "code_question"
    session.refresh_from_db()
    assert session.position == 0


def test_another_learners_submissions_are_not_hers_to_grade_or_count(
    learner: User, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    session, exercise_id = question
    other = UserFactory(username="grace")

    with pytest.raises(Http404):
        code_submit(user=other, session_id=session.pk, exercise_id=exercise_id, source=RIGHT,
                    kind="submit")  # fmt: skip
    assert not CodeSubmission.objects.exists()


def test_a_run_that_killed_its_workers_again_and_again_is_given_up_without_running(
    learner: User, question: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    submission = _send(learner, question, RIGHT)
    CodeSubmission.objects.filter(pk=submission.pk).update(
        status=Status.RUNNING, worker_attempts=MAX_WORKER_ATTEMPTS
    )
    monkeypatch.setattr(coderunner, "run_tests", pytest.fail)

    assert code_grade(submission.pk) is None

    submission.refresh_from_db()
    assert (submission.status, submission.error) == (Status.ERROR, STUCK_MESSAGE)
    assert not Attempt.objects.exists()


def test_the_sweeper_is_also_a_management_command(
    learner: User, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    forgotten = _send(learner, question, RIGHT, kind="run")
    CodeSubmission.objects.filter(pk=forgotten.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    out = io.StringIO()

    call_command("sweep_code_runs", stdout=out)

    assert "1 unfinished code submissions ended" in out.getvalue()
    assert CodeSubmission.objects.get(pk=forgotten.pk).status == Status.ERROR


def test_each_tests_result_is_stored_as_soon_as_it_is_known(
    sandbox: None,
    learner: User,
    question: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    run_tests = coderunner.run_tests
    seen: list[tuple[str, list[bool]]] = []

    def watched(*args: Any, on_test: Any, **kwargs: Any) -> coderunner.RunResult:
        def watch(result: coderunner.TestResult) -> None:
            on_test(result)
            stored = CodeSubmission.objects.get()
            seen.append((stored.status, [test["passed"] for test in stored.tests]))

        return run_tests(*args, on_test=watch, **kwargs)

    monkeypatch.setattr(coderunner, "run_tests", watched)

    _graded(django_capture_on_commit_callbacks, learner, question, WRONG)

    assert [status for status, _ in seen] == ["running"] * 3
    assert [len(passed) for _, passed in seen] == [1, 2, 3]
    assert seen[-1][1] == [True, False, False]


def test_a_question_whose_tests_the_runner_refuses_ends_in_error_and_counts_nothing(
    sandbox: None, learner: User, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    _, exercise_id = question
    TestCase.objects.filter(exercise_id=exercise_id, order=2).update(
        check_expression="import os", expected=None
    )

    submission = _graded(django_capture_on_commit_callbacks, learner, question, RIGHT)

    assert (submission.status, submission.error) == (Status.ERROR, BROKEN_TESTS_MESSAGE)
    assert not Attempt.objects.exists()

"""Code answers: recorded first, run in the sandbox by a Celery task, then recorded as answers.

A learner's code is never run in the request. `code_submit` records a `CodeSubmission` (queued)
and schedules `practice.tasks.code_grade_task` after commit, so a submission exists before any
worker sees it and nothing is lost if one dies (the task is acknowledged late and retried; the
sweeper ends what no worker finishes). `code_grade` runs it: a short transaction marks it
running, the sandbox runs outside any transaction (seconds, holding no lock), and one
transaction stores the result and, for a `submit`, records the answer through the answer path
(`answer_record` with the runner's verdict), so a code answer feeds mastery, FSRS, XP,
achievements, summaries and statistics like any other. A finished submission never changes:
running it again (a redelivered message, two workers) or sweeping it does nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from calcuingo.exceptions import ApplicationError
from curriculum import grading
from curriculum.grading import coderunner
from curriculum.models import Exercise

from ..models import CODE_SOURCE_MAX_BYTES, CodeSubmission
from .answers import _check_current, answer_lock, answer_record, exercise_for_grading, fingerprint
from .sessions import session_lock

logger = logging.getLogger(__name__)

Kind = CodeSubmission.Kind
Status = CodeSubmission.Status

STUCK_MESSAGE = "The run did not finish; try again."
BROKEN_TESTS_MESSAGE = "This question's tests are being fixed: it cannot be graded right now."
# A run that kills its worker comes back with its message; after this many starts it is not
# run again (more than the grading task's retries of a sandbox that cannot start, plus one).
MAX_WORKER_ATTEMPTS = 8
# The sandboxes of one submission: its sample tests, its hidden tests, and checking expressions.
SANDBOXES_PER_SUBMISSION = 3


def runs_per_learner() -> int:
    """How many of one learner's submissions may be queued or running at once."""
    return int(getattr(settings, "CODE_RUNS_PER_LEARNER", 2))


def code_submit(
    *,
    user: User,
    session_id: int,
    exercise_id: int,
    source: str,
    kind: str,
    response_ms: int = 0,
    idempotency_key: str | None = None,
) -> CodeSubmission:
    """Record the learner's code for the session's current code question, and queue its run.

    A retried request with the same idempotency key returns the first submission as it now
    stands and changes nothing; the same key with different code is a 409. Refused: code over
    the size cap (400), a question that is not the session's current one or not a code question
    (400; a finished or paused session 409), a missing sandbox (503), a `submit` while one for
    this question is still being graded (409), more than `CODE_RUNS_PER_LEARNER` of hers queued
    or running, or more runs a minute than `CODE_RUNS_PER_MINUTE` (429).
    """
    if kind not in Kind.values:
        raise ApplicationError("Send kind run or submit.", field="kind", code="invalid_choice")
    if len(source.encode("utf-8", "surrogatepass")) > CODE_SOURCE_MAX_BYTES:
        raise ApplicationError(
            f"The code is too long: at most {CODE_SOURCE_MAX_BYTES // 1024} KB.",
            field="source",
            code="too_long",
        )
    print_ = fingerprint(
        session=session_id, exercise=exercise_id, source=source, kind=kind, response_ms=response_ms
    )
    with transaction.atomic():
        # Her session and standing, locked: her submissions are counted and keyed one at a time.
        lock = session_lock(user=user, session_id=session_id)
        session = lock.session
        if idempotency_key:
            previous = CodeSubmission.objects.filter(user=user, idempotency_key=idempotency_key)
            first = previous.first()
            if first is not None:
                if first.request_fingerprint != print_:
                    raise ApplicationError(
                        "This idempotency key was already used for different code.",
                        status=409,
                        code="idempotency_conflict",
                    )
                return first
        item = _check_current(session, exercise_id)
        exercise = exercise_for_grading(exercise_id)
        if exercise.kind != Exercise.Kind.CODE:
            raise ApplicationError(
                "This is not a code question: answer it at POST /api/v1/sessions/{id}/answers.",
                field="exercise",
                code="not_code",
            )
        if getattr(settings, "CODE_SANDBOX_CHECK", True) and not coderunner.sandbox_available():
            raise ApplicationError(
                coderunner.UNAVAILABLE_MESSAGE, status=503, code="runner_unavailable"
            )
        _check_limits(user=user, session_id=session.pk, plan_index=session.position, kind=kind)
        submission = CodeSubmission.objects.create(
            user=user,
            session=session,
            exercise=exercise,
            plan_index=session.position,
            source=source,
            kind=kind,
            response_ms=response_ms,
            hints_used=int(item.get("hints", 0)),
            idempotency_key=idempotency_key or None,
            request_fingerprint=print_,
        )
        transaction.on_commit(lambda: _schedule(submission.pk))
    return submission


def _schedule(submission_id: int) -> None:
    from ..tasks import code_grade_task  # tasks import this module: bound at call time

    try:
        code_grade_task.delay(submission_id)
    except Exception:
        logger.exception("Code submission %s could not be queued or graded", submission_id)


def _check_limits(*, user: User, session_id: int, plan_index: int, kind: str) -> None:
    pending = list(
        CodeSubmission.objects.filter(user=user, status__in=CodeSubmission.PENDING).values_list(
            "kind", "session_id", "plan_index"
        )
    )
    if kind == Kind.SUBMIT and (Kind.SUBMIT, session_id, plan_index) in pending:
        raise ApplicationError(
            "Your code for this question is still being graded: wait for its result.",
            status=409,
            code="already_grading",
        )
    if len(pending) >= runs_per_learner():
        raise ApplicationError(
            f"You already have {len(pending)} runs in progress: wait for one to finish.",
            status=429,
            code="too_many_runs",
        )
    if kind == Kind.RUN:
        per_minute = int(getattr(settings, "CODE_RUNS_PER_MINUTE", 10))
        recent = CodeSubmission.objects.filter(
            user=user, kind=Kind.RUN, created_at__gte=timezone.now() - timedelta(minutes=1)
        ).count()
        if recent >= per_minute:
            raise ApplicationError(
                f"At most {per_minute} sample runs a minute: wait a moment, or submit.",
                status=429,
                code="throttled",
            )


def code_grade(submission_id: int) -> CodeSubmission | None:
    """Run a queued submission in the sandbox and store what it did (the Celery task's body).

    Idempotent: a finished submission is left alone. Raises `RunnerUnavailable` when the
    sandbox cannot start, with the submission queued again, for the task to retry; after its
    last retry the task calls `code_give_up`.
    """
    submission = _start(submission_id)
    if submission is None:
        return None
    exercise = submission.exercise
    spec = exercise.code_spec()
    tests = spec.tests if submission.kind == Kind.SUBMIT else spec.sample_tests
    if not tests:
        message = (
            "This question has no sample tests to run: submit your code instead."
            if submission.kind == Kind.RUN
            else "This question has no tests yet: it cannot be graded."
        )
        return code_give_up(submission_id, message=message)
    try:
        result = _run(
            submission.source, tests, spec.entry, spec.limits, on_test=_Progress(submission_id)
        )
    except coderunner.RunnerUnavailable:
        CodeSubmission.objects.filter(pk=submission_id, status=Status.RUNNING).update(
            status=Status.QUEUED, tests=[]
        )
        raise
    except ValueError as broken:  # a malformed test: the authors' problem, not hers
        logger.error("Code exercise %s has tests the runner refuses: %s", exercise.pk, broken)
        return code_give_up(submission_id, message=BROKEN_TESTS_MESSAGE)
    return _finish(submission, result)


class _Progress:
    """Each test's result stored as soon as it is known, so a poll shows them as they arrive
    (an UPDATE per test, by the worker, while the sandbox runs)."""

    def __init__(self, submission_id: int) -> None:
        self.submission_id = submission_id
        self.results: list[dict[str, Any]] = []

    def __call__(self, result: coderunner.TestResult) -> None:
        self.results.append(asdict(result))
        self.results.sort(key=lambda test: test["index"])
        CodeSubmission.objects.filter(pk=self.submission_id, status=Status.RUNNING).update(
            tests=self.results
        )


def _start(submission_id: int) -> CodeSubmission | None:
    """Mark it running (its own short transaction); None when it is finished or gone.

    A submission started `MAX_WORKER_ATTEMPTS` times already (its run killed worker after
    worker, each message delivered again) is given up instead of being run once more.
    """
    now = timezone.now()
    pending = CodeSubmission.objects.filter(pk=submission_id, status__in=CodeSubmission.PENDING)
    started = pending.filter(worker_attempts__lt=MAX_WORKER_ATTEMPTS).update(
        status=Status.RUNNING, started_at=now, worker_attempts=F("worker_attempts") + 1, tests=[]
    )
    if not started:
        pending.update(status=Status.ERROR, error=STUCK_MESSAGE, finished_at=now)
        return None
    return (
        CodeSubmission.objects.select_related("user", "exercise")
        .prefetch_related("exercise__test_cases")
        .get(pk=submission_id)
    )


def _run(
    source: str,
    tests: tuple[coderunner.TestCase, ...],
    entry: str | None,
    limits: coderunner.Limits,
    *,
    on_test: Callable[[coderunner.TestResult], None] | None = None,
) -> coderunner.RunResult:
    """The runner's verdict. A sandbox that cannot start for a moment (the last run's processes
    still count against the host user's process limit) is tried once more before giving up."""
    for attempt in range(2):
        try:
            return coderunner.run_tests(source, tests, entry=entry, limits=limits, on_test=on_test)
        except coderunner.RunnerUnavailable:
            if attempt == 1 or not coderunner.sandbox_available():
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def _finish(submission: CodeSubmission, result: coderunner.RunResult) -> CodeSubmission | None:
    """Store the result and, for a submit, record the answer: one transaction."""
    with transaction.atomic():
        lock = None
        if submission.kind == Kind.SUBMIT:
            try:
                # The answer path's lock order: her session and standing (with her progress),
                # then the submission.
                lock = answer_lock(
                    user=submission.user,
                    session_id=submission.session_id,
                    exercise_id=submission.exercise_id,
                )
            except Http404:
                return None  # the session is gone, and its submissions with it
        current = CodeSubmission.objects.select_for_update().filter(pk=submission.pk).first()
        if current is None or current.status != Status.RUNNING:
            return current  # swept, or finished by another worker meanwhile: that stands
        current.status = result.status
        current.score = result.score
        current.time_ms = result.time_ms
        current.peak_memory_kb = result.peak_memory_kb
        current.tests = [asdict(test) for test in result.tests]
        current.error = result.error or ""
        current.finished_at = timezone.now()
        if lock is not None:
            current.attempt_id, note = _answer_record(current, lock=lock, result=result)
            if note:
                current.error = f"{current.error}\n{note}".strip()
        current.save(
            update_fields=[
                "status",
                "score",
                "time_ms",
                "peak_memory_kb",
                "tests",
                "error",
                "finished_at",
                "attempt",
            ]
        )
    return current


def _answer_record(
    submission: CodeSubmission, *, lock: Any, result: coderunner.RunResult
) -> tuple[int | None, str]:
    """Record the graded code as her answer; (the attempt's id, or None and why not)."""
    session = lock.session
    if session.position != submission.plan_index:
        return None, "Graded, but not counted: the session had moved past this question."
    verdict = grading.Verdict(
        correct=result.status == "passed",
        score=result.score,
        interpreted_as="",
        feedback=result_summary(result),
    )
    try:
        # A savepoint: a refusal (the session finished meanwhile) leaves nothing half-written.
        with transaction.atomic():
            answered = answer_record(
                user=submission.user,
                lock=lock,
                exercise_id=submission.exercise_id,
                response=submission.source,
                response_ms=submission.response_ms,
                # One attempt per submission, whoever records it.
                idempotency_key=f"code-submission:{submission.pk}",
                verdict=verdict,
            )
    except ApplicationError as refused:
        return None, f"Graded, but not counted: {refused.message}"
    return (answered.attempt.pk if answered.attempt else None), ""


def result_summary(result: coderunner.RunResult) -> str:
    """The run in one line, for the learner (an attempt's feedback)."""
    total = len(result.tests)
    passed = sum(1 for test in result.tests if test.passed)
    if result.status == "passed":
        return f"All {total} tests passed."
    if result.status == "timeout":
        return f"Time ran out: {passed} of {total} tests passed."
    if result.status == "error" and result.error:
        return f"{passed} of {total} tests passed. {result.error.strip().splitlines()[-1]}"
    return f"{passed} of {total} tests passed."


def code_give_up(submission_id: int, *, message: str) -> CodeSubmission | None:
    """End a submission that could not be run as an `error` with `message` (nothing is
    recorded as an answer: it was never judged); a finished one is left alone."""
    CodeSubmission.objects.filter(pk=submission_id, status__in=CodeSubmission.PENDING).update(
        status=Status.ERROR, error=message, finished_at=timezone.now()
    )
    return CodeSubmission.objects.filter(pk=submission_id).first()


def code_run_budget(exercise: Exercise) -> timedelta:
    """The longest a submission of this exercise can legitimately run: every sandbox's wall
    clock, one after the other."""
    return timedelta(seconds=SANDBOXES_PER_SUBMISSION * exercise.code_limits().wall_seconds)


def code_sweep_stuck(*, now: Any = None) -> int:
    """Mark submissions no worker will finish as `error` ("the run did not finish; try again").

    Running for longer than their exercise's budget plus `CODE_RUNNING_MARGIN_SECONDS` (the
    worker died or was killed), or queued for more than `CODE_QUEUED_MAX_MINUTES` (no worker
    took it). A late worker then finds it finished and leaves it alone. Runs every minute.
    """
    now = now or timezone.now()
    margin = timedelta(seconds=int(getattr(settings, "CODE_RUNNING_MARGIN_SECONDS", 60)))
    queued_max = timedelta(minutes=int(getattr(settings, "CODE_QUEUED_MAX_MINUTES", 10)))
    # The shortest budget any exercise has: rows younger than it cannot be stuck.
    shortest = timedelta(seconds=SANDBOXES_PER_SUBMISSION * 2) + margin
    candidates = CodeSubmission.objects.filter(
        status=Status.RUNNING, started_at__lt=now - shortest
    ).select_related("exercise")
    stuck = [
        submission.pk
        for submission in candidates
        if submission.started_at is not None
        and submission.started_at < now - code_run_budget(submission.exercise) - margin
    ]
    swept = CodeSubmission.objects.filter(
        Q(pk__in=stuck, status=Status.RUNNING)
        | Q(status=Status.QUEUED, created_at__lt=now - queued_max)
    ).update(status=Status.ERROR, error=STUCK_MESSAGE, finished_at=now)
    if swept:
        logger.warning("Swept %s code submissions that did not finish", swept)
    return swept


# --- Reads -------------------------------------------------------------------------------------


def code_submission_for_user(*, user: User, submission_id: int) -> CodeSubmission:
    """Her own submission; 404 for anyone else's."""
    found = (
        CodeSubmission.objects.select_related("attempt").filter(user=user, pk=submission_id).first()
    )
    if found is None:
        raise Http404("No such code submission.")
    return found


def code_submissions_of(*, user: User, exercise_id: int) -> QuerySet[CodeSubmission]:
    """Her submissions for one question, newest first (ties by id, so pages never overlap)."""
    return (
        CodeSubmission.objects.filter(user=user, exercise_id=exercise_id)
        .select_related("attempt")
        .order_by("-created_at", "-pk")
    )

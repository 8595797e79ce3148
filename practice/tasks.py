"""Practice tasks: thin wrappers around `practice.services` (policy in `calcuingo.celery`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded

from calcuingo.celery import IDEMPOTENT
from curriculum.grading import coderunner
from curriculum.models import CODE_TIME_LIMITS

from .services import adaptive, code, sessions


# Idempotent: ratings are computed from the answers and the fixed default, not from the last run.
@shared_task(bind=True, **IDEMPOTENT)
def difficulty_calibrate(self: Task[Any, Any]) -> int:
    return adaptive.difficulty_calibrate()


@shared_task(bind=True, **IDEMPOTENT)
def session_expire_stale(self: Task[Any, Any], older_than_hours: int = 24) -> int:
    return sessions.session_expire_stale(older_than=timedelta(hours=older_than_hours))


# The longest grading there can be: each sandbox of a submission at the largest exercise time
# limit's wall clock (twice its CPU seconds), one after the other; the task's limits sit above it.
CODE_GRADE_LONGEST = code.SANDBOXES_PER_SUBMISSION * 2 * CODE_TIME_LIMITS[1]
CODE_GRADE_RETRIES = 4


# Idempotent (`code_grade` leaves a finished submission alone), so acknowledged late: a worker
# that dies mid-run leaves the message to be delivered again. Routed to the `code` queue
# (settings.CELERY_TASK_ROUTES), whose workers run on hosts of their own.
@shared_task(
    bind=True,
    **{**IDEMPOTENT, "max_retries": CODE_GRADE_RETRIES},
    soft_time_limit=CODE_GRADE_LONGEST + 60,
    time_limit=CODE_GRADE_LONGEST + 90,
)
def code_grade_task(self: Task[Any, Any], submission_id: int) -> str | None:
    retries = self.request.retries
    while True:
        try:
            submission = code.code_grade(submission_id)
        except coderunner.RunnerUnavailable as unavailable:
            if retries >= CODE_GRADE_RETRIES:
                submission = code.code_give_up(
                    submission_id, message=coderunner.UNAVAILABLE_MESSAGE
                )
            elif not self.request.is_eager:
                raise self.retry(exc=unavailable, countdown=5 * 2**retries) from None
            else:
                # Eager (no broker, `make run`): no worker comes back to it later; again now.
                retries += 1
                continue
        except SoftTimeLimitExceeded:
            submission = code.code_give_up(submission_id, message=code.STUCK_MESSAGE)
        return submission.status if submission is not None else None


@shared_task(bind=True, **IDEMPOTENT)
def code_sweep_stuck(self: Task[Any, Any]) -> int:
    return code.code_sweep_stuck()

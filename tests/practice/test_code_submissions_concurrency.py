"""Code submissions racing on PostgreSQL: retried POSTs, her run limit, two workers on one run.

Grading is not scheduled by the POSTs here (`_schedule` does nothing), so that what the race
decides is only what the requests recorded; the workers' race calls `code_grade` itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from practice.models import Attempt, CodeSubmission, PracticeSession
from practice.services import code as code_services
from tests.concurrency import race

from .code_builders import RIGHT, code_lesson, code_session, needs_sandbox

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _nothing_scheduled(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.setattr(code_services, "_schedule", lambda submission_id: None)
    settings.CODE_SANDBOX_CHECK = False


@pytest.fixture
def question(learner: User) -> tuple[PracticeSession, int]:
    lesson, exercise = code_lesson()
    return code_session(learner, lesson), exercise.pk


def _poster(learner: User, question: Any) -> Any:
    session, exercise_id = question
    _, token = AuthToken.objects.create(user=learner)

    def post(key: str, kind: str = "run") -> tuple[int, dict[str, Any]]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        body = {"exercise": exercise_id, "source": RIGHT, "kind": kind}
        response = client.post(
            f"/api/v1/sessions/{session.pk}/code", body, headers={"Idempotency-Key": key}
        )
        return response.status_code, response.json()

    return post


def test_twenty_simultaneous_retries_of_one_post_record_one_submission(
    learner: User, question: Any
) -> None:
    post = _poster(learner, question)

    results = race(lambda _: post("same"), range(20))

    assert Counter(status for status, _ in results) == {202: 20}
    assert len({body["id"] for _, body in results}) == 1
    assert CodeSubmission.objects.count() == 1


def test_simultaneous_runs_never_exceed_her_limit(learner: User, question: Any) -> None:
    post = _poster(learner, question)

    results = race(lambda n: post(f"run-{n}"), range(8))

    assert Counter(status for status, _ in results) == {202: 2, 429: 6}
    assert CodeSubmission.objects.count() == 2


def test_two_workers_grading_one_submission_record_one_answer(learner: User, question: Any) -> None:
    needs_sandbox()
    session, exercise_id = question
    submission = code_services.code_submit(
        user=learner, session_id=session.pk, exercise_id=exercise_id, source=RIGHT, kind="submit"
    )

    race(code_services.code_grade, [submission.pk, submission.pk])

    submission.refresh_from_db()
    assert submission.status == CodeSubmission.Status.PASSED
    assert Attempt.objects.filter(user=learner).count() == 1
    assert submission.attempt_id == Attempt.objects.get(user=learner).pk
    session.refresh_from_db()
    assert (session.answered, session.position) == (1, 1)

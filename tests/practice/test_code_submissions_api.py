"""The code endpoints: Ada sends code for her current code question, polls it, lists hers.

`POST /api/v1/sessions/{id}/code`, `GET /api/v1/code-submissions/{id}`,
`GET /api/v1/exercises/{id}/code-submissions`. Grading runs eagerly (no broker), in the real
sandbox, once the request's transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.grading import coderunner
from practice.models import CodeSubmission, PracticeSession
from tests.accounts.factories import UserFactory

from .builders import error_codes
from .code_builders import RIGHT, WRONG, code_lesson, code_session, needs_sandbox

Capture = Callable[..., Any]


@pytest.fixture
def sandbox() -> None:
    needs_sandbox()


@pytest.fixture
def question(learner: User) -> tuple[PracticeSession, int]:
    lesson, exercise = code_lesson()
    return code_session(learner, lesson), exercise.pk


def _post(client: APIClient, question: Any, source: str, kind: str = "submit", **extra: Any) -> Any:
    session, exercise_id = question
    headers = extra.pop("headers", {})
    body = {"exercise": exercise_id, "source": source, "kind": kind, **extra}
    return client.post(f"/api/v1/sessions/{session.pk}/code", body, headers=headers)


@pytest.mark.django_db
def test_ada_submits_code_and_polls_it_until_it_is_graded_and_counted(
    sandbox: None, ada: APIClient, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    session, exercise_id = question
    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(ada, question, RIGHT, response_ms=60_000)

    assert sent.status_code == 202, sent.json()
    body = sent.json()
    assert (body["status"], body["finished"], body["attempt"]) == ("queued", False, None)
    assert body["source"] == RIGHT

    polled = ada.get(f"/api/v1/code-submissions/{body['id']}")

    assert polled.status_code == 200
    graded = polled.json()
    assert (graded["status"], graded["finished"], graded["score"]) == ("passed", True, 1.0)
    assert graded["correct"] is True
    assert graded["xp"] > 0
    assert graded["attempt"] is not None
    assert [test["passed"] for test in graded["tests"]] == [True, True, True]
    assert [test["expected"] for test in graded["tests"]] == ["4", None, None]
    moved_on = ada.get(f"/api/v1/sessions/{session.pk}").json()
    assert moved_on["position"] == 1
    assert moved_on["current"]["id"] != exercise_id


@pytest.mark.django_db(transaction=True)
def test_with_tasks_run_eagerly_the_post_answers_with_the_graded_submission(
    sandbox: None, ada: APIClient, question: Any
) -> None:
    sent = _post(ada, question, WRONG)

    assert sent.status_code == 202, sent.json()
    body = sent.json()
    assert (body["status"], body["correct"], body["xp"]) == ("partial", False, 0)
    assert body["score"] == pytest.approx(0.25)


@pytest.mark.django_db
def test_a_sample_run_answers_with_the_sample_tests_only_and_no_answer(
    sandbox: None, ada: APIClient, question: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(ada, question, WRONG, kind="run")
    graded = ada.get(f"/api/v1/code-submissions/{sent.json()['id']}").json()

    assert (graded["kind"], graded["status"], graded["attempt"], graded["xp"]) == (
        "run", "passed", None, None,
    )  # fmt: skip
    assert [test["name"] for test in graded["tests"]] == ["double(2)"]


@pytest.mark.django_db
def test_a_retried_post_with_the_same_key_answers_with_the_same_submission(
    ada: APIClient, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    first = _post(ada, question, RIGHT, headers={"Idempotency-Key": "retry-1"})
    again = _post(ada, question, RIGHT, headers={"Idempotency-Key": "retry-1"})
    other = _post(ada, question, WRONG, headers={"Idempotency-Key": "retry-1"})

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 409
    assert error_codes(other) == [(None, "idempotency_conflict")]
    assert CodeSubmission.objects.count() == 1


@pytest.mark.django_db
def test_nobody_else_reads_her_submissions(
    ada: APIClient, question: Any, settings: Any, client_for: Callable[[User], APIClient]
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    _, exercise_id = question
    submission_id = _post(ada, question, RIGHT, kind="run").json()["id"]
    grace = client_for(UserFactory(username="grace"))

    assert grace.get(f"/api/v1/code-submissions/{submission_id}").status_code == 404
    assert grace.get(f"/api/v1/exercises/{exercise_id}/code-submissions").json()["results"] == []
    assert _post(grace, question, RIGHT).status_code == 404  # her session is not grace's


@pytest.mark.django_db
def test_her_submissions_for_a_question_are_listed_newest_first_a_page_at_a_time(
    ada: APIClient, question: Any, settings: Any
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    settings.CODE_RUNS_PER_LEARNER = 10
    _, exercise_id = question
    sent = [_post(ada, question, f"# try {n}\n{RIGHT}", kind="run").json()["id"] for n in range(3)]

    page = ada.get(f"/api/v1/exercises/{exercise_id}/code-submissions", {"page_size": 2}).json()
    rest = ada.get(page["next"]).json()

    assert page["count"] == 3
    assert [item["id"] for item in page["results"] + rest["results"]] == sent[::-1]
    assert ada.get("/api/v1/exercises/999999/code-submissions").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"source": "x = 1\n" * 11_000}, "source"),
        ({"source": ""}, "source"),
        ({"kind": "debug"}, "kind"),
        ({"exercise": "first"}, "exercise"),
        ({"response_ms": -1}, "response_ms"),
    ],
)
def test_malformed_code_is_refused_at_its_field(
    ada: APIClient, question: Any, body: dict[str, Any], field: str
) -> None:
    session, exercise_id = question
    sent = {"exercise": exercise_id, "source": RIGHT, "kind": "submit", **body}

    response = ada.post(f"/api/v1/sessions/{session.pk}/code", sent)

    assert response.status_code == 400
    assert [attr for attr, _ in error_codes(response)] == [field]
    assert not CodeSubmission.objects.exists()


@pytest.mark.django_db
def test_too_many_runs_in_progress_is_a_429_and_a_missing_sandbox_a_503(
    ada: APIClient, question: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CODE_SANDBOX_CHECK = False
    for _ in range(2):
        assert _post(ada, question, RIGHT, kind="run").status_code == 202

    limited = _post(ada, question, RIGHT, kind="run")

    assert limited.status_code == 429
    assert error_codes(limited) == [(None, "too_many_runs")]
    CodeSubmission.objects.update(status=CodeSubmission.Status.PASSED)
    settings.CODE_SANDBOX_CHECK = True
    monkeypatch.setattr(coderunner, "sandbox_available", lambda: False)
    ada.raise_request_exception = False  # a 5xx is reported as an error too: the host needs fixing
    missing = _post(ada, question, RIGHT)
    assert missing.status_code == 503
    assert missing.json()["errors"][0]["detail"] == coderunner.UNAVAILABLE_MESSAGE

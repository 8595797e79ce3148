"""Practice fixtures: the learner's API client, answering helpers, PostgreSQL-only tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import User
from practice.models import PracticeSession

from .builders import answer_body


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.postgres` tests need row locks and real concurrency: skip them on SQLite.

    A hook, not a fixture, so that a skipped test does not even set its database up.
    """
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): row locks and real concurrency")


@pytest.fixture
def ada(learner: User, client_for: Callable[[User], APIClient]) -> APIClient:
    """The learner's own API client."""
    return client_for(learner)


@pytest.fixture
def start(ada: APIClient) -> Callable[..., dict[str, Any]]:
    """Start a session as the learner through the API; returns the session's JSON."""

    def start_session(**body: Any) -> dict[str, Any]:
        response = ada.post("/api/v1/sessions", body)
        assert response.status_code == 201, response.json()
        return response.json()  # type: ignore[no-any-return]

    return start_session


@pytest.fixture
def answer(ada: APIClient) -> Callable[..., Response]:
    """Answer the current question of a session as the learner, right unless told otherwise."""

    def answer_current(
        session_id: int,
        *,
        right: bool = True,
        response_ms: int = 1500,
        key: str | None = None,
        **extra: Any,
    ) -> Response:
        session = PracticeSession.objects.get(pk=session_id)
        body = answer_body(session, right=right, response_ms=response_ms, **extra)
        headers = {"Idempotency-Key": key} if key else {}
        return ada.post(f"/api/v1/sessions/{session_id}/answers", body, headers=headers)  # type: ignore[no-any-return]

    return answer_current

"""Practising through the API, as the learner's app does, to see what she is rewarded with."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from curriculum.models import Lesson, Track
from practice.models import PracticeSession
from tests.practice.builders import answer_body


def start_lesson(client: APIClient, lesson: Lesson) -> int:
    response = client.post("/api/v1/sessions", {"mode": "lesson", "lesson": lesson.pk})
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def start_quiz(client: APIClient, track: Track, size: int = 1) -> int:
    response = client.post("/api/v1/sessions", {"mode": "quiz", "track": track.pk, "size": size})
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def answer(
    client: APIClient, session_id: int, *, right: bool = True, key: str | None = None
) -> dict[str, Any]:
    """Answer the session's current question; the response body (201, or 200 for a retry)."""
    body = answer_body(PracticeSession.objects.get(pk=session_id), right=right)
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post(f"/api/v1/sessions/{session_id}/answers", body, headers=headers)
    assert response.status_code in {200, 201}, response.json()
    return response.json()  # type: ignore[no-any-return]


def finish_lesson(client: APIClient, lesson: Lesson) -> list[dict[str, Any]]:
    """Every question of a lesson answered right; the last response carries the lesson's reward."""
    session_id = start_lesson(client, lesson)
    replies = []
    while PracticeSession.objects.get(pk=session_id).status == "active":
        replies.append(answer(client, session_id))
    return replies

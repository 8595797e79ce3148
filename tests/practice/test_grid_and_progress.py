"""The mastery grid and progress reads, for the learner and her linked parent (read-only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Track
from practice.models import Attempt, PracticeSession
from practice.services import answer_submit, session_start
from tests.accounts.factories import UserFactory

from .builders import (
    answer_body,
    error_codes,
    fact_exercise,
    fact_track,
    facts_of,
    link_parent,
    numeric_lesson,
    right_answer,
    times_table,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _practise(user: User, track_id: int, answers: list[tuple[bool, int]]) -> None:
    """Answer a drill of the track: each (right, ms) in turn, on whatever it asks."""
    session = session_start(user=user, mode="drill", track=Track.objects.get(pk=track_id))
    for right, ms in answers:
        body = answer_body(session, right=right, response_ms=ms)
        answer_submit(
            user=user,
            session=session,
            exercise_id=body["exercise"],
            response=body["response"],
            response_ms=ms,
        )


def test_the_grid_shows_each_fact_with_the_learners_progress(ada: APIClient, learner: User) -> None:
    track = fact_track([(2, 2), (2, 3), (3, 2), (3, 3)])
    f22, f23, f32, f33 = facts_of(track)
    # A first drill asks the unseen facts in order: 3 × 3 is not reached.
    _practise(learner, track.pk, [(True, 1200), (False, 4000), (True, 2500)])
    _practise(UserFactory(username="bob"), track.pk, [(True, 500)] * 4)

    response = ada.get(f"/api/v1/tracks/{track.pk}/grid?operation=×")

    assert response.status_code == 200
    body = response.json()
    assert (body["track"], body["operation"]) == (track.pk, "×")
    cells = {(c["operand1"], c["operand2"]): c for c in body["cells"]}
    assert list(cells) == [(2, 2), (2, 3), (3, 2), (3, 3)]
    assert cells[(2, 3)] == {
        "exercise": f23.pk,
        "operand1": 2,
        "operand2": 3,
        "mastery": 0.1,
        "fluency_level": "learning",
        "attempts": 1,
        "accuracy": 0.0,
        "last_response_ms": 4000,
    }
    assert cells[(3, 2)]["accuracy"] == 1.0
    assert cells[(3, 2)]["last_response_ms"] == 2500
    assert cells[(3, 3)] == {
        "exercise": f33.pk,
        "operand1": 3,
        "operand2": 3,
        "mastery": 0.0,
        "fluency_level": "not_started",
        "attempts": 0,
        "accuracy": None,
        "last_response_ms": None,
    }
    assert (cells[(2, 2)]["attempts"], cells[(2, 2)]["last_response_ms"]) == (1, 1200)
    assert f22.pk == cells[(2, 2)]["exercise"]
    assert f32.pk == cells[(3, 2)]["exercise"]


@pytest.mark.parametrize("alias", ["*", "x", "×"])
def test_the_grid_understands_the_operation_however_it_is_typed(ada: APIClient, alias: str) -> None:
    track = fact_track([(4, 5)])
    fact_exercise(facts_of(track)[0].lesson, 4, 5, "+")

    body = ada.get(f"/api/v1/tracks/{track.pk}/grid", {"operation": alias}).json()

    assert body["operation"] == "×"
    assert len(body["cells"]) == 1


def test_an_unknown_operation_is_refused_at_its_parameter(ada: APIClient) -> None:
    track = fact_track([(4, 5)])

    response = ada.get(f"/api/v1/tracks/{track.pk}/grid", {"operation": "^"})

    assert response.status_code == 400
    assert [attr for attr, _ in error_codes(response)] == ["operation"]


def test_the_grid_costs_the_same_queries_for_10_facts_and_for_169(
    ada: APIClient, learner: User, django_assert_max_num_queries: Any
) -> None:
    small = fact_track(times_table(13)[:10])
    large = fact_track(times_table(13))
    for track in (small, large):
        _practise(learner, track.pk, [(True, 1500)] * 10)

    counts = {}
    for track in (small, large):
        with CaptureQueriesContext(connection) as queries:
            body = ada.get(f"/api/v1/tracks/{track.pk}/grid").json()
        counts[len(body["cells"])] = len(queries)

    assert counts[10] == counts[169], counts
    with django_assert_max_num_queries(counts[10]):
        cells = ada.get(f"/api/v1/tracks/{large.pk}/grid").json()["cells"]
    assert sum(cell["attempts"] for cell in cells) == 10


def test_a_draft_fact_is_not_on_the_grid(ada: APIClient) -> None:
    track = fact_track([(2, 2), (2, 3)])
    hidden = facts_of(track)[1]
    hidden.status = "draft"
    hidden.save()

    cells = ada.get(f"/api/v1/tracks/{track.pk}/grid").json()["cells"]

    assert [(c["operand1"], c["operand2"]) for c in cells] == [(2, 2)]


# --- A parent reads; she never writes -------------------------------------------------------


def test_a_linked_parent_reads_her_learners_grid_and_progress(
    client_for: Callable[[User], APIClient], learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    track = fact_track([(5, 5), (5, 6)])
    _practise(learner, track.pk, [(True, 1000), (True, 1000)])
    grace = client_for(parent)
    query = {"learner": learner.pk}

    grid = grace.get(f"/api/v1/tracks/{track.pk}/grid", query)
    listing = grace.get("/api/v1/progress/tracks", query)
    detail = grace.get(f"/api/v1/progress/tracks/{track.pk}", query)
    due = grace.get("/api/v1/review/count", query)

    assert grid.status_code == listing.status_code == detail.status_code == 200
    assert [cell["attempts"] for cell in grid.json()["cells"]] == [1, 1]
    assert [row["attempts"] for row in listing.json() if row["track"] == track.pk] == [2]
    assert detail.json()["attempts"] == 2
    assert due.json() == {"due": 0}
    own = grace.get(f"/api/v1/tracks/{track.pk}/grid").json()
    assert [cell["attempts"] for cell in own["cells"]] == [0, 0], "without ?learner=, her own"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/tracks/{track}/grid", "/api/v1/progress/tracks", "/api/v1/review/count"],
)
def test_an_unlinked_parent_cannot_read_a_learner(
    client_for: Callable[[User], APIClient],
    learner: User,
    parent: User,
    other_parent: User,
    path: str,
) -> None:
    link_parent(parent=parent, learner=learner)
    track = fact_track([(5, 5)])

    response = client_for(other_parent).get(path.format(track=track.pk), {"learner": learner.pk})

    assert response.status_code == 404


def test_another_learner_cannot_read_a_learner_either(
    client_for: Callable[[User], APIClient], learner: User
) -> None:
    track = fact_track([(5, 5)])
    bob = UserFactory(username="bob")

    response = client_for(bob).get(f"/api/v1/tracks/{track.pk}/grid", {"learner": learner.pk})

    assert response.status_code == 404


def test_a_parent_can_never_answer_in_her_learners_session(
    client_for: Callable[[User], APIClient], learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    lesson = numeric_lesson(exercises=2)
    session = session_start(user=learner, mode="lesson", lesson=lesson)
    exercise = lesson.exercises.order_by("order").first()
    assert exercise is not None
    grace = client_for(parent)
    url = f"/api/v1/sessions/{session.pk}"

    answered = grace.post(
        f"{url}/answers",
        {"exercise": exercise.pk, "response": right_answer(exercise), "response_ms": 900},
    )
    answered_as = grace.post(
        f"{url}/answers?learner={learner.pk}",
        {"exercise": exercise.pk, "response": wrong_answer(exercise), "response_ms": 900},
    )

    assert answered.status_code == answered_as.status_code == 404
    assert grace.post(f"{url}/hints", {"exercise": exercise.pk}).status_code == 404
    assert grace.post(f"{url}/finish", {"abandon": True}).status_code == 404
    assert grace.get(url).status_code == 404
    assert not Attempt.objects.exists()
    session.refresh_from_db()
    assert (session.status, session.position) == (PracticeSession.Status.ACTIVE, 0)


# --- Track progress ---------------------------------------------------------------------------


def test_track_progress_sums_up_the_learners_answers_and_lessons(
    ada: APIClient, learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = start(mode="lesson", lesson=lesson.pk)
    answer(session["id"])
    answer(session["id"], right=False)
    answer(session["id"])

    detail = ada.get(f"/api/v1/progress/tracks/{lesson.unit.track_id}").json()
    listing = ada.get("/api/v1/progress/tracks").json()

    assert detail["attempts"] == 3
    assert detail["accuracy"] == pytest.approx(2 / 3)
    assert detail["lessons_completed"] == 1
    assert detail["xp"] == 12 + 12 + 20
    (unit,) = detail["units"]
    assert unit["accuracy"] == pytest.approx(2 / 3)
    # One right answer: 0.4; one wrong then one right: half right, 0.1.
    assert unit["mastery"] == pytest.approx((0.4 + 0.1) / 2)
    assert [lesson["completed"] for lesson in unit["lessons"]] == [True]
    (row,) = listing
    assert {k: row[k] for k in ("track", "attempts", "lessons_completed")} == {
        "track": lesson.unit.track_id,
        "attempts": 3,
        "lessons_completed": 1,
    }

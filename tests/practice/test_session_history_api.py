"""Session history on the API: `GET /api/v1/sessions`, newest first, paginated like every list,
filtered by mode and track, documented in the schema, in a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import yaml
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Track
from practice.models import PracticeSession
from practice.services import session_finish, session_start
from tests.accounts.factories import UserFactory

from .builders import answer_current, error_codes, numeric_lesson

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/sessions"
Mode = PracticeSession.Mode


def history(
    learner: User, count: int, *, mode: str = Mode.LESSON, track: Track | None = None
) -> list[int]:
    """`count` finished sessions of hers, an hour apart, the newest last; their ids."""
    start = timezone.now() - timedelta(days=30)
    made = PracticeSession.objects.bulk_create(
        PracticeSession(
            user=learner,
            mode=mode,
            track=track,
            status=PracticeSession.Status.COMPLETED,
            started_at=start + timedelta(hours=n),
            ended_at=start + timedelta(hours=n, minutes=4),
            plan=[{"exercise": 1, "seed": "s", "hints": 0}] * 5,
            position=5,
            answered=5,
            correct=4,
        )
        for n in range(count)
    )
    return [session.pk for session in made]


@pytest.fixture
def ada(learner: User, client_for: Callable[[User], APIClient]) -> APIClient:
    return client_for(learner)


# --- Listing and paging -----------------------------------------------------------------------


def test_her_sessions_come_newest_first_twenty_a_page(ada: APIClient, learner: User) -> None:
    ids = history(learner, 25)
    history(UserFactory(username="bob"), 3)

    first = ada.get(SESSIONS).json()
    second = ada.get(first["next"]).json()

    assert first["count"] == 25
    assert [s["id"] for s in first["results"]] == ids[::-1][:20]
    assert [s["id"] for s in second["results"]] == ids[::-1][20:]
    assert first["previous"] is None
    assert second["next"] is None


def test_the_page_size_is_hers_to_choose_up_to_a_hundred(ada: APIClient, learner: User) -> None:
    history(learner, 105)

    assert len(ada.get(SESSIONS, {"page_size": 5}).json()["results"]) == 5
    assert len(ada.get(SESSIONS, {"page_size": 500}).json()["results"]) == 100
    assert len(ada.get(SESSIONS, {"page_size": 50, "page": 3}).json()["results"]) == 5


def test_a_page_past_the_last_is_not_found(ada: APIClient, learner: User) -> None:
    history(learner, 3)

    response = ada.get(SESSIONS, {"page": 2})

    assert response.status_code == 404
    assert error_codes(response) == [(None, "not_found")]


def test_ties_in_time_never_show_a_session_twice(ada: APIClient, learner: User) -> None:
    ids = history(learner, 6)
    PracticeSession.objects.filter(pk__in=ids).update(started_at=timezone.now())

    pages = [ada.get(SESSIONS, {"page_size": 4, "page": n}).json()["results"] for n in (1, 2)]

    assert sorted(s["id"] for page in pages for s in page) == sorted(ids)


def test_an_item_is_a_session_without_its_current_question(ada: APIClient, learner: User) -> None:
    lesson = numeric_lesson(exercises=3)
    session = session_start(user=learner, mode=Mode.LESSON, lesson=lesson)
    answer_current(learner, session, right=False)

    (item,) = ada.get(SESSIONS).json()["results"]

    assert "current" not in item
    assert item["id"] == session.pk
    assert (item["mode"], item["status"], item["placement"], item["focus"]) == (
        "lesson",
        "active",
        False,
        None,
    )
    assert (item["track"], item["unit"], item["lesson"]) == (
        lesson.unit.track_id,
        lesson.unit_id,
        lesson.pk,
    )
    assert (item["position"], item["total"]) == (1, 4)  # the slip is asked again at the end
    assert item["summary"]["answered"] == 1
    assert item["summary"]["correct"] == 0
    detail = ada.get(f"{SESSIONS}/{session.pk}").json()
    assert detail["current"]["id"] == session.plan[1]["exercise"]


def test_a_placement_and_a_review_of_mistakes_say_so(ada: APIClient, learner: User) -> None:
    lesson = numeric_lesson(exercises=2)
    played = session_start(user=learner, mode=Mode.LESSON, lesson=lesson)
    answer_current(learner, played, right=False)
    session_finish(session=played, abandon=True)
    placement = session_start(user=learner, mode=Mode.QUIZ, track=lesson.unit.track, placement=True)
    mistakes = session_start(user=learner, mode=Mode.REVIEW)

    items = {s["id"]: s for s in ada.get(SESSIONS).json()["results"]}

    assert (items[placement.pk]["mode"], items[placement.pk]["placement"]) == ("quiz", True)
    assert (items[mistakes.pk]["mode"], items[mistakes.pk]["focus"]) == ("review", "mistakes")
    assert items[played.pk]["status"] == "abandoned"


# --- Filters ----------------------------------------------------------------------------------


def test_filtered_by_mode_and_by_track(ada: APIClient, learner: User) -> None:
    algebra, calculus = numeric_lesson().unit.track, numeric_lesson().unit.track
    lessons = history(learner, 3, track=algebra)
    quizzes = history(learner, 2, mode=Mode.QUIZ, track=calculus)
    algebra_quiz = history(learner, 1, mode=Mode.QUIZ, track=algebra)

    def ids(**query: Any) -> list[int]:
        return sorted(s["id"] for s in ada.get(SESSIONS, query).json()["results"])

    assert ids(mode="quiz") == sorted(quizzes + algebra_quiz)
    assert ids(track=algebra.pk) == sorted(lessons + algebra_quiz)
    assert ids(mode="quiz", track=algebra.pk) == algebra_quiz
    assert ids(mode="drill") == []


def test_a_filter_that_is_not_one_is_refused_at_its_parameter(
    ada: APIClient, learner: User
) -> None:
    history(learner, 2)

    for query, attr in [
        ({"mode": "dance"}, "mode"),
        ({"track": "algebra"}, "track"),
        ({"track": "1.5"}, "track"),
        ({"track": "0"}, "track"),
    ]:
        response = ada.get(SESSIONS, query)
        assert response.status_code == 400, query
        body = response.json()
        assert body["type"] == "validation_error"
        assert [error["attr"] for error in body["errors"]] == [attr], query


def test_someone_elses_track_filter_shows_none_of_hers(ada: APIClient, learner: User) -> None:
    history(learner, 2, track=numeric_lesson().unit.track)

    assert ada.get(SESSIONS, {"track": 999_999}).json()["count"] == 0


def test_history_needs_a_signed_in_learner() -> None:
    response = APIClient().get(SESSIONS)

    assert response.status_code == 401


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("finished", "open_sessions"), [(3, 0), (95, 5)])
def test_a_page_costs_the_same_queries_however_many_sessions_and_open_ones(
    ada: APIClient,
    learner: User,
    django_assert_num_queries: Any,
    finished: int,
    open_sessions: int,
) -> None:
    history(learner, finished)
    lesson = numeric_lesson(exercises=2)
    for _ in range(open_sessions):
        session_start(user=learner, mode=Mode.LESSON, lesson=lesson)

    # The token with its user (one query); the count; the page.
    with django_assert_num_queries(3):
        body = ada.get(SESSIONS, {"page_size": 100}).json()

    assert len(body["results"]) == finished + open_sessions


# --- The schema -------------------------------------------------------------------------------


def _openapi() -> dict[str, Any]:
    return yaml.safe_load(Client().get("/api/schema/").content)  # type: ignore[no-any-return]


def _json_schema(node: Any, components: dict[str, Any]) -> Any:
    """An OpenAPI 3.0 schema as plain JSON Schema: references inlined, `nullable` as null."""
    if isinstance(node, list):
        return [_json_schema(each, components) for each in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(components[node["$ref"].rsplit("/", 1)[1]], components)
    converted = {
        key: _json_schema(value, components)
        for key, value in node.items()
        if key not in {"nullable", "discriminator", "example", "readOnly", "writeOnly"}
    }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def conforms(body: Any, *, path: str, status: int) -> None:
    """The body is what the schema documents for `GET path` answering `status`."""
    document = _openapi()
    response = document["paths"][path]["get"]["responses"][str(status)]
    schema = _json_schema(
        response["content"]["application/json"]["schema"], document["components"]["schemas"]
    )
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_the_history_is_documented_and_answers_as_documented(ada: APIClient, learner: User) -> None:
    history(learner, 2, mode=Mode.QUIZ)
    session_start(user=learner, mode=Mode.LESSON, lesson=numeric_lesson(exercises=2))
    operation = _openapi()["paths"][SESSIONS]["get"]

    assert {p["name"] for p in operation["parameters"]} >= {"page", "page_size", "mode", "track"}
    assert {"200", "400", "404"} <= set(operation["responses"])
    conforms(ada.get(SESSIONS).json(), path=SESSIONS, status=200)
    conforms(ada.get(SESSIONS, {"mode": "dance"}).json(), path=SESSIONS, status=400)
    conforms(ada.get(SESSIONS, {"track": "x"}).json(), path=SESSIONS, status=400)
    conforms(ada.get(SESSIONS, {"page": 9}).json(), path=SESSIONS, status=404)


def test_starting_a_session_is_still_documented_and_works(ada: APIClient) -> None:
    lesson = numeric_lesson(exercises=2)

    response = ada.post(SESSIONS, {"mode": "lesson", "lesson": lesson.pk})

    assert response.status_code == 201
    assert response.json()["current"] is not None
    operation = _openapi()["paths"][SESSIONS]["post"]
    assert {"201", "400", "403"} <= set(operation["responses"])
    refused = ada.post(SESSIONS, {"mode": "lesson", "lesson": lesson.pk, "placement": True})
    assert refused.status_code == 400
    assert error_codes(refused) == [("placement", "invalid")]

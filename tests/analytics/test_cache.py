"""Read-through caching: what is cached, for how long, and how a learner's answer refreshes it.

These tests commit for real (`transaction=True`): the cache is bypassed inside a transaction,
and the invalidation runs after commit. They use whatever cache is configured: local memory by
default, Redis when REDIS_URL is set.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from rest_framework.test import APIClient

from accounts.models import User
from analytics.models import DailySummary
from calcuingo import cache as analytics_cache
from curriculum.models import Track
from practice.models import ExerciseProgress, PracticeSession, TrackProgress
from tests.accounts.factories import UserFactory
from tests.practice.builders import answer_body, fact_track, link_parent, numeric_lesson

pytestmark = pytest.mark.django_db(transaction=True)

ClientFor = Callable[[User], APIClient]


@pytest.fixture(autouse=True)
def _a_cache_of_our_own(settings: Any) -> None:
    """With Redis, a database of this test worker's own.

    Every test of the suite empties the shared cache (FLUSHDB) when it starts, and users of
    other workers' databases have the same ids: on a shared Redis, another worker could empty
    or fill our entries between two requests of a test.
    """
    default = settings.CACHES["default"]
    if default["BACKEND"].startswith("django_redis"):
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
        location = urlsplit(default["LOCATION"])._replace(path=f"/{6 + worker % 6}").geturl()
        settings.CACHES = {"default": {**default, "LOCATION": location}}
    cache.clear()


def _answer(client: APIClient, session_id: int, *, right: bool = True) -> dict[str, Any]:
    session = PracticeSession.objects.get(pk=session_id)
    response = client.post(
        f"/api/v1/sessions/{session_id}/answers", answer_body(session, right=right)
    )
    assert response.status_code == 201, response.json()
    return response.json()  # type: ignore[no-any-return]


def _start(client: APIClient, **body: Any) -> int:
    response = client.post("/api/v1/sessions", body)
    assert response.status_code == 201, response.json()
    return response.json()["id"]  # type: ignore[no-any-return]


def _seconds_left(key: str) -> float:
    """How long the entry under `key` still lives, whichever backend holds it."""
    if hasattr(cache, "ttl"):  # django-redis
        return float(cache.ttl(key))
    backend: Any = caches["default"]  # local memory: the expiry is kept beside the value
    return float(backend._expire_info[backend.make_and_validate_key(key)] - time.time())


def test_track_progress_is_served_from_the_cache_until_the_learner_answers(
    client_for: ClientFor, learner: User
) -> None:
    ada = client_for(learner)
    lesson = numeric_lesson(exercises=3)
    track_id = lesson.unit.track_id
    url = f"/api/v1/progress/tracks/{track_id}"
    session_id = _start(ada, mode="lesson", lesson=lesson.pk)
    _answer(ada, session_id)
    assert ada.get(url).json()["attempts"] == 1
    # Changed behind the cache's back (no answer, no invalidation): the cached copy is served.
    TrackProgress.objects.filter(user=learner).update(attempts=50)
    assert ada.get(url).json()["attempts"] == 1

    _answer(ada, session_id)

    assert ada.get(url).json()["attempts"] == 51, "the answer dropped the cached copy"


def test_the_mastery_grid_is_cached_and_an_answer_refreshes_it(
    client_for: ClientFor, learner: User
) -> None:
    ada = client_for(learner)
    track = fact_track([(2, 2), (2, 3)])
    url = f"/api/v1/tracks/{track.pk}/grid"
    session_id = _start(ada, mode="drill", track=track.pk)
    assert {cell["attempts"] for cell in ada.get(url).json()["cells"]} == {0}
    ExerciseProgress.objects.create(user=learner, exercise=track_exercise(track), attempts=9)
    assert {cell["attempts"] for cell in ada.get(url).json()["cells"]} == {0}, "cached"

    _answer(ada, session_id)

    cells = ada.get(url).json()["cells"]
    assert sorted(cell["attempts"] for cell in cells) == [1, 9]


def track_exercise(track: Track) -> Any:
    """The fact a drill asks last (its plan starts with the unseen facts in order)."""
    return track.units.get().lessons.get().exercises.order_by("-pk").first()


def test_one_learners_answer_leaves_another_learners_cache_alone(
    client_for: ClientFor, learner: User
) -> None:
    vera = UserFactory(username="vera")
    lesson = numeric_lesson(exercises=3)
    url = f"/api/v1/progress/tracks/{lesson.unit.track_id}"
    ada, as_vera = client_for(learner), client_for(vera)
    assert ada.get(url).json()["attempts"] == 0
    TrackProgress.objects.create(user=learner, track_id=lesson.unit.track_id, attempts=7)

    _answer(as_vera, _start(as_vera, mode="lesson", lesson=lesson.pk))

    assert as_vera.get(url).json()["attempts"] == 1
    assert ada.get(url).json()["attempts"] == 0, "Ada's cached copy is still hers to keep"


def test_finishing_a_session_refreshes_the_parents_view(
    client_for: ClientFor, learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    ada, grace = client_for(learner), client_for(parent)
    lesson = numeric_lesson(exercises=2)
    session_id = _start(ada, mode="lesson", lesson=lesson.pk)
    url = f"/api/v1/dashboards/children/{learner.pk}"
    assert grace.get(url).json()["recent_sessions"][0]["status"] == "active"

    finished = ada.post(f"/api/v1/sessions/{session_id}/finish", {"abandon": True})

    assert finished.status_code == 200
    assert grace.get(url).json()["recent_sessions"][0]["status"] == "abandoned"


def test_my_dashboard_is_cached_and_refreshed_by_my_next_answer(
    client_for: ClientFor, learner: User
) -> None:
    ada = client_for(learner)
    lesson = numeric_lesson(exercises=3)
    session_id = _start(ada, mode="lesson", lesson=lesson.pk)
    _answer(ada, session_id)
    assert ada.get("/api/v1/dashboards/me").json()["totals"]["questions"] == 1
    DailySummary.objects.filter(user=learner).update(questions=40, correct=1)
    assert ada.get("/api/v1/dashboards/me").json()["totals"]["questions"] == 1

    _answer(ada, session_id)

    assert ada.get("/api/v1/dashboards/me").json()["totals"]["questions"] == 41


def test_entries_live_as_long_as_the_architecture_says(
    client_for: ClientFor, learner: User, author: User
) -> None:
    ada = client_for(learner)
    track = fact_track([(3, 4)])
    ada.get(f"/api/v1/tracks/{track.pk}/grid")
    ada.get(f"/api/v1/progress/tracks/{track.pk}")
    body = ada.get("/api/v1/dashboards/me").json()
    client_for(author).get(f"/api/v1/dashboards/tracks/{track.pk}")
    start, end = (date.fromisoformat(body[key]) for key in ("from", "to"))

    lives = {
        "grid": _seconds_left(analytics_cache.grid_key(learner.pk, track.pk, "×")),
        "track progress": _seconds_left(analytics_cache.track_progress_key(learner.pk, track.pk)),
        "stats": _seconds_left(analytics_cache.stats_key(learner.pk, start, end)),
        "track statistics": _seconds_left(analytics_cache.track_statistics_key(track.pk)),
    }

    expected = {"grid": 300, "track progress": 600, "stats": 300, "track statistics": 300}
    for name, seconds in expected.items():
        assert seconds - 5 < lives[name] <= seconds, name


def _spy(method: Callable[..., Any], name: str, calls: list[str]) -> Callable[..., Any]:
    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return method(*args, **kwargs)

    return spy


def test_invalidation_is_one_cache_operation_whatever_was_cached(
    client_for: ClientFor, learner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = client_for(learner)
    track = fact_track([(2, 2), (2, 3)])
    for operation in ("×", "+", "−"):
        ada.get(f"/api/v1/tracks/{track.pk}/grid", {"operation": operation})
    ada.get(f"/api/v1/progress/tracks/{track.pk}")
    ada.get("/api/v1/dashboards/me")
    before = analytics_cache.grid_key(learner.pk, track.pk, "×")
    calls: list[str] = []
    backend = caches["default"]
    for name in ("incr", "set", "delete", "delete_many", "set_many", "add"):
        monkeypatch.setattr(backend, name, _spy(getattr(backend, name), name, calls))

    analytics_cache.learner_cache_invalidate(learner.pk)

    assert calls == ["incr"]
    assert analytics_cache.grid_key(learner.pk, track.pk, "×") != before


def test_an_evicted_version_never_brings_back_an_older_entry(learner: User) -> None:
    old_key = analytics_cache.track_progress_key(learner.pk, 1)
    cache.set(old_key, "stale", 600)
    cache.delete(f"{analytics_cache.PREFIX}:lv:{learner.pk}")  # evicted under memory pressure

    new_key = analytics_cache.track_progress_key(learner.pk, 1)

    assert new_key != old_key
    assert analytics_cache.cached(new_key, 60, lambda: "fresh") == "fresh"


def test_nothing_is_cached_inside_a_transaction() -> None:
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    with transaction.atomic():
        first = analytics_cache.cached("analytics:test:atomic", 60, compute)
        second = analytics_cache.cached("analytics:test:atomic", 60, compute)

    assert (first, second) == (1, 2), "each read inside the transaction went to the source"
    assert cache.get("analytics:test:atomic") is None
    assert analytics_cache.cached("analytics:test:atomic", 60, compute) == 3
    assert analytics_cache.cached("analytics:test:atomic", 60, compute) == 3, "now cached"


def test_a_value_that_is_none_is_cached_too() -> None:
    computed: list[None] = []

    def compute() -> None:
        computed.append(None)

    analytics_cache.cached("analytics:test:none", 60, compute)
    analytics_cache.cached("analytics:test:none", 60, compute)

    assert len(computed) == 1


def test_an_edited_question_is_cached_under_a_new_key() -> None:
    exercise = numeric_lesson(exercises=1).exercises.get()
    before = analytics_cache.question_key(exercise.pk, exercise.updated_at)
    analytics_cache.cached(before, analytics_cache.QUESTION_TTL, lambda: exercise.prompt)

    exercise.prompt = "What is $40 + 2$?"
    exercise.save()

    after = analytics_cache.question_key(exercise.pk, exercise.updated_at)
    assert after != before
    assert analytics_cache.cached(after, 60, lambda: exercise.prompt) == "What is $40 + 2$?"


def test_question_content_is_cached_for_a_day_and_an_authors_edit_shows_at_once(
    client_for: ClientFor, learner: User
) -> None:
    from curriculum.models import Exercise

    ada = client_for(learner)
    lesson = numeric_lesson(exercises=2)
    session_id = _start(ada, mode="lesson", lesson=lesson.pk)
    first = ada.get(f"/api/v1/sessions/{session_id}").json()["current"]
    exercise = Exercise.objects.get(pk=first["id"])
    key = analytics_cache.question_key(exercise.pk, exercise.updated_at)

    assert cache.get(key)["prompt"] == exercise.prompt
    assert 24 * 3600 - 60 < _seconds_left(key) <= 24 * 3600

    exercise.prompt = "What is 40 + 2?"
    exercise.save()
    edited = ada.get(f"/api/v1/sessions/{session_id}").json()["current"]

    assert edited["prompt"] == "What is 40 + 2?"

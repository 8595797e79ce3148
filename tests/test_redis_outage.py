"""A Redis outage never breaks a page: every page and endpoint answers, and nothing is lost.

The cache points at a Redis that is not there. Requests commit for real (`transaction=True`), so
the cached read paths and the after-commit work (cache invalidation, leaderboard bumps) all run
against the dead server. Only `/health/` may say something is wrong, and it names the cache.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from curriculum.models import Exercise
from practice.models import Attempt, ExerciseProgress, PracticeSession
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.practice.builders import answer_body, fact_track, link_parent

pytestmark = pytest.mark.django_db(transaction=True)

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_is_down(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "KEY_PREFIX": "calcuingo",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }


def token_client(user: User) -> APIClient:
    """Logs in through the API itself: the login must work during the outage too."""
    client = APIClient()
    response = client.post(
        "/api/v1/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def site_client(user: User) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


def expect(client: Any, method: str, url: str, status: int = 200, **body: Any) -> Any:
    response = getattr(client, method)(url, body) if body else getattr(client, method)(url)
    assert response.status_code == status, (
        method,
        url,
        response.status_code,
        response.content[:300],
    )
    return response


def get_routes_without_arguments() -> list[str]:
    """Every GET-able route of the API that needs no id, as a path."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
                plain = "<" not in route and "(?P" not in route and "^" not in route
                if plain:
                    found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def test_every_page_and_endpoint_answers_while_redis_is_down_and_no_answer_is_lost(
    redis_is_down: None,
) -> None:
    ada = UserFactory(username="ada", email="ada@example.org")
    grace = UserFactory(username="grace", email="grace@example.org", role=User.Role.PARENT)
    euler = UserFactory(username="euler", email="euler@example.org", role=User.Role.AUTHOR)
    root = UserFactory(username="root", email="root@example.org", role=User.Role.STAFF)
    root.is_superuser = True
    root.save()
    link_parent(parent=grace, learner=ada)
    track = fact_track([(2, 3), (3, 4)])
    lesson = track.units.get().lessons.get()
    exercise = Exercise.objects.filter(lesson=lesson).first()
    assert exercise is not None

    # The site, anonymous and signed in, and the admin.
    anonymous = Client()
    for url in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        expect(anonymous, "get", url)
    as_ada_site = site_client(ada)
    expect(as_ada_site, "get", "/", 302)
    for url in (
        "/learn/",
        "/learn/review/",
        f"/learn/tracks/{track.pk}/grid/",
        "/profile/",
        "/leaderboards/",
        "/leaderboards/?period=all_time",
        "/stats/",
        "/accounts/profile/",
        "/accounts/family/",
        "/accounts/data/",
    ):
        expect(as_ada_site, "get", url)
    as_grace_site = site_client(grace)
    for url in ("/children/", f"/learn/children/{ada.pk}/"):
        expect(as_grace_site, "get", url)
    expect(as_ada_site, "post", "/accounts/data/export/")
    as_root_site = site_client(root)
    for url in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{ada.pk}/change/"):
        expect(as_root_site, "get", url)

    # The API: content, a whole lesson answered, progress, motivation, dashboards, data rights.
    as_ada = token_client(ada)
    for url in (
        "/api/v1/me",
        "/api/v1/tracks/",
        f"/api/v1/tracks/{track.pk}/",
        "/api/v1/units/",
        "/api/v1/lessons/",
        f"/api/v1/lessons/{lesson.pk}/",
        "/api/v1/exercises/",
        f"/api/v1/exercises/{exercise.pk}/",
    ):
        expect(as_ada, "get", url)
    session_id = expect(as_ada, "post", "/api/v1/sessions", 201, mode="lesson", lesson=lesson.pk)
    session_id = session_id.json()["id"]
    expect(as_ada, "get", f"/api/v1/sessions/{session_id}")
    for _ in range(2):
        body = answer_body(PracticeSession.objects.get(pk=session_id))
        expect(as_ada, "post", f"/api/v1/sessions/{session_id}/answers", 201, **body)
    for url in (
        "/api/v1/sessions",
        "/api/v1/progress/tracks",
        f"/api/v1/progress/tracks/{track.pk}",
        f"/api/v1/tracks/{track.pk}/grid",
        "/api/v1/review/count",
        "/api/v1/dashboards/me",
        "/api/v1/me/export",
        "/api/v1/me/standing",
        "/api/v1/me/xp",
        "/api/v1/me/achievements",
        "/api/v1/me/avatars",
        "/api/v1/leaderboards/daily",
        "/api/v1/leaderboards/weekly",
        "/api/v1/leaderboards/all_time",
    ):
        expect(as_ada, "get", url)
    as_grace = token_client(grace)
    for url in (
        "/api/v1/dashboards/children",
        f"/api/v1/dashboards/children/{ada.pk}",
        "/api/v1/learners",
        f"/api/v1/learners/{ada.pk}",
        f"/api/v1/progress/tracks/{track.pk}?learner={ada.pk}",
    ):
        expect(as_grace, "get", url)
    expect(token_client(euler), "get", f"/api/v1/dashboards/tracks/{track.pk}")
    expect(anonymous, "get", "/api/schema/")
    expect(anonymous, "get", "/api/docs/")

    # Every other argument-free API route answers without a server error.
    for url in get_routes_without_arguments():
        assert as_ada.get(url).status_code < 500, url

    # The one page allowed to say so: health, naming the cache and nothing else.
    health = expect(anonymous, "get", "/health/", 503)
    assert health.json()["down"] == ["cache"]

    # Nothing was lost: both answers, the finished lesson and the progress are in the database.
    assert Attempt.objects.filter(user=ada, session_id=session_id).count() == 2
    assert PracticeSession.objects.get(pk=session_id).status == "completed"
    assert ExerciseProgress.objects.filter(user=ada, attempts=1).count() == 2
    progress = expect(as_ada, "get", f"/api/v1/progress/tracks/{track.pk}").json()
    assert progress["attempts"] == 2
    assert progress["lessons_completed"] == 1
    # ada, root and grace on the site; ada, grace and euler through the API.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).count() == 6


def test_deleting_an_account_works_while_redis_is_down(redis_is_down: None) -> None:
    ada = UserFactory(username="ada", email="ada@example.org")
    as_ada = token_client(ada)

    expect(as_ada, "post", "/api/v1/me/delete", 204, password=DEFAULT_PASSWORD)

    assert not User.objects.filter(pk=ada.pk).exists()

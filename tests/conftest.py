"""Shared fixtures: the people of our tests (a learner, her parent, an author) and API clients."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory

PASSWORD = "correct horse battery staple"


def _worker_redis_url(url: str, worker: str) -> str:
    """The same Redis server, another database per xdist worker (gw0 → 4, gw1 → 5, …)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{4 + int(worker.removeprefix('gw'))}"))


@pytest.fixture(autouse=True)
def _plain_http_and_clean_cache(settings: Any) -> Iterator[None]:
    """The test client speaks plain HTTP; every test starts with an empty cache (throttles).

    Under xdist each worker gets its own Redis database, so one worker clearing its cache never
    empties another's in the middle of a test.
    """
    settings.SECURE_SSL_REDIRECT = False
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    default = settings.CACHES["default"]
    if worker.startswith("gw") and default["BACKEND"].startswith("django_redis"):
        settings.CACHES = {
            **settings.CACHES,
            "default": {**default, "LOCATION": _worker_redis_url(default["LOCATION"], worker)},
        }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory(username="ada", email="ada@example.org", role=User.Role.LEARNER)


@pytest.fixture
def parent(db: None) -> User:
    return UserFactory(username="grace", email="grace@example.org", role=User.Role.PARENT)


@pytest.fixture
def other_parent(db: None) -> User:
    return UserFactory(username="marie", email="marie@example.org", role=User.Role.PARENT)


@pytest.fixture
def author(db: None) -> User:
    return UserFactory(username="euler", email="euler@example.org", role=User.Role.AUTHOR)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for(db: None) -> Callable[[User], APIClient]:
    """An API client holding a fresh token of this user, as a mobile app would."""

    def make(user: User) -> APIClient:
        _, token = AuthToken.objects.create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make

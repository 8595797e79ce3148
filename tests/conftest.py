"""Shared fixtures: the people of our tests (a learner, her parent, an author) and API clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _plain_http_and_clean_cache(settings: Any) -> Iterator[None]:
    """The test client speaks plain HTTP; every test starts with an empty cache (throttles)."""
    settings.SECURE_SSL_REDIRECT = False
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

"""Fixtures for the API's conformance runs: the people who call it, and schemathesis's setup."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ParentLink, User
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import ExerciseFactory

# What a response must satisfy: no 5xx, and its status, content type, headers and body as the
# schema documents. Whether a schema-valid request is accepted is a business rule (a wrong
# password is refused with a documented 400), so `positive_data_acceptance` is not among them.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SEED = 20261201


def load_schema(config: dict[str, Any]) -> Any:
    """The schema as the app serves it, to be called in-process through WSGI (no server)."""
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        get_wsgi_application(),
        config=schemathesis.config.SchemathesisConfig.from_dict({"seed": SEED, **config}),
    )


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Requests go through the real WSGI handler here, whose request signals close connections
    that are not in autocommit — the test's own transaction on PostgreSQL. Django's test client
    disconnects them for the same reason; so do we."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def people(db: None, settings: Any) -> dict[str, User | None]:
    """Ada, a learner with some content to see; Grace, her parent; Euler, an author."""
    # Hundreds of generated logins and password changes: hash fast (hashing has its own tests).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ExerciseFactory()
    ada = UserFactory(username="ada", role=User.Role.LEARNER)
    grace = UserFactory(username="grace", role=User.Role.PARENT)
    ParentLink.objects.create(parent=grace, learner=ada)
    euler = UserFactory(username="euler", role=User.Role.AUTHOR)
    return {"anonymous": None, "learner": ada, "parent": grace, "author": euler}


def call_and_validate(case: Any, caller: User | None) -> None:
    """Send one generated request as this caller and check the answer against the schema."""
    cache.clear()  # throttles and lockouts never trip mid-run (test_errors.py checks 429)
    headers = {}
    if caller is not None:
        # A fresh token each time: a generated logout must not sign out the cases after it.
        _, token = AuthToken.objects.create(user=caller)
        headers["Authorization"] = f"Token {token}"
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)


Validate = Callable[[Any, User | None], None]

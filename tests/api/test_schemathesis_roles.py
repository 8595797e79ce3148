"""Schemathesis over the whole OpenAPI schema as an anonymous caller, a parent and an author.

Each operation gets random requests, valid and invalid (no coverage phase: the learner's run in
tests/api/test_schemathesis_learner.py walks every boundary once), from a fixed seed. No 5xx,
and every status, content type and body as the schema documents.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from accounts.models import User

from .conftest import call_and_validate, load_schema

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 8  # random requests per operation and caller


@pytest.fixture
def random_schema(db: None) -> Any:
    return load_schema(
        {
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "no-shrink": True},
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": False}},
        }
    )


schema = schemathesis.pytest.from_fixture("random_schema")


def _conformance_test(role: str) -> Any:
    @schema.parametrize()
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def test(case: Any, people: dict[str, User | None]) -> None:
        call_and_validate(case, people[role])

    test.__doc__ = f"Every operation answers {role} callers as the schema documents."
    return test


test_the_api_answers_anonymous_callers_as_documented = _conformance_test("anonymous")
test_the_api_answers_a_parent_as_documented = _conformance_test("parent")
test_the_api_answers_an_author_as_documented = _conformance_test("author")

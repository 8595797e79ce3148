"""Schemathesis over the whole OpenAPI schema as a learner: no 5xx, every answer as documented.

The thorough run: every operation gets the coverage phase (each parameter's and field's
boundary values, and malformed ones: ids that are not numbers, wrong types, missing required
fields) and a few random requests, from a fixed seed so that a run is repeatable.
tests/api/test_schemathesis_roles.py runs the other callers with random requests only.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from accounts.models import User

from .conftest import call_and_validate, load_schema

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 5  # random requests per operation, on top of the coverage phase's


@pytest.fixture
def learner_schema(db: None) -> Any:
    return load_schema(
        {
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "no-shrink": True},
            # 405 for a method a path lacks is DRF's own, checked once in test_errors.py.
            "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": []}},
        }
    )


schema = schemathesis.pytest.from_fixture("learner_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_a_learner_as_documented(case: Any, people: dict[str, User | None]) -> None:
    call_and_validate(case, people["learner"])

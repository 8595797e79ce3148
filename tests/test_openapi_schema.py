"""The API is documented: a valid OpenAPI 3 document that covers every endpoint."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def api_routes() -> set[str]:
    """Every route under /api/v1/, written as OpenAPI paths (`{id}` for a primary key)."""
    found: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
                route = re.sub(r"<int:pk>|\(\?P<pk>[^)]*\)", "{id}", route)
                if "(?P<format>" not in route and "<drf_format_suffix" not in route:
                    found.add("/" + route)

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_every_api_route_is_in_the_schema(schema):
    assert api_routes() <= set(schema["paths"])


def test_every_operation_describes_its_request_and_responses(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") or operation.get("description"), (method, path)
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, (method, path)
            if method in {"patch", "put"}:
                assert "requestBody" in operation, (method, path)
            errors = [code for code in operation["responses"] if code.startswith("4")]
            assert errors, f"{method} {path} documents no error response"


def test_the_interactive_docs_are_served_without_internet(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr" not in response.content

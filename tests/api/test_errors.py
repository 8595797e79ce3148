"""Every URL under /api/ answers errors as JSON in one documented shape, and the schema lists
each error status an operation can answer with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

ERROR_TYPES = {"client_error", "validation_error"}


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is `{type, errors: [{code, detail, attr}]}` JSON with this status."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert body["type"] in ERROR_TYPES
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}
        assert isinstance(error["code"], str)
        assert isinstance(error["detail"], str)
    if code is not None:
        assert [error["code"] for error in body["errors"]] == [code], body
    return dict(body)


@pytest.fixture
def ada(learner: User, client_for: Callable[[User], APIClient]) -> APIClient:
    return client_for(learner)


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return dict(yaml.safe_load(response.content))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/abc",
        "/api/v1/sessions/abc/answers",
        "/api/v1/tracks/1.5/",
        "/api/v1/learners/-3",
        "/api/v1/parent-links/%20",
    ],
)
def test_a_malformed_id_is_a_json_404(ada: APIClient, path: str) -> None:
    body = assert_error(ada.get(path), 404, "not_found")

    assert body["type"] == "client_error"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_an_unknown_api_route_is_a_json_404_for_every_method(
    ada: APIClient, api_client: APIClient, method: str
) -> None:
    assert_error(getattr(ada, method)("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(getattr(api_client, method)("/api/v2/sessions"), 404, "not_found")


def test_an_unknown_api_route_is_json_even_with_the_site_debugging(
    api_client: APIClient, settings: Any
) -> None:
    settings.DEBUG = True  # Django's technical 404 page would be HTML

    assert_error(api_client.get("/api/nothing/here"), 404, "not_found")


def test_pages_outside_the_api_keep_their_html_404(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_id_too_large_for_any_column_is_a_400_not_a_500(ada: APIClient) -> None:
    huge = 10**40

    # SQLite cannot bind the number (a 400 that says so); PostgreSQL compares it and finds none.
    listed = ada.get(f"/api/v1/sessions?track={huge}")
    if listed.status_code == 400:
        assert_error(listed, 400, "out_of_range")
    else:
        assert (listed.status_code, listed.json()["results"]) == (200, [])
    assert_error(ada.get(f"/api/v1/sessions/{huge}"), 404, "not_found")


def test_each_error_status_answers_in_the_one_shape(
    ada: APIClient, api_client: APIClient, parent: User, client_for: Callable[[User], APIClient]
) -> None:
    grace = client_for(parent)

    bad_json = ada.generic(
        "PATCH", "/api/v1/me/leaderboards", "{not json", content_type="application/json"
    )
    assert assert_error(bad_json, 400, "parse_error")["type"] == "client_error"
    invalid = assert_error(ada.patch("/api/v1/me/leaderboards", {"opt_out": "maybe"}), 400)
    assert invalid["type"] == "validation_error"
    assert invalid["errors"][0]["attr"] == "opt_out"
    assert_error(api_client.get("/api/v1/me/standing"), 401, "not_authenticated")
    assert_error(
        api_client.get("/api/v1/me/standing", HTTP_AUTHORIZATION="Token nonsense"),
        401,
        "authentication_failed",
    )
    assert_error(grace.get("/api/v1/me/standing?learner=999999"), 404, "not_found")
    assert_error(ada.put("/api/v1/me/standing"), 405, "method_not_allowed")
    assert_error(ada.get("/api/v1/me/standing", HTTP_ACCEPT="text/html"), 406, "not_acceptable")
    unsupported = ada.generic(
        "PATCH", "/api/v1/me/leaderboards", "opt_out", content_type="text/plain"
    )
    assert_error(unsupported, 415, "unsupported_media_type")


def test_a_forbidden_action_is_a_json_403(
    parent: User, client_for: Callable[[User], APIClient]
) -> None:
    grace = client_for(parent)

    response = grace.post("/api/v1/parent-invites")

    assert_error(response, 403)


def test_throttled_requests_get_a_json_429(api_client: APIClient) -> None:
    # Anonymous callers may make 60 requests a minute (settings API_THROTTLE_ANON).
    responses = [api_client.get("/api/v1/no-such-thing") for _ in range(61)]

    assert_error(responses[-1], 429, "throttled")


def test_the_schema_documents_each_status_in_the_shared_shape(schema: dict[str, Any]) -> None:
    operations = {
        (method.upper(), path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    session = operations[("GET", "/api/v1/sessions/{id}")]["responses"]
    answer = operations[("POST", "/api/v1/sessions/{id}/answers")]["responses"]
    avatars = operations[("GET", "/api/v1/me/avatars")]["responses"]

    assert {"401", "404", "405", "406", "429"} <= set(session)
    assert {"400", "401", "403", "404", "405", "406", "409", "415", "429"} <= set(answer)
    assert {"401", "405", "406", "429"} <= set(avatars)
    for responses in (session, answer, avatars):
        for status, response in responses.items():
            if status.startswith("4"):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                shared = "ErrorResponse400" if status == "400" else "ClientErrorResponse"
                assert ref == f"#/components/schemas/{shared}", (status, ref)
                assert response["description"]
    item = schema["components"]["schemas"]["ErrorItem"]
    assert item["required"] == ["code", "detail", "attr"]


def test_every_operation_documents_401_405_406_and_429(schema: dict[str, Any]) -> None:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            missing = {"401", "405", "406", "429"} - set(operation["responses"])
            assert not missing, (method, path, missing)

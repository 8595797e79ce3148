"""Bodies an attacker controls: too large, nested too deep, too many fields — a clear 4xx each.

An oversized body is refused from its Content-Length before a byte of it is read; hostile JSON and
forms are a 400 in the API's error format (or the site's 400), never a server error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from io import BytesIO
from typing import Any
from wsgiref.util import is_hop_by_hop

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

LIMIT = 2_621_440


class CountingStream(BytesIO):
    """A request body that counts what the server reads of it (and is endless)."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        size = 65536 if size is None or size < 0 else size
        self.bytes_read += size
        return b"[" * size

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size)


def call_wsgi(path: str, content_length: int, content_type: str) -> tuple[str, bytes, int]:
    """POST through the WSGI handler itself, as gunicorn would; the status, body and bytes read."""
    stream = CountingStream()
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(content_length),
        REMOTE_ADDR="198.51.100.9",
        **{"wsgi.input": stream},
    )
    started: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> None:
        # WSGI servers refuse hop-by-hop headers from the application (a 500 under runserver).
        assert not [name for name, _ in headers if is_hop_by_hop(name)]
        started.append(status)

    # As Django's test client does: the test's own connection stays open across the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(WSGIHandler()(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started[0], body, stream.bytes_read


def test_a_150_mb_anonymous_login_body_is_refused_at_once_without_being_read(
    settings: Any,
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    began = time.monotonic()

    status, body, read = call_wsgi("/api/v1/auth/login", 150 * 1024 * 1024, "application/json")

    assert status.startswith("413")
    assert read == 0
    assert time.monotonic() - began < 1.0
    error = json.loads(body)
    assert error["type"] == "client_error"
    assert error["errors"][0]["code"] == "request_too_large"


def test_a_json_body_a_few_megabytes_over_the_limit_is_a_413_in_the_api_error_format(
    api_client: APIClient, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    padding = "x" * (LIMIT + 3 * 1024 * 1024)

    response = api_client.post(
        "/api/v1/auth/login",
        json.dumps({"email": "ada@example.org", "password": padding}),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "request_too_large"


def test_a_json_body_under_the_limit_is_still_parsed(api_client: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT

    response = api_client.post(
        "/api/v1/auth/login",
        json.dumps({"email": "ada@example.org", "password": "x" * 100_000}),
        content_type="application/json",
    )

    assert response.status_code == 401


def test_an_oversized_form_post_to_the_site_is_a_413_page(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post(
        "/accounts/login/",
        "login=ada&password=" + "x" * 5000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert b"too large" in response.content


def test_a_file_upload_has_its_own_larger_cap(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.MAX_UPLOAD_BYTES = 64 * 1024

    status, _, read = call_wsgi(
        "/admin/curriculum/track/import/", 65 * 1024, "multipart/form-data; boundary=x"
    )
    small = client.post("/accounts/login/", {"login": "ada", "file": BytesIO(b"x" * 8000)})

    assert status.startswith("413")
    assert read == 0
    assert small.status_code == 200, "an 8 kB multipart form passes the 1 kB form limit"


# --- Hostile JSON and forms ----------------------------------------------------------------------
def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def error_codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_400_parse_error(api_client: APIClient, depth: int) -> None:
    response = api_client.post("/api/v1/auth/login", nested(depth), content_type="application/json")

    assert response.status_code == 400
    assert error_codes(response) == ["parse_error"]
    assert "nested too deeply" in response.json()["errors"][0]["detail"]


def test_deeply_nested_json_from_a_signed_in_learner_is_a_400_too(
    client_for: Callable[[User], APIClient], learner: User
) -> None:
    body = '{"first_name": ' + nested(1_000) + "}"

    response = client_for(learner).patch("/api/v1/me", body, content_type="application/json")

    assert response.status_code == 400
    assert error_codes(response) == ["parse_error"]


def too_many_fields(count: int = 1_001) -> str:
    return "&".join(f"field{n}=x" for n in range(count))


def test_more_than_a_thousand_form_fields_to_the_api_are_a_400(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/v1/auth/login",
        too_many_fields(),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert error_codes(response) == ["parse_error"]
    assert "Too many fields" in response.json()["errors"][0]["detail"]


def test_more_than_a_thousand_multipart_fields_to_the_api_are_a_400(api_client: APIClient) -> None:
    data = {f"field{n}": "x" for n in range(1_001)}

    response = api_client.post("/api/v1/auth/login", data, format="multipart")

    assert response.status_code == 400
    assert error_codes(response) == ["parse_error"]


def test_more_than_a_thousand_form_fields_to_a_site_form_are_a_400_page(client: Client) -> None:
    response = client.post(
        "/accounts/login/",
        too_many_fields(),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400

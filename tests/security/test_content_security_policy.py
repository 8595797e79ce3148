"""Every response carries a Content-Security-Policy that runs only our own scripts.

The site vendors htmx, KaTeX and Chart.js under static/, so `script-src 'self'` holds; the few
inline elements we cannot avoid (htmx's indicator style, the API docs' boot script) carry the
request's nonce. A page with an inline script or event handler would break under the policy:
the pages are scanned for them here, and the browser tests fail on the console error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.practice.builders import fact_track

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def nonce_of(response: object) -> str:
    sources = policy(response)["script-src"]
    nonces = [source for source in sources if source.startswith("'nonce-")]
    assert len(nonces) == 1
    return nonces[0][len("'nonce-") : -1]


def test_the_policy_allows_only_our_own_and_nonced_scripts(client: Client) -> None:
    found = policy(client.get("/"))

    assert found["default-src"] == ["'self'"]
    assert found["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in found["script-src"]
    assert "'unsafe-eval'" not in found["script-src"]
    assert found["object-src"] == ["'none'"]
    assert found["frame-ancestors"] == ["'none'"]
    assert found["base-uri"] == ["'self'"]


def test_each_response_has_its_own_nonce(client: Client) -> None:
    assert nonce_of(client.get("/")) != nonce_of(client.get("/"))


def assert_no_unmarked_inline_code(html: str, nonce: str, url: str) -> None:
    for attributes in SCRIPT_TAG.findall(html):
        if "src=" in attributes or 'type="application/json"' in attributes:
            continue  # our own file, or data (json_script) that is never run
        assert f'nonce="{nonce}"' in attributes, f"{url}: an inline <script> without the nonce"
    assert not INLINE_HANDLER.search(html), f"{url}: an inline event handler"
    assert "javascript:" not in html, f"{url}: a javascript: URL"


def test_public_pages_have_the_policy_and_no_inline_scripts(client: Client) -> None:
    for url in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_unmarked_inline_code(response.content.decode(), nonce_of(response), url)


def test_a_learners_pages_have_the_policy_and_no_inline_scripts(
    client: Client, learner: User
) -> None:
    track = fact_track([(2, 3)])
    client.post("/accounts/login/", {"login": "ada", "password": DEFAULT_PASSWORD})
    for url in (
        "/learn/",
        "/learn/review/",
        f"/learn/tracks/{track.pk}/grid/",
        "/profile/",
        "/leaderboards/",
        "/stats/",
        "/accounts/profile/",
        "/accounts/family/",
        "/accounts/data/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_unmarked_inline_code(response.content.decode(), nonce_of(response), url)


def test_htmx_is_told_the_nonce_for_its_indicator_style(client: Client) -> None:
    response = client.get("/accounts/login/")

    assert f'"inlineStyleNonce": "{nonce_of(response)}"' in response.content.decode()


def test_the_api_docs_boot_script_carries_the_nonce(client: Client) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert_no_unmarked_inline_code(response.content.decode(), nonce_of(response), "/api/docs/")


def test_api_responses_and_error_pages_carry_the_policy_too(
    client: Client, client_for: Callable[[User], APIClient], learner: User
) -> None:
    assert "Content-Security-Policy" in client_for(learner).get("/api/v1/me")
    assert "Content-Security-Policy" in client.get("/no-such-page/")
    assert "Content-Security-Policy" in client.get("/admin/login/")

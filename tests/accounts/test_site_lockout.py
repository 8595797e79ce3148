"""Too many wrong passwords lock an account on this device, on the site and the API alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _five_attempts(settings: Any) -> None:
    """The deployed limit, whatever AXES_FAILURE_LIMIT says where the tests run."""
    settings.AXES_FAILURE_LIMIT = 5


def fail_to_log_in(browser: Client, login: str, times: int) -> list[int]:
    return [
        browser.post(
            reverse("account_login"), {"login": login, "password": "not the password"}
        ).status_code
        for _ in range(times)
    ]


def test_after_five_wrong_passwords_on_the_site_the_right_one_is_refused_with_the_lockout_page(
    client: Client, learner: User
) -> None:
    statuses = fail_to_log_in(client, "ada@example.org", times=5)
    assert statuses[:4] == [200, 200, 200, 200], "the first failures show the form again"

    response = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "<h1>Too many failed logins</h1>" in page
    assert 'href="/accounts/password/reset/"' in page
    assert client.get(reverse("accounts:profile")).status_code == 302, "not logged in"


def test_four_wrong_passwords_do_not_lock_the_learner_out(client: Client, learner: User) -> None:
    fail_to_log_in(client, "ada@example.org", times=4)

    response = client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_lockout_earned_on_the_site_also_refuses_the_api_token_login(
    client: Client, api_client: APIClient, learner: User
) -> None:
    fail_to_log_in(client, "ada@example.org", times=5)

    response = api_client.post(
        "/api/v1/auth/login",
        {"email": "ada@example.org", "password": DEFAULT_PASSWORD},
        format="json",
    )

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked_out"
    assert "token" not in response.json()


def test_a_lockout_of_one_learner_leaves_another_free_to_log_in(
    client: Client, learner: User, parent: User
) -> None:
    fail_to_log_in(client, "ada@example.org", times=5)

    response = client.post(
        reverse("account_login"), {"login": "grace@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302

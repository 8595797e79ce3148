"""Registration, token login and logout through the API, as a mobile app uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import LearnerProfile, User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def register(client: APIClient, **overrides: object) -> object:
    body = {"email": "noether@example.org", "username": "emmy", "password": PASSWORD}
    body.update(overrides)
    return client.post("/api/v1/auth/register", body, format="json")


def test_registering_creates_a_learner_with_a_profile_and_emails_a_verification_link(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(api_client, timezone="Europe/Berlin", grade_level=7)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "noether@example.org"
    assert body["role"] == "learner"
    assert body["is_verified"] is False
    assert body["profile"]["grade_level"] == 7
    assert body["profile"]["daily_goal_minutes"] == 15
    assert "password" not in body
    user = User.objects.get(username="emmy")
    assert user.password.startswith("argon2")
    assert LearnerProfile.objects.filter(user=user).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["noether@example.org"]
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_registering_a_taken_email_is_a_400_naming_the_field(api_client, learner):
    response = register(api_client, email="ADA@example.org", username="someone")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["attr"] for e in errors] == ["email"]
    assert "already exists" in errors[0]["detail"]
    assert User.objects.filter(email__iexact="ada@example.org").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "123"),
        ("email", "not-an-email"),
        ("timezone", "Mars/Olympus_Mons"),
        ("role", "staff"),
        ("username", "has spaces"),
    ],
)
def test_registering_with_bad_input_names_the_field_and_creates_nothing(api_client, field, value):
    response = register(api_client, **{field: value})

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert field in [e["attr"] for e in response.json()["errors"]]
    assert not User.objects.exists()


def test_logging_in_returns_a_token_that_authenticates_the_api(api_client, learner):
    response = api_client.post(
        "/api/v1/auth/login", {"email": "ada@example.org", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["user"]["username"] == "ada"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me").json()["username"] == "ada"


def test_logging_in_with_the_username_works_too(api_client, learner):
    response = api_client.post(
        "/api/v1/auth/login", {"email": "ada", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


def test_a_wrong_password_is_a_401_in_the_common_error_format(api_client, learner):
    response = api_client.post(
        "/api/v1/auth/login", {"email": "ada@example.org", "password": "nope"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_the_api_refuses_anonymous_requests_with_401(api_client):
    response = api_client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_logout_revokes_only_the_token_used(client_for, learner):
    phone, tablet = client_for(learner), client_for(learner)

    assert phone.post("/api/v1/auth/logout").status_code == 204

    assert phone.get("/api/v1/me").status_code == 401
    assert tablet.get("/api/v1/me").status_code == 200


def test_logout_all_revokes_every_token(client_for, learner):
    phone, tablet = client_for(learner), client_for(learner)

    assert phone.post("/api/v1/auth/logout-all").status_code == 204

    assert tablet.get("/api/v1/me").status_code == 401


def test_an_expired_token_is_refused_with_401(api_client, learner):
    instance, token = AuthToken.objects.create(user=learner, expiry=timedelta(hours=1))
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.get("/api/v1/me")

    assert response.status_code == 401
    assert not AuthToken.objects.filter(pk=instance.pk).exists()


def test_login_tokens_expire_after_the_configured_lifetime(api_client, learner, settings):
    before = timezone.now()
    response = api_client.post(
        "/api/v1/auth/login", {"email": "ada@example.org", "password": PASSWORD}, format="json"
    )

    expiry = AuthToken.objects.get(user=learner).expiry
    assert expiry is not None
    assert before + timedelta(days=13) < expiry <= timezone.now() + timedelta(days=14)
    assert response.json()["expiry"]


def test_five_failed_logins_lock_the_account_even_against_the_right_password(api_client, learner):
    for _ in range(5):
        wrong = api_client.post(
            "/api/v1/auth/login", {"email": "ada@example.org", "password": "guess"}, format="json"
        )
        assert wrong.status_code in (401, 429)

    response = api_client.post(
        "/api/v1/auth/login", {"email": "ada@example.org", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked_out"
    assert "Too many failed login attempts" in response.json()["errors"][0]["detail"]


def test_the_lockout_ends_after_the_cooling_off_period(api_client, learner, settings):
    for _ in range(5):
        api_client.post(
            "/api/v1/auth/login", {"email": "ada@example.org", "password": "guess"}, format="json"
        )
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)

    response = api_client.post(
        "/api/v1/auth/login", {"email": "ada@example.org", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


def test_a_successful_login_resets_the_failure_count(api_client, learner):
    for _ in range(4):
        api_client.post(
            "/api/v1/auth/login", {"email": "ada@example.org", "password": "guess"}, format="json"
        )
    ok = api_client.post(
        "/api/v1/auth/login", {"email": "ada@example.org", "password": PASSWORD}, format="json"
    )
    for _ in range(4):
        api_client.post(
            "/api/v1/auth/login", {"email": "ada@example.org", "password": "guess"}, format="json"
        )

    again = api_client.post(
        "/api/v1/auth/login", {"email": "ada@example.org", "password": PASSWORD}, format="json"
    )

    assert ok.status_code == 200
    assert again.status_code == 200


def test_changing_the_password_keeps_this_token_and_revokes_the_others(client_for, learner):
    phone, tablet = client_for(learner), client_for(learner)

    response = phone.post(
        "/api/v1/auth/password",
        {"old_password": PASSWORD, "new_password": "a brand new passphrase"},
        format="json",
    )

    assert response.status_code == 204
    assert phone.get("/api/v1/me").status_code == 200
    assert tablet.get("/api/v1/me").status_code == 401
    learner.refresh_from_db()
    assert learner.check_password("a brand new passphrase")


def test_changing_the_password_needs_the_current_one(client_for, learner):
    response = client_for(learner).post(
        "/api/v1/auth/password",
        {"old_password": "wrong", "new_password": "a brand new passphrase"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "old_password"


def test_a_password_reset_emails_a_link_and_does_not_reveal_unknown_addresses(
    api_client, learner, mailoutbox
):
    known = api_client.post("/api/v1/auth/password/reset", {"email": "ada@example.org"})
    unknown = api_client.post("/api/v1/auth/password/reset", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 202
    assert [m.to for m in mailoutbox if "/accounts/password/reset/key/" in m.body] == [
        ["ada@example.org"]
    ]


def test_the_verification_email_can_be_sent_again(client_for, mailoutbox, db):
    from tests.accounts.factories import UserFactory

    unverified = UserFactory(username="newbie", is_verified=False)

    response = client_for(unverified).post("/api/v1/auth/verification")

    assert response.status_code == 202
    assert len(mailoutbox) == 1


def test_session_authenticated_api_writes_need_the_csrf_token(learner):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(learner)

    response = client.patch("/api/v1/me", {"first_name": "Ada"}, format="json")

    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.first_name == ""

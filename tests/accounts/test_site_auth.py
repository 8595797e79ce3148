"""The site's account pages: sign-up, e-mail verification, login, passwords and settings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from accounts.models import LearnerProfile, User
from tests.accounts.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "seven eight nine tangent"


def link_in(message: EmailMessage) -> str:
    """The path of the first link in an e-mail, to follow it with the test client."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client: Client, *, role: str, username: str = "emmy") -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "email": f"{username}@example.org",
            "username": username,
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
            "role": role,
        },
    )


def logs_in(login: str, password: str) -> bool:
    """Whether a fresh browser can log in with these credentials on the login page."""
    browser = Client()
    browser.post(reverse("account_login"), {"login": login, "password": password})
    return browser.get(reverse("accounts:profile")).status_code == 200


# --- Sign-up and e-mail verification ----------------------------------------------------------


def test_the_sign_up_page_asks_whether_you_are_a_learner_or_a_parent(client: Client) -> None:
    page = client.get(reverse("account_signup")).content.decode()

    assert "<h1>Create your account</h1>" in page
    assert "<legend>I am</legend>" in page
    assert 'value="learner"' in page
    assert 'value="parent"' in page
    assert 'href="/static/css/site.css"' in page


@pytest.mark.parametrize("role", [User.Role.LEARNER, User.Role.PARENT])
def test_signing_up_creates_the_account_with_its_role_and_profile_and_emails_a_link(
    client: Client, mailoutbox: list[EmailMessage], role: str
) -> None:
    response = sign_up(client, role=role)

    assert response.status_code == 302
    user = User.objects.get(username="emmy")
    assert user.role == role
    assert user.email == "emmy@example.org"
    assert LearnerProfile.objects.filter(user=user).exists()
    assert user.is_verified is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["emmy@example.org"]
    assert "/accounts/confirm-email/" in link_in(mailoutbox[0])


def test_following_the_emailed_link_and_confirming_marks_the_user_verified(
    client: Client, mailoutbox: list[EmailMessage]
) -> None:
    sign_up(client, role=User.Role.LEARNER)
    link = link_in(mailoutbox[0])

    page = Client().get(link)
    assert page.status_code == 200
    assert "Please confirm that <strong>emmy@example.org</strong>" in page.content.decode()
    assert User.objects.get(username="emmy").is_verified is False, "a GET must not confirm"

    response = Client().post(link)

    assert response.status_code == 302
    assert User.objects.get(username="emmy").is_verified is True


def test_a_tampered_verification_link_verifies_nobody(
    client: Client, mailoutbox: list[EmailMessage]
) -> None:
    sign_up(client, role=User.Role.LEARNER)
    tampered = link_in(mailoutbox[0]).rstrip("/")[:-2] + "xx/"

    page = Client().get(tampered).content.decode()
    Client().post(tampered)

    assert "This confirmation link expired or is invalid." in page
    assert User.objects.get(username="emmy").is_verified is False


def test_a_sign_up_with_a_taken_email_is_refused_at_the_field(
    client: Client, learner: User
) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ADA@example.org",
            "username": "ada2",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
            "role": User.Role.LEARNER,
        },
    )

    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert not User.objects.filter(username="ada2").exists()


# --- Login and logout -------------------------------------------------------------------------


def test_the_login_page_asks_for_an_email_or_username_and_a_password(client: Client) -> None:
    page = client.get(reverse("account_login")).content.decode()

    assert "<h1>Log in</h1>" in page
    assert '<label for="id_login">E-mail or username</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert 'href="/accounts/password/reset/"' in page


@pytest.mark.parametrize("login", ["ada@example.org", "Ada@Example.org", "ada"])
def test_a_learner_logs_in_with_her_email_or_her_username(
    client: Client, learner: User, login: str
) -> None:
    response = client.post(reverse("account_login"), {"login": login, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_wrong_password_shows_an_error_and_does_not_log_in(client: Client, learner: User) -> None:
    response = client.post(reverse("account_login"), {"login": "ada", "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_logging_out_takes_a_post_a_get_only_asks_to_confirm(client: Client, learner: User) -> None:
    client.force_login(learner)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Do you want to log out" in page.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


# --- Passwords --------------------------------------------------------------------------------


def test_a_learner_changes_her_password_and_then_logs_in_with_the_new_one(
    client: Client, learner: User
) -> None:
    client.force_login(learner)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200, "she stays logged in"
    assert logs_in("ada", NEW_PASSWORD)
    assert not logs_in("ada", DEFAULT_PASSWORD)


def test_changing_the_password_needs_the_current_one(client: Client, learner: User) -> None:
    client.force_login(learner)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not my password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert 'id="id_oldpassword_error"' in response.content.decode()
    assert logs_in("ada", DEFAULT_PASSWORD)


def test_a_forgotten_password_is_replaced_through_the_emailed_link(
    client: Client, learner: User, mailoutbox: list[EmailMessage]
) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]

    # The link leads, through a redirect that hides the key from the page, to the form.
    page = client.get(link_in(mailoutbox[0]), follow=True)
    assert "<h1>Choose a new password</h1>" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert logs_in("ada@example.org", NEW_PASSWORD)
    assert not logs_in("ada@example.org", DEFAULT_PASSWORD)


def test_a_password_reset_link_works_only_once(
    client: Client, learner: User, mailoutbox: list[EmailMessage]
) -> None:
    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    link = link_in(mailoutbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    page = Client().get(link, follow=True)

    assert "This link no longer works" in page.content.decode()


# --- CSRF -------------------------------------------------------------------------------------


def test_a_login_post_without_a_csrf_token_is_refused(learner: User) -> None:
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("account_login"), {"login": "ada", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 403
    assert browser.get(reverse("accounts:profile")).status_code == 302


def test_a_login_post_with_the_pages_csrf_token_is_accepted(learner: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("account_login")).content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match

    response = browser.post(
        reverse("account_login"),
        {"login": "ada", "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": match.group(1)},
    )

    assert response.status_code == 302


def test_a_settings_post_without_a_csrf_token_is_refused(learner: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    response = browser.post(reverse("accounts:profile"), settings_form(timezone="Asia/Tokyo"))

    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.timezone == "UTC"


# --- Settings ---------------------------------------------------------------------------------


def settings_form(**changes: str) -> dict[str, str]:
    """What the settings page posts with the defaults kept (unchecked boxes are not sent)."""
    form = {
        "timezone": "UTC",
        "grade_level": "",
        "daily_goal_minutes": "15",
        "reminder_time": "",
        "input_method": "keyboard",
        "font_size": "medium",
        "colour_scheme": "default",
        "sound_effects": "on",
        "show_hints": "on",
        "adaptive_learning": "on",
        "spaced_repetition": "on",
    }
    form.update(changes)
    return form


@pytest.mark.parametrize("name", ["accounts:profile", "accounts:family", "account_change_password"])
def test_the_account_pages_need_a_login(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={reverse(name)}"


def test_the_settings_page_shows_the_current_settings(client: Client, learner: User) -> None:
    client.force_login(learner)

    page = client.get(reverse("accounts:profile")).content.decode()

    assert "<h1>Settings</h1>" in page
    assert '<label for="id_timezone">Time zone</label>' in page
    assert 'name="timezone" value="UTC"' in page
    assert 'name="daily_goal_minutes" value="15"' in page
    assert '<option value="Europe/Paris">' in page


def test_a_learner_saves_her_time_zone_and_learning_settings(client: Client, learner: User) -> None:
    client.force_login(learner)
    form = settings_form(
        timezone="Europe/Paris",
        grade_level="4",
        daily_goal_minutes="20",
        reminder_time="17:30",
        input_method="keypad",
        font_size="large",
        colour_scheme="high_contrast",
        voice_feedback="on",
    )
    del form["sound_effects"]
    del form["show_hints"]

    response = client.post(reverse("accounts:profile"), form, follow=True)

    assert "Your settings are saved." in response.content.decode()
    learner.refresh_from_db()
    profile = LearnerProfile.objects.get(user=learner)
    assert learner.timezone == "Europe/Paris"
    assert profile.grade_level == 4
    assert profile.daily_goal_minutes == 20
    assert profile.reminder_time is not None
    assert profile.reminder_time.strftime("%H:%M") == "17:30"
    assert profile.input_method == LearnerProfile.InputMethod.KEYPAD
    assert profile.font_size == LearnerProfile.FontSize.LARGE
    assert profile.colour_scheme == LearnerProfile.ColourScheme.HIGH_CONTRAST
    assert (profile.sound_effects, profile.voice_feedback, profile.show_hints) == (
        False,
        True,
        False,
    )
    assert (profile.adaptive_learning, profile.spaced_repetition) == (True, True)


def test_an_unknown_time_zone_is_refused_at_its_field_and_nothing_is_saved(
    client: Client, learner: User
) -> None:
    client.force_login(learner)

    response = client.post(
        reverse("accounts:profile"), settings_form(timezone="Mars/Olympus", daily_goal_minutes="30")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(
        r'<ul class="errorlist" id="id_timezone_error"><li>Mars/Olympus is not a time zone',
        page,
    )
    assert 'aria-invalid="true"' in page
    learner.refresh_from_db()
    assert learner.timezone == "UTC"
    assert LearnerProfile.objects.get(user=learner).daily_goal_minutes == 15


def test_a_daily_goal_out_of_range_is_refused_at_its_field(client: Client, learner: User) -> None:
    client.force_login(learner)

    response = client.post(reverse("accounts:profile"), settings_form(daily_goal_minutes="0"))

    assert response.status_code == 200
    assert 'id="id_daily_goal_minutes_error"' in response.content.decode()
    assert LearnerProfile.objects.get(user=learner).daily_goal_minutes == 15

"""Reading and changing one's own details and settings through `/api/v1/me`."""

from __future__ import annotations

import pytest

from accounts.models import LearnerProfile

pytestmark = pytest.mark.django_db


def test_me_shows_the_user_and_her_settings(client_for, learner):
    body = client_for(learner).get("/api/v1/me").json()

    assert body["username"] == "ada"
    assert body["role"] == "learner"
    assert body["timezone"] == "UTC"
    assert body["profile"] == {
        "grade_level": None,
        "daily_goal_minutes": 15,
        "reminder_time": None,
        "input_method": "keyboard",
        "font_size": "medium",
        "colour_scheme": "default",
        "sound_effects": True,
        "voice_feedback": False,
        "show_hints": True,
        "adaptive_learning": True,
        "spaced_repetition": True,
    }


def test_patching_me_changes_user_and_profile_fields_together(client_for, learner):
    response = client_for(learner).patch(
        "/api/v1/me",
        {
            "timezone": "America/New_York",
            "first_name": "Ada",
            "profile": {"daily_goal_minutes": 30, "reminder_time": "18:30", "font_size": "large"},
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["timezone"] == "America/New_York"
    assert response.json()["profile"]["daily_goal_minutes"] == 30
    assert response.json()["profile"]["reminder_time"] == "18:30:00"
    learner.refresh_from_db()
    profile = LearnerProfile.objects.get(user=learner)
    assert (learner.timezone, learner.first_name) == ("America/New_York", "Ada")
    assert (profile.daily_goal_minutes, profile.font_size) == (30, "large")
    assert profile.show_hints is True


def test_an_invalid_time_zone_is_a_400_at_the_field(client_for, learner):
    response = client_for(learner).patch("/api/v1/me", {"timezone": "Mars/Base"}, format="json")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "timezone"
    assert "IANA" in error["detail"]
    learner.refresh_from_db()
    assert learner.timezone == "UTC"


@pytest.mark.parametrize(
    ("profile", "attr"),
    [
        ({"daily_goal_minutes": 0}, "profile.daily_goal_minutes"),
        ({"daily_goal_minutes": 10_000}, "profile.daily_goal_minutes"),
        ({"input_method": "telepathy"}, "profile.input_method"),
        ({"reminder_time": "25:99"}, "profile.reminder_time"),
        ({"grade_level": -1}, "profile.grade_level"),
    ],
)
def test_bad_settings_are_refused_at_the_field_and_nothing_changes(
    client_for, learner, profile, attr
):
    response = client_for(learner).patch(
        "/api/v1/me", {"first_name": "Changed", "profile": profile}, format="json"
    )

    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == [attr]
    learner.refresh_from_db()
    assert learner.first_name == ""
    assert LearnerProfile.objects.get(user=learner).daily_goal_minutes == 15


def test_role_email_and_verification_cannot_be_changed_through_me(client_for, learner):
    response = client_for(learner).patch(
        "/api/v1/me",
        {"role": "staff", "email": "x@example.org", "is_verified": False},
        format="json",
    )

    assert response.status_code == 200
    learner.refresh_from_db()
    assert (learner.role, learner.email, learner.is_verified) == (
        "learner",
        "ada@example.org",
        True,
    )


def test_taking_someone_elses_username_is_refused(client_for, learner, parent):
    response = client_for(learner).patch("/api/v1/me", {"username": "grace"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "username"


def test_reading_me_costs_a_constant_number_of_queries(
    client_for, learner, django_assert_max_num_queries
):
    client = client_for(learner)

    with django_assert_max_num_queries(4):
        client.get("/api/v1/me")

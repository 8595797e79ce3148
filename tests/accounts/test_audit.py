"""The audit trail: each security-relevant action leaves one row, in the action's transaction."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import AuditEvent, LearnerProfile, ParentLink, User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.practice.builders import link_parent

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], APIClient]
Action = AuditEvent.Action
NEW_PASSWORD = "seven eight nine tangent"


def trail(action: str | None = None) -> list[AuditEvent]:
    rows = AuditEvent.objects.order_by("pk")
    return list(rows.filter(action=action) if action else rows)


def only(action: str) -> AuditEvent:
    (row,) = trail(action)
    return row


def link_in(message: EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


# --- Logging in and out ------------------------------------------------------------------------


def test_logging_in_through_the_api_leaves_a_login_row_with_the_address(
    api_client: APIClient, learner: User
) -> None:
    response = api_client.post(
        "/api/v1/auth/login",
        {"email": "ada", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 200
    row = only(Action.LOGIN)
    assert (row.actor, row.subject, row.actor_label) == (learner, learner, "ada")
    assert row.ip_address == "203.0.113.7"


def test_logging_in_on_the_site_leaves_a_login_row(client: Client, learner: User) -> None:
    client.post(
        reverse("account_login"), {"login": "ada@example.org", "password": DEFAULT_PASSWORD}
    )

    assert only(Action.LOGIN).actor == learner


def test_a_failed_login_names_the_account_but_never_what_was_typed(
    api_client: APIClient, learner: User
) -> None:
    api_client.post("/api/v1/auth/login", {"email": "ADA@example.org", "password": "hunter2!"})

    row = only(Action.LOGIN_FAILED)
    assert row.actor is None
    assert row.subject == learner
    assert row.details == {"known_account": True}
    assert "hunter2" not in json.dumps(row.details)


def test_a_failed_login_for_no_account_names_nobody(client: Client, learner: User) -> None:
    client.post(reverse("account_login"), {"login": "my secret password", "password": "oops"})

    row = only(Action.LOGIN_FAILED)
    assert (row.actor, row.subject) == (None, None)
    assert row.details == {"known_account": False}
    assert row.ip_address == "127.0.0.1"


def test_logging_out_leaves_a_row_for_the_api_and_for_the_site(
    client_for: ClientFor, client: Client, learner: User
) -> None:
    assert client_for(learner).post("/api/v1/auth/logout").status_code == 204
    client.force_login(learner)
    client.post(reverse("account_logout"))

    assert [row.actor for row in trail(Action.LOGOUT)] == [learner, learner]


# --- Passwords -------------------------------------------------------------------------------


def test_changing_the_password_through_the_api_leaves_a_row(
    client_for: ClientFor, learner: User
) -> None:
    response = client_for(learner).post(
        "/api/v1/auth/password",
        {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 204, response.json()
    assert only(Action.PASSWORD_CHANGED).subject == learner


def test_changing_the_password_on_the_site_leaves_a_row(client: Client, learner: User) -> None:
    client.force_login(learner)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert only(Action.PASSWORD_CHANGED).actor == learner


def test_a_wrong_current_password_changes_nothing_and_leaves_no_change_row(
    client_for: ClientFor, learner: User
) -> None:
    client_for(learner).post(
        "/api/v1/auth/password", {"old_password": "not it", "new_password": NEW_PASSWORD}
    )

    assert trail(Action.PASSWORD_CHANGED) == []


def test_resetting_a_forgotten_password_leaves_a_row(
    client: Client, learner: User, mailoutbox: list[EmailMessage]
) -> None:
    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    form_url = client.get(link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]

    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    row = only(Action.PASSWORD_RESET)
    assert (row.actor, row.subject) == (learner, learner)


# --- Family links --------------------------------------------------------------------------------


def test_linking_and_unlinking_a_parent_leave_rows_naming_both_sides(
    client_for: ClientFor, learner: User, parent: User
) -> None:
    code = client_for(learner).post("/api/v1/parent-invites").json()["code"]
    as_parent = client_for(parent)
    link_id = as_parent.post("/api/v1/parent-invites/redeem", {"code": code}).json()["id"]

    assert as_parent.delete(f"/api/v1/parent-links/{link_id}").status_code == 204

    linked, unlinked = only(Action.PARENT_LINKED), only(Action.PARENT_UNLINKED)
    assert (linked.actor, linked.subject) == (parent, learner)
    assert (unlinked.actor, unlinked.subject) == (parent, learner)
    assert unlinked.details == {"by": "parent"}


def test_a_learner_who_unlinks_her_parent_is_the_actor(
    client: Client, learner: User, parent: User
) -> None:
    link = link_parent(parent=parent, learner=learner)
    client.force_login(learner)

    client.post(reverse("accounts:family-link-delete", args=[link.pk]))

    row = only(Action.PARENT_UNLINKED)
    assert (row.actor, row.subject, row.details) == (learner, parent, {"by": "learner"})


def test_the_audit_row_is_written_in_the_transaction_of_the_action(
    learner: User, parent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    invite = account_services.parent_invite_create(learner=learner)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr(account_services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        account_services.parent_invite_redeem(parent=parent, code=invite.code)

    assert not ParentLink.objects.exists(), "no link without its audit row"
    invite.refresh_from_db()
    assert invite.redeemed_at is None


# --- Roles, in the admin ---------------------------------------------------------------------


def _admin_change(client: Client, user: User, **changes: Any) -> Any:
    """Post the admin's change form of a user as it stands, with these changes."""
    profile = LearnerProfile.objects.get(user=user)
    data: dict[str, Any] = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "timezone": user.timezone,
        "is_active": "on",
        "is_verified": "on" if user.is_verified else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }
    for name, value in model_to_dict(profile).items():
        if isinstance(value, bool):
            value = "on" if value else ""
        data[f"profile-0-{name}"] = "" if value is None else value
    data["profile-0-user"] = user.pk
    data.update(changes)
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)


def test_a_role_changed_in_the_admin_leaves_a_row_naming_both_roles(
    client: Client, learner: User
) -> None:
    staff = UserFactory(username="root", role=User.Role.STAFF)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    response = _admin_change(client, learner, role=User.Role.AUTHOR)

    assert response.status_code == 302, response.context["adminform"].form.errors
    learner.refresh_from_db()
    assert learner.role == User.Role.AUTHOR
    row = only(Action.ROLE_CHANGED)
    assert (row.actor, row.subject) == (staff, learner)
    assert row.details == {"from": "learner", "to": "author"}
    assert row.ip_address == "127.0.0.1"


def test_saving_a_user_in_the_admin_without_a_new_role_leaves_no_role_row(
    client: Client, learner: User
) -> None:
    staff = UserFactory(username="root", role=User.Role.STAFF)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)

    response = _admin_change(client, learner, first_name="Ada")

    assert response.status_code == 302
    assert trail(Action.ROLE_CHANGED) == []


# --- Data rights -----------------------------------------------------------------------------


def test_an_export_by_a_parent_names_the_parent_and_the_learner(
    client_for: ClientFor, learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)

    client_for(parent).get(f"/api/v1/learners/{learner.pk}/export", REMOTE_ADDR="198.51.100.4")

    row = only(Action.DATA_EXPORTED)
    assert (row.actor, row.subject, row.ip_address) == (parent, learner, "198.51.100.4")


def test_a_deletion_leaves_a_row_that_no_longer_names_who_was_deleted(
    client_for: ClientFor, learner: User
) -> None:
    client_for(learner).post("/api/v1/me/delete", {"password": DEFAULT_PASSWORD})

    row = only(Action.ACCOUNT_DELETED)
    assert (row.actor, row.subject, row.actor_label) == (None, None, "deleted user")
    assert row.details == {"role": "learner", "by": "self"}


def test_the_trail_never_holds_a_password_or_a_token(
    api_client: APIClient, client_for: ClientFor, learner: User
) -> None:
    api_client.post("/api/v1/auth/login", {"email": "ada", "password": "wrong one"})
    token = api_client.post(
        "/api/v1/auth/login", {"email": "ada", "password": DEFAULT_PASSWORD}
    ).json()["token"]
    client_for(learner).post(
        "/api/v1/auth/password", {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )

    written = json.dumps([[row.actor_label, row.details] for row in trail()], ensure_ascii=False)
    assert len(trail()) == 3
    for secret in ("wrong one", DEFAULT_PASSWORD, NEW_PASSWORD, token):
        assert secret not in written

"""Data rights: a learner (or her parent) downloads all of her data, and can erase the account.

The acceptance test exports then deletes a learner who has used every part of the product, and
checks that the archive held every row she owned and that afterwards no row names her.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.data_rights import ANONYMISED_USERNAME
from accounts.models import AuditEvent, ParentLink, User
from analytics.models import ExerciseStats, LearningEvent
from analytics.statistics import exercise_stats_compute, statistics_refresh
from curriculum.models import Lesson
from gamification.models import (
    Achievement,
    Avatar,
    LeaderboardEntry,
    UserAchievement,
    UserAvatar,
)
from practice.models import Attempt, PracticeSession
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.practice.builders import answer_body, error_codes, link_parent, numeric_lesson

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], APIClient]
# A name no other text of the database could contain by chance ("ada" is in "adaptive").
NAME = "zelda_q7x"
EMAIL = "zelda_q7x@example.org"

# What the issue lists as hers, by model label: each must hold a row of her journey.
EXPECTED_ROWS = [
    "accounts.user",
    "accounts.learnerprofile",
    "accounts.parentlink",
    "accounts.parentinvite",
    "practice.practicesession",
    "practice.attempt",
    "practice.exerciseprogress",
    "practice.lessonprogress",
    "practice.unitprogress",
    "practice.trackprogress",
    "practice.skillrating",
    "gamification.xpevent",
    "gamification.standing",
    "gamification.userachievement",
    "gamification.useravatar",
    "gamification.leaderboardentry",
    "analytics.dailysummary",
    "analytics.userstatistics",
    "analytics.learningevent",
    "accounts.auditevent",
    "knox.authtoken",
    "account.emailaddress",
    "socialaccount.socialaccount",
    "axes.accesslog",
]


def user_foreign_keys() -> dict[str, list[str]]:
    """Every model label with a foreign key (or one-to-one) to the user: found independently."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            to_user = field.concrete and field.is_relation and field.related_model is User
            if to_user and (field.many_to_one or field.one_to_one):
                found.setdefault(model._meta.label_lower, []).append(field.name)
    return found


def play_lesson(client: APIClient, lesson: Lesson) -> None:
    started = client.post("/api/v1/sessions", {"mode": "lesson", "lesson": lesson.pk})
    assert started.status_code == 201, started.json()
    session = PracticeSession.objects.get(pk=started.json()["id"])
    n = 0
    while session.is_open:
        n += 1
        answered = client.post(
            f"/api/v1/sessions/{session.pk}/answers",
            answer_body(session, right=n != 2),
            headers={"Idempotency-Key": f"answer-{n}"},
        )
        assert answered.status_code == 201, answered.json()
        session.refresh_from_db()


def a_full_life(api_client: APIClient, parent: User) -> tuple[User, APIClient]:
    """A learner who has done a bit of everything; returns her and her API client."""
    zelda = UserFactory(username=NAME, email=EMAIL)
    api_client.post("/api/v1/auth/login", {"email": NAME, "password": "not it"})
    token = api_client.post("/api/v1/auth/login", {"email": EMAIL, "password": DEFAULT_PASSWORD})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    link_parent(parent=parent, learner=zelda)
    play_lesson(client, numeric_lesson(exercises=3))
    statistics_refresh(user_ids=[zelda.pk])
    achievement = Achievement.objects.create(
        code="test-first-steps",
        name="Test: first steps",
        description="Answered a question.",
        category=Achievement.Category.choices[0][0],
        criteria=Achievement.Criteria.choices[0][0],
        threshold=1,
    )
    UserAchievement.objects.get_or_create(user=zelda, achievement=achievement)
    avatar = Avatar.objects.create(code="test-owl", name="Test owl", image="avatars/owl.svg")
    UserAvatar.objects.create(user=zelda, avatar=avatar)
    LeaderboardEntry.objects.create(
        period="weekly", starts_on="2026-01-05", user=zelda, rank=1, xp=30
    )
    SocialAccount.objects.create(
        user=zelda, provider="github", uid="4242", extra_data={"login": NAME}
    )
    # She once typed her own name as an answer, and staff edited her account in the admin.
    Attempt.objects.filter(user=zelda).order_by("pk").update(response=f"I am {NAME}")
    root = UserFactory(username="root", role=User.Role.STAFF)
    for row in (zelda, zelda.profile):
        LogEntry.objects.create(
            user=root,
            content_type=ContentType.objects.get_for_model(row),
            object_id=str(row.pk),
            object_repr=str(row),
            action_flag=CHANGE,
            change_message="[]",
        )
    return zelda, client


def rows_naming(user_id: int, identifiers: list[str]) -> dict[str, int]:
    """Rows of any table whose text or JSON mentions these, or whose user key is this id."""
    found: dict[str, int] = {}
    text_fields = (models.CharField, models.TextField, models.JSONField)
    for model in apps.get_models():
        condition = Q()
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                condition |= Q(**{field.attname: user_id})
            elif isinstance(field, text_fields):
                for identifier in identifiers:
                    condition |= Q(**{f"{field.name}__icontains": identifier})
        if condition:
            count = model._default_manager.filter(condition).count()
            if count:
                found[model._meta.label_lower] = count
    return found


# --- The acceptance test -------------------------------------------------------------------------


def test_export_then_delete_the_archive_holds_every_row_and_afterwards_no_row_names_her(
    api_client: APIClient, parent: User
) -> None:
    zelda, as_zelda = a_full_life(api_client, parent)
    zelda_id = zelda.pk
    answers = Attempt.objects.filter(user=zelda).count()
    exercise_stats_compute()
    item_statistics = list(ExerciseStats.objects.values("exercise", "attempts", "share_correct"))

    export = as_zelda.get("/api/v1/me/export")

    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment; filename=")
    archive = export.json()
    data = archive["data"]
    owned = user_foreign_keys()
    assert set(owned) <= set(data), "every model with a key to the user is in the archive"
    for label, fields in owned.items():
        model = apps.get_model(label)
        mine = Q()
        for name in fields:
            mine |= Q(**{name: zelda_id})
        expected = model._default_manager.filter(mine)
        assert len(data[label]) == expected.count(), label
        if model._meta.pk.name in data[label][0] if data[label] else False:
            exported = {row[model._meta.pk.name] for row in data[label]}
            assert exported == set(expected.values_list("pk", flat=True)), label
    for label in EXPECTED_ROWS:
        assert data[label], f"her journey left no {label} row"
    assert data["accounts.user"][0]["username"] == NAME
    assert len(data["practice.attempt"]) == answers

    naming_her = rows_naming(zelda_id, [NAME, EMAIL])
    assert {"accounts.user", "practice.attempt", "admin.logentry", "axes.accesslog"} <= set(
        naming_her
    ), "the search finds her before the deletion"

    deleted = as_zelda.post("/api/v1/me/delete", {"password": DEFAULT_PASSWORD})

    assert deleted.status_code == 204
    assert not User.objects.filter(pk=zelda_id).exists()
    assert rows_naming(zelda_id, [NAME, EMAIL]) == {}
    placeholder = User.objects.get(username=ANONYMISED_USERNAME)
    assert Attempt.objects.filter(user=placeholder).count() == answers
    exercise_stats_compute()
    assert (
        list(ExerciseStats.objects.values("exercise", "attempts", "share_correct"))
        == item_statistics
    ), "item statistics stay true"
    assert User.objects.filter(pk=parent.pk).exists()
    assert not ParentLink.objects.filter(parent=parent).exists()


# --- Export ---------------------------------------------------------------------------------


def test_the_archive_holds_no_password_hash_and_no_token_digest(
    client_for: ClientFor, learner: User
) -> None:
    client = client_for(learner)

    archive = client.get("/api/v1/me/export").json()

    text = json.dumps(archive)
    assert learner.password not in text
    assert "argon2" not in text
    assert "password" not in archive["data"]["accounts.user"][0]
    for token in AuthToken.objects.filter(user=learner):
        assert token.digest not in text
    assert archive["format"] == "calcuingo-export/1"
    assert archive["learner"] == {"id": learner.pk, "username": "ada", "email": "ada@example.org"}


def test_a_parent_downloads_a_linked_learners_data_and_nobody_elses(
    client_for: ClientFor, learner: User, parent: User, other_parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    stranger = UserFactory(username="stranger")

    mine = client_for(parent).get(f"/api/v1/learners/{learner.pk}/export")
    not_linked = client_for(other_parent).get(f"/api/v1/learners/{learner.pk}/export")
    not_mine = client_for(parent).get(f"/api/v1/learners/{stranger.pk}/export")
    a_peer = client_for(stranger).get(f"/api/v1/learners/{learner.pk}/export")

    assert mine.status_code == 200
    assert mine.json()["learner"]["username"] == "ada"
    assert not_linked.status_code == not_mine.status_code == a_peer.status_code == 404


def test_exporting_needs_an_account(api_client: APIClient) -> None:
    assert api_client.get("/api/v1/me/export").status_code == 401


# --- Deletion --------------------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing_and_says_so_at_the_field(
    client_for: ClientFor, learner: User
) -> None:
    response = client_for(learner).post("/api/v1/me/delete", {"password": "not mine"})

    assert response.status_code == 400
    assert error_codes(response) == [("password", "invalid")]
    assert User.objects.filter(pk=learner.pk).exists()


def test_a_deletion_without_a_password_is_a_400_at_the_field(
    client_for: ClientFor, learner: User
) -> None:
    response = client_for(learner).post("/api/v1/me/delete", {})

    assert response.status_code == 400
    assert error_codes(response) == [("password", "required")]


def test_a_parent_deletes_a_linked_learner_with_his_own_password(
    client_for: ClientFor, learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    as_parent = client_for(parent)

    with_her_password = as_parent.post(
        f"/api/v1/learners/{learner.pk}/delete", {"password": "her password"}
    )
    with_his_password = as_parent.post(
        f"/api/v1/learners/{learner.pk}/delete", {"password": DEFAULT_PASSWORD}
    )

    assert with_her_password.status_code == 400
    assert with_his_password.status_code == 204
    assert not User.objects.filter(pk=learner.pk).exists()
    assert as_parent.get("/api/v1/me").status_code == 200, "the parent's account is untouched"


def test_a_parent_cannot_delete_a_learner_who_is_not_linked_to_him(
    client_for: ClientFor, learner: User, other_parent: User
) -> None:
    response = client_for(other_parent).post(
        f"/api/v1/learners/{learner.pk}/delete", {"password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 404
    assert User.objects.filter(pk=learner.pk).exists()


def test_an_author_account_is_closed_by_an_administrator_not_by_herself(
    client_for: ClientFor, author: User
) -> None:
    response = client_for(author).post("/api/v1/me/delete", {"password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert error_codes(response) == [(None, "staff_account")]
    assert User.objects.filter(pk=author.pk).exists()


def test_deleting_a_learner_in_the_admin_is_the_same_erasure(
    client: Client, client_for: ClientFor, learner: User
) -> None:
    play_lesson(client_for(learner), numeric_lesson(exercises=2))
    answers = Attempt.objects.filter(user=learner).count()
    root = UserFactory(username="root", role=User.Role.STAFF)
    root.is_superuser = True
    root.save()
    client.force_login(root)

    response = client.post(
        reverse("admin:accounts_user_delete", args=[learner.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    placeholder = User.objects.get(username=ANONYMISED_USERNAME)
    assert Attempt.objects.filter(user=placeholder).count() == answers
    assert rows_naming(learner.pk, ["ada@example.org"]) == {}
    assert not LogEntry.objects.filter(object_repr="ada").exists()
    deletion = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DELETED)
    assert (deletion.actor, deletion.details) == (root, {"role": "learner", "by": "staff"})


def test_answers_of_deleted_learners_are_kept_anonymous_even_with_the_same_retry_keys(
    client_for: ClientFor, learner: User
) -> None:
    lesson = numeric_lesson(exercises=2)
    vera = UserFactory(username="vera")
    for person in (learner, vera):
        client = client_for(person)
        play_lesson(client, lesson)
        assert client.post("/api/v1/me/delete", {"password": DEFAULT_PASSWORD}).status_code == 204

    placeholder = User.objects.get(username=ANONYMISED_USERNAME)
    kept = Attempt.objects.filter(user=placeholder)
    assert kept.count() == 6, "two lessons of two questions, one asked again each time"
    assert not kept.filter(idempotency_key__isnull=False).exists()
    assert PracticeSession.objects.filter(user=placeholder).count() == 2
    assert not LearningEvent.objects.filter(user__isnull=False).exists()


def test_the_anonymised_learner_cannot_log_in(api_client: APIClient, learner: User) -> None:
    APIClient().post("/api/v1/auth/login", {"email": "ada", "password": DEFAULT_PASSWORD})
    client = APIClient()
    client.force_authenticate(learner)
    client.post("/api/v1/me/delete", {"password": DEFAULT_PASSWORD})
    placeholder = User.objects.get(username=ANONYMISED_USERNAME)

    assert not placeholder.is_active
    assert not placeholder.has_usable_password()
    response = api_client.post("/api/v1/auth/login", {"email": ANONYMISED_USERNAME, "password": ""})
    assert response.status_code in {400, 401}


def test_the_audit_trail_keeps_what_happened_but_not_who(
    client_for: ClientFor, learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    client_for(learner).get("/api/v1/me/export")

    client_for(parent).post(f"/api/v1/learners/{learner.pk}/delete", {"password": DEFAULT_PASSWORD})

    rows = {row.action: row for row in AuditEvent.objects.all()}
    exported = rows[AuditEvent.Action.DATA_EXPORTED]
    assert (exported.actor, exported.subject, exported.actor_label) == (None, None, "deleted user")
    linked = rows[AuditEvent.Action.PARENT_LINKED]
    assert (linked.actor, linked.actor_label, linked.subject) == (parent, "grace", None)
    deletion = rows[AuditEvent.Action.ACCOUNT_DELETED]
    assert (deletion.actor, deletion.actor_label) == (parent, "grace")
    assert deletion.details == {"role": "learner", "by": "parent"}


# --- The site page --------------------------------------------------------------------------


def test_the_settings_page_leads_to_the_data_page(client: Client, learner: User) -> None:
    client.force_login(learner)

    settings_page = client.get(reverse("accounts:profile")).content.decode()
    page = client.get(reverse("accounts:data-rights"))

    assert f'href="{reverse("accounts:data-rights")}"' in settings_page
    assert page.status_code == 200
    html = page.content.decode()
    assert "Download my data" in html
    assert "Delete my account" in html


def test_the_download_button_gives_the_archive_as_a_file(client: Client, learner: User) -> None:
    client.force_login(learner)

    response = client.post(reverse("accounts:data-export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="calcuingo-learner-')
    assert json.loads(response.content)["learner"]["username"] == "ada"


def test_a_parent_sees_a_download_button_for_each_child(
    client: Client, learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    client.force_login(parent)

    page = client.get(reverse("accounts:data-rights")).content.decode()
    download = client.post(reverse("accounts:data-export-learner", args=[learner.pk]))

    assert reverse("accounts:data-export-learner", args=[learner.pk]) in page
    assert json.loads(download.content)["learner"]["id"] == learner.pk


def test_a_parent_deletes_a_childs_account_on_the_site_with_his_own_password(
    client: Client, learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    client.force_login(parent)
    url = reverse("accounts:account-delete-learner", args=[learner.pk])

    refused = client.post(url, {"password": "her password"})
    response = client.post(url, {"password": DEFAULT_PASSWORD}, follow=True)

    assert refused.status_code == 400
    assert "The password is not correct." in refused.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:data-rights")
    assert "The account of ada and their personal data are deleted." in response.content.decode()
    assert not User.objects.filter(pk=learner.pk).exists()


def test_deleting_on_the_site_needs_the_password_then_logs_out(
    client: Client, learner: User
) -> None:
    client.force_login(learner)

    refused = client.post(reverse("accounts:account-delete"), {"password": "wrong"})
    assert refused.status_code == 400
    assert "The password is not correct." in refused.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()

    response = client.post(reverse("accounts:account-delete"), {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=learner.pk).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302, "logged out"


def test_the_data_page_is_for_signed_in_users(client: Client) -> None:
    response = client.get(reverse("accounts:data-rights"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]

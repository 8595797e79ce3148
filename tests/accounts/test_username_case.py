"""`Ada` and `ada` are one username: refused at the field everywhere, and by the database itself.

The database constraint (on `lower(username)`) is what holds when two renames race past
validation together; the loser gets the same 400 as if she had been refused by validation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from accounts.serializers import MeUpdateSerializer
from tests.accounts.factories import UserFactory
from tests.concurrency import race

pytestmark = pytest.mark.django_db


def field_errors(response: Any) -> list[tuple[str | None, str]]:
    return [(error["attr"], error["code"]) for error in response.json()["errors"]]


def test_renaming_myself_to_another_learners_name_in_capitals_is_a_400_at_the_field(
    client_for: Callable[[User], APIClient], learner: User
) -> None:
    grace = UserFactory(username="grace")

    response = client_for(grace).patch("/api/v1/me", {"username": "ADA"})

    assert response.status_code == 400
    assert field_errors(response) == [("username", "username_taken")]
    grace.refresh_from_db()
    assert grace.username == "grace"


def test_changing_the_case_of_my_own_name_is_allowed(
    client_for: Callable[[User], APIClient], learner: User
) -> None:
    response = client_for(learner).patch("/api/v1/me", {"username": "Ada"})

    assert response.status_code == 200
    assert response.json()["username"] == "Ada"


def test_registering_a_name_taken_in_another_case_is_a_400_at_the_field(
    api_client: APIClient, learner: User
) -> None:
    response = api_client.post(
        "/api/v1/auth/register",
        {"email": "other@example.org", "username": "aDa", "password": "a long pass phrase 42"},
    )

    assert response.status_code == 400
    assert field_errors(response) == [("username", "username_taken")]


def test_signing_up_on_the_site_with_a_name_taken_in_another_case_shows_the_error_at_the_field(
    client: Client, learner: User
) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "other@example.org",
            "username": "ADA",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
            "role": "learner",
        },
    )

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not User.objects.filter(email="other@example.org").exists()


def test_the_database_refuses_a_second_name_differing_only_in_case(learner: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ADA", email="other@example.org")


def _rename(pair: tuple[str, str]) -> int:
    token, name = pair
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return int(client.patch("/api/v1/me", {"username": name}).status_code)


def _tokens(users: list[User]) -> list[str]:
    return [AuthToken.objects.create(user=user)[1] for user in users]


@pytest.mark.django_db(transaction=True)
def test_ten_racing_renames_to_a_taken_name_in_capitals_all_fail_with_a_400() -> None:
    UserFactory(username="ada", email="ada@example.org")
    others = [UserFactory(username=f"racer{n}") for n in range(10)]

    statuses = race(_rename, [(token, "ADA") for token in _tokens(others)])

    assert statuses == [400] * 10
    assert User.objects.filter(username__iexact="ada").count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_racing_renames_to_one_free_name_in_different_cases_let_exactly_one_win() -> None:
    if connection.vendor != "postgresql":
        # SQLite serialises writers by failing them ("table is locked"): no race to win there.
        # The lost race itself is replayed on every database by the next test.
        pytest.skip("concurrent writers need PostgreSQL")
    others = [UserFactory(username=f"racer{n}") for n in range(10)]
    names = ["noether", "Noether", "NOETHER", "nOether", "noEther"] * 2

    statuses = race(_rename, list(zip(_tokens(others), names, strict=True)))

    assert sorted(statuses) == [200] + [400] * 9
    assert User.objects.filter(username__iexact="noether").count() == 1


@pytest.mark.parametrize("stale", ["serializer", "serializer and model validation"])
def test_a_rename_that_passed_validation_before_another_won_is_a_400_not_a_server_error(
    client_for: Callable[[User], APIClient],
    learner: User,
    monkeypatch: pytest.MonkeyPatch,
    stale: str,
) -> None:
    """The lost race replayed: the checks ran before the winner's rename was committed."""
    monkeypatch.setattr(MeUpdateSerializer, "validate_username", lambda self, value: value)
    if stale == "serializer and model validation":
        monkeypatch.setattr(User, "validate_constraints", lambda self, exclude=None: None)
        monkeypatch.setattr(User, "validate_unique", lambda self, exclude=None: None)
    grace = UserFactory(username="grace")

    response = client_for(grace).patch("/api/v1/me", {"username": "ADA"})

    assert response.status_code == 400
    assert field_errors(response) == [("username", "username_taken")]
    assert User.objects.filter(username__iexact="ada").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_existing_case_duplicates_and_keeps_the_oldest_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    executor = MigrationExecutor(connection)
    before = [("accounts", "0003_site_name")]
    # Every app's latest: going back to accounts 0003 also unapplies what depends on later
    # accounts migrations (in analytics and practice), and the next tests need all of it.
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old_user = executor.loader.project_state(before).apps.get_model("accounts", "User")
    first = old_user.objects.create(username="ada", email="ada@example.org")
    second = old_user.objects.create(username="ADA", email="ada2@example.org")
    third = old_user.objects.create(username="Ada", email="ada3@example.org")
    old_user.objects.create(username="grace", email="grace@example.org")

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    names = dict(User.objects.values_list("pk", "username"))
    assert names[first.pk] == "ada"
    assert names[second.pk] == f"ADA-{second.pk}"
    assert names[third.pk] == f"Ada-{third.pk}"
    assert "grace" in names.values()
    report = capsys.readouterr().out
    assert f"'ADA' (user {second.pk}) clashed with 'ada'" in report

"""The account pages (settings, family, your data) cost a fixed number of queries, however many
parents or children a user is linked to."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

# Session and user, the page's own reads, the site chrome (the look: profile and standing;
# whether GitHub login is offered: site and social apps).
SETTINGS_QUERIES = 6
FAMILY_QUERIES = 6
DATA_QUERIES = 5
PARENT_FAMILY_QUERIES = 6
PARENT_DATA_QUERIES = 5


def browser_of(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def link(*, learner: User, parent: User) -> None:
    invite = services.parent_invite_create(learner=learner)
    services.parent_invite_redeem(parent=parent, code=invite.code)


def parents_of(learner: User, count: int) -> None:
    for _ in range(count):
        link(learner=learner, parent=UserFactory(role=User.Role.PARENT))


def children_of(parent: User, count: int) -> None:
    for _ in range(count):
        link(learner=UserFactory(role=User.Role.LEARNER), parent=parent)


def _assert_page_costs(user: User, url: str, queries: int, django_assert_num_queries: Any) -> str:
    browser = browser_of(user)
    with django_assert_num_queries(queries):
        response = browser.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("parents", [1, 4])
def test_the_settings_page_costs_the_same_however_many_parents_follow(
    learner: User, parents: int, django_assert_num_queries: Any
) -> None:
    parents_of(learner, parents)
    page = _assert_page_costs(
        learner, reverse("accounts:profile"), SETTINGS_QUERIES, django_assert_num_queries
    )
    assert "Daily goal" in page


@pytest.mark.parametrize("parents", [1, 4])
def test_the_learners_family_page_costs_the_same_however_many_parents_follow(
    learner: User, parents: int, django_assert_num_queries: Any
) -> None:
    parents_of(learner, parents)
    page = _assert_page_costs(
        learner, reverse("accounts:family"), FAMILY_QUERIES, django_assert_num_queries
    )
    assert page.count(">Unlink<") == parents


@pytest.mark.parametrize("children", [1, 5])
def test_a_parents_family_and_data_pages_cost_the_same_however_many_children(
    parent: User, children: int, django_assert_num_queries: Any
) -> None:
    children_of(parent, children)
    _assert_page_costs(
        parent, reverse("accounts:family"), PARENT_FAMILY_QUERIES, django_assert_num_queries
    )
    page = _assert_page_costs(
        parent, reverse("accounts:data-rights"), PARENT_DATA_QUERIES, django_assert_num_queries
    )
    assert page.count("Download<span") == children


def test_a_learners_data_page_costs_a_fixed_number_of_queries(
    learner: User, django_assert_num_queries: Any
) -> None:
    parents_of(learner, 2)
    page = _assert_page_costs(
        learner, reverse("accounts:data-rights"), DATA_QUERIES, django_assert_num_queries
    )
    assert "Download my data" in page

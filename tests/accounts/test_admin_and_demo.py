"""The admin is for staff; authors edit content, not people. The demo accounts are ready to use."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import LearnerProfile, ParentLink, User

pytestmark = pytest.mark.django_db


def test_the_authors_group_exists_and_authors_are_in_it(author):
    group = Group.objects.get(name="Authors")

    assert author.groups.filter(pk=group.pk).exists()
    assert author.is_staff
    assert not group.permissions.filter(content_type__app_label="accounts").exists()


def test_an_author_can_open_the_admin_but_not_the_users(client, author):
    client.force_login(author)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403


def test_a_learner_is_sent_to_the_admin_login(client, learner):
    client.force_login(learner)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_manage_users_and_profiles(admin_client, learner):
    assert admin_client.get("/admin/accounts/user/").status_code == 200
    assert admin_client.get(f"/admin/accounts/user/{learner.pk}/change/").status_code == 200
    assert admin_client.get("/admin/accounts/learnerprofile/").status_code == 200


def test_load_demo_creates_the_demo_family_once(settings):
    settings.DEMO_LOADERS = ["accounts.demo.load"]  # the curriculum's loader has its own tests
    call_command("load_demo")
    call_command("load_demo")

    ada, grace, euler = (User.objects.get(username=n) for n in ("ada", "grace", "euler"))
    assert (ada.role, grace.role, euler.role) == ("learner", "parent", "author")
    assert ParentLink.objects.filter(parent=grace, learner=ada).count() == 1
    assert LearnerProfile.objects.filter(user=ada).exists()
    assert euler.groups.filter(name="Authors").exists()
    assert User.objects.filter(username="ada").count() == 1
    assert ada.check_password("calcuingo-demo")

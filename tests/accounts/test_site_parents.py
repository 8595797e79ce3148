"""The family page: a learner invites her parent with a code, either of them can unlink."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ParentInvite, ParentLink, User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def browser_of(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def code_on(page: str) -> str:
    match = re.search(r'<p class="invite-code" id="invite-code">([A-Z0-9]+)</p>', page)
    assert match, page
    return match.group(1)


def unlink_url(link: ParentLink) -> str:
    return reverse("accounts:family-link-delete", args=[link.pk])


# --- The whole flow, without and with JavaScript ----------------------------------------------


def test_a_learner_invites_her_parent_who_links_and_then_she_unlinks_him(
    learner: User, parent: User
) -> None:
    ada, grace = browser_of(learner), browser_of(parent)

    page = ada.get(reverse("accounts:family")).content.decode()
    assert '<h2 id="invite-heading">Invite a parent</h2>' in page
    assert "No parent is linked to you yet." in page
    created = ada.post(reverse("accounts:family-invite-create"))
    assert created.status_code == 200
    code = code_on(created.content.decode())
    assert "It works once, until" in created.content.decode()

    page = grace.get(reverse("accounts:family")).content.decode()
    assert '<label for="id_code">Invite code</label>' in page
    redeemed = grace.post(reverse("accounts:family-invite-redeem"), {"code": code}, follow=True)
    assert "You are now linked to ada." in redeemed.content.decode()
    assert "<strong>ada</strong>" in redeemed.content.decode()

    page = ada.get(reverse("accounts:family")).content.decode()
    assert "<strong>grace</strong>" in page
    link = ParentLink.objects.get(parent=parent, learner=learner)
    unlinked = ada.post(unlink_url(link), follow=True)

    assert "grace is no longer linked to you." in unlinked.content.decode()
    assert "No parent is linked to you yet." in unlinked.content.decode()
    assert not ParentLink.objects.filter(parent=parent, learner=learner).exists()


def test_with_htmx_each_step_answers_with_the_fragment_it_swaps(
    learner: User, parent: User
) -> None:
    ada, grace = browser_of(learner), browser_of(parent)

    created = ada.post(reverse("accounts:family-invite-create"), **HTMX)
    fragment = created.content.decode()
    assert "<html" not in fragment
    code = code_on(fragment)
    assert 'hx-target="#family-invite"' in fragment

    redeemed = grace.post(reverse("accounts:family-invite-redeem"), {"code": code}, **HTMX)
    fragment = redeemed.content.decode()
    assert redeemed.status_code == 200
    assert "<html" not in fragment
    assert "You are now linked to ada." in fragment
    assert '<div id="family-links" aria-live="polite" hx-swap-oob="innerHTML">' in fragment
    assert "<strong>ada</strong>" in fragment

    link = ParentLink.objects.get(parent=parent, learner=learner)
    unlinked = grace.post(unlink_url(link), **HTMX)
    fragment = unlinked.content.decode()
    assert "<html" not in fragment
    assert "ada is no longer linked to you." in fragment
    assert "No child is linked to you yet." in fragment
    assert not ParentLink.objects.exists()


def test_the_invite_expiry_is_shown_on_the_learners_own_clock(learner: User) -> None:
    services.user_update(user=learner, user_fields={"timezone": "Asia/Tokyo"}, profile_fields={})

    page = browser_of(learner).post(reverse("accounts:family-invite-create")).content.decode()

    invite = ParentInvite.objects.get(learner=learner)
    tokyo = invite.expires_at.astimezone(learner.zone)
    assert f"{tokyo:%-d %B %Y, %H:%M}</time> (Asia/Tokyo)" in page


def test_a_new_code_replaces_the_learners_previous_one(learner: User, parent: User) -> None:
    ada = browser_of(learner)
    first = code_on(ada.post(reverse("accounts:family-invite-create")).content.decode())
    code_on(ada.post(reverse("accounts:family-invite-create")).content.decode())

    response = browser_of(parent).post(reverse("accounts:family-invite-redeem"), {"code": first})

    assert "This invite code has expired; ask for a new one." in response.content.decode()
    assert not ParentLink.objects.exists()


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZZZZ2222", "This invite code does not exist."),
        ("", "This field is required."),
    ],
)
def test_a_bad_code_is_refused_at_the_code_field(parent: User, code: str, message: str) -> None:
    response = browser_of(parent).post(reverse("accounts:family-invite-redeem"), {"code": code})

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(rf'<ul class="errorlist" id="id_code_error"><li>{re.escape(message)}', page)
    assert 'aria-invalid="true"' in page
    assert not ParentLink.objects.exists()


def test_an_expired_code_is_refused_at_the_code_field(learner: User, parent: User) -> None:
    invite = services.parent_invite_create(learner=learner)
    ParentInvite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(1))

    response = browser_of(parent).post(
        reverse("accounts:family-invite-redeem"), {"code": invite.code}, **HTMX
    )

    assert response.status_code == 200
    assert "This invite code has expired; ask for a new one." in response.content.decode()


def test_a_code_works_only_once(learner: User, parent: User, other_parent: User) -> None:
    invite = services.parent_invite_create(learner=learner)
    browser_of(parent).post(reverse("accounts:family-invite-redeem"), {"code": invite.code})

    response = browser_of(other_parent).post(
        reverse("accounts:family-invite-redeem"), {"code": invite.code}
    )

    assert "This invite code was already used." in response.content.decode()
    assert not ParentLink.objects.filter(parent=other_parent).exists()


def test_a_learner_cannot_redeem_a_code(learner: User) -> None:
    classmate = UserFactory(username="emmy", role=User.Role.LEARNER)
    invite = services.parent_invite_create(learner=classmate)

    ada = browser_of(learner)
    page = ada.get(reverse("accounts:family")).content.decode()
    assert 'name="code"' not in page, "a learner is not offered the form"
    response = ada.post(reverse("accounts:family-invite-redeem"), {"code": invite.code})

    assert response.status_code == 403
    assert "Only parent accounts can redeem an invite code." in response.content.decode()
    assert not ParentLink.objects.exists()


def test_a_parent_cannot_create_invite_codes(parent: User) -> None:
    grace = browser_of(parent)
    page = grace.get(reverse("accounts:family")).content.decode()
    assert "Create an invite code" not in page, "a parent is not offered the button"

    response = grace.post(reverse("accounts:family-invite-create"))

    assert response.status_code == 403
    assert "Only learners can invite a parent." in response.content.decode()
    assert not ParentInvite.objects.exists()


def test_nobody_can_unlink_a_link_that_is_not_theirs(
    learner: User, parent: User, other_parent: User
) -> None:
    link = ParentLink.objects.create(parent=parent, learner=learner)

    response = browser_of(other_parent).post(unlink_url(link))

    assert response.status_code == 404
    assert ParentLink.objects.filter(pk=link.pk).exists()


def test_unlinking_takes_a_post(learner: User, parent: User) -> None:
    link = ParentLink.objects.create(parent=parent, learner=learner)

    response = browser_of(learner).get(unlink_url(link))

    assert response.status_code == 405
    assert ParentLink.objects.filter(pk=link.pk).exists()


def test_family_posts_without_a_csrf_token_are_refused(learner: User, parent: User) -> None:
    link = ParentLink.objects.create(parent=parent, learner=learner)
    ada = Client(enforce_csrf_checks=True)
    ada.force_login(learner)

    assert ada.post(reverse("accounts:family-invite-create")).status_code == 403
    assert ada.post(unlink_url(link)).status_code == 403
    assert not ParentInvite.objects.exists()
    assert ParentLink.objects.filter(pk=link.pk).exists()


def test_an_author_is_told_family_links_are_for_learners_and_parents(author: User) -> None:
    page = browser_of(author).get(reverse("accounts:family")).content.decode()

    assert "Family links are for learners and their parents." in page
    assert "Create an invite code" not in page
    assert 'name="code"' not in page

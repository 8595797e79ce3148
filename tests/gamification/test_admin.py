"""Motivation in the admin: authors edit achievements and avatars; the XP ledger is read-only."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client

from accounts.models import User
from gamification import services
from gamification.models import Achievement, Avatar, Standing, XPEvent
from gamification.services import xp_award

pytestmark = pytest.mark.django_db


def test_an_author_manages_achievements_and_avatars(client: Client, author: User) -> None:
    client.force_login(author)
    first_steps = Achievement.objects.get(code="first-steps")

    listing = client.get("/admin/gamification/achievement/")
    avatars = client.get("/admin/gamification/avatar/")
    change = client.get(f"/admin/gamification/achievement/{first_steps.pk}/change/")
    search = client.get("/admin/gamification/avatar/", {"q": "owl"})

    assert (listing.status_code, avatars.status_code, change.status_code) == (200, 200, 200)
    assert b"First steps" in listing.content
    assert b"/static/avatars/pi-owl.svg" in avatars.content
    assert b"Hexagon Robot" not in search.content


def test_an_author_can_add_an_achievement(client: Client, author: User) -> None:
    client.force_login(author)

    response = client.post(
        "/admin/gamification/achievement/add/",
        {
            "name": "Twenty in a row",
            "code": "twenty-in-a-row",
            "description": "Practise twenty days in a row.",
            "icon": "🔥",
            "category": "study_streaks",
            "display_order": "500",
            "criteria": "study_streak",
            "threshold": "20",
            "xp_reward": "60",
            "grants_streak_freeze": "on",
        },
    )

    assert response.status_code == 302, response.content
    assert Achievement.objects.get(code="twenty-in-a-row").grants_streak_freeze


def test_a_track_achievement_without_a_track_is_refused(client: Client, author: User) -> None:
    client.force_login(author)

    response = client.post(
        "/admin/gamification/achievement/add/",
        {
            "name": "Some track",
            "code": "some-track",
            "description": "Complete a track.",
            "category": "arithmetic",
            "display_order": "0",
            "criteria": "track_completed",
            "threshold": "3",
            "xp_reward": "0",
        },
    )

    assert response.status_code == 200
    assert not Achievement.objects.filter(code="some-track").exists()


def test_authors_do_not_see_the_xp_ledger_or_standings(client: Client, author: User) -> None:
    client.force_login(author)

    assert client.get("/admin/gamification/xpevent/").status_code == 403
    assert client.get("/admin/gamification/standing/").status_code == 403


def test_staff_read_the_xp_ledger_but_cannot_change_it(admin_client: Client, learner: User) -> None:
    xp_award(user=learner, amount=12, reason="answer", source_type="attempt", source_id=1)
    event = XPEvent.objects.get(user=learner)

    listing = admin_client.get("/admin/gamification/xpevent/")
    detail = admin_client.get(f"/admin/gamification/xpevent/{event.pk}/change/")
    add = admin_client.get("/admin/gamification/xpevent/add/")
    delete = admin_client.post(f"/admin/gamification/xpevent/{event.pk}/delete/", {"post": "yes"})

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert b"Save" not in detail.content
    assert (add.status_code, delete.status_code) == (403, 403)
    assert XPEvent.objects.filter(pk=event.pk).exists()


def _standing_form(standing: Standing, **changes: Any) -> dict[str, Any]:
    data = {
        "streak_freezes": standing.streak_freezes,
        "selected_avatar": standing.selected_avatar_id or "",
        "leaderboard_opt_out": "on" if standing.leaderboard_opt_out else "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


def test_staff_give_a_freeze_but_not_a_third_and_never_touch_xp(
    admin_client: Client, learner: User
) -> None:
    xp_award(user=learner, amount=30, reason="answer", source_type="attempt", source_id=1)
    standing = Standing.objects.get(user=learner)
    url = f"/admin/gamification/standing/{learner.pk}/change/"

    ok = admin_client.post(url, {**_standing_form(standing, streak_freezes=2), "xp": 9999})
    too_many = admin_client.post(url, _standing_form(standing, streak_freezes=3))

    assert ok.status_code == 302
    assert too_many.status_code == 200  # the form shows the error
    standing.refresh_from_db()
    assert (standing.streak_freezes, standing.xp) == (2, 30)


def test_staff_opting_a_learner_out_goes_through_the_service(
    admin_client: Client, learner: User
) -> None:
    xp_award(user=learner, amount=30, reason="answer", source_type="attempt", source_id=1)
    standing = Standing.objects.get(user=learner)
    pi_owl = Avatar.objects.get(code="pi-owl")

    with mock.patch.object(
        services, "leaderboard_opt_set", wraps=services.leaderboard_opt_set
    ) as opt_set:
        response = admin_client.post(
            f"/admin/gamification/standing/{learner.pk}/change/",
            _standing_form(standing, leaderboard_opt_out="on", selected_avatar=pi_owl.pk),
        )

    assert response.status_code == 302
    opt_set.assert_called_once_with(user=learner, opt_out=True)
    standing.refresh_from_db()
    assert (standing.leaderboard_opt_out, standing.selected_avatar) == (True, pi_owl)


def test_staff_check_every_standing_against_the_ledger(admin_client: Client, learner: User) -> None:
    xp_award(user=learner, amount=30, reason="answer", source_type="attempt", source_id=1)
    Standing.objects.filter(user=learner).update(xp=31)

    response = admin_client.post(
        "/admin/gamification/standing/",
        {"action": "verify_xp", "_selected_action": [learner.pk]},
        follow=True,
    )

    assert b"1 standings differ from their ledger" in response.content

"""The Leaderboards page, as a learner's browser sees it: today, this week and all time, overall
or one track; her own row highlighted among her neighbours; the opt-out that hides her.

These run on a local-memory cache, whatever the settings: the boards come from the XP ledger
(the SQL fallback of `gamification.leaderboards`; tests/gamification/test_leaderboards.py covers
Redis). Requests go through the Django test client with CSRF
checks on, posting what the page's forms hold.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from gamification import services
from gamification.models import Avatar, Standing, XPEvent
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import TrackFactory

pytestmark = pytest.mark.django_db

BOARDS = reverse("gamification:leaderboards")
VISIBILITY = reverse("gamification:leaderboard_visibility")

_sources = iter(range(1, 10**9))


class Browser:
    """A signed-in browser that sends back the CSRF token of the page it was shown."""

    def __init__(self, user: User) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.page = ""

    def get(self, **query: Any) -> str:
        response = self.client.get(BOARDS, query)
        assert response.status_code == 200, response.status_code
        self.page = response.content.decode()
        return self.page

    def post(self, data: dict[str, str]) -> Any:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', self.page)
        assert token, "the last page holds a form"
        body = {"csrfmiddlewaretoken": html.unescape(token.group(1)), **data}
        return self.client.post(VISIBILITY, body)


def grant(user: User, amount: int, *, track_id: int | None = None, days_ago: int = 0) -> None:
    services.xp_award(
        user=user,
        amount=amount,
        reason=XPEvent.Reason.ANSWER,
        source_type="attempt",
        source_id=next(_sources),
        track_id=track_id,
        at=timezone.now() - timedelta(days=days_ago),
    )


def rival(username: str) -> User:
    """Another learner, quickly: the board needs her name and her XP, not a password."""
    return User.objects.create(username=username, email=f"{username}@example.org")


def rows(page: str) -> list[str]:
    """Each board row in words: "Rank 1 noether 300 XP", "(you)" on her own."""
    found = re.findall(r'<li class="board__row[^"]*"[^>]*>.*?</li>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in found]


def my_rows(page: str) -> list[str]:
    found = re.findall(
        r'<li class="board__row board__row--me" aria-current="true">.*?</li>', page, re.S
    )
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in found]


def text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(autouse=True)
def _boards_from_the_ledger(settings: Any) -> None:
    """The boards come from the ledger here, also where CI configures Redis: these tests grant
    XP inside the test's transaction, whose after-commit Redis bumps never run."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "site-leaderboards",
        }
    }


@pytest.fixture
def people(learner: User) -> dict[str, User]:
    """Ada and three others, with this week's XP: Noether 200, Gauss 150, Ada 100, Tao 50.

    (Under 250 XP each: level 3 would pay an achievement's XP on top.)
    """
    people = {"ada": learner}
    people.update({name: UserFactory(username=name) for name in ("noether", "gauss", "tao")})
    for name, amount in (("noether", 200), ("gauss", 150), ("ada", 100), ("tao", 50)):
        grant(people[name], amount)
    return people


@pytest.fixture
def ada(learner: User) -> Browser:
    return Browser(learner)


def test_the_weekly_board_ranks_learners_and_highlights_her_own_row(
    people: dict[str, User], ada: Browser
) -> None:
    page = ada.get()

    assert "<h1>Leaderboards</h1>" in page
    assert rows(page) == [
        "Rank 1 N noether 200 XP",
        "Rank 2 G gauss 150 XP",
        "Rank 3 A ada (you) 100 XP",
        "Rank 4 T tao 50 XP",
    ]
    assert my_rows(page) == ["Rank 3 A ada (you) 100 XP"]
    assert "You are number 3 with 100 XP." in text(page)
    assert 'aria-current="page">This week</a>' in page


def test_learners_wear_their_avatars_on_the_board(people: dict[str, User], ada: Browser) -> None:
    services.avatar_select(user=people["gauss"], avatar=Avatar.objects.get(code="pi-owl"))

    page = ada.get()

    assert '<img class="board__avatar" src="/static/avatars/pi-owl.svg" alt=""' in page
    assert rows(page)[1] == "Rank 2 gauss 150 XP"


def test_out_of_the_top_she_sees_her_rank_among_her_neighbours(learner: User, ada: Browser) -> None:
    for n in range(14):
        grant(rival(f"rival{n:02}"), 240 - 10 * n)  # 240, 230, …, 110
    grant(learner, 125)  # between rival11 (130) and rival12 (120): rank 13

    page = ada.get()
    board, mine = page.split("<h1>Leaderboards</h1>")[1].split('id="rank-heading"')

    assert len(rows(board)) == 10
    assert "ada" not in board
    assert "You are number 13 with 125 XP." in text(mine)
    assert rows(mine) == [
        "Rank 11 R rival10 140 XP",
        "Rank 12 R rival11 130 XP",
        "Rank 13 A ada (you) 125 XP",
        "Rank 14 R rival12 120 XP",
        "Rank 15 R rival13 110 XP",
    ]
    assert my_rows(mine) == ["Rank 13 A ada (you) 125 XP"]


def test_today_counts_only_todays_xp_and_all_time_counts_everything(
    people: dict[str, User], ada: Browser
) -> None:
    grant(people["tao"], 190, days_ago=10)

    today = ada.get(period="daily")
    ever = ada.get(period="all_time")

    assert 'aria-current="page">Today</a>' in today
    assert rows(today)[3] == "Rank 4 T tao 50 XP"
    assert rows(ever)[0] == "Rank 1 T tao 240 XP"
    assert 'aria-current="page">All time</a>' in ever


def test_a_track_board_counts_only_that_tracks_xp(people: dict[str, User], ada: Browser) -> None:
    fractions = TrackFactory(title="Fractions")
    TrackFactory(title="Secret drafts", draft=True)
    grant(people["tao"], 40, track_id=fractions.pk)
    grant(people["ada"], 25, track_id=fractions.pk)

    page = ada.get(track=fractions.pk)

    assert rows(page) == ["Rank 1 T tao 40 XP", "Rank 2 A ada (you) 25 XP"]
    assert '<option value="' + str(fractions.pk) + '" selected>Fractions</option>' in page
    assert "Secret drafts" not in page
    assert f"period=daily&amp;track={fractions.pk}" in page  # the tabs keep the track


@pytest.mark.parametrize("period", ["monthly", "", "DAILY", "<b>"])
def test_an_unknown_period_falls_back_to_this_week(
    people: dict[str, User], ada: Browser, period: str
) -> None:
    page = ada.get(period=period)

    assert 'aria-current="page">This week</a>' in page
    assert len(rows(page)) == 4


@pytest.mark.parametrize("track", ["abc", "0", "-1", "999999", "1.5"])
def test_a_bad_or_unknown_track_is_not_found(ada: Browser, track: str) -> None:
    assert ada.client.get(BOARDS, {"track": track}).status_code == 404


def test_a_draft_track_is_not_found(ada: Browser) -> None:
    draft = TrackFactory(draft=True)

    assert ada.client.get(BOARDS, {"track": draft.pk}).status_code == 404


def test_with_no_xp_yet_she_is_invited_to_join(ada: Browser) -> None:
    page = text(ada.get())

    assert "Nobody has earned XP on this board yet in this period." in page
    assert "You have no XP on this board yet" in page


# --- Opting out -----------------------------------------------------------------------------


def test_opting_out_hides_her_from_every_board_and_back(
    people: dict[str, User], ada: Browser
) -> None:
    gauss = Browser(people["gauss"])
    ada.get(period="daily")
    assert "Hiding yourself takes you off every board" in text(ada.page)

    response = ada.post({"visibility": "hidden", "period": "daily"})

    assert response.status_code == 302
    assert response["Location"] == f"{BOARDS}?period=daily"
    assert Standing.objects.get(user=people["ada"]).leaderboard_opt_out
    page = ada.get(period="daily")
    assert "You are hidden from the leaderboards." in text(page)
    assert "You are hidden from the leaderboards, so you have no rank here." in text(page)
    assert "ada" not in " ".join(rows(page))
    assert "ada" not in " ".join(rows(gauss.get()))
    assert rows(gauss.get())[2] == "Rank 3 T tao 50 XP"

    ada.post({"visibility": "shown"})

    assert "Rank 3 A ada 100 XP" in rows(gauss.get())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose whether to be shown or hidden."),
        ({"visibility": "maybe"}, "Select a valid choice."),
    ],
)
def test_a_bad_visibility_post_is_a_form_error(
    people: dict[str, User], ada: Browser, data: dict[str, str], message: str
) -> None:
    ada.get()

    response = ada.post(data)

    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert not Standing.objects.get(user=people["ada"]).leaderboard_opt_out


def test_a_bad_period_or_track_in_the_visibility_post_still_hides_her_cleanly(
    people: dict[str, User], ada: Browser
) -> None:
    ada.get()

    response = ada.post({"visibility": "hidden", "period": "yearly", "track": "x"})

    assert response.status_code == 400
    assert not Standing.objects.get(user=people["ada"]).leaderboard_opt_out


def test_the_visibility_form_needs_the_csrf_token(people: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ada"])

    response = client.post(VISIBILITY, {"visibility": "hidden"})

    assert response.status_code == 403
    assert not Standing.objects.get(user=people["ada"]).leaderboard_opt_out


def test_the_leaderboards_need_a_signed_in_learner(client: Client) -> None:
    assert client.get(BOARDS).status_code == 302
    assert client.post(VISIBILITY, {"visibility": "hidden"}).status_code == 302


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("learners", [3, 60])
def test_the_leaderboards_take_the_same_queries_however_many_learners(
    learner: User, ada: Browser, django_assert_num_queries: Any, learners: int
) -> None:
    track = TrackFactory()
    pi_owl = Avatar.objects.get(code="pi-owl")
    for n in range(learners):
        other = rival(f"rival{n:03}")
        for day in range(3):
            grant(other, 5 + n, track_id=track.pk if day % 2 else None, days_ago=day)
        services.avatar_select(user=other, avatar=pi_owl)
    grant(learner, 12)

    with django_assert_num_queries(6):
        page = ada.get(track=track.pk, period="all_time")

    assert "Leaderboards" in page

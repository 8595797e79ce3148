"""The Profile page, as a learner's browser sees it: her level and XP, her streak calendar, her
achievements (earned with their date, locked with progress, hidden as "?"), her avatars and the
picker, her XP history — and never anyone else's.

Requests go through the Django test client with CSRF checks on, posting what the page's forms
hold, as a browser without JavaScript would; an htmx request gets the avatar section alone.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from gamification import services
from gamification.models import Achievement, Avatar, Standing, UserAchievement, UserAvatar, XPEvent
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import LessonFactory, TrackFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("gamification:profile")
PICK = reverse("gamification:avatar_pick")
HTMX = {"HTTP_HX_REQUEST": "true"}


class Browser:
    """A signed-in browser that sends back the CSRF token of the page it was shown."""

    def __init__(self, user: User) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.page = ""

    def get(self, url: str = PROFILE, **data: Any) -> str:
        response = self.client.get(url, data)
        assert response.status_code == 200, response.status_code
        self.page = response.content.decode()
        return self.page

    def post(self, url: str, data: dict[str, str], **headers: Any) -> Any:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', self.page)
        assert token, "the last page holds a form"
        body = {"csrfmiddlewaretoken": html.unescape(token.group(1)), **data}
        return self.client.post(url, body, **headers)


@pytest.fixture
def ada(seeded: None, learner: User) -> Browser:
    return Browser(learner)


def grant(user: User, amount: int, source_id: int, **fields: Any) -> None:
    services.xp_award(
        user=user,
        amount=amount,
        reason=XPEvent.Reason.ANSWER,
        source_type="attempt",
        source_id=source_id,
        **fields,
    )


def earn(user: User, code: str, at: datetime | None = None) -> None:
    achievement = Achievement.objects.get(code=code)
    UserAchievement.objects.create(
        user=user, achievement=achievement, earned_at=at or timezone.now()
    )
    if achievement.unlocks_avatar is not None:
        UserAvatar.objects.get_or_create(user=user, avatar=achievement.unlocks_avatar)


def text(page: str) -> str:
    """The page's words, tags removed and spaces collapsed, as a reader meets them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, element_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{element_id}".*?</section>', page, re.S)
    assert match, f"no section #{element_id}"
    return match.group(0)


# --- Level and XP ---------------------------------------------------------------------------


def test_a_newcomer_sees_level_1_and_how_far_level_2_is(ada: Browser) -> None:
    page = text(ada.get())

    assert "Profile" in page
    assert "Level 1 Total XP 0" in page
    assert "0 of 100 XP towards level 2: 100 XP to go." in page
    assert "No XP yet." in page


def test_her_xp_and_level_are_shown_with_progress_to_the_next_level(
    ada: Browser, learner: User
) -> None:
    grant(learner, 130, 1)  # level 2 begins at 100 XP, level 3 at 250

    page = ada.get()

    assert "Level 2 Total XP 130" in text(page)
    assert "30 of 150 XP towards level 3: 120 XP to go." in text(page)
    assert '<progress class="meter" value="30" max="150"' in page


# --- Achievements ---------------------------------------------------------------------------


def test_an_earned_achievement_shows_the_date_on_her_own_calendar(seeded: None) -> None:
    kiri = UserFactory(username="kiri", time_zone="Pacific/Auckland")
    earn(kiri, "first-steps", at=datetime(2026, 3, 14, 23, 30, tzinfo=UTC))

    page = text(Browser(kiri).get())

    # 23:30 UTC on the 14th is already the 15th in Auckland.
    assert "First steps Answer your first question right. Earned on 15 March 2026" in page
    assert f"1 of {Achievement.objects.count()} earned." in page


def test_a_locked_achievement_shows_how_far_she_is(ada: Browser, learner: User) -> None:
    Standing.objects.create(user=learner, correct_answers=12)

    page = text(ada.get())

    assert "Century (not earned yet) Answer 100 questions right. 12 / 100" in page


def test_a_hidden_achievement_is_a_question_mark_until_she_earns_it(
    ada: Browser, learner: User
) -> None:
    page = ada.get()

    assert "Perfectionist" not in page
    assert "Get every question right in ten quizzes." not in page
    assert page.count("achievement--hidden") == Achievement.objects.filter(hidden=True).count()
    assert "? A hidden achievement Hidden until you earn it." in text(page)

    earn(learner, "perfectionist")
    page = ada.get()

    assert "Perfectionist Get every question right in ten quizzes. Earned on" in text(page)


def test_achievements_are_grouped_by_category(ada: Browser) -> None:
    page = text(ada.get())

    headings = [label for _, label in Achievement.Category.choices]
    positions = [page.index(f"{label} 0 of") for label in headings if f"{label} 0 of" in page]
    assert len(positions) >= 5
    assert positions == sorted(positions)


# --- Avatars --------------------------------------------------------------------------------


def test_her_avatars_show_rarity_and_what_unlocks_the_locked_ones(ada: Browser) -> None:
    avatars = text(section(ada.get(), "avatars"))

    assert f"3 of {Avatar.objects.count()} collected." in avatars
    assert "π Owl Common" in avatars
    assert "Times Turtle Rare 🔒 Locked. Unlocked by the achievement “Lesson learned”." in avatars
    # An avatar a hidden achievement unlocks keeps the secret.
    secret = "Möbius Wizard Legendary 🔒 Locked. Unlocked by a hidden achievement."
    assert secret in avatars
    assert "Mathemagician" not in avatars


def test_picking_an_earned_avatar_makes_it_hers(ada: Browser, learner: User) -> None:
    earn(learner, "lesson-learned")  # unlocks the Times Turtle
    ada.get()

    response = ada.post(PICK, {"avatar": "times-turtle"})

    assert response.status_code == 302
    assert response["Location"] == f"{PROFILE}#avatars"
    assert Standing.objects.get(user=learner).selected_avatar.code == "times-turtle"  # type: ignore[union-attr]
    page = ada.get()
    assert "You now wear the Times Turtle." in text(page)
    assert "You wear the Times Turtle." in text(page)
    assert 'value="times-turtle" id="avatar-times-turtle" checked' in page


def test_picking_a_locked_avatar_shows_an_error_and_changes_nothing(
    ada: Browser, learner: User
) -> None:
    ada.get()
    ada.post(PICK, {"avatar": "plus-pup"})

    ada.get()
    response = ada.post(PICK, {"avatar": "euler-phoenix"})

    assert response.status_code == 400
    assert "This avatar is still locked: earn its achievement first." in text(
        response.content.decode()
    )
    assert Standing.objects.get(user=learner).selected_avatar.code == "plus-pup"  # type: ignore[union-attr]


def test_with_htmx_only_the_avatar_section_comes_back(ada: Browser, learner: User) -> None:
    ada.get()

    chosen = ada.post(PICK, {"avatar": "hexagon-robot"}, **HTMX)
    ada.get()
    refused = ada.post(PICK, {"avatar": "tangent-hawk"}, **HTMX)

    assert chosen.status_code == 200
    assert '<section class="card" id="avatars"' in chosen.content.decode()
    assert "<h1>" not in chosen.content.decode()
    assert "You now wear the Hexagon Robot." in text(chosen.content.decode())
    # Her avatar beside her level follows, out of band.
    assert '<span id="level-avatar" class="level__avatar-slot" hx-swap-oob="true">' in (
        chosen.content.decode()
    )
    assert 'alt="Your avatar: Hexagon Robot"' in chosen.content.decode()
    # htmx swaps no error response: the refusal comes back as the section with its message.
    assert refused.status_code == 200
    assert 'role="alert"' in refused.content.decode()
    assert "This avatar is still locked" in refused.content.decode()
    assert Standing.objects.get(user=learner).selected_avatar.code == "hexagon-robot"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an avatar first."),
        ({"avatar": "no-such-avatar"}, "There is no such avatar."),
        ({"avatar": "<script>"}, "Enter a valid “slug”"),
    ],
)
def test_a_bad_pick_is_a_form_error_not_a_crash(
    ada: Browser, learner: User, data: dict[str, str], message: str
) -> None:
    ada.get()

    response = ada.post(PICK, data)

    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert not Standing.objects.filter(user=learner, selected_avatar__isnull=False).exists()


def test_a_pick_without_the_csrf_token_is_refused(learner: User, seeded: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    response = client.post(PICK, {"avatar": "pi-owl"})

    assert response.status_code == 403
    assert not Standing.objects.filter(user=learner, selected_avatar__isnull=False).exists()


def test_the_profile_needs_a_signed_in_learner(client: Client) -> None:
    assert client.get(PROFILE).status_code == 302
    assert client.post(PICK, {"avatar": "pi-owl"}).status_code == 302
    assert client.get(PICK).status_code in {302, 405}


# --- XP history -----------------------------------------------------------------------------


def test_her_xp_history_is_newest_first_in_words_on_her_time_zone(seeded: None) -> None:
    kiri = UserFactory(username="kiri", time_zone="Pacific/Auckland")
    track = TrackFactory(title="Fractions")
    base = datetime(2026, 5, 1, 22, 0, tzinfo=UTC)
    for n in range(25):  # 118 XP in all: level 2, and no level achievement pays in between
        grant(kiri, n % 9 + 1, n + 1, track_id=track.pk, at=base + timedelta(hours=n))
    services.xp_award(
        user=kiri,
        amount=10,
        reason=XPEvent.Reason.DAILY_GOAL,
        source_type="day",
        source_id=20260504,
        at=datetime(2026, 5, 3, 12, 30, tzinfo=UTC),
    )
    browser = Browser(kiri)

    first = text(section(browser.get(), "xp-history"))
    second = text(section(browser.get(page=2), "xp-history"))

    assert first.startswith("XP history +10 XP Daily goal met 4 May 2026, 00:30")
    assert "00:30 +7 XP Right answer · Fractions 3 May 2026, 10:00 +6 XP" in first  # 22:00 UTC
    assert "Page 1 of 2" in first
    assert "Older" in first
    assert "Newer" in second
    assert second.count("Right answer") == 26 - 20
    assert second.endswith("+1 XP Right answer · Fractions 2 May 2026, 10:00 Newer Page 2 of 2")


def test_each_grant_says_what_it_was_for(ada: Browser, learner: User) -> None:
    lesson = LessonFactory(title="Adding tens")
    flawless = Achievement.objects.get(code="flawless")
    for reason, source_type, source_id in (
        (XPEvent.Reason.LESSON_COMPLETE, "lesson", lesson.pk),
        (XPEvent.Reason.ACHIEVEMENT, "achievement", flawless.pk),
        (XPEvent.Reason.STREAK_MILESTONE, "streak7", 20261122),
    ):
        services.xp_award(
            user=learner, amount=3, reason=reason, source_type=source_type, source_id=source_id
        )

    history = text(section(ada.get(), "xp-history"))

    assert "+3 XP Lesson complete · Adding tens" in history
    assert "+3 XP Achievement · Flawless" in history
    assert "+3 XP Streak milestone · 7 days in a row" in history


def test_a_page_number_out_of_range_shows_a_page_not_an_error(ada: Browser, learner: User) -> None:
    grant(learner, 5, 1)

    assert "+5 XP Right answer" in text(ada.get(page=99))
    assert "+5 XP Right answer" in text(ada.get(page="abc"))


# --- Privacy --------------------------------------------------------------------------------


def test_another_learners_xp_achievements_and_avatar_never_show(
    ada: Browser, learner: User
) -> None:
    noether = UserFactory(username="noether")
    grant(noether, 987, 1)
    earn(noether, "flawless")  # unlocks the Golden Snail
    services.avatar_select(user=noether, avatar=Avatar.objects.get(code="golden-snail"))
    grant(learner, 15, 1)

    page = ada.get()

    assert "987" not in page
    assert "Flawless Get every question of a quiz right. Earned" not in text(page)
    assert "Golden Snail Epic 🔒 Locked." in text(page)
    assert "Total XP 15" in text(page)
    assert "noether" not in page


# --- Streak calendar ------------------------------------------------------------------------


def day_completed(user: User, at: datetime, session_id: int) -> None:
    """A session completed at `at`: the day counts (as practice does it)."""
    services.session_completed(
        user=user,
        session_id=session_id,
        mode="review",
        accuracy=None,
        lesson_id=None,
        lesson_xp=0,
        first_completion=False,
        track_id=None,
        at=at,
    )


def day_label(day: datetime, words: str) -> str:
    return f"{day:%A} {day.day} {day:%B}: {words}"


def test_the_calendar_shows_days_practised_kept_by_a_freeze_and_missed(
    ada: Browser, learner: User
) -> None:
    now = timezone.now()
    ago = {n: now - timedelta(days=n) for n in range(12)}
    learner.date_joined = now - timedelta(days=60)
    learner.save(update_fields=["date_joined"])
    for n in (10, 9, 8):  # three in a row: "On a roll" grants a freeze
        day_completed(learner, ago[n], n)
    for n in (6, 5):  # the 7th missed: the freeze covers it
        day_completed(learner, ago[n], n)

    page = text(section(ada.get(), "streak"))

    assert "Current streak 0 days Best streak 5 days Streak freezes held 0 of 2" in page
    for n in (10, 9, 8, 6, 5):
        assert day_label(ago[n], "practised") in page
    assert day_label(ago[7], "missed, kept by a streak freeze") in page
    for n in (4, 3, 2, 1):
        assert day_label(ago[n], "not practised") in page
    assert day_label(now, "today, not practised yet") in page
    assert "5 days practised, 1 kept by a freeze" in page


def test_a_freeze_inside_a_streak_that_began_before_the_calendar_is_shown(
    ada: Browser, learner: User
) -> None:
    now = timezone.now()
    for n in range(45, 0, -1):
        if n != 20:  # one day missed, covered by the freeze "On a roll" granted
            day_completed(learner, now - timedelta(days=n), n)

    page = text(section(ada.get(), "streak"))

    assert "Current streak 44 days Best streak 44 days" in page
    assert day_label(now - timedelta(days=20), "missed, kept by a streak freeze") in page
    assert day_label(now - timedelta(days=21), "practised") in page
    assert ": not practised" not in page  # every other day shown counted


def test_a_missed_day_a_freeze_will_cover_is_announced(ada: Browser, learner: User) -> None:
    now = timezone.now()
    for n in (4, 3, 2):
        day_completed(learner, now - timedelta(days=n), n)

    page = text(section(ada.get(), "streak"))

    assert "Current streak 3 days" in page
    assert "Streak freezes held 1 of 2" in page
    assert "You missed 1 day. Practise today and a streak freeze covers it" in page
    yesterday = now - timedelta(days=1)
    assert day_label(yesterday, "missed: a streak freeze covers it if you practise today") in page


def test_the_calendar_follows_her_own_dates(seeded: None) -> None:
    kiri = UserFactory(username="kiri", time_zone="Pacific/Kiritimati")  # UTC+14
    local_today = kiri.local_now()
    day_completed(kiri, timezone.now(), 1)

    page = text(section(Browser(kiri).get(), "streak"))

    assert day_label(local_today, "practised") in page
    assert "Today counts already." in page


# --- Queries --------------------------------------------------------------------------------


def give_history(user: User, *, events: int, achievements: int) -> None:
    track = TrackFactory()
    start = timezone.now() - timedelta(days=events)
    for n in range(events):
        grant(user, 5, n + 1, track_id=track.pk if n % 2 else None, at=start + timedelta(days=n))
    for n in range(min(events, 30)):
        day_completed(user, timezone.now() - timedelta(days=n), 10_000 + n)
    for achievement in Achievement.objects.order_by("pk")[:achievements]:
        UserAchievement.objects.get_or_create(user=user, achievement=achievement)
    services.avatar_select(user=user, avatar=Avatar.objects.get(code="pi-owl"))


@pytest.mark.parametrize(("events", "achievements"), [(5, 1), (200, 30)])
def test_the_profile_takes_the_same_queries_whatever_her_history(
    ada: Browser, learner: User, django_assert_num_queries: Any, events: int, achievements: int
) -> None:
    give_history(learner, events=events, achievements=achievements)

    with django_assert_num_queries(11):
        page = ada.get()

    assert "XP history" in page

"""ada, with weeks of practice behind her, opens Profile, Leaderboards and Stats from the nav."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from tests.browser.helpers import (
    expect_chart_drawn,
    expect_response,
    fits_a_phone,
    go_by_nav,
    log_in,
    screenshot,
)

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_ada_sees_her_profile_leaderboards_and_stats(
    open_page: Callable[..., Page], device: str
) -> None:
    page = open_page(device)
    log_in(page, "ada", DEMO_PASSWORD)
    expect(page).to_have_url("/learn/")
    screenshot(page, "path")
    fits_a_phone(page)

    # The mastery grid of a fact track she has finished.
    grid = re.compile(r"^Mastery grid\W+Multiplication & division facts 0–12$")
    page.get_by_role("link", name=grid).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Multiplication & division facts 0–12: mastery grid"
    )
    expect(page.get_by_role("table")).to_be_visible()
    screenshot(page, "grid")
    fits_a_phone(page)

    # Profile: her level, streak, achievements and avatars, from her history.
    go_by_nav(page, "Profile")
    expect(page).to_have_url("/profile/")
    expect(page.get_by_role("heading", name="Profile", level=1)).to_be_visible()
    for section in ("Level and XP", "Streak", "Achievements", "Avatars", "XP history"):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    expect(page.get_by_role("region", name="Streak")).to_match_aria_snapshot(
        "- term: Current streak\n- definition: /[1-9]\\d* days?/"
    )
    expect(page.get_by_role("group", name="Choose your avatar")).to_be_visible()
    screenshot(page, "profile")
    fits_a_phone(page)

    # Leaderboards: this week's first; of all time (the week may have just begun), she is on
    # the board, her own row marked, with her rank.
    go_by_nav(page, "Leaderboards")
    expect(page).to_have_url("/leaderboards/")
    expect(page.get_by_role("heading", name="Leaderboards", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="This week, overall")).to_be_visible()
    page.get_by_role("navigation", name="Leaderboard period").get_by_role(
        "link", name="All time"
    ).click()
    expect(page.get_by_role("heading", name="All time, overall")).to_be_visible()
    me = page.get_by_role("listitem").filter(has_text="ada (you)")
    expect(me.first).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("region", name="Your rank")).to_contain_text(
        re.compile(r"You are number \d+ with \d+ XP")
    )
    screenshot(page, "leaderboards")
    fits_a_phone(page)

    # Stats: the last days in numbers and in drawn charts.
    go_by_nav(page, "Stats")
    expect(page).to_have_url("/stats/")
    expect(page.get_by_role("heading", name="Stats", level=1)).to_be_visible()
    days = page.get_by_role("region", name="Day by day")
    charts = days.locator("canvas")
    expect(charts.first).to_be_visible()
    for chart in charts.all():
        expect_chart_drawn(chart)
    expect(page.get_by_role("heading", name="Quiz history")).to_be_visible()
    screenshot(page, "stats")
    fits_a_phone(page)

    # One of her quizzes, answer by answer.
    quizzes = page.get_by_role("region", name="Quiz history").get_by_role("link")
    title = quizzes.first.inner_text().strip()
    quizzes.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    screenshot(page, "quiz-review")
    fits_a_phone(page)


def test_every_other_page_of_hers_fits_a_phone(phone: Page) -> None:
    log_in(phone, "ada", DEMO_PASSWORD)
    go_by_nav(phone, "Review")
    expect(phone.get_by_role("heading", name="Review", level=1)).to_be_visible()
    screenshot(phone, "review")
    fits_a_phone(phone)

    go_by_nav(phone, "Family")
    expect(phone.get_by_role("heading", name="Family", level=1)).to_be_visible()
    phone.get_by_role("button", name="Create an invite code").click()
    expect(phone.locator("#invite-code")).to_be_visible()
    screenshot(phone, "family")
    fits_a_phone(phone)

    go_by_nav(phone, "Settings")
    phone.get_by_role("link", name="Download your data or delete your account").click()
    expect(phone.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    fits_a_phone(phone)

    expect_response(phone, 404, "/no-such-page/")
    phone.goto("/no-such-page/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.get_by_role("navigation", name="Main")).to_be_visible()
    screenshot(phone, "not-found")
    fits_a_phone(phone)

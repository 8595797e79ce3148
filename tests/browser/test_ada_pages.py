"""ada, with weeks of practice behind her, opens Profile, Leaderboards and Stats from the nav."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    expect_chart_drawn,
    go_by_nav,
    log_in,
    screenshot,
)

pytestmark = pytest.mark.usefixtures("demo")


def fits_a_phone(page: Page) -> None:
    """Nothing scrolls sideways at 390 px nor at 360 px."""
    if page.viewport_size and page.viewport_size["width"] > 390:
        return
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 390, "height": 844})


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_ada_sees_her_profile_leaderboards_and_stats(
    open_page: Callable[..., Page], device: str
) -> None:
    page = open_page(device)
    log_in(page, "ada", DEMO_PASSWORD)
    expect(page).to_have_url("/learn/")
    screenshot(page, "path")
    fits_a_phone(page)

    # Profile: her level, streak, achievements and avatars, from her history.
    go_by_nav(page, "Profile")
    expect(page).to_have_url("/profile/")
    expect(page.get_by_role("heading", name="Profile", level=1)).to_be_visible()
    for section in ("Level and XP", "Streak", "Achievements", "Avatars", "XP history"):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    expect(page.get_by_role("region", name="Streak")).to_contain_text("10")
    expect(page.get_by_role("group", name="Choose your avatar")).to_be_visible()
    screenshot(page, "profile")
    fits_a_phone(page)

    # Leaderboards: she is on the board, with her rank.
    go_by_nav(page, "Leaderboards")
    expect(page).to_have_url("/leaderboards/")
    expect(page.get_by_role("heading", name="Leaderboards", level=1)).to_be_visible()
    expect(page.get_by_role("list", name="Top learners")).to_contain_text("ada")
    expect(page.get_by_role("region", name="Your rank")).to_contain_text("You are number")
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

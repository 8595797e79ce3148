"""A learner's screen settings apply to the whole site: the dark theme and an extra-large font."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.helpers import assert_no_horizontal_scroll, go_by_nav, log_in, screenshot

_BACKGROUND = """() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""
_ROOT_FONT_PX = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
_TEXT_COLOUR = """() => {
  const [r, g, b] = getComputedStyle(document.body).color.match(/[\\d.]+/g).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def page_brightness(page: Page) -> float:
    """How light the page's background is, 0 (black) to 255 (white)."""
    return float(page.evaluate(_BACKGROUND))


def test_the_dark_theme_and_an_extra_large_font_apply_to_every_page(
    page: Page, learner: User
) -> None:
    log_in(page, "ada")
    assert page_brightness(page) > 200, "the default theme of a light system is light"
    default_font = float(page.evaluate(_ROOT_FONT_PX))

    go_by_nav(page, "Settings")
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    screenshot(page, "settings")
    page.get_by_label("Colour scheme").select_option(label="Dark")
    page.get_by_label("Font size").select_option(label="Extra large")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_role("status")).to_contain_text(re.compile("saved", re.IGNORECASE))
    expect(page.get_by_label("Colour scheme")).to_have_value("dark")
    assert page_brightness(page) < 60, "the page is not dark"
    assert float(page.evaluate(_TEXT_COLOUR)) > 160, "the text is not light on the dark page"
    assert float(page.evaluate(_ROOT_FONT_PX)) >= default_font * 1.3
    screenshot(page, "settings-dark")

    # Everywhere, not only on the settings page.
    go_by_nav(page, "Learn")
    expect(page.get_by_role("heading", name="Your learning path")).to_be_visible()
    assert page_brightness(page) < 60
    assert float(page.evaluate(_ROOT_FONT_PX)) >= default_font * 1.3
    screenshot(page, "path-dark")


def test_the_settings_page_fits_a_phone(phone: Page, learner: User) -> None:
    log_in(phone, "ada")
    go_by_nav(phone, "Settings")
    expect(phone.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    screenshot(phone, "settings")
    assert_no_horizontal_scroll(phone)
    phone.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(phone)

"""A new learner signs up on the real sign-up page and lands on her learning path."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import fits_a_phone, screenshot


def test_a_new_learner_signs_up_and_lands_on_her_path(page: Page, demo: None) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()

    page.get_by_label("Email").fill("maryam@example.org")
    page.get_by_label("Username").fill("maryam")
    page.get_by_role("radio", name="a learner").check()
    page.get_by_label("Password", exact=True).fill("a long passphrase of hers")
    page.get_by_label("Password (again)").fill("a long passphrase of hers")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url("/learn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning path")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("maryam")
    # The first lesson of the first track is open to her, with a button to begin it.
    first_track = page.get_by_role("article", name="Addition & subtraction facts 0–12")
    expect(first_track.get_by_role("button", name="Begin: Adding 0")).to_be_visible()
    screenshot(page, "path-new-learner")


def test_a_visitor_s_pages_fit_a_phone(phone: Page) -> None:
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    screenshot(phone, "home")
    fits_a_phone(phone)
    phone.get_by_role("link", name="Log in").first.click()
    expect(phone.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    fits_a_phone(phone)
    phone.get_by_role("link", name="Sign up").first.click()
    expect(phone.get_by_role("heading", name="Create your account")).to_be_visible()
    screenshot(phone, "signup")
    fits_a_phone(phone)

"""ada, her calculus tracks open, types a derivative on the math keypad and mistypes an integral."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from gamification.models import Standing
from practice.models import Attempt
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    log_in,
    screenshot,
    session_on,
    the_right_answer,
    type_on_keypad,
)
from tests.practice.builders import current

pytestmark = pytest.mark.usefixtures("demo")


def open_lesson(page: Page, track: str, lesson: str) -> None:
    """From her path, start (or practise again) a lesson of a track."""
    if not page.url.endswith("/learn/"):
        page.goto("/learn/")
    article = page.get_by_role("article", name=track, exact=True)
    button = article.get_by_role("button", name=re.compile(rf"^(Start|Practise again)\W+{lesson}$"))
    if not button.is_visible():  # a completed track keeps its lessons folded away
        article.get_by_text("Units and lessons").click()
    button.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(lesson)


def switch_the_keypad_on(page: Page) -> None:
    toggle = page.get_by_role("button", name="Keypad")
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.click()
    expect(page.get_by_role("button", name="Keypad")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("group", name="Math keypad")).to_be_visible()


def test_ada_types_a_derivative_on_the_keypad_and_sees_how_it_reads(page: Page) -> None:
    log_in(page, "ada", DEMO_PASSWORD)
    expect(page.get_by_role("article", name="Derivatives", exact=True)).to_contain_text("Completed")
    open_lesson(page, "Derivatives", "Powers of x")
    switch_the_keypad_on(page)

    answer = the_right_answer(page)
    type_on_keypad(page, answer)
    expect(page.get_by_label("Your answer")).to_have_value(answer)
    preview = page.locator("#answer-preview")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Interpreted as")
    expect(preview).not_to_have_class(re.compile("preview--error"))
    expect(preview.locator(".katex")).to_be_visible()
    screenshot(page, "player-keypad")

    level = Standing.objects.get(user__username="ada").level
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name="Correct!")).to_be_visible()
    expect(page.get_by_role("term").filter(has_text="Interpreted as")).to_be_visible()
    # The demo leaves her a few XP short of a level: the answer that crosses it says so.
    reached = Standing.objects.get(user__username="ada").level
    feedback = page.get_by_role("region", name="Correct!")
    level_up = feedback.get_by_text(f"Level up! You reached level {reached}.")
    expect(level_up).to_have_count(1 if reached > level else 0)
    screenshot(page, "feedback-right")


def test_a_malformed_integral_is_refused_and_costs_nothing(page: Page) -> None:
    log_in(page, "ada", DEMO_PASSWORD)
    open_lesson(page, "Antiderivatives", "The power rule in reverse")
    session = session_on(page)
    question, _ = current(session)
    attempts = Attempt.objects.filter(user=session.user).count()
    progress = page.get_by_text(re.compile(r"\d+ of \d+ answered"))
    before = progress.inner_text()

    field = page.get_by_label("Your answer")
    field.fill("x^3/3+")
    preview = page.locator("#answer-preview")
    expect(preview).to_have_class(re.compile("preview--error"))
    message = preview.locator("output").inner_text().strip()
    assert message, "the preview says nothing about the malformed answer"

    page.get_by_role("button", name="Check").click()
    error = page.get_by_role("alert").filter(has_text=message)
    expect(error).to_be_visible()
    expect(page.get_by_label("Your answer")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("heading", name="Not quite")).to_have_count(0)
    screenshot(page, "player-malformed")

    # The same question, nothing recorded, nothing counted against her.
    assert current(session_on(page))[0] == question
    assert Attempt.objects.filter(user=session.user).count() == attempts
    session.refresh_from_db()
    assert (session.answered, session.correct) == (0, 0)
    expect(progress).to_have_text(before)


def test_the_player_with_its_keypad_fits_a_phone(phone: Page) -> None:
    log_in(phone, "ada", DEMO_PASSWORD)
    open_lesson(phone, "Derivatives", "Powers of x")
    switch_the_keypad_on(phone)
    type_on_keypad(phone, the_right_answer(phone))
    expect(phone.locator("#answer-preview .katex")).to_be_visible()
    screenshot(phone, "player-keypad")
    assert_no_horizontal_scroll(phone)
    phone.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(phone)
    for key in phone.get_by_role("group", name="Math keypad").get_by_role("button").all():
        box = key.bounding_box()
        assert box, key
        assert min(box["width"], box["height"]) >= 44, f"the key {key.inner_text()} is {box}"

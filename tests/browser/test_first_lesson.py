"""A learner plays her first lesson: a slip, a hint, the question asked again, and her reward."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from curriculum.models import Exercise, Lesson
from tests.browser.helpers import (
    a_wrong_answer,
    fits_a_phone,
    log_in,
    screenshot,
    session_on,
    the_right_answer,
)
from tests.curriculum.factories import HintFactory, LessonFactory, TrackFactory, UnitFactory
from tests.practice.builders import current, numeric_exercises


def counting_on() -> Lesson:
    """A first track of one lesson, three questions "What is n + 1?", the first with a hint."""
    track = TrackFactory(title="Counting on", description="One more, every time.")
    lesson = LessonFactory(
        unit=UnitFactory(track=track, title="One more"), title="Adding one", xp_reward=10
    )
    first, *_ = numeric_exercises(lesson, 3)
    HintFactory(exercise=first, text="Count one step further than the number.")
    return lesson


def exercise_on(page: Page) -> Exercise:
    exercise, _ = current(session_on(page))
    return exercise


def answer(page: Page, text: str) -> None:
    page.get_by_label("Your answer").fill(text)
    page.get_by_role("button", name="Check").click()


def xp_items(table: Locator) -> dict[str, int]:
    """The rows of the end screen's XP table: {"3 right answers": 36, ..., "Total": 71}."""
    items = {}
    for row in table.get_by_role("row").all():
        label, amount = row.inner_text().split("\t")
        items[label.strip()] = int(re.sub(r"[^\d]", "", amount))
    return items


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_learner_corrects_a_slip_uses_a_hint_and_sees_what_she_earned(
    open_page: Callable[..., Page], device: str, learner: User
) -> None:
    counting_on()
    page = open_page(device)
    log_in(page, "ada@example.org")
    expect(page).to_have_url("/learn/")
    page.get_by_role("region", name="Up next").get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Adding one")
    first_question = exercise_on(page)
    screenshot(page, "player")
    fits_a_phone(page)

    # She asks for the hint, then still slips.
    page.get_by_role("button", name="Hint").click()
    expect(page.get_by_text("Count one step further than the number.")).to_be_visible()
    answer(page, a_wrong_answer(page))
    expect(page.get_by_role("heading", name="Not quite")).to_be_visible()
    expect(page.get_by_text("This question comes back before the end")).to_be_visible()
    screenshot(page, "feedback-wrong")
    page.get_by_role("link", name="Continue").click()

    # The two other questions, right.
    for _ in range(2):
        expect(page.get_by_label("Your answer")).to_be_visible()
        answer(page, the_right_answer(page))
        expect(page.get_by_role("heading", name="Correct!")).to_be_visible()
        page.get_by_role("link", name="Continue").click()

    # The one she missed comes back, and this time she has it.
    expect(page.get_by_text("Once more: you missed this one earlier.")).to_be_visible()
    assert exercise_on(page) == first_question
    answer(page, the_right_answer(page))
    expect(page.get_by_role("heading", name="Correct!")).to_be_visible()

    # The end screen: how it went, her first day of a streak, and where every XP came from.
    summary = page.get_by_role("region", name="Lesson complete!")
    expect(summary).to_be_visible()
    expect(summary).to_match_aria_snapshot(
        "- term: Answered\n- definition: '4'\n- term: Correct\n- definition: '3'"
    )
    expect(summary).to_match_aria_snapshot("- term: Streak\n- definition: /1 day/")
    table = summary.get_by_role("table", name="Where your XP came from")
    expect(table.get_by_role("row", name=re.compile(r"^3 right answers \+\d+ XP$"))).to_be_visible()
    expect(table.get_by_role("row", name="Lesson complete +10 XP")).to_be_visible()
    # A minute of a first lesson does not meet the 15-minute daily goal: no row for it yet.
    expect(table.get_by_role("row", name=re.compile(r"^Daily goal met"))).to_have_count(0)
    items = xp_items(table)
    total = items.pop("Total")
    assert sum(items.values()) == total, items
    expect(summary.get_by_role("heading", name=f"XP earned: {total}")).to_be_visible()
    screenshot(page, "end-screen")
    fits_a_phone(page)

    # Her path now shows what the end screen said she earned.
    page.get_by_role("link", name="Back to your path").click()
    expect(page).to_have_url("/learn/")
    standing = page.get_by_role("region", name="Your standing")
    expect(standing).to_match_aria_snapshot(f"- term: XP\n- definition: '{total}'")
    expect(standing).to_match_aria_snapshot("- term: Streak\n- definition: /1 day/")

"""A new learner who already knows derivatives places into the track with one placement quiz,
straight from her path, and starts a derivatives lesson."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from curriculum.models import Exercise, Lesson, Status
from practice.models import LessonProgress, PracticeSession
from tests.browser.helpers import fits_a_phone, screenshot, session_on, the_right_answer
from tests.practice.builders import current

pytestmark = pytest.mark.usefixtures("demo")


def sign_up(page: Page, username: str) -> None:
    """Through the real sign-up page, as a learner; she lands on her path."""
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Username").fill(username)
    page.get_by_role("radio", name="a learner").check()
    page.get_by_label("Password", exact=True).fill("a long passphrase of hers")
    page.get_by_label("Password (again)").fill("a long passphrase of hers")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url("/learn/")


def answer_every_question_right(page: Page) -> int:
    """Answer the quiz on screen to its end, every question right; how many there were."""
    questions = len(session_on(page).plan)
    for number in range(questions):
        exercise, _ = current(session_on(page))
        if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE:
            choices = page.get_by_role("group", name=re.compile("Choose an answer"))
            choices.locator(f"button[value='{exercise.correct_option}']").click()
        else:
            page.get_by_label("Your answer").fill(the_right_answer(page))
            page.get_by_role("button", name="Check").click()
        expect(page.get_by_role("heading", name="Correct!")).to_be_visible()
        if number < questions - 1:
            page.get_by_role("link", name="Continue").click()
            expect(page.get_by_text(f"{number + 1} of {questions} answered")).to_be_visible()
    return questions


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_new_learner_places_into_derivatives_and_starts_a_derivatives_lesson(
    open_page: Callable[..., Page], device: str
) -> None:
    page = open_page(device)
    username = f"leibniz-{device}"
    sign_up(page, username)

    # Derivatives is locked for her, and offers a placement quiz all the same.
    derivatives = page.get_by_role("article", name="Derivatives", exact=True)
    expect(derivatives).to_contain_text("Locked")
    expect(derivatives).to_contain_text("To unlock: complete Limits")
    place = derivatives.get_by_role("button", name="Place into Derivatives")
    expect(place).to_have_accessible_description(re.compile(r"^Already know it\?"))
    screenshot(page, "path-placement")
    fits_a_phone(page)
    place.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz: Derivatives")
    assert session_on(page).config["placement"] is True
    units = session_on(page).track.units.count()  # type: ignore[union-attr]
    assert answer_every_question_right(page) >= 2 * units
    summary = page.get_by_role("region", name="Quiz complete!")
    expect(summary).to_be_visible()
    screenshot(page, "placement-end")
    fits_a_phone(page)

    # Her path: every unit placed, the track complete and open to her, and what it paid.
    summary.get_by_role("link", name="Back to your path").click()
    expect(page).to_have_url("/learn/")
    expect(page.get_by_role("status")).to_contain_text(
        f"You placed into Derivatives: {units} units complete"
    )
    derivatives = page.get_by_role("article", name="Derivatives", exact=True)
    expect(derivatives).to_contain_text("Completed")
    expect(derivatives).not_to_contain_text("To unlock")
    expect(derivatives.get_by_role("button", name="Place into Derivatives")).to_have_count(0)
    placed = LessonProgress.objects.filter(
        user__username=username, lesson__unit__track__slug="derivatives", completed_at__isnull=False
    )
    published = Lesson.objects.filter(
        unit__track__slug="derivatives", status=Status.PUBLISHED, unit__status=Status.PUBLISHED
    )
    assert placed.count() == published.count()
    screenshot(page, "path-placed")
    fits_a_phone(page)

    # She starts a derivatives lesson.
    derivatives.get_by_text("Units and lessons").click()
    derivatives.get_by_role("button", name=re.compile(r"^Practise again\W+Powers of x$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson: Powers of x")
    lesson = session_on(page)
    assert (lesson.mode, lesson.user.username) == (PracticeSession.Mode.LESSON, username)
    expect(page.get_by_label("Your answer")).to_be_visible()

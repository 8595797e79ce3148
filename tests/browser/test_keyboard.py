"""A learner plays a whole lesson with the keyboard alone: Tab, Enter and the number keys."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from accounts.models import LearnerProfile, User
from curriculum.models import Exercise, Lesson
from tests.browser.helpers import focused_element, log_in, session_on, the_right_answer
from tests.curriculum.factories import (
    ExerciseFactory,
    HintFactory,
    LessonFactory,
    TrackFactory,
    UnitFactory,
)
from tests.practice.builders import current, numeric_exercises


def mixed_lesson() -> Lesson:
    """Typed answers (the first with a hint) and a multiple-choice question in between."""
    track = TrackFactory(title="Counting on")
    lesson = LessonFactory(unit=UnitFactory(track=track, title="One more"), title="Adding one")
    first, _ = numeric_exercises(lesson, 2)
    HintFactory(exercise=first, text="Count one step further than the number.")
    ExerciseFactory(
        lesson=lesson,
        kind=Exercise.Kind.MULTIPLE_CHOICE,
        prompt="Which number comes after 9?",
        options=[{"text": "10"}, {"text": "8"}, {"text": "19"}, {"text": "90"}],
        correct_option=0,
    )
    return lesson


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator, *, most: int, backwards: bool = False) -> int:
    """Press Tab (or Shift+Tab) until `target` has the focus; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if is_focused(target):
            return presses
    raise AssertionError(
        f"{most} Tabs never reached {target}; the focus is on {focused_element(page)}"
    )


def assert_focus_kept(page: Page) -> None:
    """Once the new card has settled, the focus is in it, not dropped to the page's <body>."""
    try:
        page.wait_for_function(
            # A function, not a bare expression: Playwright evaluates a bare expression with
            # eval(), which the page's Content Security Policy (rightly) refuses once it polls.
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=2_000,
        )
    except PlaywrightTimeoutError:
        raise AssertionError(f"the focus fell to {focused_element(page)}") from None


def test_a_whole_lesson_is_played_with_the_keyboard_alone(page: Page, learner: User) -> None:
    mixed_lesson()
    LearnerProfile.objects.filter(user=learner).update(input_method="keypad")
    log_in(page, "ada")

    # From the top of her path to its Continue button, and in.
    start = page.get_by_role("region", name="Up next").get_by_role("button", name="Continue")
    tab_to(page, start, most=25)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adding one")

    questions = len(session_on(page).plan)
    for _ in range(questions):
        exercise, _ = current(session_on(page))
        if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE:
            choices = page.get_by_role("group", name="Choose an answer")
            expect(choices).to_be_visible()
            right = choices.locator(f"button[value='{exercise.correct_option}']")
            page.keyboard.press(right.get_attribute("aria-keyshortcuts") or "")
        else:
            field = page.get_by_label("Your answer")
            expect(field).to_be_focused()
            if exercise.hints.exists():
                # The keypad is one stop on the way from the answer box to the hint.
                hint = page.get_by_role("button", name="Hint")
                assert tab_to(page, hint, most=3) <= 3
                page.keyboard.press("Enter")
                new_hint = page.get_by_role("listitem").filter(has_text="Count one step further")
                expect(new_hint).to_be_focused()
                tab_to(page, field, most=6, backwards=True)
            page.keyboard.type(the_right_answer(page))
            page.keyboard.press("Enter")
        verdict = page.get_by_role("heading", name="Correct!")
        expect(verdict).to_be_visible()
        assert_focus_kept(page)
        if page.get_by_role("link", name="Continue").count():
            expect(verdict).to_be_focused()
            tab_to(page, page.get_by_role("link", name="Continue"), most=3)
            page.keyboard.press("Enter")
            assert_focus_kept(page)

    summary = page.get_by_role("heading", name="Lesson complete!")
    expect(summary).to_be_focused()
    back = page.get_by_role("link", name="Back to your path")
    tab_to(page, back, most=40)
    page.keyboard.press("Enter")
    expect(page).to_have_url("/learn/")

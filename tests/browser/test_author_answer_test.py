"""euler, an author, asks for a factored answer in the admin and checks it in the preview."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from curriculum.models import Exercise
from tests.accounts.factories import UserFactory
from tests.browser.helpers import expect_response, log_in, screenshot
from tests.curriculum.factories import ExerciseFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_euler_requires_a_factored_answer_and_checks_it_in_the_preview(page: Page) -> None:
    UserFactory(username="euler", email="euler@example.org", role=User.Role.AUTHOR)
    exercise = ExerciseFactory(
        kind="expression",
        prompt="Factor $x^2 - 5x + 6$.",
        answer={"answer": "(x-2)(x-3)", "variables": ["x"]},
    )
    expect_response(page, 404, "/favicon.ico")  # the admin's pages name no icon
    log_in(page, "euler")

    page.goto(f"/admin/curriculum/exercise/{exercise.pk}/change/")
    numbers = page.get_by_role("group", name="Answer test: numbers")
    expect(page.get_by_role("group", name="Answer test: expressions")).to_be_visible()
    expect(numbers).to_be_hidden()
    expect(page.get_by_text("Factored (over the integers)")).to_be_hidden()
    page.get_by_label("Equivalent, and in a required form").check()
    page.get_by_label("Factored (over the integers)").check()
    expect(page.get_by_label("Variable of integration")).to_be_hidden()
    screenshot(page, "admin-answer-test")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    exercise.refresh_from_db()
    assert exercise.answer["forms"] == ["factored"]

    page.get_by_label("Kind").select_option("numeric")
    expect(numbers).to_be_visible()
    expect(page.get_by_role("group", name="Answer test: expressions")).to_be_hidden()

    page.goto(f"/admin/curriculum/exercise/{exercise.pk}/preview/")
    page.get_by_label("Your answer").fill("x^2-5x+6")
    page.get_by_role("button", name="Check this answer").click()
    expect(page.get_by_role("status")).to_contain_text("This is correct but not factored.")
    expect(page.get_by_text("Answer test: Equivalent to the answer and factored.")).to_be_visible()
    page.get_by_label("Your answer").fill("(x-3)(x-2)")
    page.get_by_role("button", name="Check this answer").click()
    expect(page.get_by_role("status")).to_contain_text("Correct")
    assert Exercise.objects.get(pk=exercise.pk).answer["forms"] == ["factored"]

"""A parent links to her child with a code and follows the child's week on her dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from accounts.models import User
from curriculum.models import Lesson
from tests.browser.helpers import (
    expect_chart_drawn,
    fits_a_phone,
    go_by_nav,
    log_in,
    make_parent,
    practise,
    screenshot,
)
from tests.curriculum.factories import LessonFactory, TrackFactory, UnitFactory
from tests.practice.builders import numeric_exercises


def counting_lesson() -> Lesson:
    track = TrackFactory(title="Counting on")
    lesson = LessonFactory(unit=UnitFactory(track=track, title="One more"), title="Adding one")
    numeric_exercises(lesson, 4)
    return lesson


def test_grace_links_to_ada_with_her_code_and_sees_her_week(
    open_page: Callable[..., Page], learner: User
) -> None:
    grace = make_parent("grace")
    practise(learner, counting_lesson(), wrong=1)

    # ada makes an invite code on her Family page.
    ada = open_page("desktop")
    log_in(ada, "ada")
    go_by_nav(ada, "Family")
    expect(ada.get_by_role("heading", name="Family", level=1)).to_be_visible()
    ada.get_by_role("button", name="Create an invite code").click()
    code = ada.locator("#invite-code")
    expect(code).to_have_text(re.compile(r"^\s*[A-Z0-9]{8}\s*$"))
    invite = code.inner_text().strip()

    # grace, on her phone, types it on hers.
    phone = open_page("phone")
    log_in(phone, "grace@example.org")
    go_by_nav(phone, "Family")
    phone.get_by_label("Invite code").fill(invite)
    phone.get_by_role("button", name="Link").click()
    expect(phone.get_by_text("You are now linked to ada.")).to_be_visible()
    expect(phone.get_by_role("region", name="Your children")).to_contain_text("ada")

    # Her dashboard shows ada's day and week.
    go_by_nav(phone, "Children")
    expect(phone.get_by_role("heading", name="Your children", level=1)).to_be_visible()
    child = phone.get_by_role("region", name="ada")
    expect(child.get_by_role("heading", name="This week")).to_be_visible()
    # Four questions and the one she slipped on, asked again.
    expect(child).to_contain_text("5 answers")
    expect(child).to_contain_text("80 % right")
    expect(child.get_by_role("heading", name="Recent sessions")).to_be_visible()
    expect(child).to_contain_text("4 of 5 right")
    charts = child.locator("canvas")
    expect(charts.first).to_be_visible()
    for chart in charts.all():
        expect_chart_drawn(chart)
    screenshot(phone, "parent-dashboard")
    fits_a_phone(phone)

    desktop = open_page("desktop")
    log_in(desktop, "grace")
    go_by_nav(desktop, "Children")
    expect_chart_drawn(desktop.get_by_role("region", name="ada").locator("canvas").first)
    screenshot(desktop, "parent-dashboard")
    assert grace.child_links.filter(learner=learner).exists()

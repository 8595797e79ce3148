"""The parent dashboard: each linked child's today, week, streak, tracks and recent sessions."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from analytics.models import DailySummary
from practice.models import PracticeSession, UnitProgress
from practice.services import session_finish
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import UnitFactory
from tests.practice.builders import (
    answer_current,
    fact_track,
    facts_of,
    link_parent,
    numeric_lesson,
    quiz_over,
    times_table,
)

pytestmark = pytest.mark.django_db

CHILDREN = reverse("analytics:children")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def child_section(page: str, learner: User) -> str:
    """The words of one child's card."""
    start = page.index(f'id="child-{learner.pk}"')
    end = page.find('<section class="card child"', start)
    return text_of(page[start : end if end != -1 else None])


def chart_rows(page: str, chart_id: str) -> list[str]:
    figure = page.split(f'id="{chart_id}-title"', 1)[1].split("</figure>", 1)[0]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", figure, re.DOTALL)]


def today_of(user: User) -> date:
    return user.local_now().date()


def practised_lesson(learner: User, *, wrong_first: bool = False) -> PracticeSession:
    """A three-question lesson she played through the service (a wrong answer first if asked)."""
    lesson = numeric_lesson(exercises=3)
    session = PracticeSession.objects.create(
        user=learner,
        mode=PracticeSession.Mode.LESSON,
        lesson=lesson,
        unit=lesson.unit,
        track=lesson.unit.track,
        plan=[
            {"exercise": e.pk, "seed": "s", "hints": 0} for e in lesson.exercises.order_by("order")
        ],
    )
    right = not wrong_first
    while session.is_open and session.current_item() is not None:
        answer_current(learner, session, right=right, response_ms=20_000)
        right = True
        session.refresh_from_db()
    if session.is_open:
        session = session_finish(session=session)
    return session


def test_a_parent_sees_her_childs_today_and_week(learner: User, parent: User) -> None:
    link_parent(parent=parent, learner=learner)
    today = today_of(learner)
    DailySummary.objects.create(
        user=learner, date=today, questions=4, correct=3, practised_ms=300_000, xp=40
    )
    monday = today - timedelta(days=today.weekday())

    response = signed_in(parent).get(CHILDREN)

    assert response.status_code == 200
    page = response.content.decode()
    card = child_section(page, learner)
    assert "<h1>Your children</h1>" in page
    assert "Today Minutes 5.0 Answers 4 Accuracy 75 % XP 40" in card
    assert f"since {monday:%A} {monday.day} {monday:%b}" in card
    assert "5.0 minutes · 4 answers · 75 % right · 40 XP · 1 day practised" in card
    week = chart_rows(page, f"child-{learner.pk}-accuracy")
    assert len(week) == 1 + today.weekday() + 1  # the header, then Monday to today
    assert week[-1] == f"{today:%a} 75 %"
    assert chart_rows(page, f"child-{learner.pk}-answers")[-1] == f"{today:%a} 4 answers"
    assert chart_rows(page, f"child-{learner.pk}-xp")[-1] == f"{today:%a} 40 XP"
    assert chart_rows(page, f"child-{learner.pk}-minutes")[-1] == f"{today:%a} 5 min"


def test_a_parent_sees_the_streak_tracks_and_recent_sessions(learner: User, parent: User) -> None:
    link_parent(parent=parent, learner=learner)
    session = practised_lesson(learner, wrong_first=True)
    track = session.track
    assert track is not None

    page = signed_in(parent).get(CHILDREN).content.decode()

    card = child_section(page, learner)
    assert "Streak: 1 day" in card
    assert f"{track.title} 4 75 %" in card
    assert f"Lesson: {session.lesson.title}" in card  # type: ignore[union-attr]
    assert "3 of 4 right (75 %)" in card
    assert f'href="{reverse("practice:child", args=[learner.pk])}"' in page
    assert "Answers 4 Accuracy 75 %" in card


def test_mastery_by_track_is_the_share_of_the_track_mastered_with_a_link_to_the_grid(
    learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    track = fact_track(times_table(2))  # four facts
    facts = facts_of(track)
    session = quiz_over(learner, facts[:1])
    answer_current(learner, session)
    UnitProgress.objects.filter(user=learner).update(mastery_sum=2.0)

    page = signed_in(parent).get(CHILDREN).content.decode()

    assert f"{track.title} Mastery grid 1 100 % 50 %" in child_section(page, learner)
    grid = reverse("practice:grid", args=[track.pk])
    assert f'href="{grid}?learner={learner.pk}"' in page


def test_a_parent_sees_only_her_linked_children(learner: User, parent: User) -> None:
    link_parent(parent=parent, learner=learner)
    stranger = UserFactory(username="stranger")
    User.objects.filter(pk=stranger.pk).update(first_name="Zed")
    practised_lesson(stranger)
    other = UserFactory(username="bea")
    link_parent(parent=parent, learner=other)

    page = signed_in(parent).get(CHILDREN).content.decode()

    assert f'id="child-{learner.pk}"' in page
    assert f'id="child-{other.pk}"' in page
    assert f'id="child-{stranger.pk}"' not in page
    assert "stranger" not in page
    assert "Zed" not in page


def test_a_parent_without_linked_children_is_shown_how_to_link_one(parent: User) -> None:
    page = signed_in(parent).get(CHILDREN).content.decode()

    words = text_of(page)
    assert "No child linked yet" in words
    assert f'href="{reverse("accounts:family")}"' in page


def test_a_learner_is_pointed_to_the_family_page(learner: User) -> None:
    page = signed_in(learner).get(CHILDREN).content.decode()

    words = text_of(page)
    assert "This page is for parents" in words
    assert "Go to the Family page" in words
    assert f'href="{reverse("accounts:family")}"' in page


def test_the_old_children_page_redirects_to_the_dashboard(parent: User) -> None:
    response = signed_in(parent).get("/learn/children/")

    assert response.status_code == 301
    assert response["Location"] == CHILDREN
    assert reverse("practice:children") == "/learn/children/"


def test_the_dashboard_needs_a_signed_in_user() -> None:
    response = Client().get(CHILDREN)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_mastery_by_track_weighs_each_unit_by_its_exercises_as_the_progress_api_does(
    learner: User, parent: User, client_for: Any
) -> None:
    link_parent(parent=parent, learner=learner)
    small = numeric_lesson(exercises=2)  # a unit of 2 exercises, all mastered
    track = small.unit.track
    large = numeric_lesson(unit=UnitFactory(track=track), exercises=8)  # a quarter of 8
    numeric_lesson(unit=UnitFactory(track=track), exercises=10)  # not begun
    session = quiz_over(learner, list(small.exercises.all()))
    answer_current(learner, session)
    UnitProgress.objects.filter(user=learner, unit=small.unit).update(mastery_sum=2.0)
    UnitProgress.objects.update_or_create(
        user=learner, unit=large.unit, defaults={"mastery_sum": 2.0}
    )

    page = signed_in(parent).get(CHILDREN).content.decode()
    api = client_for(parent).get(f"/api/v1/progress/tracks/{track.pk}", {"learner": learner.pk})

    assert api.json()["mastery"] == 20  # (2 + 2 + 0) of 20 exercises
    assert f"{track.title} 1 100 % 20 %" in child_section(page, learner)


# --- Queries ---------------------------------------------------------------------------------


def busy_child(parent: User, name: str, *, sessions: int, days: int) -> User:
    """A linked child with a finished quiz, `sessions` more sessions and `days` of summaries."""
    child = UserFactory(username=name)
    link_parent(parent=parent, learner=child)
    facts = facts_of(fact_track(times_table(2)))
    quiz = quiz_over(child, facts)
    answer_current(child, quiz)
    session_finish(session=quiz)
    started = timezone.now() - timedelta(days=40)
    PracticeSession.objects.bulk_create(
        PracticeSession(
            user=child,
            mode=PracticeSession.Mode.REVIEW,
            status=PracticeSession.Status.COMPLETED,
            started_at=started + timedelta(hours=n),
            ended_at=started + timedelta(hours=n, minutes=5),
            answered=5,
            correct=4,
        )
        for n in range(sessions)
    )
    today = today_of(child)
    DailySummary.objects.bulk_create(
        DailySummary(user=child, date=today - timedelta(days=n), questions=3, correct=2)
        for n in range(1, days)
    )
    return child


@pytest.mark.parametrize(("children", "sessions", "days"), [(1, 0, 1), (4, 30, 60)])
def test_the_dashboard_takes_the_same_queries_whatever_the_children_and_their_history(
    parent: User, django_assert_num_queries: Any, children: int, sessions: int, days: int
) -> None:
    for n in range(children):
        busy_child(parent, f"child{n}", sessions=sessions, days=days)
    grace = signed_in(parent)

    # Session and user; the linked learners; their days, standings, track progress and latest
    # sessions; their week day by day; track mastery (progress, unit sums, track sizes);
    # the page's look (her settings).
    with django_assert_num_queries(12):
        response = grace.get(CHILDREN)

    assert response.status_code == 200
    assert response.content.decode().count('class="card child"') == children

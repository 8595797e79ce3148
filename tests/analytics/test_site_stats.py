"""The Stats page and a quiz's review, as a learner's browser sees them."""

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
from curriculum.models import Exercise
from practice.models import ExerciseProgress, FluencyLevel, PracticeSession
from practice.services import session_finish
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import ExerciseFactory, LessonFactory
from tests.practice.builders import (
    answer_current,
    fact_exercise,
    fact_track,
    facts_of,
    quiz_over,
    times_table,
)

pytestmark = pytest.mark.django_db

STATS = reverse("analytics:stats")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(page: str) -> str:
    """The page's words, as a reader meets them (tags dropped, spaces collapsed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def chart_rows(page: str, chart_id: str) -> list[str]:
    """The rows of a chart's data table (its text alternative), as text."""
    figure = page.split(f'id="{chart_id}-title"', 1)[1].split("</figure>", 1)[0]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", figure, re.DOTALL)]


def today_of(user: User) -> date:
    return user.local_now().date()


def day(user: User, when: date, **counts: Any) -> DailySummary:
    fields = {"questions": 10, "correct": 8, "practised_ms": 120_000, "xp": 50, **counts}
    return DailySummary.objects.create(user=user, date=when, **fields)


def finished_quiz(user: User, exercises: list[Exercise], *, right: list[bool]) -> PracticeSession:
    """A quiz she answered through the service (right or wrong, in order), then finished."""
    session = quiz_over(user, exercises)
    for is_right in right:
        answer_current(user, session, right=is_right, response_ms=4200)
    session.refresh_from_db()
    return session_finish(session=session)


# --- The numbers ---------------------------------------------------------------------------


def test_yesterdays_three_right_of_four_answers_show_as_75_percent(learner: User) -> None:
    yesterday = today_of(learner) - timedelta(days=1)
    day(learner, yesterday, questions=4, correct=3, practised_ms=180_000, xp=35, sessions=1)

    response = signed_in(learner).get(STATS)

    assert response.status_code == 200
    page = response.content.decode()
    label = f"{yesterday.day} {yesterday:%b}"
    assert f"{label} 75 %" in chart_rows(page, "stats-accuracy")
    assert f"{label} 3 min" in chart_rows(page, "stats-minutes")
    assert f"{label} 35 XP" in chart_rows(page, "stats-xp")
    words = text_of(page)
    assert "Accuracy 75 %" in words
    assert "XP earned 35" in words
    assert "Answers 4" in words
    assert "Days practised 1" in words


def test_the_charts_cover_the_last_30_days_by_default_on_her_own_calendar(
    learner: User,
) -> None:
    today = today_of(learner)
    day(learner, today - timedelta(days=30), questions=99, correct=99)  # a day too old

    page = signed_in(learner).get(STATS).content.decode()

    rows = chart_rows(page, "stats-xp")
    assert len(rows) == 1 + 30  # the header, then a row a day
    assert rows[-1] == f"{today.day} {today:%b} 0 XP"
    assert "Answers 0" in text_of(page)
    assert 'data-chart="stats-xp-data"' in page
    assert '<script id="stats-xp-data" type="application/json">' in page


@pytest.mark.parametrize(("chosen", "days"), [("7", 7), ("90", 90), ("30", 30)])
def test_the_range_chooser_shows_7_30_or_90_days(learner: User, chosen: str, days: int) -> None:
    page = signed_in(learner).get(STATS, {"days": chosen}).content.decode()

    assert len(chart_rows(page, "stats-accuracy")) == 1 + days
    assert f"The last {days} days" in text_of(page)
    assert re.search(rf'<option value="{days}" selected>', page)


@pytest.mark.parametrize("chosen", ["abc", "8", "-7", "9" * 40, ""])
def test_a_range_that_is_not_offered_falls_back_to_30_days(learner: User, chosen: str) -> None:
    response = signed_in(learner).get(STATS, {"days": chosen, "page": "x"})

    assert response.status_code == 200
    assert "The last 30 days" in text_of(response.content.decode())


def test_accuracy_by_operation_and_facts_by_fluency_level(learner: User) -> None:
    track = fact_track(times_table(2))  # four × facts
    lesson = facts_of(track)[0].lesson
    plus = fact_exercise(lesson, 2, 3, Exercise.Operation.ADD)
    times = facts_of(track)[:3]
    answer_current(learner, quiz_over(learner, [times[0]]))  # she has begun the track
    levels = [FluencyLevel.MASTERED, FluencyLevel.ACCURACY, FluencyLevel.LEARNING]
    for exercise, level in zip(times, levels, strict=True):
        ExerciseProgress.objects.update_or_create(
            user=learner,
            exercise=exercise,
            defaults={"attempts": 4, "correct": 3, "fluency_level": level},
        )
    ExerciseProgress.objects.create(
        user=learner, exercise=plus, attempts=2, correct=2, fluency_level=FluencyLevel.FLUENCY_3S
    )

    page = signed_in(learner).get(STATS).content.decode()

    words = text_of(page)
    assert "+ Addition 2 100 %" in words
    assert "× Multiplication 12 75 %" in words
    assert "Subtraction" not in words
    fluency = chart_rows(page, "stats-fluency")
    assert fluency[1:] == [
        "Not started 1 facts",
        "Learning 1 facts",
        "Accurate 1 facts",
        "Fluent (6 s) 0 facts",
        "Fluent (3 s) 1 facts",
        "Mastered 1 facts",
    ]
    assert track.title in words


def test_a_new_learner_sees_empty_states_not_errors(learner: User) -> None:
    words = text_of(signed_in(learner).get(STATS).content.decode())

    assert "No math facts answered yet." in words
    assert "No quiz finished yet." in words
    assert "Begin a math-facts track" in words


def test_the_stats_page_needs_a_signed_in_user() -> None:
    response = Client().get(STATS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Quiz history and review ------------------------------------------------------------------


def test_quiz_history_lists_her_finished_quizzes_newest_first(learner: User) -> None:
    facts = facts_of(fact_track(times_table(2)))
    older = finished_quiz(learner, facts[:2], right=[True, False])
    newer = finished_quiz(learner, facts[2:], right=[True, True])
    PracticeSession.objects.filter(pk=older.pk).update(ended_at=timezone.now() - timedelta(days=2))
    open_quiz = quiz_over(learner, facts)  # still running: not in the history
    someone_elses = finished_quiz(UserFactory(), facts[:1], right=[True])

    page = signed_in(learner).get(STATS).content.decode()

    links = re.findall(r'href="/stats/quizzes/(\d+)/"', page)
    assert links == [str(newer.pk), str(older.pk)]
    assert str(open_quiz.pk) not in links
    assert str(someone_elses.pk) not in links
    assert "1 of 2 right (50 %)" in text_of(page)


def test_quiz_history_is_paginated(learner: User) -> None:
    facts = facts_of(fact_track(times_table(1)))
    quizzes = [finished_quiz(learner, facts, right=[True]) for _ in range(12)]
    ada = signed_in(learner)

    first = ada.get(STATS).content.decode()
    second = ada.get(STATS, {"page": "2"}).content.decode()

    assert len(re.findall(r'href="/stats/quizzes/\d+/"', first)) == 10
    assert "Page 1 of 2" in text_of(first)
    assert "Older quizzes" in text_of(first)
    assert re.findall(r'href="/stats/quizzes/(\d+)/"', second) == [
        str(quizzes[1].pk),
        str(quizzes[0].pk),
    ]
    assert ada.get(STATS, {"page": "99"}).status_code == 200


def test_a_quiz_review_shows_each_answer_with_the_right_one(learner: User) -> None:
    lesson = LessonFactory()
    seven_eights = fact_exercise(lesson, 7, 8)
    choice = ExerciseFactory(
        lesson=lesson,
        kind=Exercise.Kind.MULTIPLE_CHOICE,
        prompt="Which is **prime**?",
        options=[{"text": "9", "explanation": ""}, {"text": "$7$", "explanation": ""}],
        correct_option=1,
    )
    quiz = finished_quiz(learner, [seven_eights, choice], right=[True, False])

    response = signed_in(learner).get(reverse("analytics:quiz", args=[quiz.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    words = text_of(page)
    assert "1 of 2 answers right (50 %)" in words
    first, second = (text_of(part) for part in page.split('class="card answer')[1:])
    assert "Question 1: ✓ Right" in first
    assert "$7 × 8 = ?$" in first
    assert "Your answer 56" in first
    assert "Time taken 4.2 s" in first
    assert "Correct answer" not in first
    assert "Question 2: ✗ Wrong" in second
    assert "Which is prime" in second
    assert "<strong>prime</strong>" in page, "the prompt is rendered as the player renders it"
    assert "Your answer 9" in second
    assert "Correct answer $7$" in second


def test_another_learners_quiz_and_an_open_quiz_are_not_found(learner: User) -> None:
    facts = facts_of(fact_track(times_table(1)))
    theirs = finished_quiz(UserFactory(username="bea"), facts, right=[True])
    running = quiz_over(learner, facts)
    ada = signed_in(learner)

    assert ada.get(reverse("analytics:quiz", args=[theirs.pk])).status_code == 404
    assert ada.get(reverse("analytics:quiz", args=[running.pk])).status_code == 404
    assert ada.get(reverse("analytics:quiz", args=[999_999])).status_code == 404


# --- Queries ---------------------------------------------------------------------------------


def history(user: User, *, days: int, quizzes: int, facts: list[Exercise]) -> None:
    """A learner with `days` of summaries, `quizzes` finished quizzes and progress on facts."""
    today = today_of(user)
    DailySummary.objects.bulk_create(
        DailySummary(user=user, date=today - timedelta(days=n), questions=5, correct=4, xp=20)
        for n in range(days)
    )
    for _ in range(quizzes):
        finished_quiz(user, facts[:2], right=[True, False])


@pytest.mark.parametrize(("days", "quizzes", "size"), [(3, 1, 2), (120, 14, 5)])
def test_the_stats_page_takes_the_same_queries_whatever_her_history(
    learner: User, django_assert_num_queries: Any, days: int, quizzes: int, size: int
) -> None:
    facts = facts_of(fact_track(times_table(size)))
    history(learner, days=days, quizzes=quizzes, facts=facts)
    ada = signed_in(learner)

    # Session and user, her days, by operation, by fluency, by track (progress, mastery,
    # track sizes), the quiz count and the page of quizzes; the page's look (her settings).
    with django_assert_num_queries(11):
        response = ada.get(STATS, {"days": "90"})

    assert response.status_code == 200


@pytest.mark.parametrize("answers", [2, 12])
def test_a_quiz_review_takes_the_same_queries_whatever_its_length(
    learner: User, django_assert_num_queries: Any, answers: int
) -> None:
    facts = facts_of(fact_track(times_table(4)))[:answers]
    quiz = finished_quiz(learner, facts, right=[n % 2 == 0 for n in range(answers)])
    ada = signed_in(learner)

    # Session and user, the quiz, its answers with their exercises; the page's look.
    with django_assert_num_queries(5):
        response = ada.get(reverse("analytics:quiz", args=[quiz.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('class="card answer') == answers

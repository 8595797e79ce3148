"""Dashboards: a learner's days, a parent's children, an author's view of a track."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from analytics.models import DailySummary, ExerciseStats
from curriculum.models import Lesson
from gamification.models import Standing
from practice.models import LessonProgress, PracticeSession, TrackProgress
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import LessonFactory, TrackFactory, UnitFactory
from tests.practice.builders import answer_body, error_codes, link_parent, numeric_lesson

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], APIClient]


def today_of(user: User) -> date:
    return user.local_now().date()


def play_lesson(client: APIClient, lesson: Lesson, *, wrong_first: bool = False) -> None:
    """Play a whole lesson through the API, right answers (one wrong first if asked)."""
    started = client.post("/api/v1/sessions", {"mode": "lesson", "lesson": lesson.pk})
    assert started.status_code == 201, started.json()
    session = PracticeSession.objects.get(pk=started.json()["id"])
    right = not wrong_first
    while session.is_open:
        answered = client.post(
            f"/api/v1/sessions/{session.pk}/answers", answer_body(session, right=right)
        )
        assert answered.status_code == 201, answered.json()
        right = True
        session.refresh_from_db()


def summary(user: User, day: date, **counts: Any) -> DailySummary:
    fields = {"questions": 10, "correct": 8, "practised_ms": 120_000, "xp": 50, **counts}
    return DailySummary.objects.create(user=user, date=day, **fields)


# --- My days ---------------------------------------------------------------------------------


def test_my_dashboard_defaults_to_the_last_30_days_with_missing_days_as_zeros(
    client_for: ClientFor, learner: User
) -> None:
    today = today_of(learner)
    summary(learner, today, questions=10, correct=9, practised_ms=300_000, sessions=2)
    summary(learner, today - timedelta(days=3), questions=5, correct=1, practised_ms=60_000)
    summary(learner, today - timedelta(days=30), questions=99, correct=99)  # one day too old

    response = client_for(learner).get("/api/v1/dashboards/me")

    assert response.status_code == 200
    body = response.json()
    assert body["from"] == (today - timedelta(days=29)).isoformat()
    assert body["to"] == today.isoformat()
    days = body["days"]
    assert len(days) == 30
    assert [day["date"] for day in days] == [
        (today - timedelta(days=29 - n)).isoformat() for n in range(30)
    ]
    assert days[-1] == {
        "date": today.isoformat(),
        "questions": 10,
        "correct": 9,
        "accuracy": 0.9,
        "minutes": 5.0,
        "xp": 50,
        "sessions": 2,
        "facts_mastered": 0,
        "goal_met": False,
    }
    assert days[0]["questions"] == 0
    assert days[0]["accuracy"] is None
    assert body["totals"] == {
        "questions": 15,
        "correct": 10,
        "accuracy": pytest.approx(10 / 15),
        "minutes": 6.0,
        "xp": 100,
        "sessions": 2,
        "facts_mastered": 0,
        "days_active": 2,
    }


def test_my_dashboard_counts_what_i_practised_through_the_api(
    client_for: ClientFor, learner: User
) -> None:
    ada = client_for(learner)
    play_lesson(ada, numeric_lesson(exercises=3), wrong_first=True)

    body = ada.get("/api/v1/dashboards/me").json()

    today = body["days"][-1]
    assert today["date"] == today_of(learner).isoformat()
    assert (today["questions"], today["correct"]) == (4, 3)
    assert today["sessions"] == 1
    assert today["goal_met"] is False, "seconds of practice do not meet a 15-minute goal"
    assert body["totals"]["accuracy"] == 0.75


def test_my_dashboard_takes_any_range_of_up_to_366_days(
    client_for: ClientFor, learner: User
) -> None:
    summary(learner, date(2024, 2, 29), questions=4, correct=2)
    ada = client_for(learner)

    leap_year = ada.get("/api/v1/dashboards/me", {"from": "2024-01-01", "to": "2024-12-31"})
    one_day = ada.get("/api/v1/dashboards/me", {"from": "2024-02-29", "to": "2024-02-29"})

    assert leap_year.status_code == 200
    assert len(leap_year.json()["days"]) == 366
    assert leap_year.json()["totals"]["questions"] == 4
    assert one_day.json()["days"] == [
        {
            "date": "2024-02-29",
            "questions": 4,
            "correct": 2,
            "accuracy": 0.5,
            "minutes": 2.0,
            "xp": 50,
            "sessions": 0,
            "facts_mastered": 0,
            "goal_met": False,
        }
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"from": "2024-13-01"}, [("from", "invalid")]),
        ({"to": "yesterday"}, [("to", "invalid")]),
        ({"from": "2024-03-02", "to": "2024-03-01"}, [("to", "invalid_range")]),
        ({"from": "2023-01-01", "to": "2024-01-02"}, [("from", "range_too_long")]),  # 367 days
    ],
)
def test_a_bad_date_range_is_a_400_at_the_field(
    client_for: ClientFor, learner: User, query: dict[str, str], expected: list[Any]
) -> None:
    response = client_for(learner).get("/api/v1/dashboards/me", query)

    assert response.status_code == 400
    assert error_codes(response) == expected


def test_my_days_are_my_local_dates(client_for: ClientFor) -> None:
    kiribati = UserFactory(username="tabiteuea", time_zone="Pacific/Kiritimati")  # UTC+14
    summary(kiribati, today_of(kiribati), questions=3, correct=3)

    body = client_for(kiribati).get("/api/v1/dashboards/me").json()

    assert body["to"] == today_of(kiribati).isoformat()
    assert body["days"][-1]["questions"] == 3


def test_the_dashboards_need_an_account(api_client: APIClient) -> None:
    for url in ("/api/v1/dashboards/me", "/api/v1/dashboards/children"):
        assert api_client.get(url).status_code == 401


# --- A parent's children -----------------------------------------------------------------------


def _child(parent: User, name: str, **fields: Any) -> User:
    child = UserFactory(username=name, **fields)
    link_parent(parent=parent, learner=child)
    return child


def test_a_parent_sees_today_this_week_streak_tracks_and_recent_sessions_of_each_child(
    client_for: ClientFor, learner: User, parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    today = today_of(learner)
    monday = today - timedelta(days=today.weekday())
    summary(learner, today, questions=6, correct=3, practised_ms=90_000, sessions=1)
    if monday < today:
        summary(learner, monday, questions=4, correct=4, practised_ms=30_000)
    summary(learner, monday - timedelta(days=1), questions=50, correct=50)  # last week
    Standing.objects.create(
        user=learner,
        current_streak=4,
        best_streak=9,
        last_active_date=today,
        last_active_timezone=learner.timezone,
    )
    fractions = TrackFactory(title="Fractions")
    TrackProgress.objects.create(user=learner, track=fractions, attempts=10, correct=7)
    TrackProgress.objects.create(user=learner, track=TrackFactory(title="Untouched"), attempts=0)
    lesson = LessonFactory(unit=UnitFactory(track=fractions), title="Halves")
    started = timezone.now() - timedelta(hours=7)
    for n in range(7):
        PracticeSession.objects.create(
            user=learner,
            mode="lesson",
            lesson=lesson,
            track=fractions,
            started_at=started + timedelta(hours=n),
            answered=4,
            correct=n % 5,
            xp_earned=10 * n,
        )

    response = client_for(parent).get("/api/v1/dashboards/children")

    assert response.status_code == 200
    (child,) = response.json()
    assert child["learner"]["username"] == "ada"
    assert child["today"]["questions"] == 6
    assert child["today"]["accuracy"] == 0.5
    assert child["week_starts_on"] == monday.isoformat()
    assert child["this_week"]["questions"] == (10 if monday < today else 6)
    assert child["streak"] == {"current": 4, "best": 9}
    assert child["tracks"] == [
        {
            "track": fractions.pk,
            "title": "Fractions",
            "attempts": 10,
            "correct": 7,
            "accuracy": 0.7,
            "completed": False,
        }
    ]
    recent = child["recent_sessions"]
    assert len(recent) == 5, "the latest five, newest first"
    assert [session["xp"] for session in recent] == [60, 50, 40, 30, 20]
    assert recent[0]["lesson_title"] == "Halves"
    assert recent[0]["accuracy"] == 0.25


def test_a_childs_week_starts_on_her_own_monday(client_for: ClientFor, parent: User) -> None:
    auckland = _child(parent, "mere", time_zone="Pacific/Auckland")
    honolulu = _child(parent, "keola", time_zone="Pacific/Honolulu")

    body = client_for(parent).get("/api/v1/dashboards/children").json()

    by_name = {child["learner"]["username"]: child for child in body}
    for child in (auckland, honolulu):
        today = today_of(child)
        assert by_name[child.username]["today"]["date"] == today.isoformat()
        monday = today - timedelta(days=today.weekday())
        assert by_name[child.username]["week_starts_on"] == monday.isoformat()


def test_a_lapsed_streak_shows_as_zero(client_for: ClientFor, learner: User, parent: User) -> None:
    link_parent(parent=parent, learner=learner)
    Standing.objects.create(
        user=learner,
        current_streak=12,
        best_streak=12,
        last_active_date=today_of(learner) - timedelta(days=5),
        last_active_timezone=learner.timezone,
    )

    (child,) = client_for(parent).get("/api/v1/dashboards/children").json()

    assert child["streak"] == {"current": 0, "best": 12}


def test_the_childrens_dashboard_costs_the_same_queries_for_one_child_and_for_five(
    client_for: ClientFor, parent: User, django_assert_max_num_queries: Any
) -> None:
    track = TrackFactory()

    def busy_child(name: str) -> None:
        child = _child(parent, name)
        summary(child, today_of(child))
        TrackProgress.objects.create(user=child, track=track, attempts=3, correct=2)
        Standing.objects.create(user=child, current_streak=1, last_active_date=today_of(child))
        for _ in range(3):
            PracticeSession.objects.create(user=child, mode="review", track=track)

    as_parent = client_for(parent)
    busy_child("first")
    with django_assert_max_num_queries(20) as one:
        assert len(as_parent.get("/api/v1/dashboards/children").json()) == 1
    for name in ("second", "third", "fourth", "fifth"):
        busy_child(name)

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(as_parent.get("/api/v1/dashboards/children").json()) == 5


def test_one_childs_dashboard_is_404_unless_she_is_linked_to_me(
    client_for: ClientFor, learner: User, parent: User, other_parent: User
) -> None:
    link_parent(parent=parent, learner=learner)
    stranger = UserFactory(username="stranger")

    mine = client_for(parent).get(f"/api/v1/dashboards/children/{learner.pk}")
    not_mine = client_for(parent).get(f"/api/v1/dashboards/children/{stranger.pk}")
    other = client_for(other_parent).get(f"/api/v1/dashboards/children/{learner.pk}")
    herself = client_for(learner).get(f"/api/v1/dashboards/children/{learner.pk}")

    assert mine.status_code == 200
    assert mine.json()["learner"]["id"] == learner.pk
    assert not_mine.status_code == other.status_code == herself.status_code == 404


def test_a_learner_has_no_children_to_show(client_for: ClientFor, learner: User) -> None:
    response = client_for(learner).get("/api/v1/dashboards/children")

    assert response.status_code == 200
    assert response.json() == []


# --- An author's track ---------------------------------------------------------------------------


def test_an_author_sees_how_a_track_is_going(
    client_for: ClientFor, learner: User, author: User
) -> None:
    first = numeric_lesson(exercises=2)
    second = LessonFactory(unit=first.unit)
    track = first.unit.track
    play_lesson(client_for(learner), first, wrong_first=True)
    other = UserFactory(username="bob")
    play_lesson(client_for(other), first)
    hard, easy = first.exercises.order_by("order")
    ExerciseStats.objects.create(exercise=hard, attempts=40, learners=30, share_correct=0.35)
    ExerciseStats.objects.create(exercise=easy, attempts=40, learners=30, share_correct=0.9)
    rare = numeric_lesson(unit=first.unit, exercises=1).exercises.get()
    ExerciseStats.objects.create(exercise=rare, attempts=2, learners=2, share_correct=0.0)

    response = client_for(author).get(f"/api/v1/dashboards/tracks/{track.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["learners"], body["attempts"], body["correct"]) == (2, 5, 4)
    assert body["accuracy"] == 0.8
    completions = {lesson["id"]: lesson["completed_by"] for lesson in body["lessons"]}
    assert completions[first.pk] == 2
    assert completions[second.pk] == 0
    assert LessonProgress.objects.filter(lesson=first, completed_at__isnull=False).count() == 2
    assert [row["exercise"] for row in body["hardest"]] == [hard.pk, easy.pk], (
        "hardest first; an exercise with too few answers is not ranked"
    )
    assert body["hardest"][0]["share_correct"] == 0.35


def test_track_statistics_are_for_authors_and_staff_only(
    client_for: ClientFor, learner: User, parent: User, author: User
) -> None:
    track = TrackFactory()
    staff = UserFactory(username="root", role=User.Role.STAFF)

    for user in (learner, parent):
        response = client_for(user).get(f"/api/v1/dashboards/tracks/{track.pk}")
        assert response.status_code == 403
    assert client_for(staff).get(f"/api/v1/dashboards/tracks/{track.pk}").status_code == 200
    assert client_for(author).get("/api/v1/dashboards/tracks/999999").status_code == 404


def test_an_author_sees_statistics_of_a_draft_track(client_for: ClientFor, author: User) -> None:
    draft = TrackFactory(draft=True)

    response = client_for(author).get(f"/api/v1/dashboards/tracks/{draft.pk}")

    assert response.status_code == 200
    assert response.json()["attempts"] == 0

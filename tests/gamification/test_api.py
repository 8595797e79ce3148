"""The motivation API: my standing, XP history, achievements, avatars; parents read, never write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from gamification.models import Achievement, Standing, UserAchievement, XPEvent
from gamification.services import achievements_check, xp_award
from tests.accounts.factories import UserFactory
from tests.practice.builders import link_parent, numeric_lesson

from .helpers import finish_lesson

pytestmark = pytest.mark.django_db


def grant(user: User, amount: int, source_id: int, **fields: Any) -> None:
    xp_award(
        user=user,
        amount=amount,
        reason="answer",
        source_type="attempt",
        source_id=source_id,
        **fields,
    )


def queries_for(client: APIClient, url: str) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(queries), response.json()


def test_a_newcomer_stands_at_level_1_with_no_streak(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    body = client_for(learner).get("/api/v1/me/standing").json()

    assert body == {
        "learner": learner.pk,
        "xp": 0,
        "level": 1,
        "xp_in_level": 0,
        "level_span": 100,
        "xp_to_next_level": 100,
        "current_streak": 0,
        "best_streak": 0,
        "practised_today": False,
        "last_active_date": None,
        "streak_freezes": 0,
        "max_streak_freezes": 2,
        "selected_avatar": None,
        "leaderboard_opt_out": False,
        "counters": {
            "correct_answers": 0,
            "lessons_completed": 0,
            "quizzes_completed": 0,
            "perfect_quizzes": 0,
            "high_score_quizzes": 0,
            "facts_mastered": 0,
        },
    }


def test_after_a_lesson_her_standing_shows_xp_level_progress_and_todays_streak(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)
    finish_lesson(ada, numeric_lesson(exercises=3))

    body = ada.get("/api/v1/me/standing").json()

    # 3 answers × 12, "First steps" 5, lesson 20, perfect lesson 5, "Lesson learned" 10 = 76 XP
    # (a few seconds of practice do not meet the 15-minute daily goal).
    assert (body["xp"], body["level"], body["xp_in_level"], body["level_span"]) == (76, 1, 76, 100)
    assert (body["current_streak"], body["best_streak"], body["practised_today"]) == (1, 1, True)
    assert body["counters"]["correct_answers"] == 3
    assert body["counters"]["lessons_completed"] == 1


def test_the_streak_shown_is_the_one_of_today_on_her_calendar(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    today = learner.local_now().date()
    Standing.objects.create(
        user=learner,
        current_streak=9,
        best_streak=9,
        last_active_date=today - timedelta(days=3),
        streak_freezes=1,
    )

    body = client_for(learner).get("/api/v1/me/standing").json()

    # Two days missed, one freeze: the streak has lapsed, the best stays.
    assert (body["current_streak"], body["best_streak"]) == (0, 9)
    Standing.objects.filter(user=learner).update(streak_freezes=2)
    assert client_for(learner).get("/api/v1/me/standing").json()["current_streak"] == 9


def test_the_standing_costs_the_same_few_queries_however_much_she_has_done(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)
    fresh, _ = queries_for(ada, "/api/v1/me/standing")
    for n in range(30):
        grant(learner, 7, n)
    ada.post("/api/v1/me/avatar", {"avatar": "pi-owl"})

    busy, body = queries_for(ada, "/api/v1/me/standing")

    assert busy == fresh <= 4
    assert body["selected_avatar"]["code"] == "pi-owl"


def test_xp_history_lists_her_ledger_newest_first_in_pages(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    start = timezone.now() - timedelta(days=30)
    for n in range(25):
        XPEvent.objects.create(
            user=learner,
            amount=n + 1,
            reason="answer",
            source_type="attempt",
            source_id=n,
            created_at=start + timedelta(days=n),
        )
    grant(UserFactory(), 50, 1)  # someone else's

    ada = client_for(learner)
    first = ada.get("/api/v1/me/xp").json()
    second = ada.get(first["next"]).json()

    assert first["count"] == 25
    assert [e["amount"] for e in first["results"]] == list(range(25, 5, -1))
    assert [e["amount"] for e in second["results"]] == [5, 4, 3, 2, 1]
    assert first["results"][0]["reason_label"] == "Right answer"


def test_achievements_list_earned_and_locked_with_progress(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)
    finish_lesson(ada, numeric_lesson(exercises=3))

    body = ada.get("/api/v1/me/achievements").json()
    rows = {a["code"]: a for a in body["achievements"]}

    assert (body["earned"], body["total"]) == (2, 19)
    assert (rows["first-steps"]["earned"], rows["lesson-learned"]["earned"]) == (True, True)
    assert (rows["century"]["progress"], rows["century"]["threshold"]) == (3, 100)
    assert rows["century"]["earned_at"] is None
    assert rows["on-a-roll"]["grants_streak_freeze"] is True
    assert rows["on-a-roll"]["unlocks_avatar"] == "sigma-fox"
    assert sum(a["name"] == "Hidden achievement" for a in body["achievements"]) == 4


def test_achievements_cost_the_same_queries_however_many_are_earned(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)
    none_earned, _ = queries_for(ada, "/api/v1/me/achievements")
    Standing.objects.create(
        user=learner, correct_answers=5000, quizzes_completed=50, perfect_quizzes=50
    )
    achievements_check(
        user=learner,
        criteria={"correct_answers", "quiz_completed", "perfect_quiz", "high_score_quiz"},
    )
    assert UserAchievement.objects.filter(user=learner).count() >= 6

    many_earned, _ = queries_for(ada, "/api/v1/me/achievements")

    assert many_earned == none_earned <= 5


def test_a_parent_reads_her_linked_learners_standing_and_achievements(
    learner: User, parent: User, client_for: Callable[[User], APIClient]
) -> None:
    link_parent(parent=parent, learner=learner)
    grant(learner, 130, 1)
    grace = client_for(parent)

    standing = grace.get(f"/api/v1/me/standing?learner={learner.pk}").json()
    achievements = grace.get(f"/api/v1/me/achievements?learner={learner.pk}")

    assert (standing["learner"], standing["xp"], standing["level"]) == (learner.pk, 130, 2)
    assert achievements.status_code == 200
    assert achievements.json()["total"] == Achievement.objects.count()


def test_a_parent_not_linked_to_the_learner_sees_nothing(
    learner: User, other_parent: User, client_for: Callable[[User], APIClient]
) -> None:
    marie = client_for(other_parent)

    for url in ("/api/v1/me/standing", "/api/v1/me/achievements"):
        assert marie.get(f"{url}?learner={learner.pk}").status_code == 404


def test_a_parent_never_changes_her_learners_avatar(
    learner: User, parent: User, client_for: Callable[[User], APIClient]
) -> None:
    link_parent(parent=parent, learner=learner)

    client_for(parent).post(f"/api/v1/me/avatar?learner={learner.pk}", {"avatar": "plus-pup"})

    assert not Standing.objects.filter(user=learner, selected_avatar__isnull=False).exists()


def test_she_can_leave_the_leaderboards_and_come_back(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)

    out = ada.patch("/api/v1/me/leaderboards", {"opt_out": True})
    shown = ada.get("/api/v1/me/standing").json()["leaderboard_opt_out"]
    back = ada.patch("/api/v1/me/leaderboards", {"opt_out": False})
    invalid = ada.patch("/api/v1/me/leaderboards", {})

    assert (out.status_code, out.json(), shown) == (200, {"opt_out": True}, True)
    assert back.json() == {"opt_out": False}
    assert invalid.status_code == 400
    assert Standing.objects.get(user=learner).leaderboard_opt_out is False


def test_the_motivation_endpoints_need_a_signed_in_user(api_client: APIClient) -> None:
    for url in ("/api/v1/me/standing", "/api/v1/me/xp", "/api/v1/leaderboards/weekly"):
        assert api_client.get(url).status_code == 401
    assert api_client.get("/api/v1/leaderboards/monthly").status_code == 404

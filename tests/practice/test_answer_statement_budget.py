"""Statements per answer through the API, exactly: the answer path at the framework floor.

The budget (ARCHITECTURE.md): at most 12 statements for a right answer mid-session, at most 25
for one that completes a lesson, never growing with her history. These tests commit for real
(`transaction=True`), as a request in production does: the answer's transaction is the
outermost one (no savepoint of the test's own around it) and the cache is live, warmed by a
learner who took the lesson before (as every question is, for every learner but the first).

What a right answer mid-session runs, one statement each: the token with its user; her session
and standing locked with her progress on the exercise and her next achievement thresholds; the
attempt; her progress; the session; the track, unit (returning what completing it needs) and
skill counters; the day's summary (returning the goal) and the learning event; the XP ledger;
the standing, which carries the XP's upserts into her leaderboard rows and the boards' counts
of learners per total as data-modifying `WITH`s on PostgreSQL (SQLite cannot write three tables
in one statement: `BOARDS` are the two more it takes for an answer that pays XP). A wrong answer
writes no XP but still moves the standing's stamp (how an answer that waited for her lock tells
that her progress, read with it, must be read again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Lesson
from gamification.levels import xp_for_level
from gamification.models import Achievement, Standing, XPEvent
from gamification.services import xp_award, xp_verify
from practice.models import PracticeSession
from tests.accounts.factories import UserFactory

from .builders import BOARD_STATEMENTS, answer_body, numeric_lesson

pytestmark = pytest.mark.django_db(transaction=True)

ClientFor = Callable[[User], APIClient]

BOARDS = BOARD_STATEMENTS
WRONG = 11
RIGHT = 12 + BOARDS
FIRST_IN_A_NEW_TRACK = 23 + BOARDS
LESSON_COMPLETED = 24 + BOARDS
LEVEL_UP_WITH_ACHIEVEMENT = 20 + BOARDS
# The transaction's own BEGIN and COMMIT, which Django logs as queries: not part of the budget.
TRANSACTION = 2


@pytest.fixture(autouse=True)
def _only_our_achievements(db: None) -> None:
    """The seeded achievements would pay at thresholds these tests do not choose."""
    Achievement.objects.all().delete()


def _start(client: APIClient, lesson: Lesson) -> int:
    response = client.post("/api/v1/sessions", {"mode": "lesson", "lesson": lesson.pk})
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def _answer(client: APIClient, session_id: int, *, right: bool = True) -> dict[str, Any]:
    body = answer_body(PracticeSession.objects.get(pk=session_id), right=right)
    response = client.post(f"/api/v1/sessions/{session_id}/answers", body)
    assert response.status_code == 201, response.json()
    return response.json()  # type: ignore[no-any-return]


def _taken_before(client_for: ClientFor, *lessons: Lesson) -> None:
    """Another learner takes the lessons first: every question of them is in the cache."""
    bob = client_for(UserFactory(username="bob"))
    for lesson in lessons:
        session_id = _start(bob, lesson)
        while PracticeSession.objects.get(pk=session_id).status == "active":
            _answer(bob, session_id)


@pytest.fixture
def ada(learner: User, client_for: ClientFor) -> APIClient:
    return client_for(learner)


def test_a_wrong_answer_mid_session(
    ada: APIClient, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    lesson = numeric_lesson(exercises=4)
    _taken_before(client_for, lesson)
    session_id = _start(ada, lesson)
    _answer(ada, session_id)
    body = answer_body(PracticeSession.objects.get(pk=session_id), right=False)

    with django_assert_num_queries(WRONG + TRANSACTION):
        response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)

    assert response.status_code == 201
    assert response.json()["correct"] is False
    assert response.json()["session"]["total"] == 5, "asked again at the end"


def test_a_right_answer_mid_session_takes_at_most_12_statements(
    ada: APIClient, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    lesson = numeric_lesson(exercises=4)
    _taken_before(client_for, lesson)
    session_id = _start(ada, lesson)
    _answer(ada, session_id)
    body = answer_body(PracticeSession.objects.get(pk=session_id))

    with django_assert_num_queries(RIGHT + TRANSACTION):
        response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)

    assert RIGHT - BOARDS <= 12  # the budget, on the production database
    assert response.status_code == 201
    assert response.json()["correct"] is True
    assert response.json()["session"]["current"]["id"] != body["exercise"]
    assert xp_verify() == []


def test_a_right_answer_of_a_practised_exercise_costs_the_same(
    ada: APIClient, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    lesson = numeric_lesson(exercises=2)
    _taken_before(client_for, lesson)
    session_id = _start(ada, lesson)
    _answer(ada, session_id, right=False)  # asked again at the end: practised by then
    _answer(ada, session_id)
    body = answer_body(PracticeSession.objects.get(pk=session_id))
    assert body["exercise"] == lesson.exercises.order_by("order").first().pk  # type: ignore[union-attr]

    with django_assert_num_queries(LESSON_COMPLETED + TRANSACTION):
        response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)

    assert response.json()["session"]["status"] == "completed"


def test_the_first_answer_in_a_new_track(
    ada: APIClient, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    first, second = numeric_lesson(exercises=2), numeric_lesson(exercises=2)
    _taken_before(client_for, first, second)
    _answer(ada, _start(ada, first))  # she has answered before: her standing is there
    session_id = _start(ada, second)
    body = answer_body(PracticeSession.objects.get(pk=session_id))

    with django_assert_num_queries(FIRST_IN_A_NEW_TRACK + TRANSACTION):
        response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)

    assert response.json()["correct"] is True


def test_an_answer_that_completes_a_lesson_takes_at_most_25_statements(
    ada: APIClient, client_for: ClientFor, learner: User, django_assert_num_queries: Any
) -> None:
    lesson = numeric_lesson(exercises=3)
    _taken_before(client_for, lesson)
    session_id = _start(ada, lesson)
    _answer(ada, session_id)
    _answer(ada, session_id)
    body = answer_body(PracticeSession.objects.get(pk=session_id))

    with django_assert_num_queries(LESSON_COMPLETED + TRANSACTION):
        response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)

    assert LESSON_COMPLETED - BOARDS <= 25
    reply = response.json()
    assert reply["session"]["status"] == "completed"
    # The answer's XP, the lesson's 20 and a perfect lesson's 5, in one ledger insert.
    assert reply["reward"]["xp"] == reply["xp"] + 20 + 5
    assert reply["reward"]["streak"] == 1
    assert Standing.objects.get(user=learner).xp == 3 * reply["xp"] + 20 + 5
    assert xp_verify() == []


def test_a_level_up_with_an_achievement(
    ada: APIClient, client_for: ClientFor, learner: User, django_assert_num_queries: Any
) -> None:
    Achievement.objects.create(
        code="level-2",
        name="Level 2",
        description="Reach level 2.",
        category=Achievement.Category.LEVELS,
        criteria=Achievement.Criteria.LEVEL_REACHED,
        threshold=2,
        xp_reward=15,
    )
    lesson = numeric_lesson(exercises=3)
    _taken_before(client_for, lesson)
    session_id = _start(ada, lesson)
    _answer(ada, session_id)
    xp_award(
        user=learner,
        amount=xp_for_level(2) - 10 - 5,
        reason=XPEvent.Reason.DAILY_GOAL,
        source_type="day",
        source_id=20260101,
    )
    body = answer_body(PracticeSession.objects.get(pk=session_id))

    with django_assert_num_queries(LEVEL_UP_WITH_ACHIEVEMENT + TRANSACTION):
        response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)

    reward = response.json()["reward"]
    assert (reward["level"], reward["leveled_up"]) == (2, True)
    assert [a["code"] for a in reward["achievements"]] == ["level-2"]
    assert reward["xp"] == response.json()["xp"] + 15
    assert Standing.objects.get(user=learner).level == 2
    assert xp_verify() == []


# --- A question whose spec is broken is skipped, never a 500 ---------------------------------


def test_a_broken_spec_is_skipped_with_a_message_and_nothing_recorded(
    ada: APIClient, learner: User, caplog: pytest.LogCaptureFixture
) -> None:
    from curriculum.models import Exercise
    from practice.models import Attempt
    from practice.services.answers import SKIPPED_MESSAGE

    lesson = numeric_lesson(exercises=2)
    session_id = _start(ada, lesson)
    broken = lesson.exercises.order_by("order").first()
    assert broken is not None
    Exercise.objects.filter(pk=broken.pk).update(answer={"value": "abc"})  # past the admin
    body = {"exercise": broken.pk, "response": "2", "response_ms": 1500}

    response = ada.post(f"/api/v1/sessions/{session_id}/answers", body)

    assert response.status_code == 200
    reply = response.json()
    assert reply["skipped"] is True
    assert reply["message"] == SKIPPED_MESSAGE
    assert reply["attempt"] is None
    assert reply["xp"] == 0
    assert reply["session"]["position"] == 1, "on to the next question"
    assert reply["session"]["current"]["id"] != broken.pk
    assert not Attempt.objects.filter(user=learner).exists()
    assert not XPEvent.objects.filter(user=learner).exists()
    assert any(
        record.levelname == "ERROR" and str(broken.pk) in record.getMessage()
        for record in caplog.records
    )
    # The next question is answered as usual.
    assert _answer(ada, session_id)["correct"] is True


def test_the_site_player_says_a_broken_question_is_skipped_and_shows_the_next(
    learner: User,
) -> None:
    from curriculum.models import Exercise
    from practice.models import Attempt
    from practice.services import session_start

    from .test_site_player import Player, text_of

    lesson = numeric_lesson(exercises=2)
    player = Player(learner, session_start(user=learner, mode="lesson", lesson=lesson))
    player.open()
    broken = lesson.exercises.order_by("order").first()
    assert broken is not None
    Exercise.objects.filter(pk=broken.pk).update(answer={})  # past the admin

    page = text_of(player.answer("2"))

    assert "This question is being fixed — it won't count. On to the next one." in page
    assert "Question 2 of 2" in page
    assert not Attempt.objects.filter(user=learner).exists()

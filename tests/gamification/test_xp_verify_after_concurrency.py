"""Answers racing on PostgreSQL leave every standing equal to the sum of its XP ledger.

Several learners answer at once, and one learner answers in many sessions at once, so that her
standing row is updated by many transactions together: XP with `F()`, the streak under a row
lock, achievements and their rewards, each grant once. Each thread uses its own connection and
gives it back when done; at most 16 run at a time (the pool holds 20).
"""

from __future__ import annotations

import pytest
from django.db.models import Sum

from accounts.models import LearnerProfile, User
from gamification.models import Standing, UserAchievement, XPEvent
from gamification.services import xp_verify
from practice.models import Attempt, PracticeSession
from practice.services import answer_submit, session_start
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.practice.builders import current, numeric_lesson, right_answer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _answer_the_whole_session(pair: tuple[int, int]) -> int:
    """Every question of one session answered right, one after another; how many."""
    user_id, session_id = pair
    user = User.objects.get(pk=user_id)
    answered = 0
    while True:
        session = PracticeSession.objects.get(pk=session_id)
        if session.status != PracticeSession.Status.ACTIVE:
            return answered
        exercise, seed = current(session)
        answer_submit(
            user=user,
            session=session,
            exercise_id=exercise.pk,
            response=right_answer(exercise, seed),
            response_ms=6000,
        )
        answered += 1


def test_racing_answers_of_many_learners_and_sessions_leave_no_xp_difference(
    seeded: None,
) -> None:
    lesson = numeric_lesson(exercises=3)
    quiz_track = numeric_lesson(exercises=2).unit.track
    busy = UserFactory(username="busy")
    others = [UserFactory(username=f"learner{n}") for n in range(6)]
    # A one-minute goal, which every learner's answers of 6 s reach while they race.
    for user in [busy, *others]:
        LearnerProfile.objects.update_or_create(user=user, defaults={"daily_goal_minutes": 1})
    # The busy learner: 24 sessions at once (lessons and quizzes); the others: 4 lessons each.
    pairs = [
        (busy.pk, session_start(user=busy, mode="lesson", lesson=lesson).pk) for _ in range(16)
    ] + [
        (busy.pk, session_start(user=busy, mode="quiz", track=quiz_track, size=2).pk)
        for _ in range(8)
    ]
    for learner in others:
        pairs += [
            (learner.pk, session_start(user=learner, mode="lesson", lesson=lesson).pk)
            for _ in range(4)
        ]

    answered = race(_answer_the_whole_session, pairs)

    assert sum(answered) == 16 * 3 + 8 * 2 + 6 * 4 * 3 == Attempt.objects.count()
    assert xp_verify() == []
    for learner in [busy, *others]:
        ledger = XPEvent.objects.filter(user=learner).aggregate(total=Sum("amount"))["total"]
        standing = Standing.objects.get(user=learner)
        assert standing.xp == ledger > 0, learner.username
        # Each grant once: one lesson completion, one day, one of each achievement.
        assert XPEvent.objects.filter(user=learner, reason="lesson_complete").count() == 1
        assert XPEvent.objects.filter(user=learner, reason="daily_goal").count() == 1
        assert (standing.current_streak, standing.lessons_completed) == (1, 1)
    assert standing.correct_answers == 12
    busy_standing = Standing.objects.get(user=busy)
    assert busy_standing.correct_answers == 16 * 3 + 8 * 2
    assert busy_standing.quizzes_completed == 8
    assert UserAchievement.objects.filter(user=busy, achievement__code="first-steps").count() == 1

"""Counts that do not inflate: a fact is newly mastered once per learner, however often it slips.

"Master 50 facts", the day's facts mastered and the session's facts mastered all count a fact
the first time the learner masters it; mastering it again after a slip counts nothing.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from analytics.models import DailySummary
from analytics.rollups import rollup_day
from curriculum.models import Exercise
from gamification.models import Achievement, Standing, UserAchievement
from practice.models import Attempt, ExerciseProgress, PracticeSession
from tests.accounts.factories import UserFactory
from tests.practice.builders import answer_current, fact_track, facts_of, quiz_over

pytestmark = pytest.mark.django_db

FAST_MS = 1500  # quick enough for mastery (under 2 s)


@pytest.fixture
def two_facts(db: None) -> list[Exercise]:
    return facts_of(fact_track([(6, 7), (7, 8)]))


@pytest.fixture
def master_two_facts(db: None) -> Achievement:
    """A small "Master 50 facts", so that the test can reach it."""
    return Achievement.objects.create(
        code="master-two",
        name="Master two facts",
        description="Master two facts.",
        category=Achievement.Category.ARITHMETIC,
        criteria=Achievement.Criteria.FACTS_MASTERED,
        threshold=2,
    )


def answered(learner: User, fact: Exercise, *rights: bool) -> PracticeSession:
    """A session in which she answers this fact, right or wrong, quickly, in this order."""
    session = quiz_over(learner, [fact] * len(rights))
    for right in rights:
        answer_current(learner, session, right=right, response_ms=FAST_MS)
    session.refresh_from_db()
    return session


def facts_mastered_today(learner: User) -> int:
    return DailySummary.objects.get(user=learner, date=learner.local_now().date()).facts_mastered


def test_a_fact_mastered_again_after_slipping_is_not_newly_mastered_again(
    learner: User, two_facts: list[Exercise], master_two_facts: Achievement
) -> None:
    fact = two_facts[0]
    first = answered(learner, fact, *[True] * 5)
    progress = ExerciseProgress.objects.get(user=learner, exercise=fact)
    assert progress.fluency_level == "mastered"
    first_mastered_at = progress.first_mastered_at
    assert first_mastered_at is not None

    # Two slips take it down the ladder; five right answers bring it back to mastered.
    again = answered(learner, fact, False, False, *[True] * 5)

    progress.refresh_from_db()
    assert progress.fluency_level == "mastered"
    assert progress.first_mastered_at == first_mastered_at
    assert (first.facts_mastered, again.facts_mastered) == (1, 0)
    assert Attempt.objects.filter(user=learner, newly_mastered=True).count() == 1
    assert Standing.objects.get(user=learner).facts_mastered == 1
    assert facts_mastered_today(learner) == 1
    assert not UserAchievement.objects.filter(user=learner, achievement=master_two_facts).exists()


def test_a_second_fact_counts_and_earns_the_achievement(
    learner: User, two_facts: list[Exercise], master_two_facts: Achievement
) -> None:
    answered(learner, two_facts[0], *[True] * 5)
    answered(learner, two_facts[0], False, *[True] * 5)

    second = answered(learner, two_facts[1], *[True] * 5)

    assert second.facts_mastered == 1
    assert Standing.objects.get(user=learner).facts_mastered == 2
    assert facts_mastered_today(learner) == 2
    assert UserAchievement.objects.filter(user=learner, achievement=master_two_facts).exists()


def test_the_rollup_counts_facts_mastered_as_the_answers_did(
    learner: User, two_facts: list[Exercise]
) -> None:
    answered(learner, two_facts[0], *[True] * 5)
    answered(learner, two_facts[0], False, False, *[True] * 5)

    assert rollup_day(day=learner.local_now().date()) == 0, "nothing to correct"
    assert facts_mastered_today(learner) == 1


def test_each_learner_masters_a_fact_for_herself(learner: User, two_facts: list[Exercise]) -> None:
    brother = UserFactory(username="tom")
    answered(learner, two_facts[0], *[True] * 5)

    answered(brother, two_facts[0], *[True] * 5)

    assert Standing.objects.get(user=brother).facts_mastered == 1
    assert Attempt.objects.filter(newly_mastered=True).count() == 2

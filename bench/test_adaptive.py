"""Adaptive plans hit the target success rate; fixed plans do not.

`make bench` runs it. A simulated population: 200 learners whose true abilities are known,
taking quizzes on one track of 120 exercises whose (calibrated) difficulties spread from very
easy to very hard. Every quiz is planned by the real `session_start`: for half the learners
with adaptive learning on, for the other half (the same abilities) off, today's shuffled quiz.
Each learner answers
each question right with the Elo model's probability for her true ability (a seeded RNG), and
her estimated ability moves by the answer path's rule (`adaptive.elo_update`, K = 24) and is
stored in her real `SkillRating`, which the next plan reads. Success is counted after a few
warm-up quizzes (every learner starts at the default rating), per band of true ability; a fixed
plan does not read the rating, so the fixed half skips the warm-up (it would change nothing,
and the run stays under a minute).

The assertion: adaptive plans land within ±5 points of the 80 % target overall and in every
band; fixed plans miss it overall and in most bands (too hard for the weak, too easy for the
strong).
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db.models import F

from accounts.models import LearnerProfile, User
from curriculum.models import Exercise
from practice.models import SkillRating
from practice.services import session_start
from practice.services import sessions as session_services
from practice.services.adaptive import DEFAULT_RATING, TARGET_SUCCESS, elo_update, predicted_success
from tests.curriculum.factories import LessonFactory

LEARNERS = 100  # per arm: 100 with adaptive plans, 100 of the same abilities with fixed plans
QUIZZES = 20
QUESTIONS = 10
WARM_UP = 8  # quizzes before success is counted: everyone starts at the default rating
POOL = 120
EASIEST, HARDEST = 300.0, 1500.0
TOLERANCE = 0.05
BANDS = ((0, 850), (850, 1000), (1000, 1150), (1150, 10_000))


class Dice:
    """Stands in for `secrets` in the session service, seeded, so every run plans the same."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def token_hex(self, nbytes: int = 32) -> str:
        return self.rng.randbytes(nbytes).hex()

    def randbits(self, k: int) -> int:
        return self.rng.getrandbits(k)


@dataclass
class Learner:
    user: User
    ability: float  # true, known to the simulation only
    estimate: float = DEFAULT_RATING
    counted: list[bool] = field(default_factory=list)

    @property
    def success(self) -> float:
        return sum(self.counted) / len(self.counted)


def _population(arm: str, abilities: list[float], *, adaptive: bool) -> list[Learner]:
    users = User.objects.bulk_create(
        User(username=f"sim-{arm}-{n}", email=f"sim-{arm}-{n}@example.org", password="!")  # noqa: S106
        for n in range(len(abilities))
    )
    LearnerProfile.objects.bulk_create(
        LearnerProfile(user=user, adaptive_learning=adaptive) for user in users
    )
    return [
        Learner(user=user, ability=ability) for user, ability in zip(users, abilities, strict=True)
    ]


def _play(
    learners: list[Learner],
    track: Any,
    difficulty: dict[int, float],
    rng: random.Random,
    *,
    warm_up: int = WARM_UP,
) -> None:
    ratings = {
        row.user_id: row
        for row in SkillRating.objects.bulk_create(
            SkillRating(user=learner.user, track=track, rating=DEFAULT_RATING)
            for learner in learners
        )
    }
    for quiz in range(WARM_UP - warm_up, QUIZZES):
        for learner in learners:
            session = session_start(user=learner.user, mode="quiz", track=track, size=QUESTIONS)
            for item in session.plan:
                hard = difficulty[item["exercise"]]
                right = rng.random() < predicted_success(ability=learner.ability, difficulty=hard)
                learner.estimate = elo_update(
                    ability=learner.estimate, difficulty=hard, score=float(right)
                )
                if quiz >= WARM_UP:
                    learner.counted.append(right)
            SkillRating.objects.filter(pk=ratings[learner.user.pk].pk).update(
                rating=learner.estimate, answers=F("answers") + len(session.plan)
            )


def _band(learners: list[Learner], low: float, high: float) -> list[Learner]:
    return [learner for learner in learners if low <= learner.ability < high]


def _overall(learners: list[Learner]) -> float:
    answers = [right for learner in learners for right in learner.counted]
    return sum(answers) / len(answers)


@pytest.mark.django_db
def test_adaptive_plans_hit_the_target_success_rate_and_fixed_plans_do_not(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = time.perf_counter()
    rng = random.Random(2026)
    monkeypatch.setattr(session_services, "secrets", Dice(random.Random(10)))
    lesson = LessonFactory()
    track = lesson.unit.track
    exercises = Exercise.objects.bulk_create(
        Exercise(
            lesson=lesson,
            order=n + 1,
            kind=Exercise.Kind.NUMERIC,
            status="published",
            prompt=f"Question {n + 1}",
            answer={"value": n + 1},
            difficulty_rating=round(EASIEST + (HARDEST - EASIEST) * n / (POOL - 1), 2),
        )
        for n in range(POOL)
    )
    difficulty = {e.pk: e.difficulty_rating for e in exercises}
    abilities = [min(1350.0, max(650.0, rng.gauss(1000, 180))) for _ in range(LEARNERS)]
    adaptive = _population("adaptive", abilities, adaptive=True)
    fixed = _population("fixed", abilities, adaptive=False)

    _play(adaptive, track, difficulty, rng)
    _play(fixed, track, difficulty, rng, warm_up=0)
    elapsed = time.perf_counter() - started

    rows = []
    for low, high in BANDS:
        rows.append(
            (
                f"{low:.0f}–{high:.0f}" if high < 10_000 else f"{low:.0f}+",
                len(_band(adaptive, low, high)),
                _overall(_band(fixed, low, high)),
                _overall(_band(adaptive, low, high)),
            )
        )
    rows.append(("all", LEARNERS, _overall(fixed), _overall(adaptive)))
    spread_fixed = statistics.mean(abs(learner.success - TARGET_SUCCESS) for learner in fixed)
    spread_adaptive = statistics.mean(abs(learner.success - TARGET_SUCCESS) for learner in adaptive)
    with capsys.disabled():
        print(
            f"\nAdaptive selection, {2 * LEARNERS} simulated learners ({LEARNERS} per arm), "
            f"{QUIZZES} quizzes of {QUESTIONS} (success counted after {WARM_UP}), "
            f"target {TARGET_SUCCESS:.0%}, {elapsed:.1f} s"
        )
        print(f"{'true ability':>14} {'learners':>9} {'fixed':>8} {'adaptive':>9}")
        for band, count, fixed_rate, adaptive_rate in rows:
            print(f"{band:>14} {count:>9} {fixed_rate:>8.1%} {adaptive_rate:>9.1%}")
        print(
            f"{'mean |learner − target|':>24}: fixed {spread_fixed:.1%}, "
            f"adaptive {spread_adaptive:.1%}"
        )

    for band, _, _, adaptive_rate in rows:
        assert abs(adaptive_rate - TARGET_SUCCESS) <= TOLERANCE, (band, adaptive_rate)
    missed = [
        band for band, _, fixed_rate, _ in rows if abs(fixed_rate - TARGET_SUCCESS) > TOLERANCE
    ]
    assert "all" in missed
    assert len(missed) >= len(BANDS), missed  # every band but at most one, and overall
    assert spread_adaptive < TOLERANCE < spread_fixed

"""Choosing what comes next, and calibrating exercise difficulty from everyone's answers.

The model is Elo's: a learner's ability on a track (`SkillRating`) against an exercise's
difficulty predicts her chance of answering it right. Adaptive plans pick what she answers
right about four times in five (`TARGET_SUCCESS`, as Duolingo's Birdbrain aims): hard enough to
learn from, easy enough to keep going. The functions at the top are pure, so the plans of
`sessions` and the benchmark under `bench/` use the very same rules.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, FilteredRelation, Q, QuerySet

from accounts.models import LearnerProfile, User
from curriculum import grading
from curriculum.grading.errors import SpecError, TemplateError
from curriculum.models import Exercise, Track
from curriculum.selectors import published_exercises

from .. import selectors
from ..models import Attempt, SkillRating

TARGET_SUCCESS = 0.8
DEFAULT_RATING = 1000.0
ELO_K = 24.0
# An exercise nobody has answered enough yet keeps the default rating; until calibration moves
# it, its author's difficulty (1 introductory … 5 challenging) stands in for it.
AUTHORED_STEP = 150.0
# A prior of this many virtual answers at the current rating keeps rarely-answered items steady.
CALIBRATION_PRIOR = 10
MIN_ANSWERS = 5
# A quiz draws its questions at random from this many times as many nearest the target, so
# that two quizzes at the same ability are not the same quiz.
QUIZ_WINDOW = 2
# Candidate seeds tried when looking for an easier or a harder variant of an exercise.
VARIANT_TRIES = 40


def predicted_success(*, ability: float, difficulty: float) -> float:
    return 1.0 / (1.0 + 10 ** ((difficulty - ability) / 400.0))


def elo_update(*, ability: float, difficulty: float, score: float, k: float = ELO_K) -> float:
    """The ability after one answer scored 0–1 (the answer path's rule)."""
    return ability + k * (score - predicted_success(ability=ability, difficulty=difficulty))


def exercise_difficulty(*, rating: float, authored: int) -> float:
    """The Elo difficulty plans use: the calibrated rating, or the author's level until then."""
    if rating != DEFAULT_RATING:
        return rating
    return DEFAULT_RATING + AUTHORED_STEP * (authored - 2)


@dataclass(frozen=True)
class Candidate:
    """An exercise a plan may ask, with what choosing needs to know about it."""

    exercise: int
    difficulty: float
    track: int
    due_at: datetime | None = None
    attempts: int = 0
    mastery: float = 0.0


def distance(candidate: Candidate, abilities: Mapping[int, float]) -> float:
    ability = abilities.get(candidate.track, DEFAULT_RATING)
    return abs(predicted_success(ability=ability, difficulty=candidate.difficulty) - TARGET_SUCCESS)


def rank_by_target(
    candidates: Sequence[Candidate], *, abilities: Mapping[int, float]
) -> list[Candidate]:
    """Nearest the target success first; ties keep the order they came in (stable)."""
    return sorted(candidates, key=lambda c: distance(c, abilities))


def sample_near_target(
    candidates: Sequence[Candidate],
    *,
    abilities: Mapping[int, float],
    count: int,
    rng: random.Random,
) -> list[Candidate]:
    """`count` of the candidates nearest the target, drawn at random from a window around it."""
    ranked = rank_by_target(candidates, abilities=abilities)
    window = ranked[: max(count * QUIZ_WINDOW, count + 4)]
    return rng.sample(window, min(count, len(window)))


def candidates_for(*, user: User, exercises: QuerySet[Exercise]) -> list[Candidate]:
    """The published exercises with the learner's progress on each: one query, path order."""
    rows = (
        published_exercises(exercises)
        .annotate(mine=FilteredRelation("progress", condition=Q(progress__user=user)))
        .order_by("lesson__unit__order", "lesson__order", "order", "pk")
        .values_list(
            "pk",
            "difficulty_rating",
            "difficulty",
            "lesson__unit__track_id",
            "mine__due_at",
            "mine__attempts",
            "mine__mastery",
        )
    )
    return [
        Candidate(
            exercise=pk,
            difficulty=exercise_difficulty(rating=rating, authored=authored),
            track=track_id,
            due_at=due_at,
            attempts=attempts or 0,
            mastery=mastery or 0.0,
        )
        for pk, rating, authored, track_id, due_at, attempts, mastery in rows
    ]


def abilities_of(*, user: User, track_ids: Iterable[int] | None = None) -> dict[int, float]:
    """The learner's ability per track (one query); a track she has not answered is absent."""
    ratings = SkillRating.objects.filter(user=user)
    if track_ids is not None:
        ratings = ratings.filter(track_id__in=list(track_ids))
    return dict(ratings.values_list("track_id", "rating"))


def is_due(candidate: Candidate, *, now: datetime) -> bool:
    return candidate.due_at is not None and candidate.due_at <= now


# --- Variants of parametrised exercises --------------------------------------------------------


def variant_size(values: Mapping[str, int]) -> int:
    """How big a variant's numbers are: bigger numbers make the same exercise harder."""
    return sum(abs(value) for value in values.values())


def variant_seed(parameters: Mapping[str, Any], seed: str, *, easier: bool) -> str | None:
    """A seed for another variant of the exercise, with smaller numbers or larger ones.

    Deterministic: the candidates are derived from the first seed, so a reload plans the same.
    None when the exercise has no parameters, or no other variant as small (or as large).
    """
    if not parameters:
        return None
    try:
        first = grading.variant_for(parameters, seed)
        options = []
        for n in range(1, VARIANT_TRIES + 1):
            candidate = f"{seed}:{'easier' if easier else 'harder'}{n}"
            values = grading.variant_for(parameters, candidate)
            if values != first:
                options.append((variant_size(values), n, candidate))
    except (SpecError, TemplateError):
        return None
    size = variant_size(first)
    if easier:
        smaller = [option for option in options if option[0] <= size]
        return min(smaller)[2] if smaller else None
    larger = [option for option in options if option[0] >= size]
    return max(larger, key=lambda option: (option[0], -option[1]))[2] if larger else None


def retry_seed(
    *, parameters: Mapping[str, Any], seed: str, ability: float, difficulty: float
) -> str | None:
    """The variant a lesson asks again after a wrong answer.

    Easier when she was expected to struggle (predicted success under the target); when the
    slip was unexpected, an equal or harder variant, so that the answer just shown is not
    simply copied back.
    """
    easier = predicted_success(ability=ability, difficulty=difficulty) < TARGET_SUCCESS
    return variant_seed(parameters, seed, easier=easier)


# --- What comes next on a track -------------------------------------------------------------


def next_exercises(*, user: User, track: Track, count: int = 10) -> list[int]:
    """Due reviews first, then new exercises whose predicted success is nearest the target.

    Respects the learner's settings: without spaced repetition nothing is "due"; without
    adaptive learning new exercises come in path order.
    """
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    published = published_exercises(Exercise.objects.filter(lesson__unit__track=track))
    need = selectors.exercises_by_need(user=user, exercises=published)
    chosen = need.due[:count] if profile.spaced_repetition else []
    fresh = published.filter(pk__in=need.unseen)
    if profile.adaptive_learning:
        ability = (
            SkillRating.objects.filter(user=user, track=track)
            .values_list("rating", flat=True)
            .first()
            or DEFAULT_RATING
        )
        ranked = sorted(
            fresh.values_list("pk", "difficulty_rating", "difficulty"),
            key=lambda row: (
                abs(
                    predicted_success(
                        ability=ability,
                        difficulty=exercise_difficulty(rating=row[1], authored=row[2]),
                    )
                    - TARGET_SUCCESS
                ),
                row[0],
            ),
        )
        fresh_ids = [pk for pk, _, _ in ranked]
    else:
        fresh_ids = list(
            fresh.order_by("lesson__unit__order", "lesson__order", "order").values_list(
                "pk", flat=True
            )
        )
    return (chosen + fresh_ids)[:count]


@transaction.atomic
def difficulty_calibrate(*, min_answers: int = MIN_ANSWERS) -> int:
    """Set each exercise's Elo difficulty from its share of right answers (batch, set-based).

    The rating that predicts the observed success rate for an average learner, shrunk towards
    the default rating by a prior so that a few answers cannot swing it. The prior is fixed,
    not the current rating: shrinking towards the last result would move every rating again
    on each run with no new answers. Returns how many exercises changed.
    """
    stats = (
        Attempt.objects.values("exercise_id")
        .annotate(n=Count("pk"), right=Count("pk", filter=Q(is_correct=True)))
        .filter(n__gte=min_answers)
    )
    abilities = SkillRating.objects.aggregate(mean=Avg("rating"))["mean"] or DEFAULT_RATING
    by_id = {row["exercise_id"]: row for row in stats}
    changed = []
    for exercise in Exercise.objects.filter(pk__in=by_id).only("pk", "difficulty_rating"):
        row = by_id[exercise.pk]
        # Smoothed success rate, kept inside (0, 1) so the logit stays finite.
        rate = (row["right"] + 0.5) / (row["n"] + 1.0)
        observed = abilities - 400.0 * math.log10(rate / (1.0 - rate))
        weight = row["n"] / (row["n"] + CALIBRATION_PRIOR)
        new = round(weight * observed + (1 - weight) * DEFAULT_RATING, 2)
        if abs(new - exercise.difficulty_rating) >= 0.01:
            exercise.difficulty_rating = new
            changed.append(exercise)
    Exercise.objects.bulk_update(changed, ["difficulty_rating"], batch_size=500)
    return len(changed)

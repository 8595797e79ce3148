"""Choosing what comes next, and calibrating exercise difficulty from everyone's answers."""

from __future__ import annotations

import math

from django.db import transaction
from django.db.models import Avg, Count, Q

from accounts.models import LearnerProfile, User
from curriculum.models import Exercise, Track
from curriculum.selectors import published_exercises

from .. import selectors
from ..models import Attempt, SkillRating

TARGET_SUCCESS = 0.8
DEFAULT_RATING = 1000.0
# A prior of this many virtual answers at the current rating keeps rarely-answered items steady.
CALIBRATION_PRIOR = 10
MIN_ANSWERS = 5


def predicted_success(*, ability: float, difficulty: float) -> float:
    return 1.0 / (1.0 + 10 ** ((difficulty - ability) / 400.0))


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
            fresh.values_list("pk", "difficulty_rating"),
            key=lambda row: (
                abs(predicted_success(ability=ability, difficulty=row[1]) - TARGET_SUCCESS),
                row[0],
            ),
        )
        fresh_ids = [pk for pk, _ in ranked]
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

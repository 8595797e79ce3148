"""Learner statistics and item analysis, recomputed in batch from the records.

`statistics_refresh` rewrites `UserStatistics` (hourly, and for one learner on demand);
`exercise_stats_compute` rewrites `ExerciseStats` (nightly). Both aggregate in the database,
a batch of learners (or all exercises) per query, and upsert the results.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Avg, Count, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from curriculum.models import Exercise
from practice.models import Attempt, ExerciseProgress, FluencyLevel, TrackProgress

from .models import DailySummary, ExerciseStats, UserStatistics

BATCH_SIZE = 500
# Kelley's groups: the strongest and the weakest 27 % of the learners who answered the item.
DISCRIMINATION_GROUP = 0.27
# Fewer learners than this give a discrimination index that is mostly noise: none is stored.
MIN_LEARNERS_FOR_DISCRIMINATION = 10

USER_FIELDS = (
    "questions",
    "correct",
    "average_response_ms",
    "facts_by_fluency",
    "by_operation",
    "seconds_today",
    "seconds_this_week",
    "seconds_this_month",
    "refreshed_at",
)
EXERCISE_FIELDS = (
    "attempts",
    "learners",
    "share_correct",
    "average_response_ms",
    "average_hints",
    "discrimination",
    "computed_at",
)


# --------------------------------------------------------------------------------------------
# Learner statistics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """A learner's today, this week (from Monday) and this month, on her own calendar."""

    today: date

    @property
    def week_start(self) -> date:
        return self.today - timedelta(days=self.today.weekday())

    @property
    def month_start(self) -> date:
        return self.today.replace(day=1)

    @property
    def first(self) -> date:
        return min(self.week_start, self.month_start)


def statistics_refresh(
    *, user_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    """Recompute the statistics of these users (all who practise, without ids); returns how many.

    Users are taken a time zone at a time (their "today" is the same date) and in batches, so
    every query is a GROUP BY over a bounded set of learners.
    """
    moment = now or timezone.now()
    users = User.objects.all()
    if user_ids is None:
        users = users.filter(
            Q(role=User.Role.LEARNER) | Q(pk__in=Attempt.objects.values("user_id"))
        )
    else:
        users = users.filter(pk__in=list(user_ids))
    by_zone: dict[str, list[int]] = defaultdict(list)
    for user_id, zone in users.order_by("pk").values_list("pk", "timezone").iterator():
        by_zone[zone].append(user_id)
    refreshed = 0
    for zone, ids in by_zone.items():
        periods = Periods(today=moment.astimezone(ZoneInfo(zone)).date())
        for batch in _batches(ids, BATCH_SIZE):
            refreshed += _statistics_write(batch, periods=periods, at=moment)
    return refreshed


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _statistics_write(user_ids: list[int], *, periods: Periods, at: datetime) -> int:
    totals = {
        row["user_id"]: row
        for row in Attempt.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(
            questions=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            average_ms=Avg("response_ms"),
        )
        .order_by()
    }
    fluency: dict[int, dict[str, int]] = defaultdict(_fluency_ladder)
    for row in (
        ExerciseProgress.objects.filter(user_id__in=user_ids, exercise__kind=Exercise.Kind.FACT)
        .values("user_id", "fluency_level")
        .annotate(facts=Count("pk"))
        .order_by()
    ):
        fluency[row["user_id"]][row["fluency_level"]] = row["facts"]
    by_operation: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in (
        Attempt.objects.filter(user_id__in=user_ids)
        .exclude(exercise__operation="")
        .values("user_id", "exercise__operation")
        .annotate(questions=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
        .order_by()
    ):
        by_operation[row["user_id"]][row["exercise__operation"]] = {
            "questions": row["questions"],
            "correct": row["correct"],
        }
    practised = {
        row["user_id"]: row
        for row in DailySummary.objects.filter(
            user_id__in=user_ids, date__gte=periods.first, date__lte=periods.today
        )
        .values("user_id")
        .annotate(
            today=Sum("practised_ms", filter=Q(date=periods.today), default=0),
            week=Sum("practised_ms", filter=Q(date__gte=periods.week_start), default=0),
            month=Sum("practised_ms", filter=Q(date__gte=periods.month_start), default=0),
        )
        .order_by()
    }
    rows = []
    for user_id in user_ids:
        total = totals.get(user_id, {})
        time_spent = practised.get(user_id, {})
        average = total.get("average_ms")
        rows.append(
            UserStatistics(
                user_id=user_id,
                questions=total.get("questions", 0),
                correct=total.get("correct", 0),
                average_response_ms=round(average) if average is not None else None,
                facts_by_fluency=fluency[user_id],
                by_operation=by_operation[user_id],
                seconds_today=int(time_spent.get("today", 0)) // 1000,
                seconds_this_week=int(time_spent.get("week", 0)) // 1000,
                seconds_this_month=int(time_spent.get("month", 0)) // 1000,
                refreshed_at=at,
            )
        )
    UserStatistics.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["user"], update_fields=list(USER_FIELDS)
    )
    return len(rows)


def _fluency_ladder() -> dict[str, int]:
    """Every rung, so that a chart has the same bars for everyone (facts never seen: none)."""
    return dict.fromkeys(FluencyLevel.values, 0)


# --------------------------------------------------------------------------------------------
# Item analysis
# --------------------------------------------------------------------------------------------


@transaction.atomic
def exercise_stats_compute(*, now: datetime | None = None) -> int:
    """Item analysis of every exercise with attempts; returns how many were written.

    Counts, share right, average time and hints are one GROUP BY over the attempts. The
    discrimination index is Kelley's upper–lower index: the learners who answered the exercise
    are ranked by their overall accuracy on its track (`TrackProgress`: every answer they gave on
    the track, this one included), and the index is the share right among the strongest 27 %
    minus the share right among the weakest 27 %, each learner counted by her *first* try (later
    tries follow the shown explanation and measure memory, not ability). It needs a ranking per
    exercise, which SQL can give (window functions) but the ORM cannot aggregate over, so the
    first tries are streamed ordered by exercise and split in Python, one exercise in memory at a
    time. With fewer than `MIN_LEARNERS_FOR_DISCRIMINATION` learners it is left empty.
    """
    moment = now or timezone.now()
    discrimination = dict(_discrimination_indexes())
    rows = [
        ExerciseStats(
            exercise_id=row["exercise_id"],
            attempts=row["attempts"],
            learners=row["learners"],
            share_correct=row["right"] / row["attempts"],
            average_response_ms=round(row["average_ms"]),
            average_hints=float(row["average_hints"]),
            discrimination=discrimination.get(row["exercise_id"]),
            computed_at=moment,
        )
        for row in Attempt.objects.values("exercise_id")
        .annotate(
            attempts=Count("pk"),
            learners=Count("user_id", distinct=True),
            right=Count("pk", filter=Q(is_correct=True)),
            average_ms=Avg("response_ms"),
            average_hints=Avg("hints_used"),
        )
        .order_by()
    ]
    # An exercise whose attempts are all gone (deleted learners) has no statistics any more.
    ExerciseStats.objects.exclude(exercise__in=Attempt.objects.values("exercise_id")).delete()
    ExerciseStats.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["exercise"],
        update_fields=list(EXERCISE_FIELDS),
        batch_size=BATCH_SIZE,
    )
    return len(rows)


def _discrimination_indexes() -> Iterator[tuple[int, float]]:
    ability = (
        TrackProgress.objects.filter(
            user=OuterRef("user"), track=OuterRef("exercise__lesson__unit__track")
        )
        .exclude(attempts=0)
        .annotate(accuracy=Cast("correct", FloatField()) / F("attempts"))
        .values("accuracy")[:1]
    )
    first_tries = (
        Attempt.objects.filter(attempt_number=1)
        .annotate(ability=Subquery(ability, output_field=FloatField()))
        .order_by("exercise_id")
        .values_list("exercise_id", "user_id", "is_correct", "ability")
    )
    for exercise_id, answers in groupby(first_tries.iterator(chunk_size=5000), key=_exercise):
        index = upper_lower_index(
            [(ability or 0.0, user_id, correct) for _, user_id, correct, ability in answers]
        )
        if index is not None:
            yield exercise_id, index


def _exercise(row: tuple[Any, ...]) -> int:
    return int(row[0])


def upper_lower_index(answers: list[tuple[float, int, bool]]) -> float | None:
    """Share right in the top 27 % minus in the bottom 27 % of (ability, learner, right) rows.

    Ties in ability are broken by learner id, so the split is the same on every run.
    """
    if len(answers) < MIN_LEARNERS_FOR_DISCRIMINATION:
        return None
    ranked = sorted(answers, key=lambda answer: (-answer[0], answer[1]))
    size = max(1, math.floor(len(ranked) * DISCRIMINATION_GROUP + 0.5))
    upper = sum(right for _, _, right in ranked[:size]) / size
    lower = sum(right for _, _, right in ranked[-size:]) / size
    return round(upper - lower, 4)

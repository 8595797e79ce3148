"""Learner statistics and item analysis, recomputed in batch.

`statistics_refresh` rewrites `UserStatistics` (hourly for the learners whose numbers changed,
and for one learner on demand) from her summaries and progress rows; `exercise_stats_compute`
rewrites `ExerciseStats` (nightly) from the attempts. Both aggregate in the database, a batch of
learners (or all exercises) per query, and upsert the results.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from curriculum.models import Exercise
from practice.models import Attempt, ExerciseProgress, FluencyLevel, TrackProgress

from .models import DailySummary, ExerciseStats, StatisticsMark, UserStatistics
from .rollups import local_midnight

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
    "stale_at",
)
# How far back the hourly run reads past its last mark (an answer's transaction is far shorter).
LATE_COMMIT_MARGIN = timedelta(minutes=10)
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

    @property
    def next_week_start(self) -> date:
        return self.week_start + timedelta(days=7)

    @property
    def next_month_start(self) -> date:
        return (self.month_start + timedelta(days=32)).replace(day=1)


def statistics_refresh(
    *, user_ids: Iterable[int] | None = None, everyone: bool = False, now: datetime | None = None
) -> int:
    """Recompute the statistics of these users, or of those whose numbers changed; returns how many.

    With `user_ids`, those users (on demand). With `everyone`, every learner and everyone who
    practised (a full recompute). Otherwise — the hourly run — only the users whose numbers may
    have changed since the last run (`StatisticsMark`): those who answered since (a range scan of
    the attempts' `created_at`), those whose summaries the rollup rewrote (`updated_at`), those
    whose today, week or month has turned over (`stale_at`) and the learners who signed up. The
    first hourly run, with no mark yet, is a full recompute.

    Every number comes from the learner's summaries and progress rows, never from her attempts,
    and is what a full recompute gives at the same instant: nothing else changes a learner's
    statistics. (A learner who moves to another time zone is refreshed with her next answer or
    turn of the day.)
    """
    moment = now or timezone.now()
    if user_ids is not None:
        users = User.objects.filter(pk__in=list(user_ids))
        return _users_refresh(users.values_list("pk", "timezone"), at=moment)
    mark = StatisticsMark.objects.filter(pk=StatisticsMark.ONE).first()
    last_user_id = User.objects.aggregate(last=Max("pk"))["last"] or 0
    if everyone or mark is None:
        users = User.objects.filter(
            Q(role=User.Role.LEARNER)
            | Exists(DailySummary.objects.filter(user=OuterRef("pk")))
            | Exists(ExerciseProgress.objects.filter(user=OuterRef("pk")))
        )
        refreshed = _users_refresh(users.values_list("pk", "timezone").iterator(), at=moment)
    else:
        changed = sorted(_changed_since(mark, at=moment))
        zones = itertools.chain.from_iterable(
            User.objects.filter(pk__in=batch).values_list("pk", "timezone")
            for batch in _batches(changed, BATCH_SIZE)
        )
        refreshed = _users_refresh(zones, at=moment)
    # Answers are stamped when their transaction starts and seen when it commits: the next run
    # reads a margin back, so that one committed just after this run's read is not missed.
    until = moment - LATE_COMMIT_MARGIN
    if mark is not None:
        until, last_user_id = max(until, mark.until), max(last_user_id, mark.last_user_id)
    StatisticsMark.objects.update_or_create(
        pk=StatisticsMark.ONE, defaults={"until": until, "last_user_id": last_user_id}
    )
    return refreshed


def _changed_since(mark: StatisticsMark, *, at: datetime) -> set[int]:
    """The users whose statistics may differ from what was stored for them; each an index scan."""
    answered = Attempt.objects.filter(created_at__gte=mark.until).values_list("user_id", flat=True)
    rewritten = DailySummary.objects.filter(updated_at__gte=mark.until).values_list(
        "user_id", flat=True
    )
    turned_over = UserStatistics.objects.filter(stale_at__lte=at).values_list("user_id", flat=True)
    joined = User.objects.filter(pk__gt=mark.last_user_id, role=User.Role.LEARNER).values_list(
        "pk", flat=True
    )
    return {
        *answered.distinct().order_by(),
        *rewritten.distinct().order_by(),
        *turned_over,
        *joined,
    }


def _users_refresh(zones: Iterable[tuple[int, str]], *, at: datetime) -> int:
    """Users (id, time zone) are taken a zone at a time (their "today" is the same date) and in
    batches, so every query is a GROUP BY over a bounded set of learners."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for user_id, zone in zones:
        by_zone[zone].append(user_id)
    refreshed = 0
    for zone, ids in by_zone.items():
        periods = Periods(today=at.astimezone(ZoneInfo(zone)).date())
        for batch in _batches(sorted(ids), BATCH_SIZE):
            refreshed += _statistics_write(batch, zone=zone, periods=periods, at=at)
    return refreshed


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _statistics_write(user_ids: list[int], *, zone: str, periods: Periods, at: datetime) -> int:
    """One batch of one zone: two GROUP BYs over summaries and progress rows, one upsert.

    Totals and the average response time come from the daily summaries (the rollup keeps them
    equal to the attempts'), fluency and operations from the progress rows (one per exercise
    answered, kept by each answer). A summary dated after today counts in the totals, as its
    answers did, and in the periods once its day comes (`stale_at`).
    """
    days = {
        row["user_id"]: row
        for row in DailySummary.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(
            total_questions=Sum("questions", default=0),
            total_correct=Sum("correct", default=0),
            total_response_ms=Sum("response_ms", default=0),
            today=Sum("practised_ms", filter=Q(date=periods.today), default=0),
            week=Sum(
                "practised_ms",
                filter=Q(date__gte=periods.week_start, date__lte=periods.today),
                default=0,
            ),
            month=Sum(
                "practised_ms",
                filter=Q(date__gte=periods.month_start, date__lte=periods.today),
                default=0,
            ),
            next_day=Min("date", filter=Q(date__gt=periods.today)),
        )
        .order_by()
    }
    fluency: dict[int, dict[str, int]] = defaultdict(_fluency_ladder)
    by_operation: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in (
        ExerciseProgress.objects.filter(user_id__in=user_ids)
        .values("user_id", "exercise__kind", "exercise__operation", "fluency_level")
        .annotate(facts=Count("pk"), answers=Sum("attempts"), right=Sum("correct"))
        .order_by()
    ):
        user_id = row["user_id"]
        if row["exercise__kind"] == Exercise.Kind.FACT:
            ladder = fluency[user_id]
            ladder[row["fluency_level"]] = ladder.get(row["fluency_level"], 0) + row["facts"]
        if row["exercise__operation"] and row["answers"]:
            totals = by_operation[user_id].setdefault(
                row["exercise__operation"], {"questions": 0, "correct": 0}
            )
            totals["questions"] += int(row["answers"])
            totals["correct"] += int(row["right"])
    rows = []
    for user_id in user_ids:
        day = days.get(user_id, {})
        questions = int(day.get("total_questions", 0))
        seconds = {name: int(day.get(name, 0)) // 1000 for name in ("today", "week", "month")}
        rows.append(
            UserStatistics(
                user_id=user_id,
                questions=questions,
                correct=int(day.get("total_correct", 0)),
                average_response_ms=(
                    round(int(day["total_response_ms"]) / questions) if questions else None
                ),
                facts_by_fluency=fluency[user_id],
                by_operation=by_operation[user_id],
                seconds_today=seconds["today"],
                seconds_this_week=seconds["week"],
                seconds_this_month=seconds["month"],
                refreshed_at=at,
                stale_at=_stale_at(seconds, day.get("next_day"), zone=zone, periods=periods),
            )
        )
    UserStatistics.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["user"], update_fields=list(USER_FIELDS)
    )
    return len(rows)


def _stale_at(
    seconds: dict[str, int], next_day: date | None, *, zone: str, periods: Periods
) -> datetime | None:
    """The first local midnight at which a period total changes with no new answer, if any.

    A total that is not zero changes when its period ends; a summary dated in the future enters
    the totals when its day starts. Nothing else moves them.
    """
    turns = [next_day] if next_day is not None else []
    if seconds["today"]:
        turns.append(periods.today + timedelta(days=1))
    if seconds["week"]:
        turns.append(periods.next_week_start)
    if seconds["month"]:
        turns.append(periods.next_month_start)
    return local_midnight(min(turns), zone) if turns else None


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

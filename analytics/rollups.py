"""The nightly rollup: each learner's daily summary recomputed from what happened that day.

The answer and session transactions keep `DailySummary` current incrementally
(`analytics.services`); the rollup recomputes the same numbers from the records themselves —
attempts (joined to their sessions for the mode), completed sessions and the XP ledger — and
replaces the rows that differ, so it repairs whatever a crash or a retried task left behind and
a second run changes nothing.

A learner's day is her own calendar day. Learners are grouped by time zone (there are few
distinct zones); for each zone the day is one `[start, end)` interval in UTC, and a handful of
aggregate queries cover every learner of the zone at once. No Python loop runs over attempts.

What the rollup does not recompute: `streak` is the snapshot taken when a session completed
and is kept as stored (a row the rollup creates takes the learner's current streak if that day
is her last active day, else 0). A learner's zone is her zone now: after she moves, her past
days are cut on her new clock, as the incremental path cut them on the old one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import User
from curriculum.models import Exercise
from gamification.models import Standing, XPEvent
from practice.models import Attempt, PracticeSession, active_ms_sum

from .models import DailySummary
from .services import MODE_COLUMNS

logger = logging.getLogger(__name__)

# Every column the rollup owns; `streak` is a snapshot and is not among them.
COUNTED_FIELDS = (
    "practised_ms",
    "sessions",
    "questions",
    "correct",
    "facts_reviewed",
    "new_facts",
    "facts_mastered",
    "lesson_ms",
    "review_ms",
    "drill_ms",
    "quiz_ms",
    "xp",
    "daily_goal_met",
)
# A zone's finished day, once rolled up, is marked so that the hourly run does not redo it.
DONE_KEY = "rollup:{zone}:{day}"
DONE_TTL = 60 * 60 * 24 * 2


@dataclass(frozen=True)
class ZoneDay:
    """One calendar day of one time zone, as an interval of instants."""

    zone: str
    day: date

    @property
    def start(self) -> datetime:
        return local_midnight(self.day, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.day + timedelta(days=1), self.zone)


def local_midnight(day: date, zone: str) -> datetime:
    """The first instant of `day` on the zone's clock, in UTC.

    Where midnight itself is skipped by a daylight-saving change, the day starts at the first
    local time that exists (PEP 495 maps the missing midnight to that instant).
    """
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def _zones() -> list[str]:
    return sorted(set(User.objects.values_list("timezone", flat=True).distinct()))


def rollup_day(*, day: date | None = None, now: datetime | None = None) -> int:
    """Recompute every learner's summary of `day`, or of her local yesterday; returns rows written.

    Without `day` (the hourly task), each zone's yesterday is rolled up once: a zone whose
    yesterday is already marked done in the cache is skipped. The mark is only an economy — its
    loss (a cache outage, an eviction) means the same idempotent work is done again.
    """
    moment = now or timezone.now()
    written = 0
    for zone in _zones():
        if day is not None:
            written += zone_rollup(ZoneDay(zone, day))
            continue
        yesterday = moment.astimezone(ZoneInfo(zone)).date() - timedelta(days=1)
        key = DONE_KEY.format(zone=zone, day=yesterday.isoformat())
        if cache.get(key):
            continue
        written += zone_rollup(ZoneDay(zone, yesterday))
        cache.set(key, 1, DONE_TTL)
    return written


@transaction.atomic
def zone_rollup(zone_day: ZoneDay) -> int:
    """Replace the summaries of one zone's day by their recomputation; returns rows written.

    The existing rows are locked first: an answer still arriving for this day (only when a day in
    progress is rolled up on request) then waits, and adds itself to the recomputed row. Rows
    that already hold the right numbers are not written at all.
    """
    learners = Q(user__timezone=zone_day.zone)
    existing = {
        row.user_id: row
        for row in DailySummary.objects.select_for_update(of=("self",)).filter(
            learners, date=zone_day.day
        )
    }
    computed = _recompute(zone_day)
    # A day that was summed up before and has nothing left (e.g. anonymised) is reset to zero.
    for user_id in existing.keys() - computed.keys():
        computed[user_id] = _empty()

    snapshot_streaks = dict(
        Standing.objects.filter(learners, last_active_date=zone_day.day).values_list(
            "user_id", "current_streak"
        )
    )
    rows = []
    for user_id, values in computed.items():
        current = existing.get(user_id)
        if current is not None and all(
            getattr(current, name) == value for name, value in values.items()
        ):
            continue
        streak = current.streak if current else snapshot_streaks.get(user_id, 0)
        rows.append(DailySummary(user_id=user_id, date=zone_day.day, streak=streak, **values))
    if rows:
        DailySummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "date"],
            update_fields=[*COUNTED_FIELDS, "updated_at"],
            batch_size=500,
        )
        logger.info("rollup of %s in %s wrote %d summaries", zone_day.day, zone_day.zone, len(rows))
    return len(rows)


def _empty() -> dict[str, Any]:
    return {name: False if name == "daily_goal_met" else 0 for name in COUNTED_FIELDS}


def _recompute(zone_day: ZoneDay) -> dict[int, dict[str, Any]]:
    """The day's numbers of every learner of the zone who did something, by user id.

    The definitions are those of `analytics.services.answer_recorded` and `session_completed`:
    practice time is active time (`practice.models.answer_active_ms`, summed), a fact answer is
    new on the learner's first try of that exercise, a mode outside `MODE_COLUMNS` counts as a
    lesson. The goal met is what the ledger says: the daily-goal XP of that date, paid when the
    day's practice time reached the goal the learner had then (a goal changed later does not
    rewrite her past days).
    """
    learners = Q(user__timezone=zone_day.zone)
    fact = Q(exercise__kind=Exercise.Kind.FACT)
    # Each mode's time in its column; a mode without a column of its own counts as a lesson.
    own_column = {mode: column for mode, column in MODE_COLUMNS.items() if column != "lesson_ms"}
    by_mode = {
        column: active_ms_sum(filter=Q(session__mode=mode)) for mode, column in own_column.items()
    }
    by_mode["lesson_ms"] = active_ms_sum(filter=~Q(session__mode__in=own_column))
    answers = (
        Attempt.objects.filter(
            learners, created_at__gte=zone_day.start, created_at__lt=zone_day.end
        )
        .values("user_id")
        .annotate(
            questions=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            practised_ms=active_ms_sum(),
            facts_reviewed=Count("pk", filter=fact & Q(attempt_number__gt=1)),
            new_facts=Count("pk", filter=fact & Q(attempt_number=1)),
            facts_mastered=Count("pk", filter=Q(newly_mastered=True)),
            **by_mode,
        )
        .order_by()
    )
    sessions = (
        PracticeSession.objects.filter(
            learners,
            status=PracticeSession.Status.COMPLETED,
            ended_at__gte=zone_day.start,
            ended_at__lt=zone_day.end,
        )
        .values("user_id")
        .annotate(sessions=Count("pk"))
        .order_by()
    )
    xp = (
        XPEvent.objects.filter(
            learners, created_at__gte=zone_day.start, created_at__lt=zone_day.end
        )
        .values("user_id")
        .annotate(
            xp=Sum("amount", default=0),
            daily_goal_met=Count(
                "pk",
                filter=Q(
                    reason=XPEvent.Reason.DAILY_GOAL,
                    source_type="day",
                    source_id=int(zone_day.day.strftime("%Y%m%d")),
                ),
            ),
        )
        .order_by()
    )
    days: dict[int, dict[str, Any]] = defaultdict(_empty)
    for query in (answers, sessions, xp):
        for row in query:
            user_id = row.pop("user_id")
            days[user_id].update({name: int(value) for name, value in row.items()})
    for values in days.values():
        values["daily_goal_met"] = values["daily_goal_met"] > 0
    return dict(days)

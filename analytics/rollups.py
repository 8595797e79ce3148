"""The nightly rollup: each learner's daily summary recomputed from what happened that day.

The answer and session transactions keep `DailySummary` current incrementally
(`analytics.services`); the rollup recomputes the same numbers from the records themselves —
attempts (joined to their sessions for the mode), completed sessions and the XP ledger — and
replaces the rows that differ, so it repairs whatever a crash or a retried task left behind and
a second run changes nothing.

A learner's day is her own calendar day. Learners are grouped by time zone (there are few
distinct zones); for each zone the day is one `[start, end)` interval in UTC. A handful of
aggregate queries cover every learner of every zone at once: each reads the widest interval
that covers all the zones' days and keeps a row when it falls in its own zone's interval. No
Python loop runs over attempts, and the number of statements does not grow with the zones.

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
from django.db import connection, transaction
from django.db.models import Case, Count, DateTimeField, Field, Q, Sum, Value, When
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
    "response_ms",
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
# An aggregate cannot take the name of the column it sums (later aggregates would read it).
RENAMED = {"response_total": "response_ms"}
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
    loss (a cache outage, an eviction) means the same idempotent work is done again. Zones are
    grouped by their yesterday (one or two dates; three for two hours a day when zones from −12
    to +14 are all in use), and each date is one pass, whatever the number of zones.
    """
    zones = _zones()
    if day is not None:
        return days_rollup(day=day, zones=zones)
    moment = now or timezone.now()
    by_day: dict[date, list[str]] = defaultdict(list)
    for zone in zones:
        by_day[moment.astimezone(ZoneInfo(zone)).date() - timedelta(days=1)].append(zone)
    keys = {
        (zone, yesterday): DONE_KEY.format(zone=zone, day=yesterday.isoformat())
        for yesterday, day_zones in by_day.items()
        for zone in day_zones
    }
    done = cache.get_many(list(keys.values()))
    written = 0
    for yesterday, day_zones in sorted(by_day.items()):
        todo = [zone for zone in day_zones if not done.get(keys[zone, yesterday])]
        if not todo:
            continue
        written += days_rollup(day=yesterday, zones=todo)
        cache.set_many({keys[zone, yesterday]: 1 for zone in todo}, DONE_TTL)
    return written


@transaction.atomic
def days_rollup(*, day: date, zones: list[str]) -> int:
    """Replace the summaries of `day` of the learners in `zones` by their recomputation.

    Returns rows written. The existing rows are locked first: an answer still arriving for this
    day (only when a day in progress is rolled up on request) then waits, and adds itself to the
    recomputed row. Rows that already hold the right numbers are not written at all.

    A constant number of statements, whatever the number of zones: the zones' days are
    `[start, end)` intervals of different instants, so each table is read once over the widest
    interval that covers them all (a range scan of its `created_at` / `ended_at` index), and a
    row is kept when it falls in its learner's own zone's interval.
    """
    if not zones:
        return 0
    zone_days = [ZoneDay(zone, day) for zone in zones]
    existing = {
        user_id: dict(zip(COUNTED_FIELDS, values, strict=True))
        for user_id, *values in DailySummary.objects.select_for_update(of=("self",))
        .filter(date=day, user__timezone__in=zones)
        .values_list("user_id", *COUNTED_FIELDS)
        .order_by()
    }
    computed = _recompute(day, zone_days)
    # A day that was summed up before and has nothing left (e.g. anonymised) is reset to zero.
    for user_id in existing.keys() - computed.keys():
        computed[user_id] = _empty()
    changed = {
        user_id: values for user_id, values in computed.items() if existing.get(user_id) != values
    }
    if not changed:
        return 0
    created = changed.keys() - existing.keys()
    # A row the rollup creates takes the streak of the learner's last active day, if it is this.
    snapshot_streaks = (
        dict(
            Standing.objects.filter(user__timezone__in=zones, last_active_date=day).values_list(
                "user_id", "current_streak"
            )
        )
        if created
        else {}
    )
    # On a conflict only the counted fields are updated: an existing row keeps its streak.
    rows = [
        DailySummary(user_id=user_id, date=day, streak=snapshot_streaks.get(user_id, 0), **values)
        for user_id, values in changed.items()
    ]
    DailySummary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "date"],
        update_fields=[*COUNTED_FIELDS, "updated_at"],
        batch_size=500,
    )
    logger.info("rollup of %s in %d zones wrote %d summaries", day, len(zones), len(rows))
    return len(rows)


def _empty() -> dict[str, Any]:
    return {name: False if name == "daily_goal_met" else 0 for name in COUNTED_FIELDS}


def _in_own_day(zone_days: list[ZoneDay], field: str) -> Q:
    """`field` falls in the learner's own zone's day.

    The widest interval is a constant range, what the index scans; each row is then kept by the
    bounds of its learner's zone, picked by a CASE on her zone. (An OR of one range per zone says
    the same, but PostgreSQL then counts the ranges twice in its estimates, expects a few rows
    where there are a day's worth, and drives the scan from the wrong index.)
    """

    def bound(name: str) -> Case:
        return Case(
            *(
                When(user__timezone=zone_day.zone, then=Value(getattr(zone_day, name)))
                for zone_day in zone_days
            ),
            output_field=DateTimeField(),
        )

    return Q(
        **{
            f"{field}__gte": min(zone_day.start for zone_day in zone_days),
            f"{field}__lt": max(zone_day.end for zone_day in zone_days),
        }
    ) & Q(**{f"{field}__gte": bound("start"), f"{field}__lt": bound("end")})


def _answers(zone_days: list[ZoneDay]) -> list[dict[str, Any]]:
    """The answers' numbers of the day, by learner: one statement in two steps.

    The answers are summed per session first, and only those sums meet their session (for its
    mode): a day's thousands of sessions are looked up, not each of its answers. The inner
    GROUP BY is the ORM's own SQL; the outer one, which the ORM cannot write over a subquery, is
    plain SQL that both databases read alike.
    """
    fact = Q(exercise__in=Exercise.objects.filter(kind=Exercise.Kind.FACT).values("pk"))
    per_session = (
        Attempt.objects.filter(_in_own_day(zone_days, "created_at"))
        .values("user_id", "session_id")
        .annotate(
            questions=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            practised_ms=active_ms_sum(),
            response_total=Sum("response_ms", default=0),
            facts_reviewed=Count("pk", filter=fact & Q(attempt_number__gt=1)),
            new_facts=Count("pk", filter=fact & Q(attempt_number=1)),
            facts_mastered=Count("pk", filter=Q(newly_mastered=True)),
        )
        .order_by()
    )
    inner, inner_params = per_session.query.sql_with_params()
    quote = connection.ops.quote_name
    sums = list(per_session.query.annotations)
    # Each mode's time in its column; a mode without a column of its own counts as a lesson.
    own_column = {mode: column for mode, column in MODE_COLUMNS.items() if column != "lesson_ms"}
    session_mode = PracticeSession._meta.get_field("mode")
    assert isinstance(session_mode, Field)
    mode, active = f"s.{quote(session_mode.column)}", f"g.{quote('practised_ms')}"
    by_mode = [
        (column, f"SUM(CASE WHEN {mode} = %s THEN {active} ELSE 0 END)", [own])
        for own, column in own_column.items()
    ]
    others = ", ".join(["%s"] * len(own_column))
    by_mode.append(
        (
            "lesson_ms",
            f"SUM(CASE WHEN {mode} IN ({others}) THEN 0 ELSE {active} END)",
            [*own_column],
        )
    )
    columns = [*sums, *(column for column, _, _ in by_mode)]
    selected = ", ".join(
        [f"SUM(g.{quote(name)})" for name in sums] + [sql for _, sql, _ in by_mode]
    )
    # Identifiers come from the models' metadata, values are parameters: nothing is injected.
    sql = (
        f"SELECT g.{quote('user_id')}, {selected} "  # noqa: S608
        f"FROM ({inner}) g "
        f"INNER JOIN {quote(PracticeSession._meta.db_table)} s "
        f"ON s.{quote(PracticeSession._meta.pk.column)} = g.{quote('session_id')} "
        f"GROUP BY g.{quote('user_id')}"
    )
    # The modes' parameters come first in the text (the select list), the subquery's after.
    params = [param for _, _, mode_params in by_mode for param in mode_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        return [
            {"user_id": user_id, **dict(zip(columns, values, strict=True))}
            for user_id, *values in cursor.fetchall()
        ]


def _recompute(day: date, zone_days: list[ZoneDay]) -> dict[int, dict[str, Any]]:
    """The day's numbers of every learner of these zones who did something, by user id.

    The definitions are those of `analytics.services.answer_recorded` and `session_completed`:
    practice time is active time (`practice.models.answer_active_ms`, summed), a fact answer is
    new on the learner's first try of that exercise, a mode outside `MODE_COLUMNS` counts as a
    lesson. The goal met is what the ledger says: the daily-goal XP of that date, paid when the
    day's practice time reached the goal the learner had then (a goal changed later does not
    rewrite her past days).
    """
    answers = _answers(zone_days)
    sessions = (
        PracticeSession.objects.filter(
            _in_own_day(zone_days, "ended_at"), status=PracticeSession.Status.COMPLETED
        )
        .values("user_id")
        .annotate(sessions=Count("pk"))
        .order_by()
    )
    xp = (
        XPEvent.objects.filter(_in_own_day(zone_days, "created_at"))
        .values("user_id")
        .annotate(
            xp=Sum("amount", default=0),
            daily_goal_met=Count(
                "pk",
                filter=Q(
                    reason=XPEvent.Reason.DAILY_GOAL,
                    source_type="day",
                    source_id=int(day.strftime("%Y%m%d")),
                ),
            ),
        )
        .order_by()
    )
    days: dict[int, dict[str, Any]] = defaultdict(_empty)
    for rows in (answers, sessions, xp):
        for row in rows:
            user_id = row.pop("user_id")
            days[user_id].update(
                {RENAMED.get(name, name): int(value) for name, value in row.items()}
            )
    for values in days.values():
        values["daily_goal_met"] = values["daily_goal_met"] > 0
    return dict(days)

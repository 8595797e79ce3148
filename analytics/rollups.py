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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from accounts.models import User
from curriculum.models import Exercise
from gamification.models import Standing, XPEvent
from practice.models import ACTIVE_MS_PER_ANSWER_MAX, Attempt, PracticeSession

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
# PostgreSQL's planner settings for the rollup's statements (see `_planned_for_a_day`); the
# memory is enough for a day's answers of a million learners to be sorted and hashed in it.
PLANNER_SETTINGS = {
    "work_mem": "64MB",
    "jit": "off",
    "from_collapse_limit": "1",
    "join_collapse_limit": "1",
}
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
    """The learners' distinct time zones: one probe of the zone index per zone.

    Each step asks for the first zone after the last one found (a recursive query both
    databases run), instead of reading every learner to find a handful of zones.
    """
    learner = _Table(User, "u")
    sql = (
        f"WITH RECURSIVE zones (zone) AS (SELECT MIN({learner.timezone}) FROM {learner.name} "  # noqa: S608
        f"UNION ALL SELECT (SELECT MIN({learner.timezone}) FROM {learner.name} "
        f"WHERE {learner.timezone} > zones.zone) FROM zones WHERE zones.zone IS NOT NULL) "
        f"SELECT zone FROM zones WHERE zone IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(zone for (zone,) in cursor.fetchall())


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


@contextmanager
def _planned_for_a_day() -> Iterator[None]:
    """Let PostgreSQL read the day as a range of pages, in memory, joined as written, uncompiled.

    With the default 4 MB of `work_mem` the planner costs a bitmap of the window's pages as
    lossy and reads the day through each learner's own index instead (every learner probed,
    the same pages visited again and again), and the per-session sums spill to disk. Left to
    reorder the joins, it joins each row to its learner and then to her zone's bounds, two
    lookups a row; as written, learners and bounds are joined first into one table, looked up
    once. JIT compiling costs more than it saves in statements of a fraction of a second.

    The settings are the transaction's (`SET LOCAL`), and put back as they were on the way out,
    for a caller whose transaction goes on; if the rollup fails, its savepoint or transaction
    rolls them back with everything else.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join(["current_setting(%s)"] * len(PLANNER_SETTINGS))
            + ", "
            + ", ".join(["set_config(%s, %s, true)"] * len(PLANNER_SETTINGS)),
            [*PLANNER_SETTINGS, *(value for item in PLANNER_SETTINGS.items() for value in item)],
        )
        row = cursor.fetchone()
        assert row is not None
        previous = dict(zip(PLANNER_SETTINGS, row, strict=False))
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(previous)),
            [value for item in previous.items() for value in item],
        )


class _Table:
    """A model's table and columns, quoted, for the hand-written statements below."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model, self.alias = model, alias

    @property
    def name(self) -> str:
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def __getattr__(self, field: str) -> str:
        column = self.model._meta.get_field(field)
        assert isinstance(column, Field)
        return f"{self.alias}.{connection.ops.quote_name(column.column)}"


class _Day:
    """The zones' days as SQL: a small table of bounds, and each row kept in its learner's own.

    The bounds are a `VALUES` table, one row per zone, joined to each learner by her zone. A
    table is read over the widest interval — the constant range that its time index scans — and
    a row is kept when it falls between its own learner's bounds: the learner and her zone's
    bounds are looked up by hash, once per row. (A CASE over the zones costs, per row, as much
    again as reading the row; an OR of one range per zone says the same, but then PostgreSQL
    counts the ranges twice in its estimates, expects a few rows where there are a day's worth,
    and drives the scan from the wrong index.)
    """

    def __init__(self, zone_days: list[ZoneDay]) -> None:
        self.params: dict[str, Any] = {
            "first": _db_instant(min(zone_day.start for zone_day in zone_days)),
            "last": _db_instant(max(zone_day.end for zone_day in zone_days)),
        }
        rows = []
        for n, zone_day in enumerate(zone_days):
            rows.append(f"(%(zone_{n})s, %(start_{n})s, %(end_{n})s)")
            self.params[f"zone_{n}"] = zone_day.zone
            self.params[f"start_{n}"] = _db_instant(zone_day.start)
            self.params[f"end_{n}"] = _db_instant(zone_day.end)
        self.bounds = f"WITH bounds (zone, day_start, day_end) AS (VALUES {', '.join(rows)}) "

    def rows_in_own_day(self, table: _Table, instant: str, lookups: str = "") -> str:
        """FROM … WHERE: `table`'s rows whose `instant` lies in their learner's own day.

        `lookups`: joins of each row to one row of another table, before its learner's.
        """
        learner = _Table(User, "u")
        return (
            f"FROM {table.name} {lookups} INNER JOIN ("  # noqa: S608
            f"SELECT {learner.id} AS id, b.day_start, b.day_end FROM {learner.name} "
            f"INNER JOIN bounds b ON b.zone = {learner.timezone}"
            f") own ON own.id = {table.user_id} "
            f"WHERE {instant} >= %(first)s AND {instant} < %(last)s "
            f"AND {instant} >= own.day_start AND {instant} < own.day_end"
        )

    def sums(self, select: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The rows of a statement that reads `bounds`: (user id, *sums)."""
        with connection.cursor() as cursor:
            cursor.execute(self.bounds + select, {**self.params, **params})
            return list(cursor.fetchall())


def _db_instant(moment: datetime) -> Any:
    """An instant as the database compares it with a stored datetime (naive UTC on SQLite)."""
    return connection.ops.adapt_datetimefield_value(moment)


# The answers' sums, in the order `_answers` selects them after the learner and the mode.
ANSWER_SUMS = (
    "questions",
    "correct",
    "practised_ms",
    "response_ms",
    "facts_reviewed",
    "new_facts",
    "facts_mastered",
)


def _answers(day: _Day) -> list[tuple[Any, ...]]:
    """The answers' numbers of the day, by learner and mode: summed per session, then per mode.

    The per-session sums join nothing but the answers' exercises (for facts) and learners, so
    PostgreSQL can split them between parallel workers; only then does each session meet its
    mode, by its primary key: a day's thousands of sessions are looked up, never the whole
    table. Active time is `practice.models.answer_active_ms`, the response time up to
    `ACTIVE_MS_PER_ANSWER_MAX`; a fact answer is new on the learner's first try of that
    exercise.
    """
    answer, session, exercise = (
        _Table(Attempt, "a"),
        _Table(PracticeSession, "s"),
        _Table(Exercise, "e"),
    )
    fact = f"{exercise.kind} = %(fact)s"
    exercise_of_answer = f"INNER JOIN {exercise.name} ON {exercise.id} = {answer.exercise_id}"
    active_ms = (
        f"CASE WHEN {answer.response_ms} < %(cap)s THEN {answer.response_ms} ELSE %(cap)s END"
    )
    per_session = (
        f"SELECT {answer.user_id} AS user_id, {answer.session_id} AS session_id, "
        f"COUNT(*) AS questions, COUNT(*) FILTER (WHERE {answer.is_correct}) AS correct, "
        f"SUM({active_ms}) AS practised_ms, SUM({answer.response_ms}) AS response_ms, "
        f"COUNT(*) FILTER (WHERE {answer.attempt_number} > 1 AND {fact}) AS facts_reviewed, "
        f"COUNT(*) FILTER (WHERE {answer.attempt_number} = 1 AND {fact}) AS new_facts, "
        f"COUNT(*) FILTER (WHERE {answer.newly_mastered}) AS facts_mastered "
        f"{day.rows_in_own_day(answer, answer.created_at, exercise_of_answer)} "
        f"GROUP BY {answer.user_id}, {answer.session_id}"
    )
    mode = f"(SELECT {session.mode} FROM {session.name} WHERE {session.id} = g.session_id)"  # noqa: S608
    # Summed as integers: PostgreSQL sums bigints into numerics, which Python reads as Decimals.
    sums = ", ".join(f"CAST(SUM(g.{name}) AS BIGINT)" for name in ANSWER_SUMS)
    return day.sums(
        f"SELECT g.user_id, {mode}, {sums} FROM ({per_session}) g GROUP BY 1, 2",  # noqa: S608
        {"fact": Exercise.Kind.FACT, "cap": ACTIVE_MS_PER_ANSWER_MAX},
    )


def _sessions(day: _Day) -> list[tuple[Any, ...]]:
    """Sessions completed in the day, by learner."""
    session = _Table(PracticeSession, "p")
    return day.sums(
        f"SELECT {session.user_id}, COUNT(*) "
        f"{day.rows_in_own_day(session, session.ended_at)} AND {session.status} = %(completed)s "
        f"GROUP BY {session.user_id}",
        {"completed": PracticeSession.Status.COMPLETED},
    )


def _xp(day: _Day, date_of_day: date) -> list[tuple[Any, ...]]:
    """The ledger's XP of the day, and whether it paid that date's daily goal, by learner."""
    event = _Table(XPEvent, "x")
    goal = (
        f"{event.reason} = %(goal)s AND {event.source_type} = %(goal_source)s "
        f"AND {event.source_id} = %(goal_day)s"
    )
    return day.sums(
        f"SELECT {event.user_id}, SUM({event.amount}), COUNT(*) FILTER (WHERE {goal}) "
        f"{day.rows_in_own_day(event, event.created_at)} GROUP BY {event.user_id}",
        {
            "goal": XPEvent.Reason.DAILY_GOAL,
            "goal_source": "day",
            "goal_day": int(date_of_day.strftime("%Y%m%d")),
        },
    )


def _recompute(day: date, zone_days: list[ZoneDay]) -> dict[int, dict[str, Any]]:
    """The day's numbers of every learner of these zones who did something, by user id.

    The definitions are those of `analytics.services.answer_recorded` and `session_completed`:
    practice time is active time (`practice.models.answer_active_ms`, summed), a fact answer is
    new on the learner's first try of that exercise, a mode outside `MODE_COLUMNS` counts as a
    lesson. The goal met is what the ledger says: the daily-goal XP of that date, paid when the
    day's practice time reached the goal the learner had then (a goal changed later does not
    rewrite her past days).

    Three statements, one per table, each reading the day's bounds; on PostgreSQL they run
    with `_planned_for_a_day`'s settings.
    """
    bounds = _Day(zone_days)
    with _planned_for_a_day():
        answers, sessions, xp = _answers(bounds), _sessions(bounds), _xp(bounds, day)
    days: dict[int, dict[str, Any]] = {}

    def summary_of(user_id: int) -> dict[str, Any]:
        summary = days.get(user_id)
        if summary is None:
            summary = days[user_id] = _empty()
        return summary

    for user_id, mode, *sums in answers:
        summary = summary_of(user_id)
        values = dict(zip(ANSWER_SUMS, map(int, sums), strict=True))
        for name, value in values.items():
            summary[name] += value
        # Each mode's time in its column; a mode without a column of its own counts as a lesson.
        summary[MODE_COLUMNS.get(mode, "lesson_ms")] += values["practised_ms"]
    for user_id, completed in sessions:
        summary_of(user_id)["sessions"] = int(completed)
    for user_id, amount, goal_paid in xp:
        summary = summary_of(user_id)
        summary["xp"], summary["daily_goal_met"] = int(amount), int(goal_paid)
    for summary in days.values():
        summary["daily_goal_met"] = summary["daily_goal_met"] > 0
    return days

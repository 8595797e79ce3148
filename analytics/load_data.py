"""A generated population for benchmarks: learners, their sessions, answers and everything derived.

`generate_load_data` (the management command) calls `load_generate`. Rows are written in bulk:
`COPY … FROM STDIN` on PostgreSQL (psycopg's `cursor.copy`, each row rendered as its COPY line
when generated), `bulk_create` batches elsewhere; a load that at least doubles the answers
builds the tables' plain indexes once at the end instead of row by row.
Ids are allocated here (so that rows can point at each other without reading anything back) and
the sequences are moved past them at the end; a second run appends a new cohort.

What is consistent, so that the product's own checks agree with the generated rows:
- every right answer has its XP ledger row (`answer`, source `attempt`), and each standing's XP
  is the sum of its ledger (`manage.py xp_verify`), its level `level_for(xp)`;
- sessions' counters (answered, correct, response and active time, XP) are their answers';
  exercise, track progress and `attempt_number` follow each learner's answers in order;
- daily summaries are what the nightly rollup computes from the same rows (a rollup of any
  generated day writes nothing), streak days are the local dates with a completed session and
  the standing's streaks follow from them;
- the leaderboards' standings table (`BoardScore`) holds the ledger's sums for the current
  boards: the answer transaction keeps it, the load bypasses that, so it ends with
  `gamification.leaderboards.standings_recompute()`.

What is not generated: lesson completions, quizzes, daily-goal and achievement XP, hints,
learning events, statistics, passwords (one unusable password for all, e-mail addresses at
`load.invalid`: the learners cannot sign in on the site; the bench gives them API tokens).

The shape: activity follows a power law (a Pareto draw per learner: a few very active learners,
a long tail that answered a little or never), learners live in many time zones, each joined at a
random day of the history and practises on some of her local evenings since, in sessions of
about twenty answers on one fact track.
"""

from __future__ import annotations

import json
import math
import operator
import queue
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import LearnerProfile, User
from curriculum.models import Exercise, Status
from gamification.leaderboards import standings_recompute
from gamification.levels import level_for
from gamification.models import BoardCount, BoardScore, Standing, StreakDay, XPEvent
from practice.models import (
    ACTIVE_MS_PER_ANSWER_MAX,
    Attempt,
    ExerciseProgress,
    FluencyLevel,
    PracticeSession,
    TrackProgress,
)
from practice.services.answers import answer_xp

from .models import DailySummary
from .services import MODE_COLUMNS

# Many offsets, both hemispheres, half-hour and quarter-hour zones, daylight saving on both sides.
ZONES = (
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Africa/Lagos",
    "UTC",
    "Asia/Shanghai",
    "America/Chicago",
    "Pacific/Auckland",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Europe/Moscow",
    "Asia/Dubai",
    "America/Mexico_City",
    "Africa/Johannesburg",
    "Asia/Jakarta",
    "Pacific/Honolulu",
    "Europe/Madrid",
    "America/Anchorage",
    "Asia/Singapore",
)
USERNAME_PREFIX = "load"
PARETO_ALPHA = 1.16  # the 80/20 rule: a fifth of the learners give four fifths of the answers
MAX_ANSWERS_PER_DAY = 400  # a cap on the power law's tail: nobody answers more in a day
SESSION_SIZE = 20
RIGHT_SHARE = 0.8
MODES = (("drill", 0.5), ("review", 0.3), ("lesson", 0.2))
FLUSH_ROWS = 50_000  # buffered answers before a write


@dataclass
class LoadReport:
    """What one run wrote, and how fast."""

    learners: int = 0
    attempts: int = 0
    xp_events: int = 0
    sessions: int = 0
    rows: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU time: its rate on a machine shared with others
    load_seconds: float = 0.0  # the rows and their indexes, before the standings
    board_scores: int = 0  # rows of the current boards' standings table, rebuilt from the ledger
    standings_seconds: float = 0.0
    by_table: dict[str, int] = field(default_factory=dict)

    @property
    def attempts_per_second(self) -> float:
        return self.attempts / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Item:
    """An exercise the generated learners answer, with what they send."""

    id: int
    track_id: int
    kind: str
    difficulty: int
    right: str
    xp: int  # for a right answer, as the answer path pays it


class TableWriter:
    """Buffers rows of one model and writes them in bulk.

    On PostgreSQL each row becomes a line of COPY's text format as it is added: a template per
    set of columns given (`%s` for each, the defaults of the others rendered once) filled by `%`
    in C, converting only the values that need it (NULL, JSON, text to escape). That is several
    times cheaper than adapting every value of every row, which dominated the generator's CPU.
    Elsewhere rows are kept as tuples in column order for `bulk_create`.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        # A column with only a database default is left to the database.
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if f.has_default() or f.db_default is models.NOT_PROVIDED
        ]
        self.names = [f.attname for f in self.fields]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            else:  # the field's default, or "" for text and None for the rest
                self.defaults[f.attname] = f.get_default()
        self.ordered = operator.itemgetter(*self.names)
        self.copy = connection.vendor == "postgresql"
        self._shapes: dict[tuple[str, ...], _Shape] = {}
        self.rows: list[Any] = []
        self.written = 0

    def add(self, **values: Any) -> None:
        if not self.copy:
            # A dict merge and an itemgetter: both in C.
            self.rows.append(self.ordered({**self.defaults, **values}))
            return
        shape = self._shapes.get(tuple(values))
        if shape is None:
            shape = self._shapes[tuple(values)] = self._shape(tuple(values))
        row = shape.given(values)
        if shape.conversions:
            converted = list(row)
            for index, convert in shape.conversions:
                converted[index] = convert(converted[index])
            row = tuple(converted)
        self.rows.append(shape.template % row)

    def _shape(self, keys: tuple[str, ...]) -> _Shape:
        given = [f for f in self.fields if f.attname in keys]
        cells = [
            "%s"
            if f.attname in keys
            else _copy_text(self.defaults[f.attname], f).replace("%", "%%")
            for f in self.fields
        ]
        # Positions of the values to convert among the given ones.
        conversions = [
            (index, convert)
            for index, f in enumerate(given)
            if (convert := _conversion(f)) is not None
        ]
        names = [f.attname for f in given]
        getter = operator.itemgetter(*names)
        return _Shape(
            template="\t".join(cells) + "\n",
            given=getter if len(names) > 1 else (lambda values: (getter(values),)),
            conversions=tuple(conversions),
        )

    def take(self) -> list[Any]:
        """The rows buffered so far, counted as written: `write` them (or a `_Copier` does)."""
        rows, self.rows = self.rows, []
        self.written += len(rows)
        return rows

    def write(self, rows: list[Any]) -> None:
        if not rows:
            return
        if self.copy:
            self._copy(rows)
        else:
            self.model._default_manager.bulk_create(
                [self.model(**dict(zip(self.names, row, strict=True))) for row in rows],
                batch_size=500,
            )

    def _copy(self, rows: list[str]) -> None:
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(rows), 10_000):
                    copy.write("".join(rows[start : start + 10_000]))


Batch = list[tuple[TableWriter, list[Any]]]


def _batch_write(batch: Batch) -> None:
    with transaction.atomic():
        _bulk_load_settings()
        for writer, rows in batch:
            writer.write(rows)


class _Copier:
    """Writes batches on a connection of its own while the next batch is being generated.

    Generating is Python on one core, COPY is PostgreSQL on another: in turn they take the sum
    of both times, side by side about the longer. One batch waits at most (the queue holds one),
    so memory stays flat. Only outside a transaction: a test's rows would not be visible to
    another connection, nor rolled back with the test.
    """

    def __init__(self) -> None:
        self.batches: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="load-data-copy", daemon=True)
        self.thread.start()

    def put(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def close(self) -> None:
        """Wait for the batches given so far; raise what writing them raised."""
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (batch := self.batches.get()) is not None:
                if self.error is None:  # after a failure, drain: the generator must not block
                    try:
                        _batch_write(batch)
                    except BaseException as exc:  # noqa: BLE001 - raised in the generator's thread
                        self.error = exc
        finally:
            connection.close()  # this thread's own


@dataclass(frozen=True)
class _Shape:
    """How `TableWriter` turns one set of given columns into a COPY line."""

    template: str
    given: Callable[[dict[str, Any]], tuple[Any, ...]]
    conversions: tuple[tuple[int, Callable[[Any], Any]], ...]


_NULL = "\\N"
_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escaped(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_SPECIAL)
    return text


def _copy_text(value: Any, field: models.Field[Any, Any]) -> str:
    """One value in COPY's text format (the defaults, rendered once per template)."""
    if value is None:
        return _NULL
    if isinstance(field, models.JSONField):
        return _escaped(json.dumps(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    return _escaped(str(value))


def _conversion(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """What a given value of this column needs before `%s`; None when `str()` is its COPY text.

    `str()` already is for numbers, dates, aware datetimes and booleans (PostgreSQL reads
    "True"); NULLs, JSON and text that may hold a tab or a backslash need more.
    """
    if isinstance(field, models.JSONField):
        return lambda value: _NULL if value is None else _escaped(json.dumps(value))
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: _NULL if value is None else _escaped(value)
    if field.null:
        return lambda value: _NULL if value is None else value
    return None


class Ids:
    """Allocates primary keys past each table's largest."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            largest = model._default_manager.aggregate(largest=Max("pk"))["largest"] or 0
            self.next[model] = largest + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


def exercise_pool() -> list[Item]:
    """The published fact exercises (installing the demo curriculum first when there are none)."""
    facts = Exercise.objects.filter(
        kind=Exercise.Kind.FACT,
        status=Status.PUBLISHED,
        lesson__status=Status.PUBLISHED,
        lesson__unit__status=Status.PUBLISHED,
        lesson__unit__track__status=Status.PUBLISHED,
    ).select_related("lesson__unit")
    if not facts.exists():
        from curriculum.demo import load as curriculum_load
        from gamification.seeds import seed as achievements_seed

        curriculum_load()
        achievements_seed()
    from calcuingo.demo import correct_response

    return [
        Item(
            id=exercise.pk,
            track_id=exercise.lesson.unit.track_id,
            kind=exercise.kind,
            difficulty=exercise.difficulty,
            right=correct_response(exercise, None),
            xp=answer_xp(correct=True, score=1.0, difficulty=exercise.difficulty, hints_used=0),
        )
        for exercise in facts.order_by("pk")
    ]


def activity(rng: random.Random, *, learners: int, attempts: int, cap: int) -> list[int]:
    """Answers per learner: Pareto-distributed, summing to `attempts`, none over `cap`.

    Water-filling: the most active learners take the cap while their share of what is left
    exceeds it, the rest share what is left in proportion to their weights (rounded down, the
    remainder one each to the most active of them). One sort, whatever the number of learners.
    """
    if attempts > cap * learners:
        raise ValueError(f"{attempts} answers do not fit {learners} learners at {cap} each")
    weights = [rng.paretovariate(PARETO_ALPHA) for _ in range(learners)]
    order = sorted(range(learners), key=weights.__getitem__, reverse=True)
    counts = [0] * learners
    left, total = attempts, math.fsum(weights)
    capped = 0
    for i in order:
        if left < cap or weights[i] * left < cap * total:
            break
        counts[i] = cap
        left -= cap
        total -= weights[i]
        capped += 1
    rest = order[capped:]
    if rest and left:
        share = left / total
        for i in rest:
            counts[i] = min(cap, int(weights[i] * share))
        short = left - sum(counts[i] for i in rest)
        while short > 0:  # once round, but never past the cap
            for i in rest:
                if short and counts[i] < cap:
                    counts[i] += 1
                    short -= 1
    return counts


def load_generate(
    *,
    learners: int,
    attempts: int,
    days: int = 60,
    zones: int = 10,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Append `learners` learners with `attempts` answers between them over the last `days` days."""
    if learners < 1 or attempts < 0 or days < 1 or not 1 <= zones <= len(ZONES):
        raise ValueError(f"need learners ≥ 1, attempts ≥ 0, days ≥ 1 and 1 ≤ zones ≤ {len(ZONES)}")
    started = time.perf_counter()
    cpu_started = time.process_time()
    moment = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not a secret
    pool = exercise_pool()
    by_track: dict[int, list[Item]] = defaultdict(list)
    for item in pool:
        by_track[item.track_id].append(item)
    track_ids = sorted(by_track)
    if not track_ids:
        raise ValueError("no published fact exercise to answer")
    zone_names = ZONES[:zones]
    # Zones are not equally populated either: the first ones hold most learners.
    zone_weights = [1 / (rank + 1) for rank in range(zones)]
    # Response times: a log-normal draw (median about 2.4 s), under a minute, so every answer's
    # active time is its response time (`practice.models.answer_active_ms`).
    longest = min(60_000, ACTIVE_MS_PER_ANSWER_MAX)
    times = [int(min(longest, rng.lognormvariate(7.8, 0.6))) for _ in range(4096)]
    counts = activity(rng, learners=learners, attempts=attempts, cap=MAX_ANSWERS_PER_DAY * days)
    writers: dict[type[models.Model], TableWriter] = {
        model: TableWriter(model)
        for model in (
            User,
            LearnerProfile,
            Standing,
            PracticeSession,
            Attempt,
            XPEvent,
            ExerciseProgress,
            TrackProgress,
            StreakDay,
            DailySummary,
        )
    }
    ids = Ids()
    # One unusable password for all: hashing one per learner would cost more than her history,
    # and generated learners sign in with API tokens (the bench) or not at all.
    password = make_password(None)
    report = LoadReport()
    buffered = 0

    set_aside = _indexes_set_aside(list(writers), adding=attempts)
    copier = _Copier() if writers[User].copy and not connection.in_atomic_block else None

    def flush() -> None:
        batch = [(writer, writer.take()) for writer in writers.values()]
        if copier is not None:
            copier.put(batch)
        else:
            _batch_write(batch)

    try:
        for index in range(learners):
            zone = rng.choices(zone_names, weights=zone_weights)[0]
            learner = _Learner(
                rng=rng,
                user_id=ids.take(User),
                zone=zone,
                now=moment,
                days=days,
                answers=counts[index],
                items=by_track[rng.choice(track_ids)],
                times=times,
            )
            learner.write(writers, ids, password)
            report.attempts += counts[index]
            buffered += counts[index] + 1
            if buffered >= FLUSH_ROWS:
                flush()
                buffered = 0
                if progress:
                    progress(
                        f"{index + 1} learners, {report.attempts} attempts "
                        f"({time.perf_counter() - started:.0f} s)"
                    )
        flush()
        if copier is not None:
            copier.close()
    finally:
        if copier is not None and copier.thread.is_alive():
            copier.close()  # after a failure here: the rows given so far are written
        if set_aside and progress:
            progress(f"rebuilding {len(set_aside)} indexes set aside for the load")
        _indexes_restore(set_aside)
    _sequences_reset(list(writers))
    _vacuum_analyze(list(writers))
    report.load_seconds = time.perf_counter() - started
    # The leaderboards' standings table is kept by the answer transaction, which the load
    # bypasses: rebuild its current boards from the ledger just written.
    if progress:
        progress("standings of the current boards, from the ledger")
    tick = time.perf_counter()
    report.board_scores = standings_recompute()
    _vacuum_analyze([BoardScore, BoardCount])
    report.standings_seconds = time.perf_counter() - tick
    report.learners = learners
    report.by_table = {model._meta.label: writer.written for model, writer in writers.items()}
    report.xp_events = writers[XPEvent].written
    report.sessions = writers[PracticeSession].written
    report.rows = sum(report.by_table.values())
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu_started
    return report


def _bulk_load_settings() -> None:
    """On PostgreSQL, for this transaction: no per-row foreign-key triggers, no wait for the WAL.

    The rows are consistent by construction (ids allocated here); checking millions of them one
    by one at commit costs more than writing them. Skipping the triggers needs a superuser:
    elsewhere the checks run. A load that crashes is started again, so its commits need not wait
    for the disk.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


_PLAIN_INDEXES = """
    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""


def _indexes_set_aside(
    model_list: list[type[models.Model]], *, adding: int
) -> list[tuple[str, str]]:
    """Drop the plain indexes of these tables when the load at least doubles the answers.

    Building an index once over the finished table is much cheaper than updating it row by row
    (and randomly, for indexes that do not follow the load's order) for millions of rows; for a
    small cohort appended to a large table it is the other way round, and nothing is dropped.
    Primary keys and unique indexes stay (they are constraints). Returns (name, definition) for
    `_indexes_restore`, which the caller runs in a `finally`: only a killed process loses them.
    """
    if connection.vendor != "postgresql" or adding < max(1, Attempt.objects.count()):
        return []
    aside: list[tuple[str, str]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for model in model_list:
            cursor.execute(_PLAIN_INDEXES, [model._meta.db_table])
            aside += cursor.fetchall()
        for name, _ in aside:
            cursor.execute(f"DROP INDEX {name}")
    return aside


def _indexes_restore(aside: list[tuple[str, str]]) -> None:
    if not aside:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in aside:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")


def _vacuum_analyze(model_list: list[type[models.Model]]) -> None:
    """On PostgreSQL, statistics for the planner and a visibility map for index-only scans.

    As autovacuum would leave the tables some time after a load: without the map, an index-only
    scan (a leaderboard's rank count, the rollup's range reads) visits every row's page. Inside a
    transaction (tests) VACUUM cannot run and the tables are only analysed.
    """
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in model_list:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def _sequences_reset(model_list: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class _Learner:
    """One generated learner: her account and her history, written in one go."""

    def __init__(
        self,
        *,
        rng: random.Random,
        user_id: int,
        zone: str,
        now: datetime,
        days: int,
        answers: int,
        items: list[Item],
        times: list[int],
    ) -> None:
        self.rng = rng
        self.times = times
        self.user_id = user_id
        self.zone = zone
        self.tz = ZoneInfo(zone)
        self.today = now.astimezone(self.tz).date()
        self.answers = answers
        self.items = items
        # She joined on a day of the history and practised on some days since, up to her local
        # yesterday (so every generated day is a finished one).
        needed = max(1, math.ceil(answers / MAX_ANSWERS_PER_DAY))
        span = rng.randint(min(days, needed), days)
        self.joined = self.today - timedelta(days=span)
        sessions = math.ceil(answers / SESSION_SIZE)
        active = min(span, max(needed, min(sessions, rng.randint(1, span))))
        self.days = sorted(rng.sample(range(span), active)) if sessions else []

    def _instant(self, day: date, minutes: int) -> datetime:
        """`minutes` after her local midnight starting `day`, in UTC."""
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=self.tz)
        return (midnight + timedelta(minutes=minutes)).astimezone(UTC)

    def write(
        self, writers: dict[type[models.Model], TableWriter], ids: Ids, password: str
    ) -> None:
        rng = self.rng
        uid = self.user_id
        joined_at = self._instant(self.joined, rng.randint(8 * 60, 14 * 60))
        writers[User].add(
            id=uid,
            password=password,
            username=f"{USERNAME_PREFIX}{uid}",
            email=f"{USERNAME_PREFIX}{uid}@load.invalid",
            date_joined=joined_at,
            role=User.Role.LEARNER,
            timezone=self.zone,
            is_verified=True,
            is_active=True,
            is_staff=False,
            is_superuser=False,
        )
        writers[LearnerProfile].add(id=ids.take(LearnerProfile), user_id=uid)

        # Split the answers over sessions, and the sessions over the active days.
        sizes: list[int] = []
        left = self.answers
        while left > 0:
            size = min(left, max(5, int(rng.gauss(SESSION_SIZE, 5))))
            sizes.append(size)
            left -= size
        per_day: dict[int, list[int]] = defaultdict(list)
        for number, size in enumerate(sizes):
            per_day[self.days[number % len(self.days)]].append(size)

        progress: dict[int, list[Any]] = {}
        tracks: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # attempts, correct, xp
        summaries: dict[date, dict[str, int]] = {}
        xp_total = correct_total = 0
        last_at: datetime | None = None
        mode_names = [mode for mode, _ in MODES]
        items, item_count = self.items, len(self.items)
        random_, getrandbits, times = rng.random, rng.getrandbits, self.times
        add_attempt, add_xp = writers[Attempt].add, writers[XPEvent].add
        mode_weights = [weight for _, weight in MODES]
        for offset in sorted(per_day):
            day = self.joined + timedelta(days=offset)
            # Her local day, as the rollup cuts it: an evening that runs past midnight counts
            # its late answers on the next date.
            next_midnight = self._instant(day + timedelta(days=1), 0)
            at = self._instant(day, rng.randint(15 * 60, 19 * 60))
            summary = _summary(summaries, day)
            for size in per_day[offset]:
                session_id = ids.take(PracticeSession)
                mode = rng.choices(mode_names, weights=mode_weights)[0]
                mode_column = MODE_COLUMNS.get(mode, "lesson_ms")
                started_at = at
                answered = right = total_ms = session_xp = 0
                track_id = self.items[0].track_id
                for plan_index in range(size):
                    item = items[int(random_() * item_count)]
                    is_correct = random_() < RIGHT_SHARE
                    response_ms = times[getrandbits(12)]  # ≤ 60 s: all of it is active time
                    at += timedelta(milliseconds=response_ms + 700)
                    state = progress.get(item.id)
                    if state is None:
                        # attempts, correct, streak, best streak, ms sum, best ms, outcomes
                        state = progress[item.id] = [0, 0, 0, 0, 0, response_ms, []]
                    state[0] += 1
                    xp = item.xp if is_correct else 0
                    response = item.right if is_correct else "0"
                    attempt_id = ids.take(Attempt)
                    add_attempt(
                        id=attempt_id,
                        user_id=uid,
                        session_id=session_id,
                        exercise_id=item.id,
                        plan_index=plan_index,
                        response=response,
                        interpreted_as=response,
                        is_correct=is_correct,
                        score=1.0 if is_correct else 0.0,
                        response_ms=response_ms,
                        attempt_number=state[0],
                        xp=xp,
                        created_at=at,
                    )
                    if is_correct:
                        add_xp(
                            id=ids.take(XPEvent),
                            user_id=uid,
                            amount=xp,
                            reason=XPEvent.Reason.ANSWER,
                            source_type="attempt",
                            source_id=attempt_id,
                            track_id=item.track_id,
                            created_at=at,
                        )
                        state[1] += 1
                        state[2] += 1
                        if state[2] > state[3]:
                            state[3] = state[2]
                        right += 1
                    else:
                        state[2] = 0
                    state[4] += response_ms
                    if response_ms < state[5]:
                        state[5] = response_ms
                    state[6].append((is_correct, response_ms, at))
                    track_id = item.track_id
                    counters = tracks[track_id]
                    counters[0] += 1
                    counters[1] += is_correct
                    counters[2] += xp
                    answered += 1
                    total_ms += response_ms
                    session_xp += xp
                    if at >= next_midnight:
                        summary = _summary(summaries, day + timedelta(days=1))
                    summary["questions"] += 1
                    summary["correct"] += is_correct
                    summary["practised_ms"] += response_ms
                    summary["response_ms"] += response_ms
                    summary[mode_column] += response_ms
                    if item.kind == Exercise.Kind.FACT:
                        summary["new_facts" if state[0] == 1 else "facts_reviewed"] += 1
                    summary["xp"] += xp
                ended_at = at + timedelta(seconds=2)
                writers[PracticeSession].add(
                    id=session_id,
                    user_id=uid,
                    mode=mode,
                    status=PracticeSession.Status.COMPLETED,
                    track_id=track_id,
                    config={},
                    plan=[],
                    position=answered,
                    started_at=started_at,
                    ended_at=ended_at,
                    answered=answered,
                    correct=right,
                    total_response_ms=total_ms,
                    active_ms=total_ms,
                    xp_earned=session_xp,
                )
                ended_on = day if ended_at < next_midnight else day + timedelta(days=1)
                _summary(summaries, ended_on)["sessions"] += 1
                xp_total += session_xp
                correct_total += right
                last_at = ended_at
                at = ended_at + timedelta(minutes=rng.randint(1, 5))

        practised = sorted(summaries)  # every generated day completed a session
        streaks: dict[date, int] = {}
        run = 0
        for index, day in enumerate(practised):
            consecutive = index and (day - practised[index - 1]).days == 1
            run = run + 1 if consecutive else 1
            streaks[day] = run
        for day, day_counters in summaries.items():
            writers[DailySummary].add(
                id=ids.take(DailySummary),
                user_id=uid,
                date=day,
                streak=streaks[day],
                daily_goal_met=False,
                facts_mastered=0,
                **day_counters,
            )
            writers[StreakDay].add(id=ids.take(StreakDay), user_id=uid, date=day)
        for exercise_id, state in progress.items():
            attempts, correct, streak, best_streak, ms_sum, best_ms, outcomes = state
            accuracy = correct / attempts
            seen_at = outcomes[-1][2]
            writers[ExerciseProgress].add(
                id=ids.take(ExerciseProgress),
                user_id=uid,
                exercise_id=exercise_id,
                attempts=attempts,
                correct=correct,
                current_streak=streak,
                best_streak=best_streak,
                average_response_ms=ms_sum // attempts,
                best_response_ms=best_ms,
                last_response_ms=outcomes[-1][1],
                recent=[{"correct": ok, "ms": ms} for ok, ms, _ in outcomes[-5:]],
                mastery=round(accuracy * min(1.0, attempts / 10), 4),
                fluency_level=FluencyLevel.ACCURACY if accuracy >= 0.8 else FluencyLevel.LEARNING,
                card={},
                due_at=seen_at + timedelta(days=1),
                last_attempt_at=seen_at,
            )
        for track_id, (track_attempts, track_correct, track_xp) in tracks.items():
            writers[TrackProgress].add(
                id=ids.take(TrackProgress),
                user_id=uid,
                track_id=track_id,
                attempts=track_attempts,
                correct=track_correct,
                xp=track_xp,
                unlocked_at=joined_at,
            )
        last_day = practised[-1] if practised else None
        # A streak is current while its last day is today or yesterday.
        current = streaks[last_day] if last_day and last_day >= self.today - timedelta(1) else 0
        writers[Standing].add(
            id=ids.take(Standing),
            user_id=uid,
            xp=xp_total,
            level=level_for(xp_total),
            current_streak=current,
            best_streak=max(streaks.values(), default=0),
            last_active_date=last_day,
            last_active_at=last_at,
            last_active_timezone=self.zone if last_at else "",
            correct_answers=correct_total,
        )


def _summary(summaries: dict[date, dict[str, int]], day: date) -> dict[str, int]:
    summary = summaries.get(day)
    if summary is None:
        summary = summaries[day] = dict.fromkeys(_SUMMARY_COUNTERS, 0)
    return summary


_SUMMARY_COUNTERS = (
    "practised_ms",
    "response_ms",
    "sessions",
    "questions",
    "correct",
    "facts_reviewed",
    "new_facts",
    "lesson_ms",
    "review_ms",
    "drill_ms",
    "quiz_ms",
    "xp",
)

"""Leaderboards: a standings table kept by the answer transaction, mirrored in Redis sorted sets.

Daily and weekly boards follow UTC (weeks start on Monday); the all-time board never resets.
Each exists overall and per track. A board's order is one number, `rank_key` (see
`rank_key_for`): more XP first, then whoever reached that total first, then the lower user id,
the same in Redis and SQL.

The truth is `BoardScore`: the transaction that pays XP adds it to the learner's rows (one
upsert, `scores_add`), which return their new keys; after commit those absolute keys are
written to Redis with `ZADD LT` (keep the lower, i.e. better, key). Writes of absolute,
monotonic keys commute, so a bump that arrives twice, late, or during a rebuild changes nothing
twice and loses nothing.

Reading the top and one's own rank touches only Redis while it holds the whole of the boards;
otherwise the same answer comes from `BoardScore` at once, in O(log n): the top is an index
range with `LIMIT`, a rank a `COUNT` of higher keys on the same index (`read_sql`).

Redis may lose the boards (a restart without persistence, a flush, an eviction) or miss bumps
(an outage): a board rebuilt from nothing by the bumps that follow would show a learner 10 XP
where the ledger says 1,261. So a rebuild ends by writing a marker (`COMPLETE_KEY`); a read
trusts Redis only while the marker is there. Without it (or without the board's key) the answer
comes from SQL and one rebuild is scheduled (a short lock, not one per request); a process whose
bump failed drops the marker at its next contact with Redis.

A rebuild never blocks Redis: each board is copied from SQL in chunks of `CHUNK` members into
`<key>:build`, then swapped in by a script that only renames (`SWAP`), and the board it replaces
is freed in the background (`UNLINK`). Bumps that arrive while a board is being built are
written to its build key too (`BUMP` checks for it), so the swap loses none of them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.sql import UpdateQuery
from django.utils import timezone

logger = logging.getLogger(__name__)

PREFIX = "calcuingo:lb"
NAMES_KEY = f"{PREFIX}:names"
# Present while the boards hold the whole of the standings: written by a rebuild, gone with a
# flush.
COMPLETE_KEY = f"{PREFIX}:complete"
# Held while a rebuild is scheduled or running, so that a burst of reads asks for one.
REBUILD_LOCK_KEY = f"{PREFIX}:rebuild-lock"
REBUILD_LOCK_SECONDS = 120
# Held while a rebuild runs: two at once would unlink each other's half-built boards.
RUNNING_KEY = f"{PREFIX}:rebuilding"
PERIODS = ("daily", "weekly", "all_time")
# The all-time board's period "starts" on this date (a date, so that the unique key has no NULL).
ALL_TIME = date(1970, 1, 1)
KEEP = {"daily": timedelta(days=3), "weekly": timedelta(weeks=5)}
NEIGHBOURS = 2
# Members per Redis command in a rebuild: a ZADD of this many takes about a millisecond.
CHUNK = 2_000
BUILD_SUFFIX = ":build"
# A build key's only member until the first chunk: it makes the key exist (so that bumps go to
# it too) and sorts after every learner (keys are negative); the swap removes it.
PLACEHOLDER = "~"
BUILD_TTL = 3_600

# rank_key = -(xp * 2**TICK_BITS + (2**TICK_BITS - 1 - tick)): exact in a double (Redis scores)
# for XP below 2**27 (134 million) with ticks below 2**26 (127 years of minutes).
TICK_BITS = 26
TICK_SPAN: int = 2**TICK_BITS
MAX_XP: int = 2 ** (53 - TICK_BITS) - 1
TICK_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    rank: int
    user_id: int
    username: str
    xp: int


@dataclass(frozen=True)
class Board:
    period: str
    starts_on: date | None
    track_id: int | None
    top: list[Row]
    me: Row | None
    around_me: list[Row]
    source: str  # "redis" or "sql"


# --------------------------------------------------------------------------------------------
# Periods, keys and the order
# --------------------------------------------------------------------------------------------


def period_start(period: str, at: datetime | None = None) -> date | None:
    day = (at or timezone.now()).astimezone(UTC).date()
    if period == "daily":
        return day
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    return None


def _stored_start(period: str, at: datetime | None = None) -> date:
    return period_start(period, at) or ALL_TIME


def key_for(period: str, starts_on: date | None, track_id: int | None) -> str:
    scope = f"track:{track_id}" if track_id else "all"
    when = starts_on.isoformat() if starts_on and starts_on != ALL_TIME else "ever"
    return f"{PREFIX}:{period}:{when}:{scope}"


def member(user_id: int) -> str:
    """A learner on a sorted set: zero-padded, so that equal scores list lower ids first."""
    return f"{user_id:012d}"


def tick_for(period: str, at: datetime) -> int:
    """When `at` falls: seconds into its day or week, minutes since 2020 for all-time."""
    if period == "all_time":
        return max(0, int((at - TICK_EPOCH).total_seconds() // 60))
    start = datetime.combine(_stored_start(period, at), datetime.min.time(), tzinfo=UTC)
    return int((at - start).total_seconds())


def rank_key_for(xp: int, tick: int) -> int:
    """The board's order in one number, ascending: more XP, then the earlier tick."""
    return -(min(xp, MAX_XP) * TICK_SPAN + (TICK_SPAN - 1 - tick))


def xp_of(rank_key: float) -> int:
    return int(-rank_key) // TICK_SPAN


def _more_xp_than(xp: int) -> int:
    """Keys of learners with more XP than `xp` are at most this."""
    return -((xp + 1) * TICK_SPAN)


def _expire_at(period: str, starts_on: date | None) -> int | None:
    if starts_on is None or starts_on == ALL_TIME or period not in KEEP:
        return None
    end = datetime.combine(starts_on, datetime.min.time(), tzinfo=UTC) + KEEP[period]
    return int(end.timestamp())


def _redis() -> Any | None:
    """The raw Redis client when the cache is Redis, else None (local-memory cache)."""
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _table() -> str:
    from .models import BoardScore

    return connection.ops.quote_name(BoardScore._meta.db_table)


# --------------------------------------------------------------------------------------------
# Writing: the answer transaction, then Redis after commit
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A learner's new place on one board, as the transaction left it."""

    key: str
    rank_key: int
    expire: int | None


def scores_add(
    *,
    user_id: int,
    grants: Iterable[tuple[int, int | None, datetime]],
    hidden: bool,
    then_update: tuple[QuerySet[Any], dict[str, Any]] | None = None,
) -> list[Score]:
    """Add paid XP (amount, track, when) to every board it counts on: one statement.

    Returns each board's new key for the after-commit bump. Concurrent answers of one learner
    add to the same rows (`ON CONFLICT … DO UPDATE xp = xp + …`): no update is lost.
    `then_update` is an UPDATE the caller has to run anyway (a queryset and its changes): on
    PostgreSQL the upsert rides in it as a data-modifying `WITH`, so the answer path pays no
    statement for the boards; elsewhere it runs on its own after the upsert.
    """
    rows: dict[tuple[str, date, int], list[int]] = {}
    for amount, track_id, at in grants:
        for period in PERIODS:
            for scope in {0, track_id or 0}:
                board = (period, _stored_start(period, at), scope)
                xp, tick = rows.get(board, [0, 0])
                rows[board] = [xp + amount, max(tick, tick_for(period, at))]
    upsert, params = _upsert(user_id, rows, hidden)
    if then_update is not None and connection.vendor == "postgresql":
        queryset, changes = then_update
        update, update_params = _update_sql(queryset, changes)
        steps, step_params = [f"board AS ({upsert})"], list(params)
        if not hidden:
            # Her old total leaves each board's count and the new one joins it.
            added = ", ".join(["(%s, %s::date, %s, %s)"] * len(rows))
            steps += [
                f"added (period, starts_on, track, amount) AS (VALUES {added})",
                f"moved AS ({_counts_upsert(MOVES)})",
            ]
            for (period, starts_on, scope), (xp, _) in rows.items():
                step_params += [period, starts_on, scope, xp]
        returned = _fetch(
            f"WITH {', '.join(steps)} {update} RETURNING (SELECT "  # noqa: S608 - no input
            "json_agg(json_build_array(period, starts_on, track, rank_key, xp)) FROM board)",
            [*step_params, *update_params],
        )[0][0]
    else:
        returned = _fetch(upsert, params)
        if not hidden:
            moves: dict[tuple[str, date, int, int], int] = {}
            for period, starts_on, scope, _, xp in returned:
                start = _date(starts_on)
                now_on = (period, start, scope, xp)
                moves[now_on] = moves.get(now_on, 0) + 1
                before = (period, start, scope, xp - rows[(period, start, scope)][0])
                if before[3] > 0:
                    moves[before] = moves.get(before, 0) - 1
            counts_add(moves)
        if then_update is not None:
            queryset, changes = then_update
            queryset.update(**changes)
    scores = []
    for period, starts_on, scope, rank_key, _ in returned or []:
        start = _date(starts_on)
        scores.append(
            Score(key_for(period, start, scope), int(rank_key), _expire_at(period, start))
        )
    return scores


# The count changes of an answer, from the upserted rows (`board`) and what each board added
# (`added`): +1 on each new total, -1 on each old one.
MOVES = """
    SELECT period, starts_on, track, xp, SUM(delta) FROM (
        SELECT b.period, b.starts_on, b.track, b.xp, 1 AS delta FROM board b
        UNION ALL
        SELECT b.period, b.starts_on, b.track, b.xp - a.amount, -1 FROM board b
        JOIN added a ON a.period = b.period AND a.starts_on = b.starts_on AND a.track = b.track
        WHERE b.xp - a.amount > 0
    ) moves GROUP BY period, starts_on, track, xp ORDER BY period, starts_on, track, xp
"""


def _date(value: Any) -> date:
    """A date column as a row or JSON gives it (SQLite and `json_agg` give text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _counts_upsert(select: str) -> str:
    """Add the (period, starts_on, track, xp, learners) rows of `select` to the counts."""
    from .models import BoardCount

    table = connection.ops.quote_name(BoardCount._meta.db_table)
    return (
        f"INSERT INTO {table} (period, starts_on, track, xp, learners) {select} "
        "ON CONFLICT (period, starts_on, track, xp) "
        f"DO UPDATE SET learners = {table}.learners + EXCLUDED.learners"
    )


def counts_add(moves: dict[tuple[str, date, int, int], int]) -> None:
    """Add to how many learners hold each total: {(period, start, track, xp): change}.

    In a fixed order, so that two transactions moving the same totals never deadlock.
    """
    changes = sorted((board, change) for board, change in moves.items() if change)
    if not changes:
        return
    values = " UNION ALL ".join(["SELECT %s, %s, %s, %s, %s"] * len(changes))
    params = [value for board, change in changes for value in (*board, change)]
    with connection.cursor() as cursor:
        # SQLite reads `INSERT … SELECT … ON CONFLICT` only with a WHERE in the SELECT.
        select = f"SELECT * FROM ({values}) moves WHERE 1 = 1"  # noqa: S608 - placeholders
        cursor.execute(_counts_upsert(select), params)


def _upsert(
    user_id: int, rows: dict[tuple[str, date, int], list[int]], hidden: bool
) -> tuple[str, list[Any]]:
    table = _table()
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (period, starts_on, scope), (xp, tick) in rows.items():
        params += [user_id, period, starts_on, scope, xp, tick, rank_key_for(xp, tick), hidden]
    latest = f"CASE WHEN EXCLUDED.tick > {table}.tick THEN EXCLUDED.tick ELSE {table}.tick END"
    total = f"CAST({table}.xp AS BIGINT) + EXCLUDED.xp"
    capped = f"CASE WHEN {total} > {MAX_XP} THEN {MAX_XP} ELSE {total} END"
    columns = "user_id, period, starts_on, track, xp, tick, rank_key, hidden"
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 - constants only
        "ON CONFLICT (user_id, period, starts_on, track) DO UPDATE SET "
        f"xp = {total}, tick = {latest}, "
        f"rank_key = -(({capped}) * {TICK_SPAN} + {TICK_SPAN - 1} - ({latest})) "
        "RETURNING period, starts_on, track, rank_key, xp"
    )
    return sql, params


def _update_sql(queryset: QuerySet[Any], changes: dict[str, Any]) -> tuple[str, list[Any]]:
    """The SQL Django would run for `queryset.update(**changes)`."""
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(changes)
    compiler = query.get_compiler(queryset.db)
    compiler.pre_sql_setup()
    sql, params = compiler.as_sql()
    return sql, list(params)


# KEYS: the boards, then the names hash. ARGV: member, user id, username, then per board its
# key and expiry (0: none). A board being rebuilt gets the bump in its build key as well.
BUMP = """
local n = #KEYS - 1
for i = 1, n do
  local key, score, expire = KEYS[i], ARGV[2 + 2 * i], tonumber(ARGV[3 + 2 * i])
  redis.call('ZADD', key, 'LT', score, ARGV[1])
  if expire > 0 then redis.call('EXPIREAT', key, expire) end
  local build = key .. ':build'
  if redis.call('EXISTS', build) == 1 then redis.call('ZADD', build, 'LT', score, ARGV[1]) end
end
redis.call('HSET', KEYS[n + 1], ARGV[2], ARGV[3])
return n
"""

# KEYS: the board, its build key, a name for the board it replaces. ARGV: expiry (0: none).
# Renames only (O(1)); the replaced board is unlinked by the caller, outside the script.
SWAP = """
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[3]) end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('RENAME', KEYS[2], KEYS[1])
  if tonumber(ARGV[1]) > 0 then redis.call('EXPIREAT', KEYS[1], ARGV[1]) end
end
return 1
"""

# A bump this process could not deliver: the boards miss XP until they are rebuilt.
_bump_lost = False


def bump(*, user_id: int, username: str, scores: list[Score]) -> None:
    """Write a learner's new keys to her boards (after commit; an outage is logged, not raised)."""
    global _bump_lost
    try:
        client = _redis()
        if client is None or not scores:
            return
        if _bump_lost:
            client.delete(COMPLETE_KEY)  # an earlier bump never arrived: rebuild before trusting
        args: list[Any] = [member(user_id), user_id, username]
        for score in scores:
            args += [score.rank_key, score.expire or 0]
        script = client.register_script(BUMP)
        script(keys=[*(score.key for score in scores), NAMES_KEY], args=args)
        _bump_lost = False
    except Exception as exc:  # noqa: BLE001 - SQL is the truth; a rebuild repairs Redis
        _bump_lost = True
        logger.warning("leaderboard bump for user %s failed: %s", user_id, exc)


def _current_rows(user_id: int, at: datetime | None = None) -> list[tuple[str, int, int, str]]:
    """(key, rank_key, expiry, username) of every current board she is on: one query."""
    from .models import BoardScore

    now = at or timezone.now()
    rows = []
    for period, starts_on, track, rank_key, username in (
        BoardScore.objects.filter(user_id=user_id, starts_on__in=_current_starts(now))
        .values_list("period", "starts_on", "track", "rank_key", "user__username")
        .order_by()
    ):
        if starts_on != _stored_start(period, now):
            continue  # last week's board seen from today's date, or the like
        key = key_for(period, starts_on, track)
        rows.append((key, rank_key, _expire_at(period, starts_on) or 0, username))
    return rows


def _current_starts(now: datetime) -> set[date]:
    return {_stored_start(period, now) for period in PERIODS}


def visibility_set(*, user_id: int, hidden: bool) -> None:
    """Hide her rows on every board, or show them again, with the boards' counts (in SQL)."""
    moves: dict[tuple[str, date, int, int], int] = {}
    for period, starts_on, track, xp in _fetch(
        f"UPDATE {_table()} SET hidden = %s WHERE user_id = %s AND hidden = %s "  # noqa: S608
        "RETURNING period, starts_on, track, xp",
        [hidden, user_id, not hidden],
    ):
        moves[(period, _date(starts_on), track, xp)] = -1 if hidden else 1
    counts_add(moves)


def member_drop(*, user_id: int) -> None:
    """Her account is being deleted: her rows leave the boards' counts before they go."""
    visibility_set(user_id=user_id, hidden=True)


def member_visibility(*, user_id: int, visible: bool) -> None:
    """Take a learner who opts out off the Redis boards at once, or put her back.

    Runs after commit (her `BoardScore` rows have changed with the choice): a Redis outage is
    logged, never raised into the request that changed it. Either way it is one query and one
    round of Redis commands for her own boards, never a rebuild.
    """
    try:
        client = _redis()
        if client is None:
            return
        rows = _current_rows(user_id)
        if not rows:
            return
        pipe = client.pipeline()
        for key, rank_key, expire, _ in rows:
            if visible:
                pipe.zadd(key, {member(user_id): rank_key}, lt=True)
                if expire:
                    pipe.expireat(key, expire)
            else:
                pipe.zrem(key, member(user_id))
        if visible:
            pipe.hset(NAMES_KEY, user_id, rows[0][3])
        pipe.execute()
    except Exception as exc:  # noqa: BLE001 - SQL is the truth; a rebuild repairs Redis
        logger.warning("leaderboard visibility of user %s failed: %s", user_id, exc)


def member_forget(*, user_id: int) -> None:
    """A deleted account leaves no trace on the boards: not her score, not her name."""
    try:
        client = _redis()
        if client is None:
            return
        for key in client.scan_iter(match=f"{PREFIX}:*:*:*"):
            client.zrem(key, member(user_id))
        client.hdel(NAMES_KEY, user_id)
    except Exception as exc:  # noqa: BLE001 - the next rebuild drops her anyway
        logger.warning("leaderboard erasure of user %s failed: %s", user_id, exc)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _board(alias: str = "s") -> str:
    """The WHERE clause of one board's visible rows: the leading columns of its index."""
    return (
        f"{alias}.period = %s AND {alias}.starts_on = %s AND {alias}.track = %s "
        f"AND NOT {alias}.hidden"
    )


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _board_query(
    board: list[Any],
    *,
    limit: int,
    part: int = 0,
    after: tuple[Any, int] | None = None,
    before: tuple[Any, int] | None = None,
    names: bool = True,
) -> tuple[str, list[Any]]:
    """SELECT (part, user id, rank key, name) of a board in its order: from its start, from
    `after` (a (rank key, user id), included), or the rows just before `before`, nearest first.
    A rank key may be SQL (a scalar subquery) with its parameters at the start of `board`."""
    users = connection.ops.quote_name("accounts_user")
    name, join = ("u.username", f"JOIN {users} u ON u.id = s.user_id") if names else ("''", "")
    where, params, direction = _board(), list(board), ""
    for place, operator in ((after, ">="), (before, "<")):
        if place is not None:
            key, key_params = place[0] if isinstance(place[0], tuple) else ("%s", [place[0]])
            where += f" AND (s.rank_key, s.user_id) {operator} ({key}, %s)"
            params += [*key_params, place[1]]
    if before is not None:
        direction = " DESC"
    sql = (
        f"SELECT {part} AS part, s.user_id, s.rank_key, {name} AS username "  # noqa: S608
        f"FROM {_table()} s {join} WHERE {where} "
        f"ORDER BY s.rank_key{direction}, s.user_id{direction} LIMIT %s"
    )
    return sql, [*params, limit]


def _board_rows(board: list[Any], **query: Any) -> list[tuple[int, int, str]]:
    sql, params = _board_query(board, **query)
    return [(int(user), int(key), label) for _, user, key, label in _fetch(sql, params)]


def _ranked(
    entries: list[tuple[int, int, str]], ranks: dict[int, int], first_rank: int | None = None
) -> list[Row]:
    """Rows in board order from (user id, rank key, name); competition ranks (equal XP, equal
    rank) from the counts of higher XP in `ranks`, or counted down the list from `first_rank`."""
    rows: list[Row] = []
    for position, (user_id, rank_key, username) in enumerate(entries):
        xp = xp_of(rank_key)
        if rows and xp == rows[-1].xp:
            rank = rows[-1].rank
        elif first_rank is not None:
            rank = first_rank + position
        else:
            rank = ranks[xp]
        rows.append(Row(rank, user_id, username, xp))
    return rows


def read_sql(*, period: str, user_id: int, track_id: int | None = None, top: int = 50) -> Board:
    """The board from `BoardScore` in two index range reads, whatever the number of learners.

    One statement lists the top, the rows just before her and hers with those after (her place
    is read by a subquery on the unique index), the other counts the learners with more XP than
    each of hers and her neighbours' totals (competition ranks: equal XP, equal rank).
    """
    table = _table()
    starts_on = period_start(period)
    board = [period, starts_on or ALL_TIME, track_id or 0]
    where = _board("m")
    place = f"(SELECT m.rank_key FROM {table} m WHERE m.user_id = %s AND {where})"  # noqa: S608
    mine = (place, [user_id, *board])
    parts = [
        _board_query(board, limit=top, part=0),
        _board_query(board, limit=NEIGHBOURS, part=1, before=(mine, user_id)),
        _board_query(board, limit=NEIGHBOURS + 1, part=2, after=(mine, user_id)),
    ]
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({query}) AS part{n}"  # noqa: S608 - our own statements
        for n, (query, _) in enumerate(parts)
    )
    listed: dict[int, list[tuple[int, int, str]]] = {0: [], 1: [], 2: []}
    for part, user, key, name in _fetch(sql, [param for _, params in parts for param in params]):
        listed[int(part)].append((int(user), int(key), name))
    leaders, above, from_her = listed[0], listed[1], listed[2]
    on_board = bool(from_her) and from_her[0][0] == user_id
    around = [*reversed(above), *from_her] if on_board else []
    ranks: dict[int, int] = {}
    if around:
        # 1 + how many have more XP, for each total around her: a sum over the board's counts
        # of the totals above the lowest of them (a few thousand rows at most).
        from .models import BoardCount

        counts_table = connection.ops.quote_name(BoardCount._meta.db_table)
        levels = sorted({xp_of(key) for _, key, _ in around})
        sums = ", ".join(
            ["COALESCE(SUM(CASE WHEN c.xp > %s THEN c.learners ELSE 0 END), 0)"] * len(levels)
        )
        counted = _fetch(
            f"SELECT {sums} FROM {counts_table} c WHERE c.period = %s "  # noqa: S608
            "AND c.starts_on = %s AND c.track = %s AND c.xp > %s",
            [*levels, *board, min(levels)],
        )[0]
        ranks = {xp: int(count) + 1 for xp, count in zip(levels, counted, strict=True)}
    top_rows = _ranked(leaders, {}, first_rank=1)
    around_rows = _ranked(around, ranks)
    me = next((row for row in around_rows if row.user_id == user_id), None)
    return Board(period, starts_on, track_id, top_rows, me, around_rows, "sql")


def _decode(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _read_redis(
    client: Any, period: str, starts_on: date | None, track_id: int | None, user_id: int, top: int
) -> Board | None:
    """The board from Redis; None when Redis may not hold all of it (no marker, no key)."""
    key = key_for(period, starts_on, track_id)
    pipe = client.pipeline()
    pipe.exists(COMPLETE_KEY)
    pipe.exists(key)
    pipe.zrange(key, 0, top - 1, withscores=True)
    pipe.zrank(key, member(user_id))
    complete, present, leaders, my_index = pipe.execute()
    if not complete or not present:
        return None
    around_raw: list[tuple[Any, float]] = []
    ranks: dict[int, int] = {}
    if my_index is not None:
        start = max(0, my_index - NEIGHBOURS)
        around_raw = client.zrange(key, start, my_index + NEIGHBOURS, withscores=True)
        pipe = client.pipeline()
        levels = sorted({xp_of(score) for _, score in around_raw})
        for xp in levels:
            pipe.zcount(key, "-inf", _more_xp_than(xp))
        ranks = {xp: int(count) + 1 for xp, count in zip(levels, pipe.execute(), strict=True)}
    ids = sorted({int(m) for m, _ in [*leaders, *around_raw]})
    names = dict(zip(ids, client.hmget(NAMES_KEY, ids) if ids else [], strict=True))

    def entries(raw: list[tuple[Any, float]]) -> list[tuple[int, int, str]]:
        return [(int(m), int(score), _decode(names.get(int(m)) or b"")) for m, score in raw]

    top_rows = _ranked(entries(leaders), {}, first_rank=1)
    around = _ranked(entries(around_raw), ranks)
    me = next((row for row in around if row.user_id == user_id), None)
    return Board(period, starts_on, track_id, top_rows, me, around, "redis")


def read(*, period: str, user_id: int, track_id: int | None = None, top: int = 50) -> Board:
    """The top of a board and where this learner stands, from Redis or else from SQL.

    Redis answers only while it holds the whole board (see the module's docstring); otherwise
    SQL answers at once and one rebuild is scheduled.
    """
    global _bump_lost
    starts_on = period_start(period)
    try:
        client = _redis()
        if client is not None:
            if _bump_lost:
                client.delete(COMPLETE_KEY)
                _bump_lost = False
            board = _read_redis(client, period, starts_on, track_id, user_id, top)
            if board is not None:
                return board
            board = read_sql(period=period, user_id=user_id, track_id=track_id, top=top)
            if board.top or not client.exists(COMPLETE_KEY):
                rebuild_schedule(client)  # an empty board needs no rebuild while it is empty
            return board
    except Exception as exc:  # noqa: BLE001 - Redis down: answer from SQL instead
        logger.warning("leaderboard read from Redis failed, using SQL: %s", exc)
    return read_sql(period=period, user_id=user_id, track_id=track_id, top=top)


# --------------------------------------------------------------------------------------------
# Rebuilding Redis from SQL, and the standings from the ledger
# --------------------------------------------------------------------------------------------


def rebuild_schedule(client: Any) -> None:
    """Ask Celery for one rebuild unless one is already asked for.

    The lock expires on its own, so a rebuild that dies is asked for again a little later.
    """
    if not client.set(REBUILD_LOCK_KEY, 1, nx=True, ex=REBUILD_LOCK_SECONDS):
        return
    # Within the app, but the tasks module imports this one: import at call time.
    from .tasks import leaderboards_rebuild

    try:
        leaderboards_rebuild.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001 - no broker: the lock lapses and a read asks again
        logger.warning("could not schedule a leaderboard rebuild: %s", exc)


def _boards(at: datetime) -> list[tuple[str, date, int]]:
    """Every current board: each period overall and for each track that has XP."""
    from curriculum.models import Track

    scopes = [0, *Track.objects.order_by("pk").values_list("pk", flat=True)]
    return [(period, _stored_start(period, at), scope) for period in PERIODS for scope in scopes]


def _board_chunks(
    board: tuple[str, date, int], *, names: bool
) -> Iterator[list[tuple[int, int, str]]]:
    """The board's visible rows in order, `CHUNK` at a time, by keyset (no offset scans)."""
    after: tuple[int, int] | None = None
    while rows := _board_rows(list(board), limit=CHUNK, after=after, names=names):
        yield rows
        # The next chunk starts just past the last row: its key, the next user id.
        after = (rows[-1][1], rows[-1][0] + 1)


def rebuild(*, at: datetime | None = None) -> int:
    """Rewrite the current boards in Redis from `BoardScore`; returns how many boards.

    No Redis command handles more than `CHUNK` members; the boards change by renames (see the
    module's docstring). Learners' names are written while copying the all-time board of all
    tracks, on which everyone with XP is.
    """
    client = _redis()
    if client is None:
        return 0
    token = uuid.uuid4().hex
    if not client.set(RUNNING_KEY, token, nx=True, ex=BUILD_TTL):
        logger.info("a leaderboard rebuild is already running: this one is not needed")
        return 0
    try:
        return _rebuild(client, at or timezone.now())
    finally:
        if _decode(client.get(RUNNING_KEY) or b"") == token:
            client.delete(RUNNING_KEY)


def _rebuild(client: Any, now: datetime) -> int:
    boards = _boards(now)
    builds = [key_for(period, start, scope) + BUILD_SUFFIX for period, start, scope in boards]
    # Every build key exists before the first row is read: a bump committed after its row was
    # read finds the build key and writes there too.
    pipe = client.pipeline(transaction=False)
    for build in builds:
        pipe.unlink(build)
        pipe.zadd(build, {PLACEHOLDER: 0})
        pipe.expire(build, BUILD_TTL)
    pipe.execute()
    swap = client.register_script(SWAP)
    for (period, start, scope), build in zip(boards, builds, strict=True):
        with_names = period == "all_time" and scope == 0
        for chunk in _board_chunks((period, start, scope), names=with_names):
            pipe = client.pipeline(transaction=False)
            pipe.zadd(build, {member(user_id): key for user_id, key, _ in chunk}, lt=True)
            if with_names:
                pipe.hset(NAMES_KEY, mapping={user_id: name for user_id, _, name in chunk})
            pipe.execute()
        key = key_for(period, start, scope)
        replaced = f"{key}:replaced"
        swap(keys=[key, build, replaced], args=[_expire_at(period, start) or 0, PLACEHOLDER])
        client.unlink(replaced)  # freed by a background thread, not while Redis waits
    pipe = client.pipeline()
    pipe.set(COMPLETE_KEY, timezone.now().isoformat())
    pipe.delete(REBUILD_LOCK_KEY)
    pipe.execute()
    standings_prune(at=now)
    return len(boards)


def standings_prune(*, at: datetime | None = None) -> int:
    """Drop the rows of daily and weekly boards too old to be read or archived."""
    from .models import BoardCount, BoardScore

    now = (at or timezone.now()).astimezone(UTC)
    gone = 0
    for period, keep in KEEP.items():
        cutoff = (now - keep).date()
        gone += BoardScore.objects.filter(period=period, starts_on__lt=cutoff).delete()[0]
        BoardCount.objects.filter(period=period, starts_on__lt=cutoff).delete()
    return gone


def standings_recompute(*, at: datetime | None = None, models: Any = None) -> int:
    """Rewrite the current boards' `BoardScore` rows from the XP ledger; returns rows written.

    For a ledger written around the services (bulk loads, the migration that created the
    table). The ledger is read grouped by learner and track, streamed; the rows go in batches.
    `models` is (XPEvent, BoardScore, Standing[, BoardCount]) from a migration's app
    registry, when called from one. The counts of learners per total are rewritten with them.
    """
    from .models import BoardCount, BoardScore, Standing, XPEvent

    # A migration from before the counts existed passes three models: no counts to rewrite.
    events, scores, standings, *counts = models or (XPEvent, BoardScore, Standing, BoardCount)
    now = at or timezone.now()
    hidden = set(
        standings.objects.filter(leaderboard_opt_out=True).values_list("user_id", flat=True)
    )
    written = 0
    with transaction.atomic():
        for period in PERIODS:
            start = _stored_start(period, now)
            scores.objects.filter(period=period, starts_on=start).delete()
            ledger = events.objects.all()
            if period != "all_time":
                begin = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
                span = timedelta(days=1) if period == "daily" else timedelta(weeks=1)
                ledger = ledger.filter(created_at__gte=begin, created_at__lt=begin + span)
            totals: dict[tuple[int, int], list[Any]] = {}
            batch: list[Any] = []
            grouped = (
                ledger.values_list("user_id", "track_id")
                .annotate(xp=Sum("amount"), last=Max("created_at"))
                .order_by("user_id")
            )
            current = None
            for user_id, track_id, xp, last in grouped.iterator(chunk_size=CHUNK):
                if user_id != current:
                    batch += _rows_of(scores, period, start, totals, hidden)
                    totals, current = {}, user_id
                for scope in {0, track_id or 0}:
                    total = totals.setdefault((user_id, scope), [0, last])
                    total[0] += xp
                    total[1] = max(total[1], last)
                if len(batch) >= CHUNK:
                    scores.objects.bulk_create(batch)
                    written, batch = written + len(batch), []
            batch += _rows_of(scores, period, start, totals, hidden)
            scores.objects.bulk_create(batch, batch_size=CHUNK)
            written += len(batch)
            if counts:
                counts_recompute(period=period, starts_on=start, models=(scores, counts[0]))
    return written


def counts_recompute(*, period: str, starts_on: date, models: Any = None) -> None:
    """Rewrite one period's counts of learners per total from its `BoardScore` rows."""
    from .models import BoardCount, BoardScore

    scores, counts = models or (BoardScore, BoardCount)
    counts.objects.filter(period=period, starts_on=starts_on).delete()
    grouped = (
        scores.objects.filter(period=period, starts_on=starts_on, hidden=False)
        .values_list("track", "xp")
        .annotate(learners=Count("pk"))
        .order_by()
    )
    counts.objects.bulk_create(
        (
            counts(period=period, starts_on=starts_on, track=track, xp=xp, learners=learners)
            for track, xp, learners in grouped.iterator(chunk_size=CHUNK)
        ),
        batch_size=CHUNK,
    )


def _rows_of(
    model: Any, period: str, start: date, totals: dict[tuple[int, int], list[Any]], hidden: set[Any]
) -> list[Any]:
    rows = []
    for (user_id, scope), (xp, last) in totals.items():
        tick = tick_for(period, last)
        rows.append(
            model(
                user_id=user_id,
                period=period,
                starts_on=start,
                track=scope,
                xp=xp,
                tick=tick,
                rank_key=rank_key_for(xp, tick),
                hidden=user_id in hidden,
            )
        )
    return rows


@transaction.atomic
def close_period(*, period: str = "weekly", at: datetime | None = None) -> int:
    """Archive the final standings of the period that ended before `at`; idempotent."""
    from .models import BoardScore, LeaderboardEntry

    now = at or timezone.now()
    current = period_start(period, now)
    assert current is not None
    previous = current - (timedelta(days=1) if period == "daily" else timedelta(weeks=1))
    scopes = sorted(
        set(
            BoardScore.objects.filter(period=period, starts_on=previous)
            .values_list("track", flat=True)
            .distinct()
        )
    )
    LeaderboardEntry.objects.filter(period=period, starts_on=previous).delete()
    written = 0
    for scope in scopes:
        entries = []
        rank, last_xp = 0, None
        for position, chunk_row in enumerate(
            row for chunk in _board_chunks((period, previous, scope), names=False) for row in chunk
        ):
            user_id, key, _ = chunk_row
            xp = xp_of(key)
            if xp != last_xp:
                rank, last_xp = position + 1, xp
            entries.append(
                LeaderboardEntry(
                    period=period,
                    starts_on=previous,
                    scope=f"track:{scope}" if scope else "all",
                    user_id=user_id,
                    rank=rank,
                    xp=xp,
                )
            )
        LeaderboardEntry.objects.bulk_create(entries, batch_size=1000)
        written += len(entries)
    try:
        client = _redis()
        if client is not None:
            for key in client.scan_iter(match=f"{PREFIX}:{period}:{previous.isoformat()}:*"):
                client.unlink(key)
    except Exception as exc:  # noqa: BLE001 - the keys expire on their own anyway
        logger.warning("could not drop closed leaderboard keys: %s", exc)
    return written

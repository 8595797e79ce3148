"""Leaderboards: Redis sorted sets kept current after commit, rebuilt from the XP ledger.

Daily and weekly boards follow UTC (weeks start on Monday); the all-time board never resets.
Each exists overall and per track. Reading the top and one's own rank touches only Redis (names
live in a Redis hash beside the sets); when Redis is down or not configured, the same answer
comes from the ledger with SQL window functions. Learners who opt out are on no board.

Redis may lose the boards (a restart without persistence, a flush, an eviction) or miss bumps
(an outage): a board rebuilt from nothing by the bumps that follow would show a learner 10 XP
where the ledger says 1,261. So a rebuild ends by writing a marker (`COMPLETE_KEY`) in the same
transaction as the boards; a read trusts Redis only while the marker is there. Without it the
answer comes from the ledger, and the read schedules one rebuild (a short lock, not one per
request); a process whose bump failed drops the marker at its next contact with Redis.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum, Window
from django.db.models.functions import Rank
from django.utils import timezone

logger = logging.getLogger(__name__)

PREFIX = "calcuingo:lb"
NAMES_KEY = f"{PREFIX}:names"
# Present while the boards hold the whole ledger: written by a rebuild, gone with a flush.
COMPLETE_KEY = f"{PREFIX}:complete"
# Held while a rebuild is scheduled or running, so that a burst of reads asks for one.
REBUILD_LOCK_KEY = f"{PREFIX}:rebuild-lock"
REBUILD_LOCK_SECONDS = 120
PERIODS = ("daily", "weekly", "all_time")
KEEP = {"daily": timedelta(days=3), "weekly": timedelta(weeks=5)}
NEIGHBOURS = 2


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


def period_start(period: str, at: datetime | None = None) -> date | None:
    day = (at or timezone.now()).astimezone(UTC).date()
    if period == "daily":
        return day
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    return None


def key_for(period: str, starts_on: date | None, track_id: int | None) -> str:
    scope = f"track:{track_id}" if track_id else "all"
    when = starts_on.isoformat() if starts_on else "ever"
    return f"{PREFIX}:{period}:{when}:{scope}"


def _redis() -> Any | None:
    """The raw Redis client when the cache is Redis, else None (local-memory cache)."""
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis"):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _expire_at(period: str, starts_on: date | None) -> int | None:
    if starts_on is None or period not in KEEP:
        return None
    end = datetime.combine(starts_on, datetime.min.time(), tzinfo=UTC) + KEEP[period]
    return int(end.timestamp())


# A bump this process could not deliver: the boards miss XP until they are rebuilt.
_bump_lost = False


def _board_keys(at: datetime, track_id: int | None) -> list[tuple[str, int | None]]:
    """Every board an event at `at` on this track counts on, with when its key expires."""
    keys = []
    for period in PERIODS:
        starts_on = period_start(period, at)
        for scope in {None, track_id}:
            keys.append((key_for(period, starts_on, scope), _expire_at(period, starts_on)))
    return keys


def bump(
    *, user_id: int, amount: int, track_id: int | None, at: datetime, username: str = ""
) -> None:
    """Add XP to every board it counts on (after commit; a Redis outage is logged, not raised)."""
    global _bump_lost
    try:
        client = _redis()
        if client is None:
            return
        if not username:
            from accounts.models import User

            username = User.objects.values_list("username", flat=True).get(pk=user_id)
        pipe = client.pipeline()
        if _bump_lost:
            pipe.delete(COMPLETE_KEY)  # an earlier bump never arrived: rebuild before trusting
        for key, expire in _board_keys(at, track_id):
            pipe.zincrby(key, amount, user_id)
            if expire:
                pipe.expireat(key, expire)
        pipe.hset(NAMES_KEY, user_id, username)
        pipe.execute()
        _bump_lost = False
    except Exception as exc:  # noqa: BLE001 - the ledger is the truth; a rebuild repairs Redis
        _bump_lost = True
        logger.warning("leaderboard bump for user %s failed: %s", user_id, exc)


def member_visibility(*, user_id: int, visible: bool) -> None:
    """Take a learner who opts out off the boards at once, or put her back when she opts in.

    Runs after commit: a Redis outage is logged, never raised into the request that changed it.
    Opting back in adds her own scores from the ledger (one query), not a rebuild of every board.
    """
    try:
        client = _redis()
        if client is None:
            return
        if visible:
            _member_add(client, user_id=user_id)
            return
        for key in client.scan_iter(match=f"{PREFIX}:*:*:*"):
            client.zrem(key, user_id)
    except Exception as exc:  # noqa: BLE001 - the ledger is the truth; a rebuild repairs Redis
        logger.warning("leaderboard visibility of user %s failed: %s", user_id, exc)


def _member_add(client: Any, *, user_id: int, at: datetime | None = None) -> None:
    """Put one learner on every current board with her XP there, from the ledger: one query."""
    from .models import XPEvent

    now = at or timezone.now()
    since = {
        period: datetime.combine(start, datetime.min.time(), tzinfo=UTC)
        for period in ("daily", "weekly")
        if (start := period_start(period, now)) is not None
    }
    rows = (
        XPEvent.objects.filter(user_id=user_id)
        .values("track_id", "user__username")
        .annotate(
            all_time=Sum("amount"),
            weekly=Sum("amount", filter=Q(created_at__gte=since["weekly"])),
            daily=Sum("amount", filter=Q(created_at__gte=since["daily"])),
        )
        .order_by()
    )
    scores: dict[str, int] = {}
    expiries: dict[str, int | None] = {}
    username = ""
    for row in rows:
        username = row["user__username"]
        for period in PERIODS:
            xp = row[period] or 0
            starts_on = period_start(period, now)
            for scope in {None, row["track_id"]}:
                key = key_for(period, starts_on, scope)
                scores[key] = scores.get(key, 0) + xp
                expiries[key] = _expire_at(period, starts_on)
    if not username:
        return  # no XP yet: on no board until her first bump
    pipe = client.pipeline()
    for key, xp in scores.items():
        if xp <= 0:
            continue  # like a rebuild: a board lists those who earned XP in its period
        pipe.zadd(key, {user_id: xp})
        if expire := expiries[key]:
            pipe.expireat(key, expire)
    pipe.hset(NAMES_KEY, user_id, username)
    pipe.execute()


def member_forget(*, user_id: int) -> None:
    """A deleted account leaves no trace on the boards: not her score, not her name."""
    try:
        client = _redis()
        if client is None:
            return
        for key in client.scan_iter(match=f"{PREFIX}:*:*:*"):
            client.zrem(key, user_id)
        client.hdel(NAMES_KEY, user_id)
    except Exception as exc:  # noqa: BLE001 - the next rebuild drops her anyway
        logger.warning("leaderboard erasure of user %s failed: %s", user_id, exc)


def _ledger(period: str, starts_on: date | None, track_id: int | None) -> QuerySet[Any]:
    from .models import XPEvent

    events = XPEvent.objects.exclude(user__standing__leaderboard_opt_out=True)
    if starts_on is not None:
        start = datetime.combine(starts_on, datetime.min.time(), tzinfo=UTC)
        span = timedelta(days=1) if period == "daily" else timedelta(weeks=1)
        events = events.filter(created_at__gte=start, created_at__lt=start + span)
    if track_id:
        events = events.filter(track_id=track_id)
    return (
        events.values("user_id")
        .annotate(xp=Sum("amount"), username=F("user__username"))
        .annotate(rank=Window(Rank(), order_by=F("xp").desc()))
        .order_by("rank", "user_id")
    )


def _read_sql(
    period: str, starts_on: date | None, track_id: int | None, user_id: int, top: int
) -> Board:
    ranked = list(_ledger(period, starts_on, track_id))
    rows = [Row(r["rank"], r["user_id"], r["username"], r["xp"]) for r in ranked]
    mine = next((index for index, row in enumerate(rows) if row.user_id == user_id), None)
    around = rows[max(0, mine - NEIGHBOURS) : mine + NEIGHBOURS + 1] if mine is not None else []
    return Board(
        period,
        starts_on,
        track_id,
        rows[:top],
        rows[mine] if mine is not None else None,
        around,
        "sql",
    )


def _read_redis(
    client: Any, period: str, starts_on: date | None, track_id: int | None, user_id: int, top: int
) -> Board | None:
    """The board from Redis; None when Redis may not hold all of it (no completeness marker)."""
    key = key_for(period, starts_on, track_id)
    pipe = client.pipeline()
    pipe.exists(COMPLETE_KEY)
    pipe.zrevrange(key, 0, top - 1, withscores=True)
    pipe.zrevrank(key, user_id)
    complete, leaders, my_index = pipe.execute()
    if not complete:
        return None
    around_raw: list[tuple[Any, float]] = []
    if my_index is not None:
        start = max(0, my_index - NEIGHBOURS)
        around_raw = client.zrevrange(key, start, my_index + NEIGHBOURS, withscores=True)
    ids = {int(member) for member, _ in [*leaders, *around_raw]}
    names = dict(zip(ids, client.hmget(NAMES_KEY, list(ids)) if ids else [], strict=True))

    def rank_rows(entries: list[tuple[Any, float]], first_index: int) -> list[Row]:
        """Competition ranking, as SQL's RANK(): equal XP, equal rank."""
        rows: list[Row] = []
        for offset, (member, score) in enumerate(entries):
            xp = int(score)
            if rows and xp == rows[-1].xp:
                rank = rows[-1].rank
            elif offset == 0 and first_index > 0:
                rank = int(client.zcount(key, f"({xp}", "+inf")) + 1
            else:
                rank = first_index + offset + 1
            name = names.get(int(member)) or b""
            text = name.decode() if isinstance(name, bytes) else str(name)
            rows.append(Row(rank, int(member), text, xp))
        return rows

    top_rows = rank_rows(leaders, 0)
    around = rank_rows(around_raw, max(0, my_index - NEIGHBOURS)) if my_index is not None else []
    me = next((row for row in around if row.user_id == user_id), None)
    return Board(period, starts_on, track_id, top_rows, me, around, "redis")


def read(*, period: str, user_id: int, track_id: int | None = None, top: int = 50) -> Board:
    """The top of a board and where this learner stands, from Redis or else from SQL.

    Redis answers only while it holds the whole ledger (see the module's docstring); otherwise
    the ledger does, and one rebuild is scheduled (run at once when Celery is eager, in which
    case this read already gets the rebuilt board).
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
            if board is None and rebuild_schedule(client):
                board = _read_redis(client, period, starts_on, track_id, user_id, top)
            if board is not None:
                return board
    except Exception as exc:  # noqa: BLE001 - Redis down: answer from the ledger instead
        logger.warning("leaderboard read from Redis failed, using SQL: %s", exc)
    return _read_sql(period, starts_on, track_id, user_id, top)


def rebuild_schedule(client: Any) -> bool:
    """Ask Celery for one rebuild unless one is already asked for; True if it has already run.

    The lock expires on its own, so a rebuild that dies is asked for again a little later.
    """
    if not client.set(REBUILD_LOCK_KEY, 1, nx=True, ex=REBUILD_LOCK_SECONDS):
        return False
    # Within the app, but the tasks module imports this one: import at call time.
    from .tasks import leaderboards_rebuild

    try:
        leaderboards_rebuild.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001 - no broker: the lock lapses and a read asks again
        logger.warning("could not schedule a leaderboard rebuild: %s", exc)
        return False
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def rebuild(*, at: datetime | None = None) -> int:
    """Rewrite the current boards in Redis from the ledger; returns how many boards."""
    from .models import XPEvent

    client = _redis()
    if client is None:
        return 0
    track_ids = set(
        XPEvent.objects.exclude(track__isnull=True).values_list("track_id", flat=True).distinct()
    )
    written = 0
    pipe = client.pipeline()
    names: dict[int, str] = {}
    for period in PERIODS:
        starts_on = period_start(period, at)
        for scope in [None, *sorted(track_ids)]:
            key = key_for(period, starts_on, scope)
            pipe.delete(key)
            entries = {}
            for row in _ledger(period, starts_on, scope):
                entries[row["user_id"]] = row["xp"]
                names[row["user_id"]] = row["username"]
            if entries:
                pipe.zadd(key, entries)
                expire = _expire_at(period, starts_on)
                if expire:
                    pipe.expireat(key, expire)
            written += 1
    if names:
        pipe.hset(NAMES_KEY, mapping=names)
    # In the same transaction as the boards: a reader sees all of them complete, or the marker
    # missing. The lock goes too, so that the next loss is noticed at once.
    pipe.set(COMPLETE_KEY, timezone.now().isoformat())
    pipe.delete(REBUILD_LOCK_KEY)
    pipe.execute()
    return written


@transaction.atomic
def close_period(*, period: str = "weekly", at: datetime | None = None) -> int:
    """Archive the final standings of the period that ended before `at`; idempotent."""
    from .models import LeaderboardEntry, XPEvent

    now = at or timezone.now()
    current = period_start(period, now)
    assert current is not None
    previous = current - (timedelta(days=1) if period == "daily" else timedelta(weeks=1))
    track_ids = set(
        XPEvent.objects.exclude(track__isnull=True).values_list("track_id", flat=True).distinct()
    )
    LeaderboardEntry.objects.filter(period=period, starts_on=previous).delete()
    entries = []
    for scope in [None, *sorted(track_ids)]:
        for row in _ledger(period, previous, scope):
            entries.append(
                LeaderboardEntry(
                    period=period,
                    starts_on=previous,
                    scope=f"track:{scope}" if scope else "all",
                    user_id=row["user_id"],
                    rank=row["rank"],
                    xp=row["xp"],
                )
            )
    LeaderboardEntry.objects.bulk_create(entries, batch_size=1000)
    try:
        client = _redis()
        if client is not None:
            for key in client.scan_iter(match=f"{PREFIX}:{period}:{previous.isoformat()}:*"):
                client.delete(key)
    except Exception as exc:  # noqa: BLE001 - the keys expire on their own anyway
        logger.warning("could not drop closed leaderboard keys: %s", exc)
    return len(entries)

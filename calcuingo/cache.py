"""Read-through caching of what learners look at most: stats, progress, grids, content, boards.

Keys of a learner's data carry her *version*, a number kept in the cache beside them. Her answer
bumps it (one `incr`, after commit), and every key built from the old number is never read again
and expires on its own: invalidation is one operation however many keys she has. A version that
was never set, or was evicted, is seeded from the clock in microseconds, so a fresh seed is always
greater than any number used before it and cannot resurrect an old entry.

Two rules keep the cache from ever being the reason a page fails or lies:

* A cache outage degrades to the database. django-redis already turns connection errors into
  misses (`DJANGO_REDIS_IGNORE_EXCEPTIONS`); `cached` also catches whatever another backend raises.
* Nothing is read from or written to the cache inside a transaction: a value computed there may
  hold writes that roll back, and the invalidation of writes only runs after commit. Views run in
  autocommit, so this only bypasses the cache for work done inside `atomic` (and for tests, whose
  transaction never commits: there every read goes to the database, as before caching existed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K")

# --- Time to live, from ARCHITECTURE.md (seconds) -------------------------------------------
STATS_TTL = 5 * 60
TRACK_PROGRESS_TTL = 10 * 60
GRID_TTL = 5 * 60
QUESTION_TTL = 24 * 60 * 60
LEADERBOARD_TTL = 5 * 60
LEADERBOARD_ALL_TIME_TTL = 15 * 60
# Longer than any entry it versions; when it expires, the next read seeds a greater one.
VERSION_TTL = 30 * 24 * 60 * 60

PREFIX = "analytics"
_MISSING = object()


# --- Versions --------------------------------------------------------------------------------
def _version_key(user_id: int) -> str:
    return f"{PREFIX}:lv:{user_id}"


def _seed() -> int:
    return time.time_ns() // 1000


def _versions(user_ids: Collection[int]) -> dict[int, int]:
    """Each learner's current version, seeding those that have none (two round trips at most)."""
    keys = {_version_key(user_id): user_id for user_id in user_ids}
    try:
        found = cache.get_many(list(keys))
    except Exception as exc:  # noqa: BLE001 - a cache outage is a miss, never an error
        logger.warning("cache read failed: %s", exc)
        found = {}
    versions = {keys[key]: int(value) for key, value in found.items()}
    missing = [user_id for user_id in user_ids if user_id not in versions]
    if missing:
        seed = _seed()
        for user_id in missing:
            try:
                added = cache.add(_version_key(user_id), seed, VERSION_TTL)
                # Lost the race to another request: use the version it stored.
                value = seed if added else cache.get(_version_key(user_id), seed)
            except Exception as exc:  # noqa: BLE001
                logger.warning("cache write failed: %s", exc)
                value = seed
            versions[user_id] = int(value if value is not None else seed)
    return versions


def learner_cache_invalidate(user_id: int) -> None:
    """Forget every cached read of this learner's data: one `incr` of her version.

    Called after commit (`transaction.on_commit`) by whatever changes what she sees.
    """
    try:
        cache.incr(_version_key(user_id))
    except ValueError:
        # No version yet (or evicted): nothing cached can be read back; a fresh seed is newer.
        cache.set(_version_key(user_id), _seed(), VERSION_TTL)
    except Exception as exc:  # noqa: BLE001 - entries expire by their TTL anyway
        logger.warning("cache invalidation of learner %s failed: %s", user_id, exc)


# --- Key builders ----------------------------------------------------------------------------
def _learner_key(user_id: int, version: int, *parts: object) -> str:
    return ":".join([PREFIX, "l", str(user_id), str(version), *map(str, parts)])


def stats_key(user_id: int, start: date, end: date) -> str:
    """A learner's statistics over a range of her days (dashboards)."""
    return _learner_key(user_id, _versions([user_id])[user_id], "stats", start, end)


def track_progress_key(user_id: int, track_id: int) -> str:
    return _learner_key(user_id, _versions([user_id])[user_id], "track", track_id)


def grid_key(user_id: int, track_id: int, operation: str) -> str:
    # The operation is a symbol (× ÷ −): hex keeps keys ASCII for every backend.
    return _learner_key(
        user_id, _versions([user_id])[user_id], "grid", track_id, operation.encode().hex()
    )


def child_summary_keys(user_ids: Collection[int], today: Mapping[int, date]) -> dict[int, str]:
    """The keys of several learners' dashboard summaries, their versions read in one round trip.

    `today` is each learner's local date: the summary of a new day is a new entry.
    """
    versions = _versions(user_ids)
    return {
        user_id: _learner_key(user_id, versions[user_id], "child", today[user_id])
        for user_id in user_ids
    }


def track_statistics_key(track_id: int) -> str:
    """Authors' statistics of a track: everyone's answers, so no learner's version."""
    return f"{PREFIX}:track-stats:{track_id}"


def question_key(exercise_id: int, updated_at: datetime, variant: str = "") -> str:
    """A question's rendered content (of one variant's seed, if parametrised).

    Keyed by the exercise's `updated_at`: an author's edit is a new key, so 24 hours of TTL never
    show an old text.
    """
    return f"{PREFIX}:question:{exercise_id}:{updated_at.timestamp()}:{variant}"


def leaderboard_key(period: str, track_id: int | None, starts_on: date | None) -> str:
    return f"{PREFIX}:board:{period}:{starts_on or 'ever'}:{track_id or 'all'}"


# --- Read-through ----------------------------------------------------------------------------
def _bypass() -> bool:
    return connection.in_atomic_block


def cached(key: str, ttl: int, compute: Callable[[], T]) -> T:
    """The value under `key`, computing and storing it for `ttl` seconds on a miss."""
    if _bypass():
        return compute()
    try:
        hit = cache.get(key, _MISSING)
    except Exception as exc:  # noqa: BLE001 - a cache outage is a miss, never an error
        logger.warning("cache read failed: %s", exc)
        hit = _MISSING
    if hit is not _MISSING:
        return hit  # type: ignore[no-any-return]
    value = compute()
    try:
        cache.set(key, value, ttl)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache write failed: %s", exc)
    return value


def cached_many(
    keys: Mapping[K, str], ttl: int, compute_missing: Callable[[list[K]], dict[K, T]]
) -> dict[K, T]:
    """Several values in one round trip; the missing ones are computed together, then stored.

    `compute_missing` receives the ids whose entries were not found and returns a value for each:
    it can answer all of them in a fixed number of queries.
    """
    if _bypass():
        return compute_missing(list(keys))
    try:
        found = cache.get_many(list(keys.values()))
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache read failed: %s", exc)
        found = {}
    values: dict[K, T] = {ident: found[key] for ident, key in keys.items() if key in found}
    missing = [ident for ident in keys if ident not in values]
    if missing:
        computed = compute_missing(missing)
        values.update(computed)
        try:
            cache.set_many({keys[ident]: computed[ident] for ident in missing}, ttl)
        except Exception as exc:  # noqa: BLE001
            logger.warning("cache write failed: %s", exc)
    return values

"""`make bench`: the answer path against the framework floor, and the work that grows with data.

One run, in this order (bench/README.md says how to read the results):

1. answers vs the framework floor through gunicorn (2 workers), 8 learners, alternating rounds;
2. the same, again, once the attempts table holds the generated population;
3. leaderboard top-50 + own rank, Redis vs the SQL fallback, as the population grows, and each
   rebuild watched by Redis (SLOWLOG: its longest command) and by a PING probe;
4. the nightly rollup of one day vs a bare GROUP BY of the same rows (and a per-learner ORM
   loop), with a fifth of the attempts and with all of them (2 M and 10 M at `full`);
6. the hourly statistics refresh: per active learner, with nobody active, and in full;
5. statements per request for every learner-facing endpoint and page (in-process);
then the grading benchmark (bench/grading.py) when it is there.

It runs on PostgreSQL + Redis: its own database `calcuingo_bench` (dropped and created afresh)
on the server of `DATABASE_URL` or 127.0.0.1:5432, and Redis database 12 of `REDIS_URL`'s
server or 127.0.0.1:6379 (only that database is flushed). `BENCH_DATABASE_URL` and
`BENCH_REDIS_URL` name others. Without PostgreSQL it runs what it can on a temporary SQLite
file and says what it skipped; without Redis the leaderboard has only its SQL path.
Results: bench/results/bench.json and bench/results/bench.md (or the folder `BENCH_RESULTS`
names). Timings never fail anything.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "calcuingo_bench"
BENCH_REDIS_DB = 12

SCALES: dict[str, dict[str, Any]] = {
    # About ten minutes on a 2-core machine, everything included.
    "small": {"steps": (1_000, 10_000, 100_000), "attempts": 500_000, "rounds": 3, "secs": 8},
    # The scale: 10 M attempts, boards up to 1 M learners (an hour or more).
    "full": {
        "steps": (1_000, 10_000, 100_000, 1_000_000),
        "attempts": 10_000_000,
        "rounds": 5,
        "secs": 10,
    },
    # Seconds: a smoke test of the harness itself.
    "tiny": {"steps": (200, 1_000), "attempts": 20_000, "rounds": 1, "secs": 3},
}


def say(line: str) -> None:
    print(line, flush=True)


# --- Services -------------------------------------------------------------------------------


def postgres_url() -> str | None:
    """A fresh `calcuingo_bench` database on a reachable PostgreSQL, or None."""
    explicit = os.environ.get("BENCH_DATABASE_URL", "")
    base = explicit or os.environ.get("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        return None
    target = base if explicit else urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    name = urlsplit(target).path.lstrip("/")
    admin = urlunsplit(urlsplit(target)._replace(path="/postgres"))
    try:
        import psycopg
        from psycopg import sql

        with psycopg.connect(admin, connect_timeout=3, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except Exception as exc:  # noqa: BLE001 - absent or refusing: say so and go on without
        say(f"PostgreSQL: not available ({exc.__class__.__name__}: {exc}).")
        return None
    return target


def redis_url() -> str | None:
    """Redis database 12 (flushed: it is the bench's own), or None."""
    explicit = os.environ.get("BENCH_REDIS_URL", "")
    base = explicit or os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(base)
    target = base if explicit else urlunsplit(parts._replace(path=f"/{BENCH_REDIS_DB}"))
    try:
        import redis

        client = redis.Redis.from_url(target, socket_connect_timeout=2, socket_timeout=5)
        client.ping()
        client.flushdb()
    except Exception as exc:  # noqa: BLE001
        say(f"Redis: not available ({exc.__class__.__name__}: {exc}).")
        return None
    return target


def configure(args: argparse.Namespace) -> dict[str, Any]:
    """Point Django at the bench's database and Redis (before Django is imported)."""
    pg = None if args.sqlite else postgres_url()
    cache = None if args.no_redis else redis_url()
    if pg:
        database = pg
    else:
        folder = Path(tempfile.mkdtemp(prefix="calcuingo-bench-"))
        database = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = database
    if cache:
        os.environ["REDIS_URL"] = cache
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks run eagerly, as in `make run`
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return {
        "database": "postgresql" if pg else "sqlite",
        "redis": bool(cache),
        "database_url": urlsplit(database)
        ._replace(netloc=urlsplit(database).hostname or "")
        .geturl(),
    }


# --- Setup ----------------------------------------------------------------------------------


def prepare() -> dict[str, Any]:
    """Migrate, install the demo curriculum, create the floor's tables."""
    from django.core.management import call_command
    from django.db import connection

    from analytics.load_data import exercise_pool

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    pool = exercise_pool()
    big = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE bench_floor_event (id {big} PRIMARY KEY, user_id BIGINT NOT NULL, "
            "value INTEGER NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE bench_floor_counter (user_id BIGINT PRIMARY KEY, total BIGINT NOT NULL)"
        )
    return {"setup_seconds": round(time.perf_counter() - started, 1), "fact_exercises": len(pool)}


def http_learners(count: int) -> list[Any]:
    """`count` new learners with API tokens, on the addition facts (open to a new learner)."""
    from django.db import connection
    from knox.models import AuthToken

    from accounts.services import user_create
    from bench.serve import Learner
    from calcuingo.demo import correct_response
    from curriculum.models import Exercise, Track

    track = Track.objects.get(slug="addition-subtraction-facts")
    answers = {
        exercise.pk: correct_response(exercise, None)
        for exercise in Exercise.objects.filter(lesson__unit__track=track, kind="fact")
    }
    learners = []
    for number in range(count):
        user = user_create(
            email=f"bench{number}@bench.invalid",
            username=f"bench{number}",
            password="",
            time_zone="Europe/London",
            is_verified=True,
        )
        _, token = AuthToken.objects.create(user)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_floor_counter (user_id, total) VALUES (%s, 0)", [user.pk]
            )
        learners.append(Learner(token=token, track_id=track.pk, answers=answers))
    return learners


# --- Main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default=os.environ.get("BENCH_SCALE", "small"),
        help="small (default, ~10 min), full (10 M attempts, 1 M learners), tiny (smoke test)",
    )
    parser.add_argument("--attempts", type=int, help="attempts generated in all (overrides)")
    parser.add_argument(
        "--learners", type=int, action="append", help="leaderboard steps (repeat; overrides)"
    )
    parser.add_argument("--rounds", type=int, help="alternating rounds per comparison")
    parser.add_argument("--seconds", type=float, help="seconds per round")
    parser.add_argument("--concurrency", type=int, default=8, help="HTTP learners (8)")
    parser.add_argument("--sqlite", action="store_true", help="do not use PostgreSQL")
    parser.add_argument("--no-redis", action="store_true", help="do not use Redis")
    parser.add_argument("--skip-grading", action="store_true", help="skip bench/grading.py")
    args = parser.parse_args(argv)
    scale = dict(SCALES[args.scale])
    if args.attempts is not None:
        scale["attempts"] = args.attempts
    if args.learners:
        scale["steps"] = tuple(sorted(args.learners))
    scale["rounds"] = args.rounds or scale["rounds"]
    scale["secs"] = args.seconds or scale["secs"]

    began = time.perf_counter()
    # A SIGTERM (a CI timeout) unwinds like Ctrl-C, so gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    environment = configure(args)
    if environment["database"] == "sqlite":
        # SQLite has one writer: through gunicorn it measures its own locks, not the code.
        scale["steps"] = tuple(step for step in scale["steps"] if step <= 10_000)
        scale["attempts"] = min(scale["attempts"], 100_000)
    import django

    django.setup()
    from bench import parts

    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            # Other work on the machine slows both sides of every ratio, not the ratio itself
            # (rounds alternate), but it does slow the absolute numbers.
            "load_average_at_start": [round(value, 1) for value in os.getloadavg()],
        },
        "environment": environment,
        "scale": {"name": args.scale, **scale},
        "skipped": [],
    }
    say(
        f"Calcuingo bench ({args.scale}): {environment['database']}"
        f"{' + Redis' if environment['redis'] else ''}, {os.cpu_count()} CPUs"
    )
    results["setup"] = prepare()
    say(f"setup: migrated, demo curriculum, in {results['setup']['setup_seconds']} s")
    parts.run_all(results, scale, concurrency=args.concurrency, learners_factory=http_learners)
    results["statements"] = parts.statements()
    if args.skip_grading:
        results["skipped"].append("grading: --skip-grading")
    else:
        results["grading"] = parts.grading()
    results["sandbox"] = parts.sandbox()
    results["total_seconds"] = round(time.perf_counter() - began, 1)
    results["machine"]["load_average_at_end"] = [round(value, 1) for value in os.getloadavg()]
    from bench import report

    report.write(results)
    say(report.summary(results))
    say(f"\nwritten: {report.RESULTS / 'bench.json'} and {report.RESULTS / 'bench.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

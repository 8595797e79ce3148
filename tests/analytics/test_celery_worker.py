"""A real Celery worker (and beat) on Redis runs our tasks against the test database.

Everything else in the suite runs tasks eagerly; here a `celery -A calcuingo worker` process
takes them from a Redis broker, as in production. The worker must see the test's rows, so the
test commits them (`transaction=True`) and points the worker at the same database: PostgreSQL
in CI. SQLite's test database lives in this process's memory, where no worker can reach it.
Each run uses its own queue, so concurrent test runs on one Redis cannot take each other's
tasks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
import redis
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.db import connection
from kombu import Connection

from accounts.models import User
from analytics.models import DailySummary, UserStatistics
from analytics.tasks import rollup_day
from calcuingo.celery import app
from practice.models import Attempt, PracticeSession
from tests.accounts.factories import UserFactory
from tests.practice.builders import numeric_lesson

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
UTC = ZoneInfo("UTC")
DAY = date(2025, 3, 9)
WAIT_SECONDS = 90


def _redis_url(db: int) -> str:
    """The Redis server of REDIS_URL (or the local default), on another database number."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


BROKER_URL = _redis_url(14)
RESULT_URL = _redis_url(13)


@pytest.fixture(scope="module")
def redis_server() -> None:
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server answers at {BROKER_URL}: {exc}")


@pytest.fixture
def database_url(transactional_db: None) -> str:
    """A DATABASE_URL that opens, in another process, the database this test writes to."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        return f"postgres://{credentials}@{host}/{db['NAME']}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    pytest.skip(
        "the test database is in this process's memory (SQLite), out of a worker's reach: "
        "run with DATABASE_URL=postgres://… to test a real worker"
    )


@pytest.fixture
def queue(redis_server: None) -> Iterator[str]:
    """A queue of this test's own, removed from the broker afterwards."""
    name = f"calcuingo-test-{uuid.uuid4().hex[:12]}"
    yield name
    redis.Redis.from_url(BROKER_URL).delete(name, f"_kombu.binding.{name}")


def _environment(database_url: str) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CELERY_", "DATABASE_"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "calcuingo.settings",
        "DATABASE_URL": database_url,
        "DATABASE_POOL_SIZE": "2",
        # A broker set: the subprocess's tasks are not eager (this process's stay as they are).
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": RESULT_URL,
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    """A warm shutdown, then a kill if it does not come; never leaves the process behind."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def _running(command: list[str], *, env: dict[str, str], log: Path) -> Iterator[Path]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield log
        finally:
            _stop(process)


@pytest.fixture
def worker(
    redis_server: None, database_url: str, queue: str, tmp_path: Path
) -> Iterator[Callable[[], str]]:
    """A worker consuming only this test's queue; yields a reader of its log (for failures)."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "calcuingo",
        "worker",
        "--pool=solo",
        f"--queues={queue}",
        f"--hostname={queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    log = tmp_path / "worker.log"
    with _running(command, env=_environment(database_url), log=log):
        yield lambda: log.read_text(errors="replace")


@contextmanager
def _sending_to_redis() -> Iterator[Connection]:
    """This process's Celery app stops running tasks eagerly for a while, and yields a broker
    connection to publish on: the app's own producer pool may already exist, made for the
    in-memory broker by an eager task of another test.

    The app reads its configuration under the CELERY_ namespace: the keys carry the prefix.
    """
    changes = {
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": RESULT_URL,
        "CELERY_TASK_ALWAYS_EAGER": False,
    }
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    assert app.conf.broker_url == BROKER_URL
    assert not app.conf.task_always_eager
    try:
        with app.connection_for_write(BROKER_URL) as broker:
            yield broker
    finally:
        app.conf.update(saved)


def _practised(learner: User, *, at: datetime, answers: int) -> None:
    exercise = numeric_lesson(exercises=1).exercises.get()
    session = PracticeSession.objects.create(
        user=learner,
        mode="drill",
        status=PracticeSession.Status.COMPLETED,
        started_at=at - timedelta(minutes=5),
        ended_at=at,
    )
    for n in range(answers):
        Attempt.objects.create(
            user=learner,
            session=session,
            exercise=exercise,
            plan_index=n,
            response="2",
            is_correct=n % 2 == 0,
            score=1.0 if n % 2 == 0 else 0.0,
            response_ms=1000 + n,
            attempt_number=n + 1,
            created_at=at - timedelta(seconds=n),
        )


def test_a_real_worker_rolls_up_the_day_sent_to_it_through_redis(
    worker: Callable[[], str], queue: str
) -> None:
    learners = [
        UserFactory(username="ada", time_zone="Europe/Berlin"),
        UserFactory(username="ravi", time_zone="Asia/Kolkata"),
    ]
    for learner in learners:
        _practised(learner, at=datetime(2025, 3, 9, 12, 0, tzinfo=UTC), answers=3)

    with _sending_to_redis() as broker:
        sent = rollup_day.apply_async(
            kwargs={"day": DAY.isoformat()}, queue=queue, connection=broker
        )
        result = AsyncResult(sent.id, app=app, backend=RedisBackend(app=app, url=RESULT_URL))
        try:
            written = result.get(timeout=WAIT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - whatever it is, the worker's log explains it
            pytest.fail(f"the worker did not answer ({exc!r}); its log:\n{worker()}")
        result.forget()

    assert written == 2
    summaries = DailySummary.objects.filter(date=DAY).order_by("user__username")
    assert [
        (summary.user.username, summary.questions, summary.correct, summary.drill_ms)
        for summary in summaries
    ] == [("ada", 3, 2, 3003), ("ravi", 3, 2, 3003)]
    assert all(summary.sessions == 1 for summary in summaries)
    assert "analytics.tasks.rollup_day" in worker()


def test_beat_sends_the_scheduled_task_and_the_worker_runs_it(
    worker: Callable[[], str], queue: str, database_url: str, tmp_path: Path
) -> None:
    learner = UserFactory(username="ada")
    _practised(learner, at=datetime(2025, 3, 9, 12, 0, tzinfo=UTC), answers=4)
    # Statistics are read from the daily summaries (the answer path keeps them; these answers
    # were written around it): the rollup makes them.
    rollup_day(day=DAY.isoformat())
    # The production schedule, replaced by one entry due every second on this test's queue
    # (under the CELERY_ namespace, as the app reads it).
    beat = (
        "import sys\n"
        "from calcuingo.celery import app\n"
        "app.conf.update(CELERY_BEAT_SCHEDULE={'statistics': {\n"
        "    'task': 'analytics.tasks.statistics_refresh', 'schedule': 1.0,\n"
        f"    'kwargs': {{'user_ids': [{learner.pk}]}},\n"
        f"    'options': {{'queue': {queue!r}, 'expires': 30}},\n"
        "}})\n"
        "assert list(app.conf.beat_schedule) == ['statistics'], app.conf.beat_schedule\n"
        "app.Beat(schedule=sys.argv[1], max_interval=1, loglevel='INFO').run()\n"
    )
    command = [sys.executable, "-c", beat, str(tmp_path / "beat-schedule")]

    with _running(command, env=_environment(database_url), log=tmp_path / "beat.log") as log:
        stats = _wait_for(lambda: UserStatistics.objects.filter(user=learner).first())
        if stats is None:
            pytest.fail(
                f"no statistics after {WAIT_SECONDS} s.\nbeat:\n{log.read_text()}\n"
                f"worker:\n{worker()}"
            )

    assert (stats.questions, stats.correct) == (4, 2)
    assert "statistics_refresh" in worker()


def _wait_for(probe: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.25)
    return None

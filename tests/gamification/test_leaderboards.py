"""Leaderboards: read from Redis with no SQL, from the ledger when Redis is down, rebuilt, closed.

Most tests need a real Redis server (database 15; only the `calcuingo:lb:*` keys are flushed)
and are skipped, saying so, when none answers. Answers bump the boards after commit, so they
are sent inside `django_capture_on_commit_callbacks(execute=True)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Lesson
from gamification import leaderboards
from gamification.models import LeaderboardEntry
from gamification.services import xp_award
from tests.accounts.factories import UserFactory
from tests.practice.builders import numeric_lesson

from .helpers import answer, start_lesson

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture
def learners(db: None) -> dict[str, User]:
    return {name: UserFactory(username=name) for name in ("noether", "gauss", "hypatia", "tao")}


@pytest.fixture
def practised(
    learners: dict[str, User],
    client_for: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: Capture,
) -> Callable[[Lesson | None], dict[str, APIClient]]:
    """Noether answers 3 right, Gauss 2, Hypatia 1 (each 12 XP, and 5 for "First steps"); Tao
    none. Returns their API clients."""

    def practise(lesson: Lesson | None = None) -> dict[str, APIClient]:
        clients = {name: client_for(user) for name, user in learners.items()}
        with django_capture_on_commit_callbacks(execute=True):
            for name, count in (("noether", 3), ("gauss", 2), ("hypatia", 1)):
                session_id = start_lesson(clients[name], lesson or numeric_lesson(exercises=4))
                for _ in range(count):
                    answer(clients[name], session_id)
        return clients

    return practise


def order(rows: list[dict[str, Any]]) -> list[tuple[int, str, int]]:
    return [(row["rank"], row["username"], row["xp"]) for row in rows]


EXPECTED = [(1, "noether", 41), (2, "gauss", 29), (3, "hypatia", 17)]


def test_the_weekly_board_ranks_learners_by_this_weeks_xp(
    redis_boards: None, practised: Callable[..., dict[str, APIClient]]
) -> None:
    hypatia = practised()["hypatia"]

    body = hypatia.get("/api/v1/leaderboards/weekly").json()

    assert body["source"] == "redis"
    assert order(body["top"]) == EXPECTED
    assert (body["me"]["rank"], body["me"]["is_me"]) == (3, True)
    assert order(body["around_me"]) == EXPECTED
    assert body["starts_on"] == leaderboards.period_start("weekly").isoformat()
    assert date.fromisoformat(body["starts_on"]).weekday() == 0  # a Monday


def test_reading_a_board_from_redis_runs_no_sql(
    redis_boards: None,
    practised: Callable[..., dict[str, APIClient]],
    learners: dict[str, User],
    django_assert_num_queries: Any,
) -> None:
    practised()
    leaderboards.rebuild()

    with django_assert_num_queries(0):
        board = leaderboards.read(period="weekly", user_id=learners["hypatia"].pk)

    assert board.source == "redis"
    assert [(row.rank, row.username, row.xp) for row in board.top] == EXPECTED
    assert board.me is not None
    assert board.me.rank == 3


def test_top_limits_the_leaders_but_not_my_rank(
    redis_boards: None, practised: Callable[..., dict[str, APIClient]]
) -> None:
    hypatia = practised()["hypatia"]

    body = hypatia.get("/api/v1/leaderboards/all_time?top=2").json()
    too_many = hypatia.get("/api/v1/leaderboards/all_time?top=101")

    assert order(body["top"]) == EXPECTED[:2]
    assert body["me"]["rank"] == 3
    assert too_many.status_code == 400


def test_with_redis_down_the_board_comes_from_the_ledger(
    redis_down: None, practised: Callable[..., dict[str, APIClient]]
) -> None:
    clients = practised()  # the bumps fail quietly: the ledger is the truth

    body = clients["hypatia"].get("/api/v1/leaderboards/weekly").json()
    daily = clients["tao"].get("/api/v1/leaderboards/daily").json()

    assert body["source"] == "sql"
    assert order(body["top"]) == EXPECTED
    assert body["me"]["rank"] == 3
    assert (daily["source"], order(daily["top"]), daily["me"]) == ("sql", EXPECTED, None)


def test_a_rebuild_restores_flushed_boards_from_the_ledger(
    redis_boards: None, practised: Callable[..., dict[str, APIClient]], learners: dict[str, User]
) -> None:
    practised()
    client = leaderboards._redis()
    assert client is not None
    client.delete(*client.keys(f"{leaderboards.PREFIX}:*"))
    me = learners["hypatia"].pk
    weekly = leaderboards.key_for("weekly", leaderboards.period_start("weekly"), None)
    assert client.zcard(weekly) == 0

    boards = leaderboards.rebuild()

    assert boards >= 3  # daily, weekly, all-time; and each per track
    for period in leaderboards.PERIODS:
        board = leaderboards.read(period=period, user_id=me)
        assert [(r.rank, r.username, r.xp) for r in board.top] == EXPECTED, period


def test_closing_a_week_archives_it_once_weeks_starting_on_monday_utc(
    learners: dict[str, User],
) -> None:
    noether, gauss, hypatia, tao = learners.values()
    wednesday = datetime(2026, 11, 18, 12, tzinfo=UTC)  # this week: Mon 16 – Sun 22 Nov
    for user, amount, at in (
        (noether, 30, datetime(2026, 11, 15, 23, 30, tzinfo=UTC)),  # Sun: the week closed
        (gauss, 20, datetime(2026, 11, 9, 0, 10, tzinfo=UTC)),  # Mon 9: its first minutes
        (hypatia, 50, datetime(2026, 11, 16, 0, 30, tzinfo=UTC)),  # Mon 16: this week
        (tao, 40, datetime(2026, 11, 8, 23, 59, tzinfo=UTC)),  # Sun 8: the week before
    ):
        xp_award(user=user, amount=amount, reason="answer", source_type="t", source_id=1, at=at)

    first = leaderboards.close_period(period="weekly", at=wednesday)
    again = leaderboards.close_period(period="weekly", at=wednesday)

    archived = LeaderboardEntry.objects.order_by("rank")
    assert first == again == 2
    assert [(e.starts_on, e.scope, e.user.username, e.rank, e.xp) for e in archived] == [
        (date(2026, 11, 9), "all", "noether", 1, 30),
        (date(2026, 11, 9), "all", "gauss", 2, 20),
    ]


def test_closing_a_week_drops_its_redis_keys(
    redis_boards: None, learners: dict[str, User], django_capture_on_commit_callbacks: Capture
) -> None:
    last_week = datetime(2026, 11, 10, 12, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        xp_award(
            user=learners["gauss"],
            amount=9,
            reason="answer",
            source_type="t",
            source_id=1,
            at=last_week,
        )
    client = leaderboards._redis()
    assert client is not None
    key = leaderboards.key_for("weekly", date(2026, 11, 9), None)
    assert client.exists(key)

    leaderboards.close_period(period="weekly", at=datetime(2026, 11, 18, tzinfo=UTC))

    assert not client.exists(key)


def test_opting_out_takes_her_off_the_redis_boards_and_opting_in_brings_her_back(
    redis_boards: None,
    practised: Callable[..., dict[str, APIClient]],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    clients = practised()
    noether, gauss = clients["noether"], clients["gauss"]

    with django_capture_on_commit_callbacks(execute=True):
        noether.patch("/api/v1/me/leaderboards", {"opt_out": True})
    without_her = gauss.get("/api/v1/leaderboards/weekly").json()
    hers = noether.get("/api/v1/leaderboards/all_time").json()
    with django_capture_on_commit_callbacks(execute=True):
        answer(noether, start_lesson(noether, numeric_lesson(exercises=2)))  # no bump: she is out
    still_without_her = gauss.get("/api/v1/leaderboards/weekly").json()
    with django_capture_on_commit_callbacks(execute=True):
        noether.patch("/api/v1/me/leaderboards", {"opt_out": False})
    with_her = gauss.get("/api/v1/leaderboards/weekly").json()

    assert without_her["source"] == "redis"
    assert order(without_her["top"]) == [(1, "gauss", 29), (2, "hypatia", 17)]
    assert (hers["me"], hers["around_me"]) == (None, [])
    assert order(still_without_her["top"]) == order(without_her["top"])
    # Back in, rebuilt from the ledger: 41 XP and the 12 earned while she was out.
    assert order(with_her["top"])[0] == (1, "noether", 53)


def test_opting_out_takes_her_off_the_boards_read_from_the_ledger(
    redis_down: None, practised: Callable[..., dict[str, APIClient]]
) -> None:
    clients = practised()
    noether, gauss = clients["noether"], clients["gauss"]

    noether.patch("/api/v1/me/leaderboards", {"opt_out": True})
    body = gauss.get("/api/v1/leaderboards/weekly").json()
    hers = noether.get("/api/v1/leaderboards/weekly").json()

    assert body["source"] == "sql"
    assert order(body["top"]) == [(1, "gauss", 29), (2, "hypatia", 17)]
    assert hers["me"] is None


def test_each_track_has_its_own_board(
    redis_boards: None,
    learners: dict[str, User],
    client_for: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    algebra, calculus = numeric_lesson(exercises=4), numeric_lesson(exercises=4)
    noether, gauss = client_for(learners["noether"]), client_for(learners["gauss"])
    with django_capture_on_commit_callbacks(execute=True):
        for client, lesson, count in ((noether, algebra, 1), (gauss, algebra, 2)):
            session_id = start_lesson(client, lesson)
            for _ in range(count):
                answer(client, session_id)
        answer(noether, start_lesson(noether, calculus))

    algebra_board = noether.get(f"/api/v1/leaderboards/weekly?track={algebra.unit.track_id}")
    calculus_board = noether.get(f"/api/v1/leaderboards/weekly?track={calculus.unit.track_id}")
    unknown = noether.get("/api/v1/leaderboards/weekly?track=999999")

    # Only answer XP counts on a track's board ("First steps" belongs to no track).
    assert order(algebra_board.json()["top"]) == [(1, "gauss", 24), (2, "noether", 12)]
    assert order(calculus_board.json()["top"]) == [(1, "noether", 12)]
    assert algebra_board.json()["track"] == algebra.unit.track_id
    assert unknown.status_code == 404


def test_a_deleted_account_leaves_no_score_or_name_on_the_redis_boards(
    redis_boards: None,
    practised: Callable[..., dict[str, APIClient]],
    learners: dict[str, User],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    from django_redis import get_redis_connection

    from accounts.data_rights import account_delete

    clients = practised()
    noether = learners["noether"]
    noether_id = noether.pk

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(learner=noether, by=noether)
    body = clients["gauss"].get("/api/v1/leaderboards/weekly").json()

    assert body["source"] == "redis"
    assert [row["username"] for row in body["top"]] == ["gauss", "hypatia"]
    assert get_redis_connection("default").hget(leaderboards.NAMES_KEY, noether_id) is None


# --- Redis loses the boards (hole 5) and opting back in (hole 10) ------------------------------

OWN_REDIS = "redis://127.0.0.1:6379/11"  # these tests' own database: they flush all of it


@pytest.fixture
def own_redis(settings: Any) -> Iterator[Any]:
    """Leaderboards in Redis database 11, emptied before and after (a restart without data)."""
    from .conftest import _cache, _redis_answers

    if not _redis_answers(OWN_REDIS):
        pytest.skip(f"no Redis server answers at {OWN_REDIS}")
    before = settings.CACHES
    settings.CACHES = _cache(OWN_REDIS)
    client = leaderboards._redis()
    client.flushdb()
    yield client
    client.flushdb()
    settings.CACHES = before


def weekly_key() -> str:
    return leaderboards.key_for("weekly", leaderboards.period_start("weekly"), None)


def test_after_a_flush_the_boards_come_from_the_ledger_and_one_rebuild_is_asked_for(
    own_redis: Any,
    practised: Callable[..., dict[str, APIClient]],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    clients = practised()
    leaderboards.rebuild()
    own_redis.flushdb()  # Redis restarted empty…
    with django_capture_on_commit_callbacks(execute=True):  # …and one answer bumps the boards
        answer(clients["tao"], start_lesson(clients["tao"], numeric_lesson(exercises=2)))
    assert own_redis.zcard(weekly_key()) == 1  # a board with Tao alone: present, not complete

    with mock.patch("gamification.tasks.leaderboards_rebuild.apply_async") as scheduled:
        first = clients["hypatia"].get("/api/v1/leaderboards/weekly").json()
        second = clients["gauss"].get("/api/v1/leaderboards/weekly").json()

    assert (first["source"], second["source"]) == ("sql", "sql")
    assert order(first["top"]) == [*EXPECTED, (3, "tao", 17)]  # tied with Hypatia
    assert first["me"]["xp"] == 17
    assert scheduled.call_count == 1  # once, not once per request


def test_an_emptied_redis_answers_from_sql_at_once_and_is_rebuilt_behind_it(
    own_redis: Any, practised: Callable[..., dict[str, APIClient]], learners: dict[str, User]
) -> None:
    practised()
    leaderboards.rebuild()
    own_redis.flushdb()  # a restart without persistence, an eviction, a FLUSHALL

    first = leaderboards.read(period="all_time", user_id=learners["gauss"].pk)
    then = leaderboards.read(period="all_time", user_id=learners["gauss"].pk)

    # The first read does not wait for the rebuild (eager here, a worker's job in production).
    assert first.source == "sql"
    assert [(row.rank, row.username, row.xp) for row in first.top] == EXPECTED
    assert first.me is not None
    assert (first.me.rank, first.me.xp) == (2, 29)
    assert own_redis.exists(leaderboards.COMPLETE_KEY)
    assert not own_redis.exists(leaderboards.REBUILD_LOCK_KEY)
    assert (then.source, then.top, then.me, then.around_me) == (
        "redis",
        first.top,
        first.me,
        first.around_me,
    )


def test_a_board_missing_from_a_complete_redis_is_read_from_sql_and_rebuilt(
    own_redis: Any, practised: Callable[..., dict[str, APIClient]], learners: dict[str, User]
) -> None:
    practised()
    leaderboards.rebuild()
    own_redis.delete(weekly_key())  # evicted alone; the marker is still there

    with mock.patch("gamification.tasks.leaderboards_rebuild.apply_async") as scheduled:
        board = leaderboards.read(period="weekly", user_id=learners["hypatia"].pk)

    assert board.source == "sql"
    assert [(row.rank, row.username, row.xp) for row in board.top] == EXPECTED
    assert scheduled.call_count == 1


def test_a_bump_lost_in_an_outage_makes_the_boards_untrusted_until_rebuilt(
    own_redis: Any,
    practised: Callable[..., dict[str, APIClient]],
    learners: dict[str, User],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    practised()
    leaderboards.rebuild()
    broken = mock.Mock()
    broken.register_script.side_effect = ConnectionError("Redis is down")
    with (
        mock.patch.object(leaderboards, "_redis", return_value=broken),
        django_capture_on_commit_callbacks(execute=True),
    ):
        xp_award(user=learners["tao"], amount=99, reason="answer", source_type="t", source_id=1)

    with mock.patch("gamification.tasks.leaderboards_rebuild.apply_async") as scheduled:
        board = leaderboards.read(period="weekly", user_id=learners["tao"].pk)

    assert board.source == "sql"
    assert board.me is not None
    assert (board.me.rank, board.me.xp) == (1, 99)
    assert scheduled.call_count == 1


def test_a_rebuild_writes_the_boards_and_their_completeness_together(
    own_redis: Any, practised: Callable[..., dict[str, APIClient]]
) -> None:
    practised()
    own_redis.flushdb()
    commands: list[str] = []
    real_pipeline = own_redis.pipeline

    def recording_pipeline(*args: Any, **kwargs: Any) -> Any:
        pipe = real_pipeline(*args, **kwargs)
        real_execute = pipe.execute

        def execute(*a: Any, **k: Any) -> Any:
            commands.extend(str(command[0][0]) for command in pipe.command_stack)
            return real_execute(*a, **k)

        pipe.execute = execute
        return pipe

    with (
        mock.patch.object(own_redis, "pipeline", side_effect=recording_pipeline),
        mock.patch.object(leaderboards, "_redis", return_value=own_redis),
    ):
        leaderboards.rebuild()

    assert commands[-2:] == ["SET", "DEL"]  # the marker last, in the boards' own transaction
    assert "ZADD" in commands


def test_with_the_local_memory_cache_a_cleared_cache_changes_no_board(
    practised: Callable[..., dict[str, APIClient]], settings: Any
) -> None:
    # The embedded default (no REDIS_URL), whatever the suite runs with.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lb"}
    }
    clients = practised()
    cache.clear()

    body = clients["hypatia"].get("/api/v1/leaderboards/weekly").json()

    assert body["source"] == "sql"
    assert order(body["top"]) == EXPECTED


def test_opting_back_in_puts_her_scores_back_without_a_rebuild(
    own_redis: Any,
    practised: Callable[..., dict[str, APIClient]],
    learners: dict[str, User],
    django_capture_on_commit_callbacks: Capture,
    django_assert_num_queries: Any,
) -> None:
    clients = practised()
    noether = clients["noether"]
    leaderboards.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        noether.patch("/api/v1/me/leaderboards", {"opt_out": True})
    with django_capture_on_commit_callbacks(execute=True):
        answer(noether, start_lesson(noether, numeric_lesson(exercises=2)))  # 12 XP while out

    with mock.patch.object(leaderboards, "rebuild", side_effect=AssertionError("full rebuild")):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = noether.patch("/api/v1/me/leaderboards", {"opt_out": False})
        with django_assert_num_queries(1):  # her own XP per board, from the ledger
            for callback in callbacks:
                callback()
        board = clients["gauss"].get("/api/v1/leaderboards/weekly").json()
        daily = clients["gauss"].get("/api/v1/leaderboards/daily").json()

    assert response.status_code == 200
    assert board["source"] == "redis"
    assert order(board["top"]) == [(1, "noether", 53), (2, "gauss", 29), (3, "hypatia", 17)]
    assert order(daily["top"])[0] == (1, "noether", 53)


def test_opting_back_in_with_no_xp_puts_her_on_no_board(
    own_redis: Any, learners: dict[str, User]
) -> None:
    leaderboards.rebuild()

    leaderboards.member_visibility(user_id=learners["tao"].pk, visible=True)

    assert own_redis.zcard(weekly_key()) == 0
    assert own_redis.zscore(weekly_key(), leaderboards.member(learners["tao"].pk)) is None

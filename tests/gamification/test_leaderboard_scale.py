"""Leaderboards whose cost follows the work: chunked rebuilds, an O(log n) SQL board, one order.

The Redis tests use the leaderboard database of `redis_boards` (15) and are skipped, saying so,
when no Redis answers (never in CI). XP is paid through `xp_award`, the answer path's own
purse, so the standings rows are the ones answers write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from redis.connection import AbstractConnection

from accounts.models import User
from gamification import leaderboards
from gamification.models import BoardScore, Standing
from gamification.services import xp_award, xp_verify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def today_at(seconds: int) -> datetime:
    """An instant of today (UTC), `seconds` after midnight: on every board of this day."""
    return datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC) + (
        timedelta(seconds=seconds)
    )


_sources = iter(range(1, 10**9))


def pay(user: User, amount: int, at: datetime, track_id: int | None = None) -> None:
    xp_award(
        user=user,
        amount=amount,
        reason="answer",
        source_type="test",
        source_id=next(_sources),
        track_id=track_id,
        at=at,
    )


def listing(board: leaderboards.Board) -> list[tuple[int, str, int]]:
    return [(row.rank, row.username, row.xp) for row in board.top]


@pytest.fixture
def tied(django_capture_on_commit_callbacks: Capture) -> dict[str, User]:
    """Six learners, four of them on 20 XP: reached at different instants, and two at once."""
    names = ("ada", "bea", "cyd", "dee", "eve", "fay")
    users = {name: UserFactory(username=name) for name in names}
    with django_capture_on_commit_callbacks(execute=True):
        pay(users["bea"], 20, today_at(60))  # 20 first: but reached before Ada and Cyd
        pay(users["dee"], 20, today_at(300))
        pay(users["ada"], 5, today_at(100))
        pay(users["ada"], 15, today_at(200))  # 20, reached at 200 s
        pay(users["cyd"], 20, today_at(200))  # 20 at the same instant as Ada: the lower id first
        pay(users["eve"], 30, today_at(500))
        pay(users["fay"], 10, today_at(10))
    return users


TIED_ORDER = [
    (1, "eve", 30),
    (2, "bea", 20),
    (2, "ada", 20),
    (2, "cyd", 20),
    (2, "dee", 20),
    (6, "fay", 10),
]


@pytest.mark.parametrize("period", leaderboards.PERIODS)
def test_tied_learners_are_listed_in_the_same_order_by_redis_and_sql(
    redis_boards: None, tied: dict[str, User], period: str
) -> None:
    assert tied["ada"].pk < tied["cyd"].pk
    for_cyd = {"period": period, "user_id": tied["cyd"].pk}

    from_redis = leaderboards.read(**for_cyd)
    from_sql = leaderboards.read_sql(**for_cyd)
    leaderboards.rebuild()
    rebuilt = leaderboards.read(**for_cyd)

    assert (from_redis.source, from_sql.source, rebuilt.source) == ("redis", "sql", "redis")
    assert listing(from_redis) == listing(from_sql) == listing(rebuilt) == TIED_ORDER
    # Around Cyd: the two before and after her, the same from both.
    around = [(row.rank, row.username) for row in from_sql.around_me]
    assert around == [(2, "bea"), (2, "ada"), (2, "cyd"), (2, "dee"), (6, "fay")]
    assert [(row.rank, row.username) for row in from_redis.around_me] == around
    assert from_redis.me == from_sql.me


def test_the_sql_board_reads_the_same_few_statements_however_many_learners(
    django_assert_num_queries: Any,
) -> None:
    def board_of(count: int) -> list[User]:
        learners = [UserFactory() for _ in range(count)]
        for index, user in enumerate(learners):
            pay(user, 10 + index % 7, today_at(index))
        return learners

    few = board_of(5)
    with django_assert_num_queries(2):  # the top with her neighbours, and their ranks
        small = leaderboards.read_sql(period="weekly", user_id=few[2].pk, top=3)
    many = board_of(60)
    with django_assert_num_queries(2):
        large = leaderboards.read_sql(period="weekly", user_id=many[30].pk, top=3)

    assert len(small.top) == len(large.top) == 3
    assert large.me is not None
    # Her rank is one more than the learners with more XP than hers, all of them counted.
    everyone = BoardScore.objects.filter(period="weekly", track=0)
    assert large.me.rank == everyone.filter(xp__gt=large.me.xp).count() + 1
    assert len(large.around_me) == 5


def test_a_learner_without_xp_is_on_no_sql_board_but_sees_it(
    django_assert_num_queries: Any,
) -> None:
    leader, newcomer = UserFactory(username="leader"), UserFactory(username="newcomer")
    pay(leader, 12, today_at(5))

    with django_assert_num_queries(1):  # the top (and nobody around her): no ranks to count
        board = leaderboards.read_sql(period="daily", user_id=newcomer.pk)

    assert [(row.rank, row.username, row.xp) for row in board.top] == [(1, "leader", 12)]
    assert (board.me, board.around_me) == (None, [])


class Recorder:
    """Every command this process sends to Redis meanwhile, as its arguments."""

    def __init__(self) -> None:
        self.commands: list[tuple[Any, ...]] = []

    def __enter__(self) -> Recorder:
        real_one, real_many = AbstractConnection.pack_command, AbstractConnection.pack_commands

        def pack_command(connection: Any, *args: Any) -> Any:
            self.commands.append(args)
            return real_one(connection, *args)

        def pack_commands(connection: Any, commands: Any) -> Any:
            self.commands.extend(tuple(command) for command in commands)
            return real_many(connection, commands)

        self._patches = [
            mock.patch.object(AbstractConnection, "pack_command", pack_command),
            mock.patch.object(AbstractConnection, "pack_commands", pack_commands),
        ]
        for patch in self._patches:
            patch.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for patch in self._patches:
            patch.stop()

    def named(self, *names: str) -> list[tuple[Any, ...]]:
        return [args for args in self.commands if str(args[0]).upper() in names]


def members_in(args: tuple[Any, ...]) -> int:
    """How many members a ZADD (flags skipped) or HSET carries."""
    values = [arg for arg in args[2:] if str(arg).upper() not in ("LT", "GT", "NX", "XX", "CH")]
    return len(values) // 2


@pytest.fixture
def crowd(django_capture_on_commit_callbacks: Capture) -> list[User]:
    learners = [UserFactory(username=f"learner{index:02d}") for index in range(11)]
    with django_capture_on_commit_callbacks(execute=True):
        for index, user in enumerate(learners):
            pay(user, 5 + index, today_at(index))
    return learners


def test_a_rebuild_sends_no_command_with_more_than_a_chunk_and_frees_old_boards_in_background(
    redis_boards: None, crowd: list[User]
) -> None:
    with mock.patch.object(leaderboards, "CHUNK", 3), Recorder() as redis:
        boards = leaderboards.rebuild()

    zadds, hsets = redis.named("ZADD"), redis.named("HSET")
    assert boards >= 3
    assert max(members_in(args) for args in [*zadds, *hsets]) <= 3
    assert sum(members_in(args) for args in hsets) == 11  # every name, once
    # A board the size of the whole population is never deleted in the foreground.
    deleted = [str(key) for args in redis.named("DEL") for key in args[1:]]
    assert not [key for key in deleted if key.startswith(f"{leaderboards.PREFIX}:all_time")]
    assert redis.named("UNLINK")
    board = leaderboards.read(period="all_time", user_id=crowd[0].pk)
    assert board.source == "redis"
    assert [row.username for row in board.top[:3]] == ["learner10", "learner09", "learner08"]
    assert board.me is not None
    assert (board.me.rank, board.me.xp) == (11, 5)


def test_xp_paid_while_a_board_is_being_rebuilt_is_not_lost(
    redis_boards: None, crowd: list[User], django_capture_on_commit_callbacks: Capture
) -> None:
    first, last = crowd[-1], crowd[0]  # copied in the first chunk, and in the last
    real_chunks = leaderboards._board_chunks
    paid_midway: list[bool] = []

    def chunks(board: tuple[str, Any, int], *, names: bool) -> Iterator[Any]:
        for number, chunk in enumerate(real_chunks(board, names=names)):
            yield chunk
            if number == 0 and board[0] == "all_time" and board[2] == 0 and not paid_midway:
                # An answer commits after the first chunk went to the build key, before the swap.
                with django_capture_on_commit_callbacks(execute=True):
                    pay(first, 100, today_at(1000))
                    pay(last, 100, today_at(1001))
                paid_midway.append(True)

    with (
        mock.patch.object(leaderboards, "CHUNK", 3),
        mock.patch.object(leaderboards, "_board_chunks", chunks),
    ):
        leaderboards.rebuild()

    board = leaderboards.read(period="all_time", user_id=last.pk)
    assert paid_midway
    assert board.source == "redis"
    assert [(row.rank, row.username, row.xp) for row in board.top[:2]] == [
        (1, "learner10", 115),
        (2, "learner00", 105),
    ]
    assert listing(board) == listing(leaderboards.read_sql(period="all_time", user_id=last.pk))


def test_two_rebuilds_at_once_do_not_undo_each_other(redis_boards: None, crowd: list[User]) -> None:
    client = leaderboards._redis()
    assert client is not None
    real_chunks = leaderboards._board_chunks
    nested: list[int] = []

    def chunks(board: tuple[str, Any, int], *, names: bool) -> Iterator[Any]:
        for chunk in real_chunks(board, names=names):
            yield chunk
            if not nested:
                nested.append(leaderboards.rebuild())  # a second worker starts meanwhile

    with mock.patch.object(leaderboards, "_board_chunks", chunks):
        boards = leaderboards.rebuild()

    assert nested == [0]  # it saw the first one running and did nothing
    assert boards >= 3
    assert not client.exists(leaderboards.RUNNING_KEY)
    board = leaderboards.read(period="all_time", user_id=crowd[0].pk)
    assert board.me is not None
    assert (board.source, board.me.rank, len(board.top)) == ("redis", 11, 11)


def test_recomputing_the_standings_from_the_ledger_gives_what_the_answers_wrote(
    tied: dict[str, User],
) -> None:
    Standing.objects.filter(user=tied["fay"]).update(leaderboard_opt_out=True)
    BoardScore.objects.filter(user=tied["fay"]).update(hidden=True)
    columns = ("user_id", "period", "starts_on", "track", "xp", "tick", "rank_key", "hidden")
    written = sorted(BoardScore.objects.values_list(*columns))
    BoardScore.objects.all().delete()

    rows = leaderboards.standings_recompute()

    assert rows == len(written) == 18  # 6 learners × 3 periods, no track
    assert sorted(BoardScore.objects.values_list(*columns)) == written


def test_xp_verify_reads_the_learners_in_batches_and_finds_every_difference() -> None:
    learners = [UserFactory() for _ in range(7)]
    for index, user in enumerate(learners):
        pay(user, 10 + index, today_at(index))
    Standing.objects.filter(user__in=[learners[1], learners[5]]).update(xp=1)

    found = xp_verify(batch=2)
    xp_verify(fix=True, batch=3)

    assert [(diff.user_id, diff.standing_xp, diff.ledger_xp) for diff in found] == [
        (learners[1].pk, 1, 11),
        (learners[5].pk, 1, 15),
    ]
    assert xp_verify(batch=2) == []


def test_rebuilding_from_the_ledger_puts_bulk_loaded_xp_on_the_boards() -> None:
    import io

    from django.core.management import call_command

    from gamification.models import XPEvent

    loaded = UserFactory(username="loaded")
    XPEvent.objects.create(  # written around the services, as a bulk load does
        user=loaded,
        amount=70,
        reason="answer",
        source_type="load",
        source_id=1,
        created_at=today_at(30),
    )
    before = leaderboards.read_sql(period="daily", user_id=loaded.pk)
    out = io.StringIO()

    call_command("leaderboards_rebuild", "--from-ledger", stdout=out)

    after = leaderboards.read_sql(period="daily", user_id=loaded.pk)
    assert before.top == []
    assert [(row.rank, row.username, row.xp) for row in after.top] == [(1, "loaded", 70)]
    assert "3 standings recomputed" in out.getvalue()


def test_the_counts_behind_sql_ranks_follow_answers_opt_outs_and_deletions(
    tied: dict[str, User], django_capture_on_commit_callbacks: Capture
) -> None:
    from django.db.models import Count

    from accounts.data_rights import account_delete
    from gamification.models import BoardCount
    from gamification.services import leaderboard_opt_set

    def counts() -> list[tuple[Any, ...]]:
        rows = BoardCount.objects.filter(learners__gt=0)
        return sorted(rows.values_list("period", "starts_on", "track", "xp", "learners"))

    def from_the_scores() -> list[tuple[Any, ...]]:
        visible = BoardScore.objects.filter(hidden=False).values_list(
            "period", "starts_on", "track", "xp"
        )
        return sorted(visible.annotate(learners=Count("pk")).order_by())

    def fays_rank() -> int | None:
        board = leaderboards.read_sql(period="daily", user_id=tied["fay"].pk)
        return board.me.rank if board.me else None

    assert counts() == from_the_scores()
    assert fays_rank() == 6
    with django_capture_on_commit_callbacks(execute=True):
        leaderboard_opt_set(user=tied["bea"], opt_out=True)
        pay(tied["bea"], 40, today_at(900))  # paid while out: on no count
    assert (counts(), fays_rank()) == (from_the_scores(), 5)
    with django_capture_on_commit_callbacks(execute=True):
        leaderboard_opt_set(user=tied["bea"], opt_out=False)
        pay(tied["dee"], 1, today_at(950))
    assert (counts(), fays_rank()) == (from_the_scores(), 6)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(learner=tied["cyd"], by=tied["cyd"])
    assert (counts(), fays_rank()) == (from_the_scores(), 5)
    board = leaderboards.read_sql(period="weekly", user_id=tied["ada"].pk)
    leader = board.top[0]
    assert (leader.rank, leader.username, leader.xp) == (1, "bea", 60)
    assert [(row.rank, row.username, row.xp) for row in board.around_me] == [
        (2, "eve", 30),
        (3, "dee", 21),
        (4, "ada", 20),
        (5, "fay", 10),
    ]

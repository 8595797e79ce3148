"""The bench's measurements, each reporting into one results dict (see bench/run.py)."""

from __future__ import annotations

import importlib
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from unittest import mock

from django.db import connection
from django.utils import timezone


def say(line: str) -> None:
    print(line, flush=True)


def table_sizes() -> dict[str, int]:
    from accounts.models import User
    from gamification.models import XPEvent
    from practice.models import Attempt

    return {
        "learners": User.objects.count(),
        "attempts": Attempt.objects.count(),
        "xp_events": XPEvent.objects.count(),
    }


def timed(
    call: Callable[[], Any], *, budget: float, least: int = 3, most: int = 500
) -> list[float]:
    """Milliseconds of each call, repeated until `budget` seconds (at least `least` calls)."""
    times: list[float] = []
    stop = time.perf_counter() + budget
    while len(times) < most and (len(times) < least or time.perf_counter() < stop):
        tick = time.perf_counter()
        call()
        times.append((time.perf_counter() - tick) * 1000)
    return times


def guarded(name: str, call: Callable[[], Any]) -> Any:
    """The call's result, or {"error": …} when it failed: one broken part never ends the run."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - reported in the results, the run goes on
        say(f"   {name} FAILED: {exc.__class__.__name__}: {exc}")
        return {"error": f"{exc.__class__.__name__}: {exc}"}


def p50(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else float("nan")


# --- 1, 2 and 3 -----------------------------------------------------------------------------


def run_all(
    results: dict[str, Any],
    scale: dict[str, Any],
    *,
    concurrency: int,
    learners_factory: Callable[[int], list[Any]],
) -> None:
    """Answers vs floor on an empty table, the population grown step by step (leaderboards at
    each step), answers vs floor again on the full table, then the rollup."""
    from bench.serve import Server, alternate

    learners = learners_factory(concurrency)
    http = connection.vendor == "postgresql"
    if not http:
        results["skipped"].append(
            "1, 2 (answers vs floor through gunicorn): need PostgreSQL (SQLite has one writer)"
        )
        say("1-2. answers vs floor: SKIPPED (no PostgreSQL)")
        grow(results, scale)
        results["statistics"] = guarded("statistics", statistics_refresh_cost)
        return
    with Server(dict(os.environ)) as server:
        say(
            f"1. answers vs the framework floor: gunicorn (2 workers), {concurrency} learners, "
            f"{scale['rounds']} × {scale['secs']} s rounds each, alternating"
        )
        empty = alternate(server.port, learners, rounds=scale["rounds"], seconds=scale["secs"])
        empty["tables"] = table_sizes()
        results["answer_vs_floor"] = empty
        say(_answer_line(empty))
        grow(results, scale)
        say(f"2. the same with {table_sizes()['attempts']:,} attempts in the table")
        large = alternate(server.port, learners, rounds=scale["rounds"], seconds=scale["secs"])
        large["tables"] = table_sizes()
        say(_answer_line(large))
    results["table_size"] = {
        "empty": _brief(empty),
        "large": _brief(large),
        "answers_large_over_empty": round(
            large["answer"]["requests_per_second"] / empty["answer"]["requests_per_second"], 3
        ),
        "ratio_to_floor_large_over_empty": round(large["ratio"] / empty["ratio"], 3),
    }
    results["statistics"] = guarded("statistics", statistics_refresh_cost)


def _brief(run: dict[str, Any]) -> dict[str, Any]:
    return {
        "attempts_in_table": run["tables"]["attempts"],
        "answers_per_second": run["answer"]["requests_per_second"],
        "answer_p50_ms": run["answer"]["p50_ms"],
        "answer_p99_ms": run["answer"]["p99_ms"],
        "floor_per_second": run["floor"]["requests_per_second"],
        "ratio_to_floor": run["ratio"],
    }


def _answer_line(run: dict[str, Any]) -> str:
    answer, floor = run["answer"], run["floor"]
    return (
        f"   answers {answer['requests_per_second']}/s (p50 {answer['p50_ms']} ms, "
        f"p99 {answer['p99_ms']} ms) vs floor {floor['requests_per_second']}/s "
        f"(p50 {floor['p50_ms']} ms, p99 {floor['p99_ms']} ms): ratio {run['ratio']} "
        f"(goal ≥ 0.5); errors {answer['errors']} / {floor['errors']}"
    )


def checkpoints(scale: dict[str, Any]) -> list[tuple[int, int, set[str]]]:
    """(learners, attempts, what to measure) in order, attempts in proportion to learners.

    The leaderboard is measured at each learner step; the rollup with a fifth of the attempts
    and with all of them (2 M and 10 M at `full`), so that its growth with the table shows.
    """
    steps, total = scale["steps"], scale["attempts"]
    final = steps[-1]
    plan: dict[int, set[str]] = {step: {"leaderboard"} for step in steps}
    plan.setdefault(max(1, final // 5), set()).add("rollup")
    plan[final].add("rollup")
    return [(learners, total * learners // final, plan[learners]) for learners in sorted(plan)]


def grow(results: dict[str, Any], scale: dict[str, Any]) -> None:
    """Generate the population in steps; measure the leaderboard and the rollup at checkpoints.

    The rollup's day is UTC yesterday. Cohorts generated after its first measurement end their
    history three days earlier, so the second measurement rolls up the very same rows in a
    table five times larger: its time should not move (issue 13).
    """
    from analytics.load_data import load_generate

    generated: list[dict[str, Any]] = []
    boards: list[dict[str, Any]] = []
    rollups: list[dict[str, Any]] = []
    have = attempts_done = 0
    moment = timezone.now()
    day = moment.date() - timedelta(days=1)  # finished in every zone
    for number, (step, attempts, measure) in enumerate(checkpoints(scale), start=1):
        add, share = step - have, attempts - attempts_done
        say(f"   generating {add:,} learners with {share:,} attempts …")
        report = load_generate(
            learners=add,
            attempts=share,
            days=scale.get("days", 60),
            zones=24,
            seed=number,
            now=moment - timedelta(days=3) if rollups else moment,
        )
        have, attempts_done = step, attempts
        generated.append(
            {
                "learners": add,
                "attempts": report.attempts,
                "rows": report.rows,
                "seconds": round(report.seconds, 1),
                "load_seconds": round(report.load_seconds, 1),
                "standings_seconds": round(report.standings_seconds, 1),
                "board_scores": report.board_scores,
                "generator_cpu_seconds": round(report.cpu_seconds, 1),
                "attempts_per_second": round(report.attempts_per_second),
                "rows_per_second": round(report.rows_per_second),
            }
        )
        say(
            f"   … {report.rows:,} rows in {report.seconds:.1f} s "
            f"({report.attempts_per_second:,.0f} attempts/s, {report.rows_per_second:,.0f} rows/s; "
            f"the generator used {report.cpu_seconds:.1f} s of CPU; of the time, "
            f"{report.standings_seconds:.1f} s rebuilt {report.board_scores:,} board standings)"
        )
        if "leaderboard" in measure:
            board = guarded("leaderboard", partial(leaderboard, step))
            board.setdefault("learners", step)
            boards.append(board)
            if "error" not in board:
                say(_board_line(board))
        if "rollup" in measure:
            last = step == scale["steps"][-1]
            rollups.append(guarded("rollup", partial(rollup, day, with_loop=last)))
    results["generation"] = generated
    results["leaderboard"] = boards
    results["rollup"] = rollup_summary(rollups)


def _board_line(board: dict[str, Any]) -> str:
    step = board["learners"]
    if "redis_p50_ms" not in board:
        return (
            f"3. leaderboard at {step:,} learners: SQL fallback p50 {board['sql_p50_ms']} ms "
            "(Redis path SKIPPED: no Redis)"
        )
    rebuild = board.get("rebuild", {})
    return (
        f"3. leaderboard at {step:,} learners: Redis p50 {board['redis_p50_ms']} ms, "
        f"SQL fallback p50 {board['sql_p50_ms']} ms (goal < 50 at 1 M): Redis "
        f"{board['redis_speedup']} × faster\n"
        f"   rebuild {board['rebuild_s']} s; longest Redis command "
        f"{rebuild.get('longest_ms', '–')} ms ({rebuild.get('longest_command', '–')}); "
        f"{rebuild.get('commands_over_50_ms', '–')} over 50 ms of {rebuild.get('commands', '–')}; "
        f"PING max {rebuild.get('ping_max_ms', '–')} ms (goal: no command over 50 ms)"
    )


def leaderboard(learners: int) -> dict[str, Any]:
    """All-time top 50 + own rank for a learner in the middle: Redis vs the SQL fallback.

    The rebuild is watched from Redis itself (every command it ran, from SLOWLOG) and from a
    client next to it (PING round trips); the SQL side is `read_sql`, the fallback itself.
    """
    from gamification import leaderboards
    from gamification.models import Standing

    result: dict[str, Any] = {"learners": learners}
    ranked = Standing.objects.filter(xp__gt=0)
    result["ranked_learners"] = ranked.count()
    middle = ranked.order_by("-xp", "user_id").values_list("user_id", flat=True)[
        result["ranked_learners"] // 2
    ]

    def read() -> Any:
        return leaderboards.read(period="all_time", user_id=middle, top=50)

    def read_sql() -> Any:
        return leaderboards.read_sql(period="all_time", user_id=middle, top=50)

    if leaderboards._redis() is not None:
        watched = rebuild_watched(leaderboards.rebuild)
        result["rebuild"] = watched
        result["rebuild_s"] = watched["seconds"]
        if "error" in watched:
            result["rebuild_error"] = watched["error"]
            say(f"   leaderboard rebuild FAILED: {result['rebuild_error']}")
            # Still measure reads from a complete board: the same rebuild, with a client that
            # waits as long as it takes (the product's timeout is what failed above).
            _redis_breakers_reset()
            patient = redis_client_patient()
            tick = time.perf_counter()
            with mock.patch.object(leaderboards, "_redis", return_value=patient):
                leaderboards.rebuild()
            result["rebuild_patient_s"] = round(time.perf_counter() - tick, 2)
            _redis_breakers_reset()
            say(f"   … rebuilt with a 120 s timeout instead: {result['rebuild_patient_s']} s")
        board = read()
        result["redis_source"] = board.source
        times = timed(read, budget=2.0, least=20 if board.source == "redis" else 1)
        result["redis_p50_ms"] = p50(times)
        result["redis_p99_ms"] = round(sorted(times)[int(0.99 * (len(times) - 1))], 3)
        redis_top = [(row.user_id, row.xp) for row in board.top]
        redis_me = board.me
    else:
        result["redis"] = "skipped: no Redis"
        redis_top, redis_me = None, None
    board = read_sql()
    result["sql_source"] = board.source
    times = timed(read_sql, budget=3.0, least=5, most=200)
    result["sql_p50_ms"] = p50(times)
    result["sql_p99_ms"] = round(sorted(times)[int(0.99 * (len(times) - 1))], 3)
    result["sql_rank"] = board.me.rank if board.me else None
    if redis_top is not None:
        result["redis_speedup"] = round(result["sql_p50_ms"] / result["redis_p50_ms"], 1)
        result["same_top_xp"] = [xp for _, xp in redis_top] == [row.xp for row in board.top]
        result["same_top_order"] = redis_top == [(row.user_id, row.xp) for row in board.top]
        result["same_rank"] = (redis_me.rank if redis_me else None) == (
            board.me.rank if board.me else None
        )
    return result


# Commands of the watching clients themselves, not of the rebuild.
_OWN_COMMANDS = {"PING", "SLOWLOG", "CONFIG", "CLIENT", "INFO"}


def rebuild_watched(rebuild: Callable[[], Any]) -> dict[str, Any]:
    """Run `rebuild` while Redis logs every command (SLOWLOG with no threshold) and a separate
    process PINGs it; returns its time, its longest command and the longest PING.

    SLOWLOG is server-wide: only the commands of connections to the bench's Redis database are
    counted (CLIENT LIST tells which those are). The probe is a process, not a thread, so that
    the rebuild's Python work holding the GIL is not mistaken for Redis being blocked. The
    slowlog settings are put back afterwards.
    """
    import multiprocessing

    import redis
    from django.conf import settings

    url = settings.REDIS_URL
    admin: Any = redis.Redis.from_url(url, socket_timeout=30)
    database = admin.connection_pool.connection_kwargs.get("db", 0)
    saved = admin.config_get("slowlog-*")
    result: dict[str, Any] = {}
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    receiver, sender = context.Pipe(duplex=False)
    probe = context.Process(target=_ping_probe, args=(url, stop, sender), daemon=True)
    try:
        admin.config_set("slowlog-max-len", 1_000_000)
        admin.config_set("slowlog-log-slower-than", 0)
        admin.slowlog_reset()
        probe.start()
        time.sleep(0.2)  # the probe's first PINGs are its baseline
        tick = time.perf_counter()
        try:
            rebuild()
        except Exception as exc:  # noqa: BLE001 - a finding (issue 13), not the bench's failure
            result["error"] = f"{exc.__class__.__name__}: {exc}"
        result["seconds"] = round(time.perf_counter() - tick, 2)
        time.sleep(0.2)
        stop.set()
        pings: list[float] = receiver.recv() if receiver.poll(10) else []
        ours = {
            client["addr"]
            for client in admin.client_list()
            if int(client.get("db", -1)) == database
        }
        entries = admin.slowlog_get(-1)
    finally:
        stop.set()
        probe.join(5)
        for name, value in saved.items():
            admin.config_set(name, value)
    logged = [
        entry
        for entry in entries
        if entry.get("client_address", b"").decode() in ours
        and _command(entry).split(" ", 1)[0].upper() not in _OWN_COMMANDS
    ]
    longest = max(logged, key=lambda entry: entry["duration"], default=None)
    result.update(
        commands=len(logged),
        commands_over_50_ms=sum(1 for entry in logged if entry["duration"] > 50_000),
        redis_busy_ms=round(sum(entry["duration"] for entry in logged) / 1000, 1),
        longest_ms=round(longest["duration"] / 1000, 2) if longest else None,
        longest_command=_command(longest)[:100] if longest else None,
        pings=len(pings),
        ping_p50_ms=p50(pings),
        ping_max_ms=round(max(pings), 2) if pings else None,
    )
    return result


def _command(entry: dict[str, Any]) -> str:
    command = entry["command"]
    return command.decode(errors="replace") if isinstance(command, bytes) else str(command)


def _ping_probe(url: str, stop: Any, out: Any) -> None:
    """PING Redis about every millisecond until told to stop; send back the round trips (ms)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=60)
    times: list[float] = []
    while not stop.is_set():
        tick = time.perf_counter()
        client.ping()
        times.append((time.perf_counter() - tick) * 1000)
        time.sleep(0.001)
    out.send(times)


def redis_client_patient() -> Any:
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=120)


def _redis_breakers_reset() -> None:
    """Close the product's Redis circuit breaker, opened by the failure just measured."""
    try:
        from calcuingo.resilience import breakers_reset
    except ImportError:
        time.sleep(11)  # the breaker's default reset time, should it exist under another name
        return
    breakers_reset()


# --- 4 --------------------------------------------------------------------------------------


def rollup(day: date, *, with_loop: bool) -> dict[str, Any]:
    """One local day: the rollup vs the exact aggregate of the same rows (vs a per-learner loop
    when `with_loop`)."""
    from django.db.models import Count, Q

    from accounts.models import User
    from analytics import rollups
    from practice.models import Attempt, active_ms_sum

    say(f"4. nightly rollup of {day} (every zone's local day)")
    result: dict[str, Any] = {"day": day.isoformat(), "attempts_in_table": Attempt.objects.count()}
    zones = sorted(set(User.objects.values_list("timezone", flat=True)))
    result["zones"] = len(zones)

    runs = []
    written = []
    for _ in range(2):
        tick = time.perf_counter()
        written.append(rollups.rollup_day(day=day))
        runs.append(time.perf_counter() - tick)
    result["rollup_s"] = round(min(runs), 3)
    result["rollup_rows_written"] = written

    # Every zone's local day lies in this UTC window (UTC+14 to UTC-12): it lets the floor read
    # a range of the attempts' `created_at` index, as the rollup may, instead of the whole table.
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    window = (midnight - timedelta(hours=14), midnight + timedelta(hours=36))

    def floor() -> dict[int, tuple[int, int, int]]:
        if connection.vendor == "postgresql":
            sql = """
                SELECT a.user_id, COUNT(*), COUNT(*) FILTER (WHERE a.is_correct),
                       SUM(LEAST(a.response_ms, %(cap)s))
                FROM practice_attempt a JOIN accounts_user u ON u.id = a.user_id
                WHERE a.created_at >= %(first)s AND a.created_at < %(last)s
                  AND a.created_at >= (%(day)s::date)::timestamp AT TIME ZONE u.timezone
                  AND a.created_at < (%(day)s::date + 1)::timestamp AT TIME ZONE u.timezone
                GROUP BY a.user_id
            """
            with connection.cursor() as cursor:
                cursor.execute(
                    sql, {"day": day, "cap": 300_000, "first": window[0], "last": window[1]}
                )
                return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}
        totals: dict[int, tuple[int, int, int]] = {}
        for zone in zones:
            zone_day = rollups.ZoneDay(zone, day)
            rows = (
                Attempt.objects.filter(
                    user__timezone=zone,
                    created_at__gte=zone_day.start,
                    created_at__lt=zone_day.end,
                )
                .values("user_id")
                .annotate(
                    n=Count("pk"), right=Count("pk", filter=Q(is_correct=True)), ms=active_ms_sum()
                )
                .order_by()
            )
            totals.update({r["user_id"]: (r["n"], r["right"], r["ms"]) for r in rows})
        return totals

    floor_runs = []
    per_learner: dict[int, tuple[int, int, int]] = {}
    for _ in range(2):
        tick = time.perf_counter()
        per_learner = floor()
        floor_runs.append(time.perf_counter() - tick)
    result["floor_s"] = round(min(floor_runs), 3)
    result["learners_active"] = len(per_learner)
    result["attempts_in_day"] = sum(value[0] for value in per_learner.values())
    result["rollup_over_floor"] = (
        round(result["rollup_s"] / result["floor_s"], 2) if result["floor_s"] else None
    )

    if not with_loop:
        say(
            f"   rollup {result['rollup_s']} s (rows written {written}) vs exact aggregate "
            f"{result['floor_s']} s ({result['rollup_over_floor']} ×, goal ≤ 2); "
            f"{result['attempts_in_day']:,} attempts of {result['learners_active']:,} learners "
            f"that day, {result['attempts_in_table']:,} in all"
        )
        return result
    # The naive way: one aggregate per learner of the day, from the ORM.
    zone_of = dict(User.objects.filter(pk__in=list(per_learner)).values_list("pk", "timezone"))
    budget, done = 60.0, 0
    tick = time.perf_counter()
    for user_id, zone in zone_of.items():
        zone_day = rollups.ZoneDay(zone, day)
        Attempt.objects.filter(
            user_id=user_id, created_at__gte=zone_day.start, created_at__lt=zone_day.end
        ).aggregate(n=Count("pk"), right=Count("pk", filter=Q(is_correct=True)), ms=active_ms_sum())
        done += 1
        if time.perf_counter() - tick > budget:
            break
    loop = time.perf_counter() - tick
    result["orm_loop_learners_timed"] = done
    result["orm_loop_s"] = round(loop * len(zone_of) / done, 3) if done else 0.0
    result["orm_loop_extrapolated"] = done < len(zone_of)
    result["orm_loop_over_floor"] = (
        round(result["orm_loop_s"] / result["floor_s"], 2) if result["floor_s"] else None
    )
    say(
        f"   rollup {result['rollup_s']} s (rows written {written}) vs exact aggregate "
        f"{result['floor_s']} s ({result['rollup_over_floor']} ×, goal ≤ 2) vs per-learner ORM "
        f"loop {result['orm_loop_s']} s; {result['attempts_in_day']:,} attempts of "
        f"{result['learners_active']:,} learners that day, {result['attempts_in_table']:,} in all"
    )
    return result


def rollup_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The rollup at a fifth of the attempts and at all of them, and how its time grew."""
    measured = [run for run in runs if "error" not in run]
    summary: dict[str, Any] = {"runs": runs}
    if measured:
        summary.update(measured[-1])  # the full table's numbers, as before
        summary["runs"] = runs
    if len(measured) >= 2 and measured[0]["rollup_s"]:
        first, last = measured[0], measured[-1]
        summary["growth"] = round(last["rollup_s"] / first["rollup_s"], 2)
        summary["same_day_rows"] = first["attempts_in_day"] == last["attempts_in_day"]
        say(
            f"   rollup with {last['attempts_in_table']:,} attempts / with "
            f"{first['attempts_in_table']:,}: {summary['growth']} (goal ≤ 1.2, the same day's "
            f"{last['attempts_in_day']:,} attempts in both: {summary['same_day_rows']}); "
            f"rollup / exact aggregate {last['rollup_over_floor']} (goal ≤ 2)"
        )
    if not measured and runs:
        summary["error"] = runs[-1]["error"]
    return summary


# --- 6 --------------------------------------------------------------------------------------


def statistics_refresh_cost() -> dict[str, Any]:
    """The hourly statistics refresh: its full recompute, a run with nobody active, and a run
    after a known number of learners were active; milliseconds per learner refreshed.

    Learners are made active as the nightly rollup does when it rewrites a summary (its
    `updated_at` moves), which the refresh finds as it finds answers. The runs are given a clock
    an hour ahead so that its ten-minute look-back (for late commits) does not pick up the
    bench's own answers or the rows just generated: the idle run then really has nobody.
    """
    from analytics.models import DailySummary
    from analytics.statistics import statistics_refresh
    from gamification.models import Standing

    clock = timezone.now() + timedelta(hours=1)
    result: dict[str, Any] = {}
    say("6. statistics refresh (hourly, incremental)")
    tick = time.perf_counter()
    result["full_learners"] = statistics_refresh(everyone=True, now=clock)
    result["full_s"] = round(time.perf_counter() - tick, 2)

    tick = time.perf_counter()
    result["idle_learners"] = statistics_refresh(now=clock + timedelta(minutes=1))
    result["idle_s"] = round(time.perf_counter() - tick, 3)

    practising = list(
        Standing.objects.filter(xp__gt=0).order_by("user_id").values_list("user_id", flat=True)
    )
    wanted = max(100, min(10_000, len(practising) // 20))
    chosen = practising[:: max(1, len(practising) // wanted)][:wanted]
    for start in range(0, len(chosen), 1000):
        DailySummary.objects.filter(user_id__in=chosen[start : start + 1000]).update(
            updated_at=clock + timedelta(minutes=2)
        )
    result["made_active"] = len(chosen)
    tick = time.perf_counter()
    result["active_learners"] = statistics_refresh(now=clock + timedelta(minutes=3))
    result["active_s"] = round(time.perf_counter() - tick, 3)
    for run in ("full", "active"):
        learners = result[f"{run}_learners"]
        result[f"{run}_ms_per_learner"] = (
            round(result[f"{run}_s"] * 1000 / learners, 3) if learners else None
        )
    say(
        f"   {result['active_ms_per_learner']} ms per active learner ({result['active_learners']:,}"
        f" refreshed in {result['active_s']} s, {result['made_active']:,} made active); nobody "
        f"active: {result['idle_s']} s ({result['idle_learners']} refreshed); full recompute of "
        f"{result['full_learners']:,}: {result['full_s']} s "
        f"({result['full_ms_per_learner']} ms each)"
    )
    return result


# --- 5 --------------------------------------------------------------------------------------


def statements() -> list[dict[str, Any]]:
    from bench.statements import measure

    say("5. statements per request (in-process, test client)")
    rows = guarded("statements", measure)
    if isinstance(rows, dict):
        return [{"method": "-", "path": "-", "what": rows["error"], "statements": 0, "status": 0}]
    for row in rows:
        where = f"{row['method']} {row['path']}"
        say(f"   {row['statements']!s:>5}  {row['status']}  {where}  {row['what']}")
    return list(rows)


# --- grading --------------------------------------------------------------------------------


def _module_bench(name: str) -> dict[str, Any]:
    """A benchmark module of bench/ with `run() -> dict` and `markdown(results) -> str`."""
    try:
        module = importlib.import_module(f"bench.{name}")
    except ImportError as exc:
        say(f"{name}: SKIPPED (bench/{name}.py not importable: {exc})")
        return {"skipped": str(exc)}
    say(f"{name} benchmark (bench/{name}.py)")
    tick = time.perf_counter()
    results: dict[str, Any] = guarded(name, module.run)
    if "error" in results:
        return {"skipped": results["error"]}
    markdown = module.markdown(results) if hasattr(module, "markdown") else ""
    say(f"   done in {time.perf_counter() - tick:.1f} s")
    return {"results": results, "markdown": markdown}


def grading() -> dict[str, Any]:
    return _module_bench("grading")


def sandbox() -> dict[str, Any]:
    """The code runner's sandbox: start-up time and graded submissions per second."""
    from curriculum.grading.coderunner import UNAVAILABLE_MESSAGE, sandbox_available

    if not sandbox_available():
        say(f"sandbox: SKIPPED ({UNAVAILABLE_MESSAGE})")
        return {"skipped": UNAVAILABLE_MESSAGE}
    return _module_bench("sandbox")

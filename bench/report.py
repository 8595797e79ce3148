"""bench/results/bench.json and bench.md from one run's results (bench/README.md reads them)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# BENCH_RESULTS names another folder: a run that should leave the committed results alone.
RESULTS = Path(os.environ.get("BENCH_RESULTS") or Path(__file__).resolve().parent / "results")


def write(results: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (RESULTS / "bench.md").write_text(markdown(results))
    for name in ("grading", "sandbox"):
        part = results.get(name) or {}
        if part.get("results"):
            (RESULTS / f"{name}.json").write_text(
                json.dumps(part["results"], indent=2, sort_keys=True, default=str) + "\n"
            )
        if part.get("markdown"):
            (RESULTS / f"{name}.md").write_text(part["markdown"])


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown(results: dict[str, Any]) -> str:
    env = results["environment"]
    machine = results["machine"]
    out = [
        "# Calcuingo bench results\n\n",
        f"Run {results['when']} at scale `{results['scale']['name']}` on {machine['cpus']} CPUs "
        f"({machine['platform']}, Python {machine['python']}): {env['database']}"
        f"{' + Redis' if env['redis'] else ' (no Redis)'}, {results.get('total_seconds')} s "
        "in all. One run; ratios compare numbers measured in it. How to read: bench/README.md.\n",
        f"\nLoad average (1, 5, 15 min) at the start {machine['load_average_at_start']}, at the "
        f"end {machine.get('load_average_at_end')}: above the CPU count, other work shared the "
        "machine and absolute numbers are low; the alternating rounds keep the ratios fair.\n",
    ]
    if results["skipped"]:
        out.append("Skipped: " + "; ".join(results["skipped"]) + ".\n")

    run = results.get("answer_vs_floor")
    if run:
        out.append(
            f"\n## 1. Answer submission vs the framework floor\n\ngunicorn, 2 workers; "
            f"{run['concurrency']} learners in a closed loop; {run['rounds']} alternating rounds "
            f"of {run['round_seconds']} s each; attempts table "
            f"{run['tables']['attempts']:,} rows.\n\n"
        )
        out.append(_endpoints(run))
        out.append(f"\n**Ratio answers / floor: {run['ratio']}** (goal ≥ 0.5).\n")

    size = results.get("table_size")
    if size:
        out.append("\n## 2. Answer throughput: large attempts table vs empty\n\n")
        rows = [
            [
                f"{part['attempts_in_table']:,}",
                part["answers_per_second"],
                part["answer_p50_ms"],
                part["answer_p99_ms"],
                part["floor_per_second"],
                part["ratio_to_floor"],
            ]
            for part in (size["empty"], size["large"])
        ]
        out.append(
            _table(
                ["attempts in table", "answers/s", "p50 ms", "p99 ms", "floor/s", "÷ floor"], rows
            )
        )
        out.append(
            f"\n**Large / empty: {size['answers_large_over_empty']}** in answers/s, "
            f"{size['ratio_to_floor_large_over_empty']} in ratio to the floor (goal: within 10 %, "
            "i.e. ≥ 0.9).\n"
        )

    generation = results.get("generation")
    if generation:
        out.append("\n## Generated population (`manage.py generate_load_data`)\n\n")
        out.append(
            _table(
                [
                    "learners added",
                    "attempts",
                    "rows (all tables)",
                    "seconds",
                    "of which rows + indexes s",
                    "of which board standings s",
                    "generator CPU s",
                    "attempts/s",
                    "rows/s",
                ],
                [
                    [
                        f"{g['learners']:,}",
                        f"{g['attempts']:,}",
                        f"{g['rows']:,}",
                        g["seconds"],
                        g.get("load_seconds", "–"),
                        g.get("standings_seconds", "–"),
                        g.get("generator_cpu_seconds", "–"),
                        f"{g['attempts_per_second']:,}",
                        f"{g['rows_per_second']:,}",
                    ]
                    for g in generation
                ],
            )
        )

    boards = results.get("leaderboard")
    if boards:
        out.append(_leaderboard(boards))
    rollup = results.get("rollup")
    if rollup:
        out.append(_rollup(rollup))
    stats = results.get("statistics")
    if stats:
        out.append(_statistics(stats))

    statements = results.get("statements")
    if statements:
        out.append(
            "\n## 5. SQL statements per request (a new learner; GETs warm and with an empty "
            "cache)\n\n"
        )
        out.append(
            _table(
                ["request", "what", "statements", "with an empty cache", "status"],
                [
                    [
                        f"`{s['method']} {s['path']}`",
                        s["what"],
                        s["statements"],
                        s.get("cold", ""),
                        s["status"],
                    ]
                    for s in statements
                    if not s["what"].startswith("skipped")
                ],
            )
        )
        skipped = [s for s in statements if s["what"].startswith("skipped")]
        if skipped:
            out.append(
                "\nNot requested: "
                + "; ".join(
                    f"`{s['path']}` ({s['what'].removeprefix('skipped: ')})" for s in skipped
                )
                + ".\n"
            )
        out.append(
            "\nGoal: ≤ 12 for a right answer mid-session, ≤ 25 for one completing a lesson.\n"
        )

    for name, title in (("grading", "Grading"), ("sandbox", "Code runner sandbox")):
        part = results.get(name) or {}
        if part.get("markdown"):
            out.append(f"\n## {title} (bench/{name}.py)\n\n")
            body = part["markdown"]
            # Its headings sit one level under ours.
            out.append(
                "\n".join(
                    ("#" + line) if line.startswith("#") else line for line in body.splitlines()
                )
            )
            out.append("\n")
        elif part.get("skipped"):
            out.append(f"\n## {title}\n\nSkipped: {part['skipped']}\n")
    return "".join(out)


def _leaderboard(boards: list[dict[str, Any]]) -> str:
    out = ["\n## 3. Leaderboard: all-time top 50 + own rank (a learner in the middle)\n\n"]
    out.append(
        _table(
            [
                "learners",
                "ranked",
                "Redis p50 ms",
                "SQL fallback p50 ms",
                "SQL p99 ms",
                "Redis ×",
                "same top XP",
                "same top order",
                "same rank",
                "errors",
            ],
            [
                [
                    f"{b['learners']:,}",
                    f"{b.get('ranked_learners', 0):,}",
                    b.get("redis_p50_ms", "–"),
                    b.get("sql_p50_ms", "–"),
                    b.get("sql_p99_ms", "–"),
                    b.get("redis_speedup", "–"),
                    b.get("same_top_xp", "–"),
                    b.get("same_top_order", "–"),
                    b.get("same_rank", "–"),
                    _board_notes(b),
                ]
                for b in boards
            ],
        )
    )
    out.append(
        "\nGoal: the SQL fallback (`read_sql`, the board from `BoardScore`) under 50 ms at "
        "1 M learners and flat as learners grow; both paths list the same learners in the same "
        "order with the same ranks.\n"
    )
    rebuilt = [b for b in boards if b.get("rebuild")]
    if rebuilt:
        out.append(
            "\n### Rebuilding Redis from SQL, watched from Redis (SLOWLOG) and by a PING probe\n\n"
        )
        out.append(
            _table(
                [
                    "learners",
                    "rebuild s",
                    "Redis commands",
                    "Redis busy ms",
                    "longest command ms",
                    "longest command",
                    "over 50 ms",
                    "PING p50 ms",
                    "PING max ms",
                    "error with the product's timeout",
                ],
                [
                    [
                        f"{b['learners']:,}",
                        b["rebuild"].get("seconds", "–"),
                        b["rebuild"].get("commands", "–"),
                        b["rebuild"].get("redis_busy_ms", "–"),
                        b["rebuild"].get("longest_ms", "–"),
                        f"`{b['rebuild'].get('longest_command') or '–'}`",
                        b["rebuild"].get("commands_over_50_ms", "–"),
                        b["rebuild"].get("ping_p50_ms", "–"),
                        b["rebuild"].get("ping_max_ms", "–"),
                        b["rebuild"].get("error", "none"),
                    ]
                    for b in rebuilt
                ],
            )
        )
        out.append(
            "\nGoal: the rebuild completes with the product's Redis timeout and no Redis command "
            "takes over 50 ms (the longest PING shows what any other client waited).\n"
        )
    return "".join(out)


def _rollup(rollup: dict[str, Any]) -> str:
    runs = rollup.get("runs") or [rollup]
    measured = [run for run in runs if "error" not in run]
    out = [f"\n## 4. Nightly rollup of one day ({rollup.get('day', '?')}, every zone)\n\n"]
    if not measured:
        out.append(f"Failed: {rollup.get('error') or runs[-1].get('error')}\n")
        return "".join(out)
    out.append(
        _table(
            [
                "attempts in table",
                "attempts that day",
                "learners that day",
                "zones",
                "rollup s",
                "exact aggregate s",
                "rollup ÷ aggregate",
                "per-learner ORM loop s",
                "loop ÷ aggregate",
                "rows written (run 1, run 2)",
            ],
            [
                [
                    f"{run['attempts_in_table']:,}",
                    f"{run['attempts_in_day']:,}",
                    f"{run['learners_active']:,}",
                    run["zones"],
                    run["rollup_s"],
                    run["floor_s"],
                    run["rollup_over_floor"],
                    (
                        f"{run['orm_loop_s']}"
                        + (" (extrapolated)" if run["orm_loop_extrapolated"] else "")
                        if "orm_loop_s" in run
                        else "–"
                    ),
                    run.get("orm_loop_over_floor", "–"),
                    run["rollup_rows_written"],
                ]
                for run in measured
            ],
        )
    )
    if "growth" in rollup:
        out.append(
            f"\n**Rollup with the larger table ÷ with the smaller: {rollup['growth']}** (the same "
            f"day's rows in both: {rollup['same_day_rows']}; goal ≤ 1.2, within 20 %).\n"
        )
    out.append(
        "\nGoal: the rollup within 2 × the exact aggregate of the same rows at 10 M attempts, and "
        "within 20 % of its own time at 2 M.\n"
    )
    return "".join(out)


def _statistics(stats: dict[str, Any]) -> str:
    if "error" in stats:
        return f"\n## 6. Statistics refresh\n\nFailed: {stats['error']}\n"
    return (
        "\n## 6. Statistics refresh (hourly, incremental)\n\n"
        + _table(
            ["run", "learners refreshed", "seconds", "ms per learner"],
            [
                [
                    f"after {stats['made_active']:,} learners were active",
                    f"{stats['active_learners']:,}",
                    stats["active_s"],
                    stats["active_ms_per_learner"],
                ],
                ["nobody active", f"{stats['idle_learners']:,}", stats["idle_s"], "–"],
                [
                    "full recompute (the first run, or `refresh_statistics --all`)",
                    f"{stats['full_learners']:,}",
                    stats["full_s"],
                    stats["full_ms_per_learner"],
                ],
            ],
        )
        + (
            "\nGoal: the hourly run's cost follows the learners who were active, not the table: "
            "a constant cost per active learner and next to nothing when nobody was.\n"
        )
    )


def _board_notes(board: dict[str, Any]) -> str:
    notes = []
    if board.get("error"):
        notes.append(board["error"])
    if board.get("rebuild_error"):
        notes.append(f"rebuild failed with the product's Redis timeout: {board['rebuild_error']}")
    if board.get("rebuild_patient_s") is not None:
        notes.append(f"rebuilt with a 120 s timeout in {board['rebuild_patient_s']} s")
    if board.get("redis_source") not in (None, "redis"):
        notes.append("the Redis read fell back to SQL")
    return "; ".join(notes)


def _endpoints(run: dict[str, Any]) -> str:
    rows = []
    for name, label in (
        ("answer", "answer (`POST /api/v1/sessions/{id}/answers`)"),
        ("floor", "framework floor (`POST /bench/floor`)"),
    ):
        part = run[name]
        rows.append(
            [
                label,
                part["requests_per_second"],
                ", ".join(str(value) for value in part["rounds_per_second"]),
                part["p50_ms"],
                part["p99_ms"],
                part["requests"],
                part["errors"],
            ]
        )
    return _table(
        ["endpoint", "req/s (median)", "rounds", "p50 ms", "p99 ms", "requests", "errors"], rows
    )


def summary(results: dict[str, Any]) -> str:
    lines = ["", "=== Calcuingo bench: ratios from this run ==="]
    run = results.get("answer_vs_floor")
    if run:
        answer, floor = run["answer"], run["floor"]
        lines.append(
            f"1. answers / floor: {run['ratio']} (goal ≥ 0.5): "
            f"{answer['requests_per_second']} vs {floor['requests_per_second']} req/s; "
            f"p50 {answer['p50_ms']} vs {floor['p50_ms']} ms; "
            f"p99 {answer['p99_ms']} vs {floor['p99_ms']} ms"
        )
    size = results.get("table_size")
    if size:
        lines.append(
            f"2. answers with {size['large']['attempts_in_table']:,} attempts / empty table: "
            f"{size['answers_large_over_empty']} (goal ≥ 0.9)"
        )
    for board in results.get("leaderboard", []):
        lines.append(
            f"3. leaderboard at {board['learners']:,} learners: SQL fallback p50 "
            f"{board.get('sql_p50_ms')} ms (goal < 50 at 1 M) vs Redis "
            f"{board.get('redis_p50_ms', '–')} ms; same order and rank: "
            f"{board.get('same_top_order', '–')}, {board.get('same_rank', '–')}"
        )
        rebuild = board.get("rebuild")
        if rebuild:
            lines.append(
                f"   rebuild {rebuild.get('seconds')} s "
                f"({'failed: ' + rebuild['error'] if 'error' in rebuild else 'completed'} with "
                f"the product's Redis timeout); longest Redis command {rebuild.get('longest_ms')} "
                f"ms, {rebuild.get('commands_over_50_ms')} over 50 ms (goal 0); PING max "
                f"{rebuild.get('ping_max_ms')} ms"
            )
    rollup = results.get("rollup")
    for run in (rollup or {}).get("runs", []):
        if "error" in run:
            lines.append(f"4. rollup FAILED: {run['error']}")
            continue
        lines.append(
            f"4. rollup with {run['attempts_in_table']:,} attempts: {run['rollup_s']} s, "
            f"/ exact aggregate {run['rollup_over_floor']} (goal ≤ 2)"
        )
    if rollup and "growth" in rollup:
        lines.append(
            f"4. rollup with the larger table / the smaller, same day: {rollup['growth']} "
            "(goal ≤ 1.2)"
        )
    stats = results.get("statistics")
    if stats and "error" not in stats:
        lines.append(
            f"6. statistics refresh: {stats['active_ms_per_learner']} ms per active learner "
            f"({stats['active_learners']:,} in {stats['active_s']} s); nobody active "
            f"{stats['idle_s']} s; full recompute {stats['full_ms_per_learner']} ms per learner"
        )
    for row in results.get("statements", []):
        if "answer" in row["what"]:
            lines.append(f"5. {row['what']}: {row['statements']} statements")
    for skipped in results.get("skipped", []):
        lines.append(f"skipped: {skipped}")
    return "\n".join(lines)

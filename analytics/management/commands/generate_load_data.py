"""Generate a population of learners with years of history, for benchmarks (`make bench`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.load_data import ZONES, load_generate


class Command(BaseCommand):
    help = (
        "Append N generated learners with M answers between them (power-law activity, many time "
        "zones), with their sessions, XP ledger, standings, progress and daily summaries. "
        "Written with COPY on PostgreSQL. For benchmark databases, never production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", type=int, required=True, help="Learners to add.")
        parser.add_argument("--attempts", type=int, required=True, help="Answers between them.")
        parser.add_argument(
            "--days", type=int, default=60, help="Days of history (365 × years for years)."
        )
        parser.add_argument(
            "--zones", type=int, default=10, help=f"Time zones used, 1 to {len(ZONES)}."
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same population.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_generate(
                learners=options["learners"],
                attempts=options["attempts"],
                days=options["days"],
                zones=options["zones"],
                seed=options["seed"],
                progress=lambda line: self.stdout.write(f"  … {line}"),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for table, rows in report.by_table.items():
            self.stdout.write(f"{table}: {rows} rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.learners} learners, {report.attempts} attempts, "
                f"{report.xp_events} XP events, {report.rows} rows in {report.seconds:.1f} s "
                f"({report.attempts_per_second:,.0f} attempts/s, "
                f"{report.rows_per_second:,.0f} rows/s; this process used "
                f"{report.cpu_seconds:.1f} s of CPU)."
            )
        )
        self.stdout.write(
            f"Rows and indexes in {report.load_seconds:.1f} s; the current boards' standings "
            f"({report.board_scores} rows) from the ledger in {report.standings_seconds:.1f} s."
        )

"""Rewrite the current leaderboards in Redis from the standings table (or the ledger first)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gamification import leaderboards


class Command(BaseCommand):
    help = (
        "Copy the daily, weekly and all-time leaderboards into Redis from their standings "
        "table, in chunks that never block Redis."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-ledger",
            action="store_true",
            help="First recompute the current boards' standings from the XP ledger "
            "(after rows were written around the services, e.g. a bulk load).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["from_ledger"]:
            rows = leaderboards.standings_recompute()
            self.stdout.write(f"{rows} standings recomputed from the XP ledger.")
        boards = leaderboards.rebuild()
        if boards:
            self.stdout.write(self.style.SUCCESS(f"{boards} leaderboards rebuilt."))
        else:
            self.stdout.write("No Redis configured (or a rebuild is running): nothing copied.")

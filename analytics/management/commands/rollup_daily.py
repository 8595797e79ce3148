"""Recompute daily summaries from the attempts, sessions and XP ledger (what the task runs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.rollups import rollup_day


class Command(BaseCommand):
    help = (
        "Recompute the daily summaries of each learner's local yesterday, or of --date for "
        "everyone, replacing what differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            help="The local date to recompute (YYYY-MM-DD); default: each learner's yesterday.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = rollup_day(day=options["date"])
        self.stdout.write(self.style.SUCCESS(f"{written} daily summaries written."))

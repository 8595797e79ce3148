"""Recompute learners' statistics (what the hourly task runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.statistics import statistics_refresh


class Command(BaseCommand):
    help = "Recompute the statistics of every learner, or of the --user ids given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user",
            type=int,
            action="append",
            dest="user_ids",
            metavar="ID",
            help="A user id; repeat for several. Default: everyone who practises.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refreshed = statistics_refresh(user_ids=options["user_ids"])
        self.stdout.write(self.style.SUCCESS(f"Statistics of {refreshed} users refreshed."))

"""Refresh learners' statistics: those changed since the last run (what the hourly task runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.statistics import statistics_refresh


class Command(BaseCommand):
    help = (
        "Refresh the statistics of the learners whose numbers changed since the last run, of "
        "the --user ids given, or of everyone (--all)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user",
            type=int,
            action="append",
            dest="user_ids",
            metavar="ID",
            help="A user id; repeat for several. Default: who changed since the last run.",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everyone",
            help="Recompute every learner and everyone who practised (a full recompute).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["everyone"] and options["user_ids"]:
            raise CommandError("Give --user ids or --all, not both.")
        refreshed = statistics_refresh(user_ids=options["user_ids"], everyone=options["everyone"])
        self.stdout.write(self.style.SUCCESS(f"Statistics of {refreshed} users refreshed."))

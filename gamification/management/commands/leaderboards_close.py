"""Archive the final standings of the leaderboard period that just ended."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gamification import leaderboards


class Command(BaseCommand):
    help = "Archive the previous week's (or day's) leaderboards; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", choices=["weekly", "daily"], default="weekly")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = leaderboards.close_period(period=options["period"])
        self.stdout.write(self.style.SUCCESS(f"{entries} leaderboard entries archived."))

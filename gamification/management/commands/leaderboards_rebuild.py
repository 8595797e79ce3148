"""Rewrite the current leaderboards in Redis from the XP ledger."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gamification import leaderboards


class Command(BaseCommand):
    help = "Rebuild the daily, weekly and all-time leaderboards in Redis from the XP ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        boards = leaderboards.rebuild()
        if boards:
            self.stdout.write(self.style.SUCCESS(f"{boards} leaderboards rebuilt."))
        else:
            self.stdout.write("No Redis configured: leaderboards are read from SQL.")

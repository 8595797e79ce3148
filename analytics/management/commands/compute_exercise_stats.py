"""Recompute the item analysis of every exercise with attempts (what the nightly task runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from analytics.statistics import exercise_stats_compute


class Command(BaseCommand):
    help = "Recompute attempts, share right, times, hints and discrimination of each exercise."

    def handle(self, *args: Any, **options: Any) -> None:
        computed = exercise_stats_compute()
        self.stdout.write(self.style.SUCCESS(f"Statistics of {computed} exercises computed."))

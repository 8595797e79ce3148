"""End code submissions that no worker will finish (what beat runs every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from practice.services.code import code_sweep_stuck


class Command(BaseCommand):
    help = (
        "Mark code submissions running past their exercise's budget (plus "
        "CODE_RUNNING_MARGIN_SECONDS), or queued for over CODE_QUEUED_MAX_MINUTES, as errors."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = code_sweep_stuck()
        self.stdout.write(self.style.SUCCESS(f"{count} unfinished code submissions ended."))

"""Recalibrate exercises' Elo difficulty from learners' answers (what the nightly task runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from practice.services.adaptive import difficulty_calibrate


class Command(BaseCommand):
    help = "Set each exercise's difficulty rating from its share of right answers."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = difficulty_calibrate()
        self.stdout.write(self.style.SUCCESS(f"{changed} exercise difficulties recalibrated."))

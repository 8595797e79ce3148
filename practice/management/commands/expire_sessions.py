"""Abandon practice sessions left open for too long."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from practice.services.sessions import session_expire_stale


class Command(BaseCommand):
    help = "Mark sessions open for longer than --hours (default 24) as abandoned."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        count = session_expire_stale(older_than=timedelta(hours=options["hours"]))
        self.stdout.write(self.style.SUCCESS(f"{count} stale sessions abandoned."))

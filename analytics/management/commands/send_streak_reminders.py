"""E-mail the learners whose reminder time just passed and whose streak is at risk."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from analytics.reminders import streak_reminders_send


class Command(BaseCommand):
    help = (
        "Send the streak reminders of the quarter hour that just ended (at most one per "
        "learner and local day); the task runs this every 15 minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = streak_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"{sent} streak reminders sent."))

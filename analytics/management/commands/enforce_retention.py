"""Apply the retention periods (what the nightly task runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from analytics.retention import retention_enforce


class Command(BaseCommand):
    help = (
        "Aggregate and delete learning events past LEARNING_EVENT_RETENTION_DAYS; reduce "
        "sessions past SESSION_DETAIL_RETENTION_DAYS to their summary."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_enforce()
        self.stdout.write(
            self.style.SUCCESS(
                f"{result['events_aggregated']} learning events aggregated, "
                f"{result['sessions_reduced']} sessions reduced."
            )
        )

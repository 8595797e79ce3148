"""Install the demo content and accounts; safe to run again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Install the demo curriculum and demo accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for dotted in settings.DEMO_LOADERS:
            created = import_string(dotted)()
            label = dotted.rsplit(".", 1)[0]
            self.stdout.write(
                f"{label}: {len(created)} created" + (f" ({', '.join(created)})" if created else "")
            )
        self.stdout.write(self.style.SUCCESS("Demo ready."))

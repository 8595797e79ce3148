from __future__ import annotations

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import account_deleted
        from gamification import providers

        from .receivers import anonymise_on_account_deleted
        from .selectors import track_lessons_completed

        account_deleted.connect(anonymise_on_account_deleted, dispatch_uid="practice.anonymise")
        providers.track_lessons_provide(track_lessons_completed)

from __future__ import annotations

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import account_deleted

        from .receivers import anonymise_on_account_deleted

        account_deleted.connect(anonymise_on_account_deleted, dispatch_uid="practice.anonymise")

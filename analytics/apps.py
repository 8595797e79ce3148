from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import account_deleted

        from .receivers import on_account_deleted

        account_deleted.connect(on_account_deleted, dispatch_uid="analytics.account_deleted")

from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import account_deleted
        from gamification import providers

        from .receivers import on_account_deleted, on_achievement_earned

        account_deleted.connect(on_account_deleted, dispatch_uid="analytics.account_deleted")
        providers.achievement_earned_listen(on_achievement_earned)

from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the audit trail to what it records (see `analytics.audit`)."""
        from allauth.account import signals as allauth_signals
        from django.contrib.auth import signals as auth_signals

        from accounts import signals as account_signals

        from . import audit

        receivers = [
            (auth_signals.user_logged_in, audit.on_logged_in),
            (auth_signals.user_login_failed, audit.on_login_failed),
            (auth_signals.user_logged_out, audit.on_logged_out),
            (allauth_signals.password_changed, audit.on_password_changed),
            (allauth_signals.password_set, audit.on_password_set),
            (allauth_signals.password_reset, audit.on_password_reset),
            (account_signals.parent_linked, audit.on_parent_linked),
            (account_signals.parent_unlinked, audit.on_parent_unlinked),
            (account_signals.role_changed, audit.on_role_changed),
            (account_signals.data_exported, audit.on_data_exported),
            (account_signals.account_deleted, audit.on_account_deleted),
        ]
        for signal, receiver in receivers:
            signal.connect(receiver, dispatch_uid=f"analytics.audit.{receiver.__name__}")

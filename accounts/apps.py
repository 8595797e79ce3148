from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps as global_apps
from django.db.models.signals import post_migrate


def _grant_author_permissions(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """Keep the Authors group's permissions current as apps add models.

    Permissions are created app by app after `migrate`; ours may run before a later app's, so
    create them all first (idempotent) and then grant.
    """
    from django.contrib.auth.management import create_permissions

    from .permissions import sync_author_group

    state_apps = apps or global_apps
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=state_apps, using=kwargs.get("using", "default"))
    sync_author_group(state_apps)


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(
            _grant_author_permissions, sender=self, dispatch_uid="accounts.author_permissions"
        )

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
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
        create_permissions(
            app_config, verbosity=0, apps=state_apps, using=kwargs.get("using", "default")
        )
    sync_author_group(state_apps)


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import django_stubs_ext
        from rest_framework import generics, serializers

        # Lets annotations such as `ListAPIView[Lesson]` run, not only type-check.
        django_stubs_ext.monkeypatch(
            extra_classes=[
                serializers.Serializer,
                serializers.ModelSerializer,
                serializers.ListSerializer,
                generics.GenericAPIView,
                generics.ListAPIView,
                generics.RetrieveAPIView,
                generics.ListCreateAPIView,
                generics.RetrieveUpdateAPIView,
            ]
        )
        post_migrate.connect(
            _grant_author_permissions, sender=self, dispatch_uid="accounts.author_permissions"
        )
        from .audit import connect_receivers

        connect_receivers()

"""The Authors group: who writes the curriculum, and what they may touch."""

from __future__ import annotations

from typing import Any

AUTHORS_GROUP = "Authors"
# Apps whose models authors manage in the admin. Users and accounts are not among them.
AUTHOR_APPS = ("curriculum",)
# Models of other apps that authors manage (app_label, model).
AUTHOR_MODELS = (("gamification", "achievement"), ("gamification", "avatar"))


def sync_author_group(apps: Any = None, **_: Any) -> None:
    """Give the Authors group every permission on the authoring models; idempotent.

    Runs from the data migration that creates the group and after every `migrate` (permissions of
    models added later only exist once their app has migrated).
    """
    from django.apps import apps as global_apps
    from django.db.models import Q

    registry = apps or global_apps
    group_model = registry.get_model("auth", "Group")
    permission_model = registry.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=AUTHORS_GROUP)
    wanted = Q(content_type__app_label__in=AUTHOR_APPS)
    for app_label, model in AUTHOR_MODELS:
        wanted |= Q(content_type__app_label=app_label, content_type__model=model)
    group.permissions.add(*permission_model.objects.filter(wanted))

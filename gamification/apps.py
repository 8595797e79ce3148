from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reseed(sender: AppConfig, apps: Any = None, **kwargs: Any) -> None:
    """Keep the seeded avatars and achievements present after `migrate` and after a flush.

    The data migration seeds them once; a database flush (tests that commit) would otherwise
    leave every later test without achievements. Idempotent: an upsert by code.
    """
    from .seeds import seed

    # `migrate` passes its historical registry; `flush` passes none (the current models).
    seed(apps)


def _forget_on_boards(sender: Any, user: Any, **kwargs: Any) -> None:
    """An account is being deleted: off the boards' counts now, off Redis after commit."""
    from django.db import transaction

    from .leaderboards import member_drop, member_forget

    user_id = user.pk
    member_drop(user_id=user_id)
    transaction.on_commit(lambda: member_forget(user_id=user_id))


class GamificationConfig(AppConfig):
    name = "gamification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.signals import account_deleted

        post_migrate.connect(_reseed, sender=self, dispatch_uid="gamification.reseed")
        account_deleted.connect(_forget_on_boards, dispatch_uid="gamification.forget")

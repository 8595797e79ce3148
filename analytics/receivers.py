"""What analytics hears from the apps below it: erased accounts and earned achievements."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from accounts.models import User
from calcuingo import cache

from . import services
from .models import LearningEvent


def on_account_deleted(sender: Any, user: User, **kwargs: Any) -> None:
    """Her learning events stay, as anonymous counts."""
    LearningEvent.objects.filter(user=user).update(user=None)
    transaction.on_commit(partial(cache.learner_cache_invalidate, user.pk))


def on_achievement_earned(user: User, achievement_id: int, code: str) -> None:
    """An achievement awarded (gamification's listener): its event, in the same transaction."""
    services.achievement_earned(user=user, achievement_id=achievement_id, code=code)

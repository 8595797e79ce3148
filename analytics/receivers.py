"""Analytics' part of erasing an account: her learning events stay, as anonymous counts."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from accounts.models import User
from calcuingo import cache

from .models import LearningEvent


def on_account_deleted(sender: Any, user: User, **kwargs: Any) -> None:
    LearningEvent.objects.filter(user=user).update(user=None)
    transaction.on_commit(partial(cache.learner_cache_invalidate, user.pk))

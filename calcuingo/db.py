"""Database helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F


def counters_add(model: type[models.Model], *, lookup: dict[str, Any], **amounts: Any) -> None:
    """Add `amounts` to counter columns of the row matching `lookup`, creating it if missing.

    One UPDATE with `F()` when the row exists (the usual case), so concurrent writers never lose
    an update; a row created meanwhile by a concurrent writer is added to, not duplicated.
    """
    increments = {name: F(name) + value for name, value in amounts.items() if value}
    if not increments:
        return
    manager: Any = model._default_manager
    if manager.filter(**lookup).update(**increments):
        return
    try:
        with transaction.atomic():
            manager.create(**lookup, **amounts)
    except IntegrityError:
        manager.filter(**lookup).update(**increments)

"""Practice's part of erasing an account: her sessions and answers outlive her, anonymised.

`accounts.data_rights.account_delete` sends `account_deleted` inside its transaction, with the
shared inactive `anonymised` learner. Her answers move there, so that item statistics (how hard
is this exercise?) stay true; free text she typed that spells her name or e-mail is replaced.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User

from .models import Attempt, PracticeSession

REMOVED_TEXT = "[removed]"
# Columns of an answer that hold what she typed (or what it was read as).
TYPED_COLUMNS = ("response", "interpreted_as", "feedback")


def anonymise_on_account_deleted(sender: Any, user: User, anonymised: User, **kwargs: Any) -> None:
    """Move her sessions and answers to the anonymised learner, her name scrubbed from them."""
    identifiers = [value for value in (user.username, user.email) if value]
    attempts = Attempt.objects.filter(user=user)
    for column in TYPED_COLUMNS:
        naming = Q()
        for identifier in identifiers:
            naming |= Q(**{f"{column}__icontains": identifier})
        if identifiers:
            attempts.filter(naming).update(**{column: REMOVED_TEXT})
    PracticeSession.objects.filter(user=user).update(user=anonymised)
    # The idempotency key is unique per user: keys of many learners would collide on one.
    attempts.update(user=anonymised, idempotency_key=None, request_fingerprint="")

"""The audit trail: receivers that write a row for each security-relevant action.

Connected in `AnalyticsConfig.ready`. They listen to Django's authentication signals, allauth's
password signals and the account signals of `accounts.signals`, and run inside the sender's
transaction where it has one, so the audit row commits (or rolls back) with the action.
A row never holds a password, a token, or a typed identifier that matches no account.
"""

from __future__ import annotations

import ipaddress
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import ParentLink, User
from calcuingo import cache

from .models import AuditEvent, LearningEvent
from .services import audit_record

Action = AuditEvent.Action
DELETED_LABEL = "deleted user"


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address as the lockout sees it (proxy headers per AXES settings)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:  # a malformed header: no address rather than a failed write
        return None


def _user_for(identifier: str) -> User | None:
    lookup = Q(email__iexact=identifier) if "@" in identifier else Q(username__iexact=identifier)
    return User.objects.filter(lookup).first()


# --- Authentication ----------------------------------------------------------------------
def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(action=Action.LOGIN, actor=user, subject=user, ip_address=client_ip(request))


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed login names the account it was for, if there is one, never what was typed
    (a password typed into the wrong box must not end up in the log)."""
    identifier = next(
        (
            str(credentials[key]).strip()
            for key in ("email", "login", "username")
            if isinstance(credentials.get(key), str) and credentials[key].strip()
        ),
        "",
    )
    subject = _user_for(identifier) if identifier else None
    audit_record(
        action=Action.LOGIN_FAILED,
        actor=None,
        subject=subject,
        ip_address=client_ip(request),
        details={"known_account": subject is not None},
    )


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None or user.pk is None:  # an anonymous visitor, or an account just deleted
        return
    audit_record(action=Action.LOGOUT, actor=user, subject=user, ip_address=client_ip(request))


def on_password_changed(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    audit_record(
        action=Action.PASSWORD_CHANGED, actor=user, subject=user, ip_address=client_ip(request)
    )


def on_password_set(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A first password on an account made through GitHub: a change, for the trail."""
    audit_record(
        action=Action.PASSWORD_CHANGED,
        actor=user,
        subject=user,
        ip_address=client_ip(request),
        details={"first_password": True},
    )


def on_password_reset(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(
        action=Action.PASSWORD_RESET, actor=user, subject=user, ip_address=client_ip(request)
    )


# --- Accounts ----------------------------------------------------------------------------
def on_parent_linked(sender: Any, link: ParentLink, by: User, **kwargs: Any) -> None:
    audit_record(action=Action.PARENT_LINKED, actor=by, subject=link.learner)


def on_parent_unlinked(sender: Any, parent: User, learner: User, by: User, **kwargs: Any) -> None:
    """Either side may unlink: the actor is who did, the subject the other side."""
    by_parent = by.pk == parent.pk
    audit_record(
        action=Action.PARENT_UNLINKED,
        actor=by,
        subject=learner if by_parent else parent,
        details={"by": "parent" if by_parent else "learner"},
    )


def on_role_changed(
    sender: Any,
    user: User,
    old_role: str,
    new_role: str,
    by: User | None = None,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    audit_record(
        action=Action.ROLE_CHANGED,
        actor=by,
        subject=user,
        ip_address=client_ip(request),
        details={"from": old_role, "to": new_role},
    )


def on_data_exported(
    sender: Any, learner: User, by: User, ip_address: str | None = None, **kwargs: Any
) -> None:
    audit_record(action=Action.DATA_EXPORTED, actor=by, subject=learner, ip_address=ip_address)


def on_account_deleted(
    sender: Any, user: User, by: User | None, ip_address: str | None = None, **kwargs: Any
) -> None:
    """Before the row goes: unname her in the trail and in learning events, then log the deletion.

    The audit rows stay (what happened to an account is still staff's business) but say
    "deleted user" instead of who; her learning events stay as anonymous counts.
    """
    AuditEvent.objects.filter(actor=user).update(actor=None, actor_label=DELETED_LABEL)
    AuditEvent.objects.filter(subject=user).update(subject=None)
    LearningEvent.objects.filter(user=user).update(user=None)
    AuditEvent.objects.create(
        action=Action.ACCOUNT_DELETED,
        actor=by,
        actor_label=by.username if by is not None else DELETED_LABEL,
        ip_address=ip_address,
        details={"role": user.role, "by": by.role if by is not None else "self"},
    )
    transaction.on_commit(partial(cache.learner_cache_invalidate, user.pk))

"""The audit trail of security-relevant actions, written by the actions themselves.

Accounts' own actions (linking a parent, changing a role, exporting or erasing data) call
`audit_record` in their transaction, so the row commits or rolls back with the action. Logins,
logouts and password changes happen inside Django and allauth: the receivers below, connected in
`AccountsConfig.ready`, are those actions' only hook. A row never holds a password, a token, or
a typed identifier that matches no account.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from .models import AuditEvent, User

Action = AuditEvent.Action
DELETED_LABEL = "deleted user"


def audit_record(
    *,
    action: str,
    actor: User | None,
    subject: User | None = None,
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """A security-relevant action, written in the caller's transaction."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        subject=subject,
        actor_label=actor_label
        if actor_label is not None
        else (actor.username if actor is not None else ""),
        ip_address=ip_address,
        details=details or {},
    )


def audit_forget(user: User) -> None:
    """Before her account goes: the trail stays, but says "deleted user" instead of who."""
    AuditEvent.objects.filter(actor=user).update(actor=None, actor_label=DELETED_LABEL)
    AuditEvent.objects.filter(subject=user).update(subject=None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address as the lockout sees it (the connection, or trusted proxies)."""
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


# --- Receivers for what Django and allauth do ---------------------------------------------
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


def connect_receivers() -> None:
    from allauth.account import signals as allauth_signals
    from django.contrib.auth import signals as auth_signals

    receivers = [
        (auth_signals.user_logged_in, on_logged_in),
        (auth_signals.user_login_failed, on_login_failed),
        (auth_signals.user_logged_out, on_logged_out),
        (allauth_signals.password_changed, on_password_changed),
        (allauth_signals.password_set, on_password_set),
        (allauth_signals.password_reset, on_password_reset),
    ]
    for signal, receiver in receivers:
        signal.connect(receiver, dispatch_uid=f"accounts.audit.{receiver.__name__}")

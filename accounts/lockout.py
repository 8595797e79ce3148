"""django-axes hooks: who is trying to log in, and what a locked-out caller is told.

The same lockout guards the site's login form and the API's token login: both authenticate through
`django.contrib.auth.authenticate`, where `AxesStandaloneBackend` refuses a locked-out caller.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKOUT_MESSAGE = (
    "Too many failed login attempts. For your safety this account is locked on this device; "
    "try again in {minutes} minutes or reset your password."
)


def username_from_credentials(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a login attempt is for, as one key whichever identifier was typed.

    Failures typed as `Ada@Example.org` and the success reported as username `ada` must share a
    counter, or a successful login would not reset the failures and e-mail and username would
    each get five tries.
    """
    from .models import User

    source: Any = credentials or getattr(request, "data", None) or request.POST
    for key in ("email", "login", "username"):
        value = source.get(key) if hasattr(source, "get") else None
        if isinstance(value, str) and value.strip():
            identifier = value.strip()
            if "@" in identifier:
                username = (
                    User.objects.filter(email__iexact=identifier)
                    .values_list("username", flat=True)
                    .first()
                )
                identifier = username or identifier
            return identifier.lower()
    return ""


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LOCKOUT_MESSAGE.format(minutes=minutes)


def lockout_response(request: HttpRequest, credentials: dict[str, Any] | None) -> HttpResponse:
    """429 everywhere: the API's error format for API paths, a page for the site."""
    if request.path.startswith("/api/"):
        body = {
            "type": "client_error",
            "errors": [{"code": "locked_out", "detail": lockout_message(), "attr": None}],
        }
        return JsonResponse(body, status=429)
    return render(request, "account/lockout.html", {"message": lockout_message()}, status=429)

"""The authenticated user of an API request, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import exceptions
from rest_framework.request import Request

if TYPE_CHECKING:
    from accounts.models import User


def current_user(request: Request) -> User:
    """The requesting user; views that call this require authentication."""
    user = request.user
    if not user.is_authenticated:  # permission classes make this unreachable; defence in depth
        raise exceptions.NotAuthenticated()
    return user

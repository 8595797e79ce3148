"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    # A GitHub app configured by settings or added in the admin both count.
    apps = get_adapter(request).list_apps(request, provider="github")
    return {"github_login_enabled": bool(apps)}

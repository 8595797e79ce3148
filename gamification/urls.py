"""Site pages of the gamification app."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "gamification"

urlpatterns: list[URLPattern] = []

"""Site pages of the gamification app: the learner's profile and the leaderboards."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "gamification"

urlpatterns: list[URLPattern] = [
    path("profile/", views.profile, name="profile"),
    path("profile/avatar/", views.avatar_pick, name="avatar_pick"),
    path("leaderboards/", views.leaderboard, name="leaderboards"),
    path("leaderboards/visibility/", views.leaderboard_visibility, name="leaderboard_visibility"),
]

from __future__ import annotations

from django.urls import path

from . import apis
from .leaderboards import PERIODS

urlpatterns = [
    path("me/standing", apis.StandingApi.as_view(), name="api-standing"),
    path("me/xp", apis.XPHistoryApi.as_view(), name="api-xp-history"),
    path("me/achievements", apis.AchievementListApi.as_view(), name="api-achievements"),
    path("me/avatars", apis.AvatarListApi.as_view(), name="api-avatars"),
    path("me/avatar", apis.AvatarSelectApi.as_view(), name="api-avatar-select"),
    path("me/leaderboards", apis.LeaderboardOptApi.as_view(), name="api-leaderboard-opt"),
    # One route per period, so that an unknown period is a 404 and each is documented.
    *(
        path(
            f"leaderboards/{period}",
            apis.LeaderboardApi.as_view(period=period),
            name=f"api-leaderboard-{period}",
        )
        for period in PERIODS
    ),
]

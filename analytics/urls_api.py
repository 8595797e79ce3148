from __future__ import annotations

from django.urls import path

from . import apis

urlpatterns = [
    path("dashboards/me", apis.MyDashboardApi.as_view(), name="api-dashboard-me"),
    path("dashboards/children", apis.ChildrenDashboardApi.as_view(), name="api-dashboard-children"),
    path(
        "dashboards/children/<int:pk>",
        apis.ChildDashboardApi.as_view(),
        name="api-dashboard-child",
    ),
    path(
        "dashboards/tracks/<int:pk>",
        apis.TrackStatisticsApi.as_view(),
        name="api-dashboard-track",
    ),
]

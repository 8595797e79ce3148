"""Root URLs: the site, the admin, the API and its documentation, health."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views

from .api import errors as api_errors
from .health import health

admin.site.site_header = "Calcuingo authoring"
admin.site.site_title = "Calcuingo admin"

api_v1 = [
    path("", include("accounts.urls_api")),
    path("", include("curriculum.urls_api")),
    path("", include("practice.urls_api")),
    path("", include("gamification.urls_api")),
    path("", include("analytics.urls_api")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("practice.urls")),
    path("", include("gamification.urls")),
    path("", include("analytics.urls")),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Last under /api/: an unknown endpoint or a malformed id is a JSON 404, not an HTML page.
    re_path(r"^api/", api_errors.NoSuchRouteApi.as_view(), name="api-no-such-route"),
]

# Errors Django answers itself (no view reached): JSON under /api/, the usual pages elsewhere.
handler400 = api_errors.bad_request
handler403 = api_errors.permission_denied
handler404 = api_errors.page_not_found
handler500 = api_errors.server_error

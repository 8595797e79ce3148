"""Site pages under /accounts/, next to allauth's (whose names all start with `account_`)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("profile/", views.profile, name="profile"),
    path("family/", views.family, name="family"),
    path("family/invites/", views.family_invite_create, name="family-invite-create"),
    path("family/redeem/", views.family_invite_redeem, name="family-invite-redeem"),
    path("family/links/<int:pk>/unlink/", views.family_link_delete, name="family-link-delete"),
    path("data/", views.data_rights_page, name="data-rights"),
    path("data/export/", views.data_export_download, name="data-export"),
    path("data/export/<int:pk>/", views.data_export_download, name="data-export-learner"),
    path("data/delete/", views.account_delete, name="account-delete"),
    path("data/delete/<int:pk>/", views.account_delete, name="account-delete-learner"),
]

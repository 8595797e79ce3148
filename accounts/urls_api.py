from __future__ import annotations

from django.urls import path

from . import apis

urlpatterns = [
    path("auth/register", apis.RegisterApi.as_view(), name="api-register"),
    path("auth/login", apis.LoginApi.as_view(), name="api-login"),
    path("auth/logout", apis.LogoutApi.as_view(), name="api-logout"),
    path("auth/logout-all", apis.LogoutAllApi.as_view(), name="api-logout-all"),
    path("auth/password", apis.PasswordChangeApi.as_view(), name="api-password-change"),
    path("auth/password/reset", apis.PasswordResetApi.as_view(), name="api-password-reset"),
    path("auth/verification", apis.VerificationResendApi.as_view(), name="api-verification"),
    path("me", apis.MeApi.as_view(), name="api-me"),
    path("me/export", apis.DataExportApi.as_view(), name="api-me-export"),
    path("me/delete", apis.AccountDeleteApi.as_view(), name="api-me-delete"),
    path("parent-invites", apis.ParentInviteCreateApi.as_view(), name="api-invite-create"),
    path("parent-invites/redeem", apis.ParentInviteRedeemApi.as_view(), name="api-invite-redeem"),
    path("parent-links", apis.ParentLinkListApi.as_view(), name="api-parent-links"),
    path("parent-links/<int:pk>", apis.ParentLinkDeleteApi.as_view(), name="api-parent-link"),
    path("learners", apis.LinkedLearnerListApi.as_view(), name="api-learners"),
    path("learners/<int:pk>", apis.LinkedLearnerDetailApi.as_view(), name="api-learner"),
    path(
        "learners/<int:pk>/export",
        apis.LearnerDataExportApi.as_view(),
        name="api-learner-export",
    ),
    path(
        "learners/<int:pk>/delete",
        apis.LearnerAccountDeleteApi.as_view(),
        name="api-learner-delete",
    ),
]

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import data_rights
from .audit import audit_record, client_ip
from .models import AuditEvent, LearnerProfile, ParentInvite, ParentLink, User


class LearnerProfileInline(admin.StackedInline[LearnerProfile, User]):
    model = LearnerProfile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = (
        "username",
        "email",
        "role",
        "timezone",
        "is_verified",
        "is_staff",
        "date_joined",
    )
    list_filter = ("role", "is_verified", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("-date_joined",)
    inlines = [LearnerProfileInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Calcuingo", {"fields": ("role", "timezone", "is_verified")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "role" in form.changed_data:
            # In the admin's transaction: the audit row commits with the change.
            audit_record(
                action=AuditEvent.Action.ROLE_CHANGED,
                actor=request.user,  # type: ignore[arg-type]
                subject=obj,
                ip_address=client_ip(request),
                details={"from": form.initial.get("role", ""), "to": obj.role},
            )

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        # The erasure below decides what goes and what stays anonymised, append-only ledgers
        # included (whose admins refuse deletion): who may delete a user may erase her.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        """Deleting in the admin is the same erasure as the learner's own: answers anonymised."""
        assert isinstance(request.user, User)
        data_rights.account_delete(
            learner=obj, by=request.user, ip_address=get_client_ip_address(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            self.delete_model(request, user)


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin[LearnerProfile]):
    list_display = ("user", "grade_level", "daily_goal_minutes", "input_method", "updated_at")
    list_filter = ("grade_level", "input_method", "adaptive_learning", "spaced_repetition")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ParentLink)
class ParentLinkAdmin(admin.ModelAdmin[ParentLink]):
    list_display = ("parent", "learner", "created_at")
    search_fields = ("parent__username", "learner__username", "parent__email", "learner__email")
    list_select_related = ("parent", "learner")
    raw_id_fields = ("parent", "learner")


@admin.register(ParentInvite)
class ParentInviteAdmin(admin.ModelAdmin[ParentInvite]):
    list_display = ("code", "learner", "created_at", "expires_at", "redeemed_at", "redeemed_by")
    search_fields = ("code", "learner__username")
    list_select_related = ("learner", "redeemed_by")
    raw_id_fields = ("learner", "redeemed_by")
    readonly_fields = ("code", "created_at", "redeemed_at", "redeemed_by")


def _is_staff_role(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "role", None) == User.Role.STAFF)
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The trail is append-only: staff read it, nobody edits it; no COUNT(*) of a big table."""

    show_full_result_count = False
    list_display = ("created_at", "action", "actor_label", "subject", "ip_address")
    list_filter = ("action",)
    date_hierarchy = "created_at"
    search_fields = ("actor_label", "subject__username", "ip_address")
    list_select_related = ("subject",)
    raw_id_fields = ("actor", "subject")
    ordering = ("-created_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_staff_role(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_staff_role(request)

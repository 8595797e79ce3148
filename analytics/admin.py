"""Read-only admin pages of analytics: what happened is recorded by the app, never edited here.

The audit trail is for staff only (superusers and the staff role); authors, who are staff
members of the admin too, do not see it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User

from .models import AuditEvent, DailySummary, ExerciseStats, LearningEvent, UserStatistics


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    # These tables grow without bound: no COUNT(*) of the whole table on each page.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DailySummary)
class DailySummaryAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "date",
        "minutes",
        "questions",
        "correct",
        "sessions",
        "xp",
        "daily_goal_met",
        "streak",
    )
    list_filter = ("daily_goal_met", "date")
    date_hierarchy = "date"
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    ordering = ("-date", "user")

    @admin.display(description="Minutes", ordering="practised_ms")
    def minutes(self, summary: DailySummary) -> float:
        return summary.minutes_practised


@admin.register(UserStatistics)
class UserStatisticsAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "questions",
        "correct",
        "accuracy_shown",
        "average_response_ms",
        "seconds_today",
        "seconds_this_week",
        "seconds_this_month",
        "refreshed_at",
    )
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    ordering = ("user",)

    @admin.display(description="Accuracy")
    def accuracy_shown(self, stats: UserStatistics) -> str:
        return "–" if stats.accuracy is None else f"{stats.accuracy:.0%}"


@admin.register(ExerciseStats)
class ExerciseStatsAdmin(ReadOnlyAdmin):
    list_display = (
        "exercise",
        "attempts",
        "learners",
        "share_correct",
        "average_response_ms",
        "average_hints",
        "discrimination",
        "computed_at",
    )
    search_fields = ("exercise__prompt",)
    list_select_related = ("exercise",)
    ordering = ("share_correct",)


@admin.register(LearningEvent)
class LearningEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "type", "user")
    list_filter = ("type",)
    date_hierarchy = "occurred_at"
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    ordering = ("-occurred_at",)


def _is_staff_role(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "role", None) == User.Role.STAFF)
    )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor_label", "subject", "ip_address")
    list_filter = ("action",)
    date_hierarchy = "created_at"
    search_fields = ("actor_label", "subject__username", "ip_address")
    list_select_related = ("subject",)
    raw_id_fields = ("actor", "subject")
    ordering = ("-created_at",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_staff_role(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_staff_role(request)

"""Read-only admin pages of analytics: what happened is recorded by the app, never edited here.

The audit trail is for staff only (superusers and the staff role); authors, who are staff
members of the admin too, do not see it.

The curriculum's exercise list gets its item-analysis columns and filter from here: analytics
replaces the curriculum's `ExerciseAdmin` by a subclass with the statistics (analytics depends
on the curriculum, never the other way round).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from curriculum.admin import ExerciseAdmin
from curriculum.models import Exercise

from .admin_mixins import STATS_COLUMNS, ExerciseStatsAdminMixin, ItemAnalysisFilter
from .models import DailySummary, ExerciseStats, LearningEvent, UserStatistics
from .tasks import item_analysis_refresh_if_stale


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


# --------------------------------------------------------------------------------------------
# The curriculum's exercise list, with its item analysis
# --------------------------------------------------------------------------------------------


class ExerciseWithStatsAdmin(ExerciseStatsAdminMixin, ExerciseAdmin):
    """The curriculum's exercise admin, with statistics columns before the preview link."""

    list_display = (
        *(column for column in ExerciseAdmin.list_display if column != "preview_link"),
        *STATS_COLUMNS,
        "preview_link",
    )
    list_filter = (*ExerciseAdmin.list_filter, ItemAnalysisFilter)
    list_select_related = (*ExerciseAdmin.list_select_related, "stats")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The statistics columns: without a broker, nobody else brings them up to date.
        item_analysis_refresh_if_stale()
        response: HttpResponse = super().changelist_view(request, extra_context)
        return response


admin.site.unregister(Exercise)
admin.site.register(Exercise, ExerciseWithStatsAdmin)

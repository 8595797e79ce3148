"""Item analysis in the curriculum's exercise list: columns and filters from `ExerciseStats`.

Analytics extends the curriculum's exercise admin (`analytics.admin.ExerciseWithStatsAdmin`);
the curriculum knows nothing of analytics. A model admin using the mixin adds the
`STATS_COLUMNS` to its `list_display`, `ItemAnalysisFilter` to its `list_filter`, and `"stats"`
to its `list_select_related`, so the whole page stays one query. An exercise nobody answered yet
has no statistics row and shows dashes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest

from curriculum.models import Exercise

from .models import ExerciseStats

TOO_HARD_BELOW = 0.40
TOO_EASY_ABOVE = 0.95
EMPTY = "–"

STATS_COLUMNS = (
    "stats_attempts",
    "stats_share_correct",
    "stats_average_time",
    "stats_average_hints",
    "stats_discrimination",
)


def _stats(exercise: Exercise) -> ExerciseStats | None:
    try:
        return exercise.stats
    except ObjectDoesNotExist:
        return None


class ItemAnalysisFilter(admin.SimpleListFilter):
    title = "item analysis"
    parameter_name = "item"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("too_hard", "Too hard (<40 % right)"),
            ("too_easy", "Too easy (>95 % right)"),
            ("broken", "Possibly broken (discrimination < 0)"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "too_hard":
            return queryset.filter(stats__share_correct__lt=TOO_HARD_BELOW)
        if self.value() == "too_easy":
            return queryset.filter(stats__share_correct__gt=TOO_EASY_ABOVE)
        if self.value() == "broken":
            return queryset.filter(stats__discrimination__lt=0)
        return queryset


class ExerciseStatsAdminMixin:
    """Columns of the exercise list with its item analysis, each sortable."""

    @admin.display(description="Attempts", ordering="stats__attempts")
    def stats_attempts(self, exercise: Exercise) -> str:
        stats = _stats(exercise)
        return str(stats.attempts) if stats else EMPTY

    @admin.display(description="Right", ordering="stats__share_correct")
    def stats_share_correct(self, exercise: Exercise) -> str:
        stats = _stats(exercise)
        if stats is None or stats.share_correct is None:
            return EMPTY
        return f"{stats.share_correct:.0%}"

    @admin.display(description="Average time", ordering="stats__average_response_ms")
    def stats_average_time(self, exercise: Exercise) -> str:
        stats = _stats(exercise)
        if stats is None or stats.average_response_ms is None:
            return EMPTY
        return f"{stats.average_response_ms / 1000:.1f} s"

    @admin.display(description="Hints", ordering="stats__average_hints")
    def stats_average_hints(self, exercise: Exercise) -> str:
        stats = _stats(exercise)
        if stats is None or stats.average_hints is None:
            return EMPTY
        return f"{stats.average_hints:.2f}"

    @admin.display(description="Discrimination", ordering="stats__discrimination")
    def stats_discrimination(self, exercise: Exercise) -> str:
        stats = _stats(exercise)
        if stats is None or stats.discrimination is None:
            return EMPTY
        return f"{stats.discrimination:+.2f}"

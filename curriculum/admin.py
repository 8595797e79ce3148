"""Authoring in the admin: tracks → units → lessons → exercises → hints.

Each level edits its children inline, numbered by `order`; numbers can be swapped freely
(`services.ordered_children_save`). Exercises have a learner-like preview, import and export
(CSV, JSON: see `curriculum.resources`), and lessons an action that generates fact exercises.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.results import Result

from accounts.models import User
from analytics.admin_mixins import STATS_COLUMNS, ExerciseStatsAdminMixin, ItemAnalysisFilter
from analytics.tasks import item_analysis_refresh_if_stale
from calcuingo.exceptions import ApplicationError

from . import admin_views, services
from .forms import (
    ExerciseAdminForm,
    ExerciseInlineForm,
    FactGenerationForm,
    OrderedChildForm,
    OrderedInlineFormSet,
)
from .models import Exercise, Hint, Lesson, Status, Track, Unit
from .resources import ExerciseResource, JSONObjects

MAX_REPORTED_ROWS = 20


# --------------------------------------------------------------------------------------------
# Shared behaviour
# --------------------------------------------------------------------------------------------


class OrderedChildrenAdminMixin:
    """Saves inline children through the service that lets authors swap their numbers."""

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        if not isinstance(formset, OrderedInlineFormSet):
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            return
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Exercise) and instance.pk is None:
                instance.created_by = _author(request)
        services.ordered_children_save(
            model=formset.model,
            parent_field=formset.fk.name,
            instances=instances,
            deleted=formset.deleted_objects,
        )
        formset.save_m2m()


class PublishActionsMixin:
    """Publish and unpublish actions for content with a `status` (list them in `actions`)."""

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Any], status: str) -> None:
        changed = services.content_status_set(queryset=queryset, status=status, by=_author(request))
        verb = "Published" if status == Status.PUBLISHED else "Unpublished"
        self.message_user(request, f"{verb} {changed} of {queryset.count()} selected.")  # type: ignore[attr-defined]

    @admin.action(description="Publish the selected items", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description="Unpublish the selected items (back to draft)", permissions=["change"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_status(request, queryset, Status.DRAFT)


def _author(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _preview_link(exercise: Exercise) -> str:
    url = reverse("admin:curriculum_exercise_preview", args=[exercise.pk])
    return format_html('<a href="{}">Preview</a>', url)


# --------------------------------------------------------------------------------------------
# Inlines
# --------------------------------------------------------------------------------------------


class UnitInline(admin.TabularInline[Unit, Track]):
    model = Unit
    form = OrderedChildForm
    formset = OrderedInlineFormSet
    fields = ("order", "title", "status", "mastery_required", "min_accuracy")
    extra = 0
    show_change_link = True


class LessonInline(admin.TabularInline[Lesson, Unit]):
    model = Lesson
    form = OrderedChildForm
    formset = OrderedInlineFormSet
    fields = ("order", "title", "status", "xp_reward")
    extra = 0
    show_change_link = True


class ExerciseInline(admin.TabularInline[Exercise, Lesson]):
    """Compact rows; an exercise is written on its own page (its answer needs the full form)."""

    model = Exercise
    form = ExerciseInlineForm
    formset = OrderedInlineFormSet
    fields = ("order", "kind", "prompt", "status", "preview")
    readonly_fields = ("preview",)
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Lesson | None = None) -> bool:
        return False  # "Add an exercise" on the lesson page opens the full form instead

    @admin.display(description="")
    def preview(self, exercise: Exercise) -> str:
        return _preview_link(exercise) if exercise.pk else ""


class HintInline(admin.TabularInline[Hint, Exercise]):
    model = Hint
    form = OrderedChildForm
    formset = OrderedInlineFormSet
    fields = ("order", "text", "unlock_after_attempts")
    extra = 1


# --------------------------------------------------------------------------------------------
# Model admins
# --------------------------------------------------------------------------------------------


@admin.register(Track)
class TrackAdmin(OrderedChildrenAdminMixin, PublishActionsMixin, admin.ModelAdmin[Track]):
    list_display = ("title", "slug", "subject", "grade_level", "order", "status", "unit_count")
    list_filter = ("status", "subject", "grade_level", "difficulty")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("prerequisites",)
    inlines = [UnitInline]
    actions = ["publish", "unpublish"]
    ordering = ("order", "pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Track]:
        return super().get_queryset(request).annotate(unit_total=Count("units"))

    @admin.display(description="Units", ordering="unit_total")
    def unit_count(self, track: Track) -> int:
        return track.unit_total  # type: ignore[attr-defined, no-any-return]


@admin.register(Unit)
class UnitAdmin(OrderedChildrenAdminMixin, PublishActionsMixin, admin.ModelAdmin[Unit]):
    list_display = ("title", "track", "order", "status", "lesson_count")
    list_filter = ("status", "track")
    search_fields = ("title", "track__title", "track__slug")
    list_select_related = ("track",)
    autocomplete_fields = ("track",)
    inlines = [LessonInline]
    actions = ["publish", "unpublish"]
    ordering = ("track__order", "track", "order")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    @admin.display(description="Lessons", ordering="lesson_total")
    def lesson_count(self, unit: Unit) -> int:
        return unit.lesson_total  # type: ignore[attr-defined, no-any-return]


@admin.register(Lesson)
class LessonAdmin(OrderedChildrenAdminMixin, PublishActionsMixin, admin.ModelAdmin[Lesson]):
    list_display = ("title", "unit", "order", "status", "xp_reward", "exercise_count")
    list_filter = ("status", "unit__track")
    search_fields = ("title", "unit__title", "unit__track__title", "unit__track__slug")
    list_select_related = ("unit__track",)
    autocomplete_fields = ("unit", "prerequisites")
    inlines = [ExerciseInline]
    actions = ["publish", "unpublish", "generate_facts"]
    ordering = ("unit__track__order", "unit__track", "unit__order", "order")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        return super().get_queryset(request).annotate(exercise_total=Count("exercises"))

    @admin.display(description="Exercises", ordering="exercise_total")
    def exercise_count(self, lesson: Lesson) -> int:
        return lesson.exercise_total  # type: ignore[attr-defined, no-any-return]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = extra_context or {}
        lesson = self.get_object(request, object_id)
        if lesson is not None:
            extra_context["next_exercise_order"] = (
                max(lesson.exercises.values_list("order", flat=True), default=0) + 1
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Generate fact exercises…", permissions=["change"])
    def generate_facts(
        self, request: HttpRequest, queryset: QuerySet[Lesson]
    ) -> TemplateResponse | None:
        """An intermediate page asks for the operation and ranges, then fills each lesson."""
        if not request.user.has_perm("curriculum.add_exercise"):
            raise PermissionDenied
        form = FactGenerationForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                with transaction.atomic():  # all the lessons, or none
                    created = self._generate_facts(request, queryset, form)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    f"Created {created} fact exercises in {queryset.count()} lesson(s); "
                    "facts the lessons already had were skipped.",
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Generate fact exercises",
            "opts": self.opts,
            "form": form,
            "lessons": queryset.select_related("unit__track"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/curriculum/lesson/generate_facts.html", context)

    def _generate_facts(
        self, request: HttpRequest, lessons: QuerySet[Lesson], form: FactGenerationForm
    ) -> int:
        created = 0
        for lesson in lessons:
            count = services.facts_generate(
                lesson=lesson,
                operation=form.cleaned_data["operation"],
                operand1_range=form.operand1_range,
                operand2_range=form.operand2_range,
                status=form.cleaned_data["status"],
                allow_negative_results=form.cleaned_data["allow_negative_results"],
                created_by=_author(request),
            )
            if count:
                self.log_change(request, lesson, f"Generated {count} fact exercises.")
            created += count
        return created


@admin.register(Exercise)
class ExerciseAdmin(
    ExerciseStatsAdminMixin,
    OrderedChildrenAdminMixin,
    PublishActionsMixin,
    ImportExportModelAdmin,
):
    form = ExerciseAdminForm
    list_display = (
        "short_prompt",
        "lesson",
        "order",
        "kind",
        "status",
        "difficulty",
        *STATS_COLUMNS,
        "preview_link",
    )
    list_filter = ("kind", "status", "difficulty", "lesson__unit__track", ItemAnalysisFilter)
    search_fields = ("prompt", "lesson__title", "lesson__unit__title")
    list_select_related = ("lesson__unit__track", "stats")
    autocomplete_fields = ("lesson",)
    readonly_fields = ("difficulty_rating", "created_by", "created_at", "updated_at")
    inlines = [HintInline]
    actions = ["publish", "unpublish"]
    ordering = ("lesson__unit__track__order", "lesson__unit__order", "lesson__order", "order")
    fieldsets = (
        (None, {"fields": ("lesson", "order", "kind", "status", "difficulty")}),
        ("Question", {"fields": ("prompt", "image", "answer_unit", "explanation", "tags")}),
        ("Multiple choice", {"fields": ("options", "correct_option")}),
        ("Answer", {"fields": ("answer",)}),
        ("Parameters", {"fields": ("parameters",), "classes": ("collapse",)}),
        (
            "Arithmetic fact",
            {"fields": (("operand1", "operation", "operand2"), ("operation2", "operand3"))},
        ),
        (
            "Statistics and history",
            {
                "fields": ("difficulty_rating", "created_by", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )

    # Import and export (django-import-export)
    resource_classes = [ExerciseResource]
    formats = [base_formats.CSV, JSONObjects]
    import_template_name = "admin/curriculum/exercise/import.html"

    @admin.display(description="Prompt", ordering="prompt")
    def short_prompt(self, exercise: Exercise) -> str:
        return Truncator(exercise.prompt).chars(70)

    @admin.display(description="")
    def preview_link(self, exercise: Exercise) -> str:
        return _preview_link(exercise)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The statistics columns: without a broker, nobody else brings them up to date.
        item_analysis_refresh_if_stale()
        response: HttpResponse = super().changelist_view(request, extra_context)
        return response

    def save_model(
        self, request: HttpRequest, obj: Exercise, form: ModelForm[Exercise], change: bool
    ) -> None:
        if not change:
            obj.created_by = _author(request)
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<path:object_id>/preview/", preview, name="curriculum_exercise_preview"),
            path("preview/", preview, name="curriculum_exercise_preview_unsaved"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        response: HttpResponse = admin_views.exercise_preview(request, self, object_id)
        return response

    # --- Import: the valid rows of a file go in, the invalid ones are reported -----------------

    def has_import_permission(self, request: HttpRequest) -> bool:
        return bool(self.has_add_permission(request) and self.has_change_permission(request))

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(self.has_view_permission(request))

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The dry run, confirmable even when some rows are invalid (they will be skipped).

        django-import-export only offers to confirm a flawless file; an author with a 200-row
        file and one typo should get the 199 good rows in and the bad one listed.
        """
        response: HttpResponse = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is None:
            return response
        result: Result | None = context.get("result")
        form = context.get("form")
        if (
            result is not None
            and form is not None
            and "confirm_form" not in context
            and not result.has_errors()
            and result.has_validation_errors()
        ):
            context["confirm_form"] = self.create_confirm_form(request, import_form=form)
        if result is not None:
            context["valid_count"] = len(result.valid_rows())
            context["invalid_count"] = len(result.invalid_rows)
        return response

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        if result.has_errors():
            messages.error(request, "The import failed and nothing was imported; see the errors.")
            for line, errors in result.row_errors()[:MAX_REPORTED_ROWS]:
                for error in errors:
                    messages.error(request, f"Row {line}: {error.error}")
            for error in result.base_errors:
                messages.error(request, str(error.error))
            return
        super().add_success_message(result, request)
        for row in result.invalid_rows[:MAX_REPORTED_ROWS]:
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
                for name, errors in row.error_dict.items()
            )
            messages.warning(request, f"Row {row.number} was not imported. {problems}")
        if len(result.invalid_rows) > MAX_REPORTED_ROWS:
            messages.warning(
                request,
                f"… and {len(result.invalid_rows) - MAX_REPORTED_ROWS} more invalid rows.",
            )

"""Authoring in the admin: tracks → units → lessons → exercises → hints.

Each level edits its children inline, numbered by `order`; numbers can be swapped freely
(`services.ordered_children_save`). Exercises have a learner-like preview, import and export
(CSV, JSON: see `curriculum.resources`), and lessons an action that generates fact exercises.

History is never lost: content that learners have answered cannot be deleted (their attempts and
progress PROTECT it). Every delete — the delete page, the list's bulk delete, an inline's Delete
box — asks `services.content_history` first and refuses in words, pointing to Archive: archived
content is hidden from learners and keeps every answer. Unanswered content can be deleted.

Apps above curriculum extend this admin from their own admin module, and curriculum names none
of them: `CHANGE_HOOKS` run after every change of the curriculum's structure and `PUBLISH_HOOKS`
after tracks are published (gamification keeps its track achievements current through them and
adds its inline to the track's page; analytics adds item statistics to the exercise list).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.results import Result

from accounts.models import User
from calcuingo.exceptions import ApplicationError

from . import admin_views, services
from .forms import (
    ExerciseAdminForm,
    ExerciseInlineForm,
    FactGenerationForm,
    OrderedChildForm,
    OrderedInlineFormSet,
    TestCaseInlineForm,
    TestCaseInlineFormSet,
)
from .models import Exercise, Hint, Lesson, Status, TestCase, Track, Unit
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


ARCHIVE_INSTEAD = (
    "Archive it instead (the “Archive” action of the list, or Status “Archived”): archived "
    "content is hidden from learners — path, sessions, API — and keeps every answer for their "
    "history and for the statistics."
)
STATUS_VERBS = {
    Status.PUBLISHED: "Published",
    Status.DRAFT: "Unpublished",
    Status.ARCHIVED: "Archived",
}


def _history_refusal(obj: Model, history: services.History) -> str:
    """Why this content cannot be deleted, and what to do instead."""
    return (
        f"The {obj._meta.verbose_name} “{obj}” cannot be deleted: learners have answered it "
        f"({history}), and that history is kept. {ARCHIVE_INSTEAD}"
    )


class PublishActionsMixin:
    """Publish, unpublish and archive actions for content with a `status` (list in `actions`)."""

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Any], status: str) -> None:
        try:
            changed = services.content_status_set(
                queryset=queryset, status=status, by=_author(request)
            )
        except ApplicationError as exc:
            self.message_user(request, f"Nothing was changed. {exc.message}", messages.ERROR)  # type: ignore[attr-defined]
            return
        verb = STATUS_VERBS[Status(status)]
        message = f"{verb} {changed} of {queryset.count()} selected."
        if status == Status.ARCHIVED:
            message += (
                " Learners no longer see them (path, sessions, API); every answer and statistic "
                "is kept, and “Publish” brings them back."
            )
        self.message_user(request, message)  # type: ignore[attr-defined]
        if queryset.model is Track and status == Status.PUBLISHED:
            for publish_hook in PUBLISH_HOOKS:
                publish_hook(self, request, queryset.filter(status=Status.PUBLISHED))
        curriculum_changed()

    @admin.action(description="Publish the selected items", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description="Unpublish the selected items (back to draft)", permissions=["change"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_status(request, queryset, Status.DRAFT)

    @admin.action(
        description="Archive the selected items (hide from learners, keep their history)",
        permissions=["change"],
    )
    def archive(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_status(request, queryset, Status.ARCHIVED)


# Extension points for the apps above curriculum (see the module's docstring).
CHANGE_HOOKS: list[Callable[[], object]] = []
PUBLISH_HOOKS: list[Callable[[Any, HttpRequest, QuerySet[Track]], None]] = []


def curriculum_changed() -> None:
    """After a change of the curriculum's structure: let the apps above follow it."""
    for hook in CHANGE_HOOKS:
        hook()


class HistoryKeptMixin:
    """Content that learners have answered is refused deletion in words, never with an error.

    The delete page and the list's "Delete selected" action both ask `get_deleted_objects`,
    and show what it calls protected on Django's "cannot delete" page; a few grouped counts
    replace Django's collection of every protected attempt. After a change of the curriculum
    the apps above it follow (`CHANGE_HOOKS`).
    """

    def get_deleted_objects(
        self, objs: Sequence[Any] | QuerySet[Any], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        objects = list(objs)
        histories = services.content_history(objects=objects)
        refused = [
            _history_refusal(obj, histories[obj.pk]) for obj in objects if obj.pk in histories
        ]
        if refused:
            return [], {}, set(), refused
        deleted: tuple[list[str], dict[str, int], set[str], list[str]] = (
            super().get_deleted_objects(objs, request)  # type: ignore[misc]
        )
        return deleted

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        curriculum_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        curriculum_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        curriculum_changed()


def _author(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _preview_link(exercise: Exercise) -> str:
    url = reverse("admin:curriculum_exercise_preview", args=[exercise.pk])
    return format_html('<a href="{}">Preview</a>', url)


# --------------------------------------------------------------------------------------------
# Inlines
# --------------------------------------------------------------------------------------------


def _ticked_for_deletion(form: ModelForm[Any]) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


class HistoryKeptInlineFormSet(OrderedInlineFormSet):
    """An answered row ticked for deletion is refused at the top of its group, in words."""

    def clean(self) -> None:
        # Before Django's own check (in `super().clean()`), which would collect every
        # protected row to list them.
        doomed = [
            form.instance
            for form in self.forms
            if form.instance.pk is not None and _ticked_for_deletion(form)
        ]
        histories = services.content_history(objects=doomed)
        refused = [
            f"{_history_refusal(obj, histories[obj.pk])} Untick its Delete box."
            for obj in doomed
            if obj.pk in histories
        ]
        if refused:
            raise ValidationError(refused)
        super().clean()


class UnitInline(admin.TabularInline[Unit, Track]):
    model = Unit
    form = OrderedChildForm
    formset = HistoryKeptInlineFormSet
    fields = ("order", "title", "status", "mastery_required", "min_accuracy")
    extra = 0
    show_change_link = True


class LessonInline(admin.TabularInline[Lesson, Unit]):
    model = Lesson
    form = OrderedChildForm
    formset = HistoryKeptInlineFormSet
    fields = ("order", "title", "status", "xp_reward")
    extra = 0
    show_change_link = True


class ExerciseInline(admin.TabularInline[Exercise, Lesson]):
    """Compact rows; an exercise is written on its own page (its answer needs the full form)."""

    model = Exercise
    form = ExerciseInlineForm
    formset = HistoryKeptInlineFormSet
    fields = ("order", "kind", "prompt", "status", "preview")
    readonly_fields = ("preview",)
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Lesson | None = None) -> bool:
        return False  # "Add an exercise" on the lesson page opens the full form instead

    @admin.display(description="")
    def preview(self, exercise: Exercise) -> str:
        return _preview_link(exercise) if exercise.pk else ""


class TestCaseFormSet(TestCaseInlineFormSet, HistoryKeptInlineFormSet):
    """Tests, checked against the reference solution, and kept when learners' results need them."""


class TestCaseInline(admin.TabularInline[TestCase, Exercise]):
    """Code exercises: the tests the reference solution must pass before publishing."""

    model = TestCase
    form = TestCaseInlineForm
    formset = TestCaseFormSet
    fields = (
        "order",
        "name",
        "args",
        "stdin",
        "expected",
        "check_expression",
        "tolerance",
        "hidden",
        "weight",
    )
    extra = 0
    verbose_name = "test (code exercises)"
    verbose_name_plural = "Tests (code exercises: arguments or input, expected value or check)"


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
class TrackAdmin(
    HistoryKeptMixin, OrderedChildrenAdminMixin, PublishActionsMixin, admin.ModelAdmin[Track]
):
    list_display = ("title", "slug", "subject", "grade_level", "order", "status", "unit_count")
    list_filter = ("status", "subject", "grade_level", "difficulty")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("prerequisites",)
    inlines = [UnitInline]
    actions = ["publish", "unpublish", "archive"]
    ordering = ("order", "pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Track]:
        return super().get_queryset(request).annotate(unit_total=Count("units"))

    def save_related(
        self, request: HttpRequest, form: ModelForm[Track], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        track = form.instance
        if track.status == Status.PUBLISHED and "status" in form.changed_data:
            for publish_hook in PUBLISH_HOOKS:
                publish_hook(self, request, Track.objects.filter(pk=track.pk))

    @admin.display(description="Units", ordering="unit_total")
    def unit_count(self, track: Track) -> int:
        return track.unit_total  # type: ignore[attr-defined, no-any-return]


@admin.register(Unit)
class UnitAdmin(
    HistoryKeptMixin, OrderedChildrenAdminMixin, PublishActionsMixin, admin.ModelAdmin[Unit]
):
    list_display = ("title", "track", "order", "status", "lesson_count")
    list_filter = ("status", "track")
    search_fields = ("title", "track__title", "track__slug")
    list_select_related = ("track",)
    autocomplete_fields = ("track",)
    inlines = [LessonInline]
    actions = ["publish", "unpublish", "archive"]
    ordering = ("track__order", "track", "order")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return super().get_queryset(request).annotate(lesson_total=Count("lessons"))

    @admin.display(description="Lessons", ordering="lesson_total")
    def lesson_count(self, unit: Unit) -> int:
        return unit.lesson_total  # type: ignore[attr-defined, no-any-return]


@admin.register(Lesson)
class LessonAdmin(
    HistoryKeptMixin, OrderedChildrenAdminMixin, PublishActionsMixin, admin.ModelAdmin[Lesson]
):
    list_display = ("title", "unit", "order", "status", "xp_reward", "exercise_count")
    list_filter = ("status", "unit__track")
    search_fields = ("title", "unit__title", "unit__track__title", "unit__track__slug")
    list_select_related = ("unit__track",)
    autocomplete_fields = ("unit", "prerequisites")
    inlines = [ExerciseInline]
    actions = ["publish", "unpublish", "archive", "generate_facts"]
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
    HistoryKeptMixin,
    OrderedChildrenAdminMixin,
    PublishActionsMixin,
    ImportExportModelAdmin,
):
    form = ExerciseAdminForm
    # Sequences, not tuples: analytics extends them with its statistics (analytics.admin).
    list_display: Sequence[Any] = (
        "short_prompt",
        "lesson",
        "order",
        "kind",
        "status",
        "difficulty",
        "preview_link",
    )
    list_filter: Sequence[Any] = ("kind", "status", "difficulty", "lesson__unit__track")
    search_fields = ("prompt", "lesson__title", "lesson__unit__title")
    list_select_related: Sequence[str] = ("lesson__unit__track",)
    autocomplete_fields = ("lesson",)
    readonly_fields = ("difficulty_rating", "created_by", "created_at", "updated_at")
    inlines = [HintInline, TestCaseInline]
    actions = ["publish", "unpublish", "archive"]
    ordering = ("lesson__unit__track__order", "lesson__unit__order", "lesson__order", "order")
    fieldsets = (
        (None, {"fields": ("lesson", "order", "kind", "status", "difficulty")}),
        ("Question", {"fields": ("prompt", "image", "answer_unit", "explanation", "tags")}),
        ("Multiple choice", {"fields": ("options", "correct_option")}),
        ("Answer", {"fields": ("answer",)}),
        (
            "Answer test: expressions",
            {
                "fields": ("answer_test", "required_forms", "variable_of_integration"),
                "classes": ("answer-test", "answer-test--expression"),
            },
        ),
        (
            "Answer test: numbers",
            {
                "fields": (
                    ("abs_tol", "rel_tol"),
                    ("sig_figs", "decimal_places"),
                    "notation",
                    ("accepted_units", "unit_required"),
                ),
                "classes": ("answer-test", "answer-test--numeric"),
            },
        ),
        (
            "Code (Python)",
            {
                "fields": (
                    "starter_code",
                    "reference_solution",
                    "entry_point",
                    ("time_limit_seconds", "memory_limit_mb"),
                ),
                "classes": ("code-exercise",),
                "description": (
                    "Code exercises only. On saving, the reference solution runs against every "
                    "test below in the sandbox: a code exercise is published only when it passes "
                    "them all."
                ),
            },
        ),
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

    def save_model(
        self, request: HttpRequest, obj: Exercise, form: ModelForm[Exercise], change: bool
    ) -> None:
        if not change:
            obj.created_by = _author(request)
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Exercise], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            check = getattr(formset, "reference_check", None)
            if isinstance(formset, TestCaseInlineFormSet) and check is not None:
                self._report_reference_check(request, check)

    def _report_reference_check(self, request: HttpRequest, check: services.ReferenceCheck) -> None:
        if check.publishable:
            self.message_user(request, check.message, messages.SUCCESS)
        elif check.runner_missing:
            self.message_user(
                request,
                f"{check.message} The draft was saved without running its "
                "reference solution; code exercises cannot be published until it is installed.",
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                f"Saved as a draft, but it cannot be published yet: {check.message}",
                messages.WARNING,
            )

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        run = self.admin_site.admin_view(self.run_view)
        return [
            path("<path:object_id>/preview/run/", run, name="curriculum_exercise_run"),
            path("<path:object_id>/preview/", preview, name="curriculum_exercise_preview"),
            path("preview/", preview, name="curriculum_exercise_preview_unsaved"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        response: HttpResponse = admin_views.exercise_preview(request, self, object_id)
        return response

    def run_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        response: HttpResponse = admin_views.code_run(request, self, object_id)
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

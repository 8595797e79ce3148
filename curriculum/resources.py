"""Import and export of exercises (CSV, JSON) through django-import-export.

One row per exercise. Its lesson is named by `track` (the track's slug), `unit` (the unit's
number in the track) and `lesson` (the lesson's number in the unit): readable, and stable from one
database to another, unlike ids. Together with `order` they identify the exercise, so importing
the same file again updates the exercises instead of duplicating them. Tracks, units and lessons
must exist: import never creates them.

Columns (all optional except the four identifying ones; a missing column leaves the field as it
is, an empty cell clears it):
    track, unit, lesson, order, kind, status, prompt, options (JSON), correct_option,
    answer (JSON), parameters (JSON), answer_unit, explanation, difficulty (1-5),
    tags (comma-separated), operand1, operation (+ − × ÷, or - * /), operand2, operation2,
    operand3, hints, starter_code, reference_solution, entry_point, time_limit_seconds,
    memory_limit_mb, tests.
`hints` is a JSON list (`["Think of 7 × 7.", {"text": "…", "unlock_after_attempts": 2}]`) or
texts separated by `|` (not with `|x|` in them); it replaces the exercise's hints.

The answer test travels in `answer`, as the admin writes it there (`curriculum.answer_tests`):
`{"answer": "(x-2)(x-3)", "forms": ["factored"]}`, `{"answer": "x^2/2 + C", "up_to_constant":
true, "variable": "x"}`, `{"value": 0.0014142, "sig_figs": 3, "notation": "scientific"}`.

Code exercises (kind `code`) carry their code in `starter_code`, `reference_solution` and
`entry_point` (empty: a script reading its input), and their tests in `tests`, a JSON list that
replaces the exercise's tests: `[{"name": "√2", "args": [2], "expected": 1.41421356,
"tolerance": 1e-9}, {"args": [0], "check": "result == 0", "hidden": true, "weight": 2}]`
(keys: name, args, stdin, expected, check, tolerance, hidden, weight; all optional). A code row
imported as published has its reference solution run against its tests in the sandbox first,
and is refused (at `reference_solution`) when it fails one, or (at `status`) when the sandbox
is not installed.

Every row is validated like the admin form (`full_clean`, so an unreadable answer is an error at
`answer`, and so is a bad answer test, naming its key: "forms: Unknown form …") and imported in
its own savepoint: a bad row is reported and leaves nothing behind, and the good rows are
imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import QuerySet
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult

from . import grading, services
from .models import Difficulty, Exercise, Lesson, Status, TestCase

HintRow = tuple[str, int]  # (text, unlock_after_attempts)
LessonKey = tuple[str, int | None, int | None]


class IntegerCell(widgets.Widget):
    """A whole number, or empty; "3.0" or 2.5 are refused rather than silently truncated."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ValueError("Write a whole number.")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
            return int(value)
        raise ValueError(f"Write a whole number, not '{value}'.")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class TextCell(widgets.Widget):
    """Text; an empty cell is the empty string."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class ChoiceCell(TextCell):
    """A choice's stored value (`draft`, `numeric`, ...); validated by the model."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return super().clean(value).strip()


class JSONCell(widgets.Widget):
    """JSON written as text in CSV (or as a value in a JSON file); empty means `empty()`."""

    def __init__(self, empty: Callable[[], Any]) -> None:
        super().__init__()
        self.empty = empty

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.empty()
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None or value == self.empty():
            return ""
        return json.dumps(value, ensure_ascii=False)


class TagsCell(widgets.Widget):
    """Tags as comma-separated text (or a JSON list)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
        if value is None:
            return []
        items = value if isinstance(value, list) else str(value).split(",")
        return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ", ".join(value or [])


class OperationCell(widgets.Widget):
    """A fact's operation; ASCII `- * /` are accepted for `− × ÷`."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if value is None or not str(value).strip():
            return ""
        symbol = grading.canonical_operation(str(value))
        if symbol is None:
            raise ValueError(f"Use one of + − × ÷ (or - * /), not '{value}'.")
        return symbol

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class HintsCell(widgets.Widget):
    """An exercise's hints: a JSON list of texts (or objects), or texts separated by `|`."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[HintRow]:
        if value is None or (isinstance(value, str) and not value.strip()):
            return []
        items: Any = value
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                try:
                    items = json.loads(value)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"Hints are not a valid JSON list: {exc.msg}.") from None
            else:
                items = [text.strip() for text in value.split("|") if text.strip()]
        if not isinstance(items, list):
            raise ValueError("Write the hints as a JSON list of texts, or separate them by |.")
        hints: list[HintRow] = []
        for number, item in enumerate(items, start=1):
            if isinstance(item, str) and item.strip():
                hints.append((item, 0))
                continue
            text = item.get("text") if isinstance(item, dict) else None
            unlock = item.get("unlock_after_attempts", 0) if isinstance(item, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"Hint {number} needs a text.")
            if not isinstance(unlock, int) or isinstance(unlock, bool) or unlock < 0:
                raise ValueError(f"Hint {number}: unlock_after_attempts must be 0 or more.")
            hints.append((text, unlock))
        return hints

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None or value.instance.pk is None:  # `value` is exercise.hints
            return ""
        items = [
            hint.text
            if hint.unlock_after_attempts == 0
            else {"text": hint.text, "unlock_after_attempts": hint.unlock_after_attempts}
            for hint in value.all()
        ]
        return json.dumps(items, ensure_ascii=False) if items else ""


TEST_KEYS = {
    "name": "name",
    "args": "args",
    "stdin": "stdin",
    "expected": "expected",
    "check": "check_expression",
    "tolerance": "tolerance",
    "hidden": "hidden",
    "weight": "weight",
}


class TestsCell(widgets.Widget):
    """A code exercise's tests: a JSON list of objects (see the module's docstring)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[dict[str, Any]]:
        if value is None or (isinstance(value, str) and not value.strip()):
            return []
        items: Any = value
        if isinstance(value, str):
            try:
                items = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"Tests are not valid JSON: {exc.msg}.") from None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValueError('Write the tests as a JSON list of objects, like [{"args": [2]}].')
        tests: list[dict[str, Any]] = []
        for number, item in enumerate(items, start=1):
            unknown = sorted(set(item) - set(TEST_KEYS))
            if unknown:
                raise ValueError(
                    f"Test {number}: unknown key {unknown[0]!r} (use {', '.join(TEST_KEYS)})."
                )
            values = {TEST_KEYS[key]: value for key, value in item.items()}
            for key, default in (("name", ""), ("stdin", ""), ("check_expression", "")):
                if values.get(key) is None:
                    values[key] = default
                elif not isinstance(values[key], str):
                    raise ValueError(f"Test {number}: {key.split('_')[0]} must be text.")
            values.setdefault("args", [])
            values["hidden"] = bool(values.get("hidden", False))
            for key in ("weight", "tolerance"):
                number_value = values.get(key)
                if number_value is not None and (
                    isinstance(number_value, bool) or not isinstance(number_value, int | float)
                ):
                    raise ValueError(f"Test {number}: {key} must be a number.")
            values.setdefault("weight", 1.0)
            tests.append(values)
        return tests

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None or value.instance.pk is None:  # `value` is exercise.test_cases
            return ""
        items = []
        for test in value.all():
            item: dict[str, Any] = {"name": test.name} if test.name else {}
            if test.args:
                item["args"] = test.args
            if test.stdin:
                item["stdin"] = test.stdin
            if test.check_expression:
                item["check"] = test.check_expression
            else:
                item["expected"] = test.expected
            if test.tolerance is not None:
                item["tolerance"] = test.tolerance
            if test.hidden:
                item["hidden"] = True
            if test.weight != 1:
                item["weight"] = test.weight
            items.append(item)
        return json.dumps(items, ensure_ascii=False) if items else ""


class JSONObjects(base_formats.JSON):
    """JSON, a list of objects, read by key.

    tablib takes the first object's keys as the columns and the values of the others by
    position, so `[{"a": 1, "b": 2}, {"a": 3, "c": 4}]` would give b=4. Here every object is read
    by its keys; a key some objects lack is an empty cell for them.
    """

    def create_dataset(self, in_stream: str | bytes, **kwargs: Any) -> tablib.Dataset:
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        items = json.loads(in_stream)
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValueError("Expected a JSON list of objects, one per exercise.")
        headers = list(dict.fromkeys(key for item in items for key in item))
        dataset = tablib.Dataset(headers=headers)
        for item in items:
            dataset.append([item.get(header) for header in headers])
        return dataset


def _field(attribute: str, widget: widgets.Widget, **kwargs: Any) -> fields.Field:
    """A column named like the resource's attribute it is declared as."""
    return fields.Field(attribute=attribute, widget=widget, **kwargs)


class _RowRejected(Exception):
    def __init__(self, row_result: RowResult) -> None:
        self.row_result = row_result


class ExerciseResource(resources.ModelResource):
    # The lesson, by readable numbers; read-only here, resolved in `import_instance`.
    track = _field("lesson__unit__track__slug", TextCell(), readonly=True)
    unit = _field("lesson__unit__order", IntegerCell(), readonly=True)
    lesson = _field("lesson__order", IntegerCell(), readonly=True)
    order = _field("order", IntegerCell())
    kind = _field("kind", ChoiceCell())
    status = _field("status", ChoiceCell(), default=Status.DRAFT)
    prompt = _field("prompt", TextCell())
    options = _field("options", JSONCell(list))
    correct_option = _field("correct_option", IntegerCell())
    answer = _field("answer", JSONCell(dict))
    parameters = _field("parameters", JSONCell(dict))
    answer_unit = _field("answer_unit", TextCell())
    explanation = _field("explanation", TextCell())
    difficulty = _field("difficulty", IntegerCell(), default=Difficulty.EASY)
    tags = _field("tags", TagsCell())
    operand1 = _field("operand1", IntegerCell())
    operation = _field("operation", OperationCell())
    operand2 = _field("operand2", IntegerCell())
    operation2 = _field("operation2", OperationCell())
    operand3 = _field("operand3", IntegerCell())
    hints = _field("hints", HintsCell(), readonly=True)
    starter_code = _field("starter_code", TextCell())
    reference_solution = _field("reference_solution", TextCell())
    entry_point = _field("entry_point", ChoiceCell())
    time_limit_seconds = _field("time_limit_seconds", IntegerCell(), default=5)
    memory_limit_mb = _field("memory_limit_mb", IntegerCell(), default=256)
    tests = _field("test_cases", TestsCell(), readonly=True)

    class Meta:
        model = Exercise
        fields = (
            "track",
            "unit",
            "lesson",
            "order",
            "kind",
            "status",
            "prompt",
            "options",
            "correct_option",
            "answer",
            "parameters",
            "answer_unit",
            "explanation",
            "difficulty",
            "tags",
            "operand1",
            "operation",
            "operand2",
            "operation2",
            "operand3",
            "hints",
            "starter_code",
            "reference_solution",
            "entry_point",
            "time_limit_seconds",
            "memory_limit_mb",
            "tests",
        )
        export_order = fields
        import_id_fields = ("track", "unit", "lesson", "order")
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lessons: dict[LessonKey, Lesson] = {}
        self._user: Any = None

    # --- Export ------------------------------------------------------------------------------

    def filter_export(self, queryset: QuerySet[Exercise], **kwargs: Any) -> QuerySet[Exercise]:
        return (
            queryset.select_related("lesson__unit__track")
            .prefetch_related("hints", "test_cases")
            .order_by("lesson__unit__track__slug", "lesson__unit__order", "lesson__order", "order")
        )

    # --- Import ------------------------------------------------------------------------------

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Load the lessons of the file's tracks in one query."""
        self._user = kwargs.get("user")
        slugs = set()
        if dataset.headers and "track" in dataset.headers:
            slugs = {str(slug).strip() for slug in dataset["track"] if slug}
        lessons = Lesson.objects.filter(unit__track__slug__in=slugs).select_related("unit__track")
        self._lessons = {
            (lesson.unit.track.slug, lesson.unit.order, lesson.order): lesson for lesson in lessons
        }

    @staticmethod
    def _number(value: Any) -> int | None:
        try:
            return IntegerCell().clean(value)
        except ValueError:
            return None

    def _lesson_key(self, row: Mapping[str, Any]) -> LessonKey:
        return (
            str(row.get("track") or "").strip(),
            self._number(row.get("unit")),
            self._number(row.get("lesson")),
        )

    def _lesson_errors(self, key: LessonKey) -> dict[str, str]:
        slug, unit, lesson = key
        if not slug:
            return {"track": "Give the track's slug."}
        if unit is None:
            return {"unit": "Give the unit's number in its track (1, 2, ...)."}
        if lesson is None:
            return {"lesson": "Give the lesson's number in its unit (1, 2, ...)."}
        if not any(known[0] == slug for known in self._lessons):
            return {"track": f"There is no track with the slug '{slug}' (or it has no lessons)."}
        if not any(known[:2] == (slug, unit) for known in self._lessons):
            return {"unit": f"Track '{slug}' has no unit {unit} (or it has no lessons)."}
        return {"lesson": f"Unit {unit} of track '{slug}' has no lesson {lesson}."}

    def get_instance(self, instance_loader: Any, row: Mapping[str, Any]) -> Exercise | None:
        lesson = self._lessons.get(self._lesson_key(row))
        order = self._number(row.get("order"))
        if lesson is None or order is None:
            return None
        return Exercise.objects.filter(lesson=lesson, order=order).first()

    def after_init_instance(
        self, instance: Exercise, new: bool, row: Mapping[str, Any], **kwargs: Any
    ) -> None:
        if new and self._user is not None and self._user.is_authenticated:
            instance.created_by = self._user

    def import_instance(self, instance: Exercise, row: Mapping[str, Any], **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        key = self._lesson_key(row)
        lesson = self._lessons.get(key)
        if lesson is None:
            errors.update(self._lesson_errors(key))
        else:
            instance.lesson = lesson
        if "hints" in row:
            try:
                hints = HintsCell().clean(row["hints"])
            except ValueError as exc:
                errors["hints"] = str(exc)
            else:
                message = self._hint_template_error(instance, hints)
                if message:
                    errors["hints"] = message
        errors.update(self._code_errors(instance, row, errors))
        if errors:
            raise ValidationError(errors)

    def _code_errors(
        self, instance: Exercise, row: Mapping[str, Any], errors: dict[str, Any]
    ) -> dict[str, str]:
        """The row's tests, and for a published code row, its reference solution run on them."""
        tests: list[TestCase] | None = None
        if "tests" in row:
            try:
                values = TestsCell().clean(row["tests"])
            except ValueError as exc:
                return {"tests": str(exc)}
            if values and instance.kind != Exercise.Kind.CODE:
                return {"tests": "Only code exercises have tests."}
            tests = [
                TestCase(exercise=instance, order=number, **test)
                for number, test in enumerate(values, start=1)
            ]
            for number, test in enumerate(tests, start=1):
                try:
                    test.full_clean(exclude=["exercise"])
                except ValidationError as exc:
                    problems = "; ".join(
                        f"{name}: {' '.join(messages)}"
                        if name != NON_FIELD_ERRORS
                        else " ".join(messages)
                        for name, messages in exc.message_dict.items()
                    )
                    return {"tests": f"Test {number}: {problems}"}
        if instance.kind != Exercise.Kind.CODE or instance.status != Status.PUBLISHED or errors:
            return {}
        if tests is None and instance.pk is None:
            tests = []
        check = services.code_exercise_check(
            exercise=instance,
            tests=None if tests is None else [test.runner_test() for test in tests],
        )
        if check.publishable:
            return {}
        where = "status" if check.runner_missing else "reference_solution"
        return {where: f"Cannot be published: {check.message} Import it as a draft instead."}

    def validate_instance(
        self,
        instance: Exercise,
        import_validation_errors: dict[str, Any] | None = None,
        validate_unique: bool = True,
    ) -> None:
        """`full_clean()` plus the errors found while reading the row's cells."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        if instance.lesson_id is None:
            exclude.add("lesson")  # already reported at track, unit or lesson
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _hint_template_error(instance: Exercise, hints: list[HintRow]) -> str:
        if not instance.parameters:
            return ""
        try:
            values = grading.variant_for(instance.parameters, "validate:0")
        except (grading.SpecError, TypeError):
            return ""  # the parameters themselves are reported at `parameters`
        for number, (text, _unlock) in enumerate(hints, start=1):
            try:
                grading.render_template(text, values)
            except grading.SpecError as exc:
                return f"Hint {number}: {exc}"
        return ""

    def after_save_instance(
        self, instance: Exercise, row: Mapping[str, Any], **kwargs: Any
    ) -> None:
        if "hints" in row:
            services.exercise_hints_replace(
                exercise=instance, hints=HintsCell().clean(row["hints"])
            )
        if "tests" in row:
            services.exercise_tests_replace(
                exercise=instance, tests=TestsCell().clean(row["tests"])
            )

    def import_row(self, row: Mapping[str, Any], instance_loader: Any, **kwargs: Any) -> RowResult:
        """Import one row in its own savepoint; a refused row leaves nothing behind.

        A database refusal (a constraint that validation did not foresee) becomes the row's
        validation error instead of failing, and so rolling back, the whole import.
        """
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                row_result: RowResult = super().import_row(row, instance_loader, **kwargs)
                if row_result.import_type in (
                    RowResult.IMPORT_TYPE_ERROR,
                    RowResult.IMPORT_TYPE_INVALID,
                ):
                    raise _RowRejected(row_result)
        except _RowRejected as rejected:
            row_result = rejected.row_result
            refusals = [error.error for error in row_result.errors]
            if refusals and all(isinstance(e, IntegrityError | DataError) for e in refusals):
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                row_result.validation_error = ValidationError(
                    {NON_FIELD_ERRORS: [f"The database refused this row: {e}" for e in refusals]}
                )
                row_result.errors = []
        return row_result

"""Admin forms for authoring: friendly exercise JSON fields, ordered inlines, fact generation."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.forms.models import BaseInlineFormSet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import answer_tests, services
from .models import Exercise, Status, TestCase


def _examples(*lines: tuple[str, str]) -> SafeString:
    """Help text listing an example per kind (the admin renders help texts as HTML)."""
    items = "".join(
        f"<li><strong>{escape(kind)}</strong>: <code>{escape(example)}</code></li>"
        for kind, example in lines
    )
    return mark_safe(f"<ul class='json-examples'>{items}</ul>")  # noqa: S308 - escaped above


OPTIONS_HELP = mark_safe(  # noqa: S308 - constant text
    "Multiple choice only: the options shown to learners, in order; each with an optional "
    "explanation shown after answering. A plain string is an option without explanation."
    + _examples(
        (
            "multiple choice",
            '[{"text": "$12$", "explanation": "Yes: 3 × 4 = 12."}, '
            '{"text": "$7$", "explanation": "That is 3 + 4."}]',
        ),
        ("short form", '["12", "7", "34"]'),
    )
)
ANSWER_HELP = mark_safe(  # noqa: S308 - constant text
    "The answer, never shown to learners. Empty for multiple choice and facts. How a learner's "
    "answer is compared with it (tolerance, significant figures, required form, antiderivative, "
    "unit…) is chosen in <em>Answer test</em> below, which writes it into this JSON on saving."
    + _examples(
        ("numeric", '{"value": "1/2"}'),
        ("numeric, exact", '{"value": "3*pi/2"}'),
        ("text", '{"accepted": ["Paris", "paris"]}'),
        ("expression", '{"answer": "2*x", "variables": ["x"]}'),
        ("antiderivative with parameter k", '{"answer": "x^(k+1)/(k+1) + C"}'),
        ("with parameters", '{"answer": "{a*n}x^{n-1}"}'),
    )
)
PARAMETERS_HELP = mark_safe(  # noqa: S308 - constant text
    "Parametrised exercises only: integer domains used as <code>{a}</code>, "
    "<code>{a*n}</code> or <code>{n-1}</code> in the prompt, hints, explanation and answer. "
    "Leave empty for a fixed exercise."
    + _examples(
        ("ranges", '{"a": [2, 9], "n": [2, 5]}'),
        ("step, choices, fixed", '{"n": [2, 10, 2], "k": {"choices": [1, 3, 7]}, "c": 4}'),
        ("exclusions", '{"b": {"min": -5, "max": 5, "exclude": [0]}}'),
        ("constraints", '{"a": [1, 9], "b": [1, 9], "constraints": ["a != b", "a*b <= 40"]}'),
    )
)
TAGS_HELP = "Comma-separated, e.g. times-tables, mental-math."


class TagsField(forms.CharField):
    """A JSON list of tags, edited as comma-separated text."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(tag) for tag in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return list(dict.fromkeys(tag.strip() for tag in text.split(",") if tag.strip()))

    def has_changed(self, initial: Any, data: Any) -> bool:
        return list(initial or []) != self.to_python(data)


class ErrorsOutsideTheFormMixin:
    """Show model-level errors for fields this form does not display as form-wide errors.

    `Exercise.clean()` reports at `answer`, `options`, ... A compact form without those fields
    would otherwise crash with "has no field named 'answer'".
    """

    fields: dict[str, forms.Field]

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            outside = {
                name: messages
                for name, messages in error.error_dict.items()
                if name != NON_FIELD_ERRORS and name not in self.fields
            }
            if outside:
                inside = {
                    name: messages
                    for name, messages in error.error_dict.items()
                    if name not in outside
                }
                moved = [
                    f"{name.replace('_', ' ').capitalize()}: {message}"
                    for name, messages in outside.items()
                    for message in ValidationError(messages).messages
                ]
                inside.setdefault(NON_FIELD_ERRORS, []).extend(ValidationError(moved).error_list)
                error = ValidationError(inside)
        super().add_error(field, error)  # type: ignore[misc]


class OrderedInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Children numbered by `order`, unique within their parent; numbers may be swapped.

    Uniqueness among the rows of the formset is checked by Django's formset; rows of the same
    parent that are not in the formset (added meanwhile by someone else) are checked here. The
    admin saves through `services.ordered_children_save` so that swaps do not trip the
    database constraint.
    """

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        in_formset = {form.instance.pk for form in self.initial_forms}
        taken = set(
            self.model._default_manager.filter(**{self.fk.name: self.instance})
            .exclude(pk__in=in_formset)
            .values_list("order", flat=True)
        )
        for form in self.forms:
            if form in self.deleted_forms or not hasattr(form, "cleaned_data"):
                continue
            number = form.cleaned_data.get("order")
            if number in taken:
                form.add_error("order", f"Number {number} is already taken; reload the page.")


class OrderedChildForm(ErrorsOutsideTheFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """An inline row with an `order` of 1 or more."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = self.fields.get("order")
        if isinstance(order, forms.IntegerField):
            order.min_value = 1
            order.validators.append(MinValueValidator(1))
            order.widget.attrs.update(min=1, style="width: 4em")


class ExerciseInlineForm(OrderedChildForm):
    class Meta:
        model = Exercise
        fields = ("order", "kind", "prompt", "status")
        widgets = {"prompt": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def clean(self) -> dict[str, Any]:
        """A code exercise published from its lesson's page must pass its tests, too."""
        cleaned = super().clean() or {}
        publishing = cleaned.get("status") == Status.PUBLISHED and (
            "status" in self.changed_data or "kind" in self.changed_data
        )
        if publishing and cleaned.get("kind") == Exercise.Kind.CODE and self.instance.pk:
            check = services.code_exercise_check(exercise=self.instance)
            if not check.publishable:
                self.add_error("status", f"Cannot be published: {check.message}")
        return cleaned


class TestCaseInlineForm(OrderedChildForm):
    """A code exercise's test, one row: input, expected value or check, hidden, weight."""

    class Meta:
        model = TestCase
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
        widgets = {
            "name": forms.TextInput(attrs={"size": 14}),
            "args": forms.Textarea(attrs={"rows": 2, "cols": 22, "class": "json"}),
            "stdin": forms.Textarea(attrs={"rows": 2, "cols": 16}),
            "expected": forms.Textarea(attrs={"rows": 2, "cols": 18, "class": "json"}),
            "check_expression": forms.Textarea(attrs={"rows": 2, "cols": 22}),
            "tolerance": forms.NumberInput(attrs={"style": "width: 6em", "step": "any"}),
            "weight": forms.NumberInput(attrs={"style": "width: 4em", "step": "any"}),
        }

    def clean_args(self) -> Any:
        args = self.cleaned_data.get("args")
        return [] if args is None else args  # an empty box: no arguments


class TestCaseInlineFormSet(OrderedInlineFormSet):
    """A code exercise's tests; the reference solution runs against them before saving.

    A published code exercise is saved only when its reference solution passes every test
    (in the sandbox: when the sandbox is missing, it cannot be published at all); a draft is
    saved anyway, and `reference_check` holds what the admin then tells the author.
    """

    reference_check: services.ReferenceCheck | None = None

    def kept_tests(self) -> list[TestCase]:
        """The tests as they will be saved: typed, not deleted, in their order."""
        kept = [
            form.instance
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form not in self.deleted_forms
            and (form.instance.pk is not None or form.has_changed())
        ]
        return sorted(kept, key=lambda test: test.order or 0)

    def clean(self) -> None:
        super().clean()
        self.reference_check = None
        exercise = self.instance
        if any(self.errors) or self.non_form_errors():
            return
        tests = self.kept_tests()
        if exercise.kind != Exercise.Kind.CODE:
            if tests:
                raise ValidationError(
                    "Only code exercises have tests: delete these, or make it a code exercise."
                )
            return
        if exercise.status != Status.PUBLISHED and not tests:
            return
        check = services.code_exercise_check(
            exercise=exercise, tests=[test.runner_test() for test in tests]
        )
        self.reference_check = check
        if exercise.status == Status.PUBLISHED and not check.publishable:
            advice = (
                "Code exercises cannot be published until it is installed; save it as a draft."
                if check.runner_missing
                else "Fix the tests or the solution, or save it as a draft to keep working."
            )
            raise ValidationError(
                f"This code exercise cannot be published: {check.message} {advice}",
                code="reference_fails",
            )


def _spec_number(value: Any) -> int | float | str:
    """A number typed in the admin as the answer JSON keeps it: 5, 0.01 or exact text like 1/3."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return str(value)  # "1/100", "{a/100}": the grader reads it, or says what is wrong
    if not number.is_finite():
        return str(value)  # JSON has no infinity: the grader refuses the text instead
    if number == number.to_integral_value() and abs(number) < 10**15:
        return int(number)
    as_float = float(number)
    return as_float if Decimal(repr(as_float)) == number else str(number)


def _is_spec_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or isinstance(
        value, str
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_units(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(item, str) and "," not in item for item in items)


# When the answer JSON's key holds a value its field can show, the field shows and edits it.
SHOWN_IN_A_FIELD: dict[str, Callable[[Any], bool]] = {
    "forms": lambda value: isinstance(value, list)
    and all(name in answer_tests.FORM_WORDS for name in value),
    "up_to_constant": lambda value: isinstance(value, bool),
    "variable": lambda value: isinstance(value, str),
    "abs_tol": _is_spec_number,
    "rel_tol": _is_spec_number,
    "sig_figs": _is_count,
    "decimal_places": _is_count,
    "notation": lambda value: value in dict(answer_tests.NOTATIONS),
    "unit": _is_units,
    "unit_required": lambda value: isinstance(value, bool),
}
# The answer test's form field of each key of the answer JSON (where the grader's message goes).
SPEC_KEY_FIELDS = {
    "forms": "required_forms",
    "up_to_constant": "answer_test",
    "variable": "variable_of_integration",
    "abs_tol": "abs_tol",
    "rel_tol": "rel_tol",
    "sig_figs": "sig_figs",
    "decimal_places": "decimal_places",
    "notation": "notation",
    "unit": "accepted_units",
    "unit_required": "unit_required",
}
_VARIABLE_NAME = re.compile(r"[A-Za-z]+|[α-ωΑ-Ω]")


def _kind_keys(kind: Any) -> tuple[str, ...]:
    if kind == Exercise.Kind.EXPRESSION:
        return answer_tests.EXPRESSION_KEYS
    if kind == Exercise.Kind.NUMERIC:
        return answer_tests.NUMERIC_KEYS
    return ()


class ExerciseAdminForm(ErrorsOutsideTheFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The exercise page: the answer as JSON, and its answer test in fields of their own.

    The answer test is a set of keys of the `answer` JSON (`curriculum.answer_tests`). The fields
    below show the keys of the exercise's kind and are written back into the JSON on saving, so
    the JSON box holds only the rest. A key typed into the JSON box anyway is kept unless its
    field says otherwise. The grader's messages about a key land at its field.
    """

    tags = TagsField(required=False, help_text=TAGS_HELP)

    # Expressions
    answer_test = forms.ChoiceField(
        label="Answer test",
        choices=answer_tests.EXPRESSION_TESTS,
        initial=answer_tests.EQUIVALENT,
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "Expressions only: how the learner's answer is judged. Equivalent: any equal "
            "expression (2(x+1) for 2x+2). In a required form: equal, and written as asked below. "
            "Antiderivative: differs from the answer by a constant, and has a constant of its own "
            "(x^3/3 + C, + k)."
        ),
    )
    required_forms = forms.MultipleChoiceField(
        label="Required form",
        choices=answer_tests.FORM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "With “Equivalent, and in a required form” (or an antiderivative): the answer as the "
            "learner typed it must also be written this way, e.g. factored for “Factor x² − 5x + "
            "6”. An equal answer in "
            "another form is refused with what is wrong (“This is correct but not factored.”), "
            "never with the answer."
        ),
    )
    variable_of_integration = forms.CharField(
        label="Variable of integration",
        required=False,
        max_length=20,
        help_text=(
            "Antiderivatives: the variable, e.g. x. The answer's other letters, except its "
            "constant C, are then fixed parameters (k in ∫ x^k dx). Empty: every letter that is "
            "not a variable is a constant."
        ),
    )
    # Numbers
    abs_tol = forms.CharField(
        label="Tolerance (absolute)",
        required=False,
        max_length=40,
        help_text="Numeric only: accept answers within ± this amount of the value, e.g. 0.01.",
    )
    rel_tol = forms.CharField(
        label="Tolerance (relative)",
        required=False,
        max_length=40,
        help_text="Numeric only: accept answers within this share of the value, e.g. 0.05 for 5 %.",
    )
    sig_figs = forms.IntegerField(
        label="Significant figures",
        required=False,
        min_value=1,
        help_text=(
            "Numeric only: the learner writes exactly this many significant figures "
            "(0.00141 or 1.41 × 10^-3 for 3), rounded from the value."
        ),
    )
    decimal_places = forms.IntegerField(
        label="Decimal places",
        required=False,
        min_value=0,
        help_text="Numeric only: the learner writes exactly this many decimal places (3.14 for 2).",
    )
    notation = forms.ChoiceField(
        label="Notation",
        choices=answer_tests.NOTATIONS,
        initial=answer_tests.ANY_NOTATION,
        required=False,
        help_text="Numeric only: scientific asks for a × 10^n with 1 ≤ |a| < 10.",
    )
    accepted_units = forms.CharField(
        label="Accepted units",
        required=False,
        max_length=200,
        help_text=(
            "Numeric only: the spellings of the unit a learner may write, comma-separated, e.g. "
            "cm, centimetres. Empty: the Answer unit above."
        ),
    )
    unit_required = forms.BooleanField(
        label="Unit required",
        required=False,
        help_text="Numeric only: an answer without its unit is refused (“Include the unit”).",
    )

    ANSWER_TEST_FIELDS = (
        "answer_test",
        "required_forms",
        "variable_of_integration",
        "abs_tol",
        "rel_tol",
        "sig_figs",
        "decimal_places",
        "notation",
        "accepted_units",
        "unit_required",
    )

    class Meta:
        model = Exercise
        fields = (
            "lesson",
            "order",
            "kind",
            "status",
            "difficulty",
            "prompt",
            "image",
            "answer_unit",
            "explanation",
            "tags",
            "options",
            "correct_option",
            "answer",
            "parameters",
            "operand1",
            "operation",
            "operand2",
            "operation2",
            "operand3",
            "starter_code",
            "reference_solution",
            "entry_point",
            "time_limit_seconds",
            "memory_limit_mb",
        )
        widgets = {
            "starter_code": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField code"}),
            "reference_solution": forms.Textarea(
                attrs={"rows": 10, "class": "vLargeTextField code", "spellcheck": "false"}
            ),
            "prompt": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
            "explanation": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "options": forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField json"}),
            "answer": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField json"}),
            "parameters": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField json"}),
        }
        help_texts = {
            "options": OPTIONS_HELP,
            "answer": ANSWER_HELP,
            "parameters": PARAMETERS_HELP,
            "correct_option": "Multiple choice only: the index of the right option, from 0.",
            "operand1": "Facts only: a in “a op b [op2 c]”.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._written_keys: set[str] = set()
        answer = self.initial.get("answer")
        if not isinstance(answer, dict):
            return
        shown = {
            key: value
            for key, value in answer.items()
            if key in _kind_keys(self.initial.get("kind")) and SHOWN_IN_A_FIELD[key](value)
        }
        self.initial["answer"] = {key: value for key, value in answer.items() if key not in shown}
        self.initial.update(self._field_values(shown))

    @staticmethod
    def _field_values(spec: dict[str, Any]) -> dict[str, Any]:
        """What the answer-test fields show for these keys of the answer JSON."""
        values: dict[str, Any] = {"answer_test": answer_tests.expression_test(spec)}
        if "forms" in spec:
            values["required_forms"] = list(spec["forms"])
        if "variable" in spec:
            values["variable_of_integration"] = spec["variable"]
        for key in ("abs_tol", "rel_tol", "sig_figs", "decimal_places", "notation"):
            if key in spec:
                values[key] = spec[key]
        if "unit" in spec:
            units = spec["unit"] if isinstance(spec["unit"], list) else [spec["unit"]]
            values["accepted_units"] = ", ".join(units)
        if "unit_required" in spec:
            values["unit_required"] = spec["unit_required"]
        return values

    # --- Saving: the answer-test fields into the answer JSON -----------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answer = cleaned.get("answer")
        kind = cleaned.get("kind")
        if "answer" in self.errors or not isinstance(answer, dict):
            return cleaned
        written: dict[str, Any] = {}
        if kind == Exercise.Kind.EXPRESSION:
            written = self._expression_test(cleaned)
        elif kind == Exercise.Kind.NUMERIC:
            written = self._numeric_test(cleaned)
        self._written_keys = set(written)
        cleaned["answer"] = {**answer, **written}
        return cleaned

    def _expression_test(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        test = cleaned.get("answer_test") or answer_tests.EQUIVALENT
        forms_ = list(cleaned.get("required_forms") or [])
        variable = (cleaned.get("variable_of_integration") or "").strip()
        written: dict[str, Any] = {}
        if test == answer_tests.IN_FORM:
            if forms_:
                written["forms"] = forms_
            elif not cleaned.get("answer", {}).get("forms"):
                self.add_error("required_forms", "Tick the form the answer must be written in.")
        elif forms_ and test == answer_tests.ANTIDERIVATIVE:
            written["forms"] = forms_  # e.g. an antiderivative written without decimals
        elif forms_:
            self.add_error(
                "required_forms",
                "A form is only checked with the answer test “Equivalent, and in a required "
                "form” (or an antiderivative): choose that test or untick the forms.",
            )
        if test == answer_tests.ANTIDERIVATIVE:
            written["up_to_constant"] = True
            if variable:
                if _VARIABLE_NAME.fullmatch(variable):
                    written["variable"] = variable
                else:
                    self.add_error(
                        "variable_of_integration", "Write the variable's name, like x or t."
                    )
        elif variable:
            self.add_error(
                "variable_of_integration",
                "Only an antiderivative has a variable of integration: choose the answer test "
                "“Antiderivative” or leave this empty.",
            )
        return written

    def _numeric_test(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        written: dict[str, Any] = {}
        for key in ("abs_tol", "rel_tol"):
            text = (cleaned.get(key) or "").strip()
            if text:
                written[key] = _spec_number(text)
        for key in ("sig_figs", "decimal_places"):
            if cleaned.get(key) is not None:
                written[key] = cleaned[key]
        if cleaned.get("notation") == answer_tests.SCIENTIFIC:
            written["notation"] = answer_tests.SCIENTIFIC
        units = [unit.strip() for unit in (cleaned.get("accepted_units") or "").split(",")]
        units = [unit for unit in units if unit]
        if units:
            written["unit"] = units[0] if len(units) == 1 else units
            shown = (cleaned.get("answer_unit") or "").strip()
            if shown and "{" not in shown and shown not in units:
                self.add_error(
                    "accepted_units",
                    f"Include the unit shown after the answer box, {shown}, among these.",
                )
        if cleaned.get("unit_required"):
            written["unit_required"] = True
            has_unit = units or cleaned.get("answer_unit") or cleaned["answer"].get("unit")
            if not has_unit:
                self.add_error(
                    "unit_required", "Give the unit first: Answer unit, or Accepted units."
                )
        return written

    # --- The grader's messages at the answer-test fields ---------------------------------------

    def add_error(self, field: str | None, error: Any) -> None:
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            error = ValidationError(self._at_answer_test_fields(error.error_dict))
        super().add_error(field, error)

    def _at_answer_test_fields(
        self, error_dict: dict[str, list[ValidationError]]
    ) -> dict[str, list[ValidationError]]:
        """Move the grader's messages about keys written by a field to that field."""
        moved: dict[str, list[ValidationError]] = {}
        for name, errors in error_dict.items():
            for error in errors:
                code = error.code or ""
                key = code.removeprefix("spec:") if code.startswith("spec:") else ""
                target = SPEC_KEY_FIELDS.get(key) if key in self._written_keys else None
                if target is None:
                    moved.setdefault(name, []).append(error)
                    continue
                message = str(error.message).removeprefix(f"{key}: ")
                moved.setdefault(target, []).append(ValidationError(message, code=code))
        return moved


class FactGenerationForm(forms.Form):
    """What the "Generate fact exercises" action asks for."""

    OPERATIONS = [
        ("+", "+ addition"),
        ("−", "− subtraction"),
        ("×", "× multiplication"),
        ("÷", "÷ division"),
    ]
    LIMIT = 1000

    operation = forms.ChoiceField(choices=OPERATIONS)
    operand1_min = forms.IntegerField(
        label="First operand from", initial=0, min_value=-LIMIT, max_value=LIMIT
    )
    operand1_max = forms.IntegerField(label="to", initial=12, min_value=-LIMIT, max_value=LIMIT)
    operand2_min = forms.IntegerField(
        label="Second operand from", initial=0, min_value=-LIMIT, max_value=LIMIT
    )
    operand2_max = forms.IntegerField(label="to", initial=12, min_value=-LIMIT, max_value=LIMIT)
    allow_negative_results = forms.BooleanField(
        required=False,
        label="Allow negative results",
        help_text="Subtraction only: also create facts such as 3 − 5.",
    )
    status = forms.ChoiceField(choices=Status.choices, initial=Status.DRAFT)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("operand1", "operand2"):
            low, high = cleaned.get(f"{name}_min"), cleaned.get(f"{name}_max")
            if low is not None and high is not None and low > high:
                self.add_error(f"{name}_max", "The range must end at or after its start.")
        return cleaned

    @property
    def operand1_range(self) -> tuple[int, int]:
        return (self.cleaned_data["operand1_min"], self.cleaned_data["operand1_max"])

    @property
    def operand2_range(self) -> tuple[int, int]:
        return (self.cleaned_data["operand2_min"], self.cleaned_data["operand2_max"])

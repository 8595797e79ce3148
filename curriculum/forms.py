"""Admin forms for authoring: friendly exercise JSON fields, ordered inlines, fact generation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.forms.models import BaseInlineFormSet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Exercise, Status


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
    "The answer spec, never shown to learners. Empty for multiple choice and facts."
    + _examples(
        ("numeric", '{"value": "1/2", "abs_tol": 0.001}'),
        ("numeric with a unit", '{"value": 12, "unit": ["cm", "centimetres"]}'),
        ("text", '{"accepted": ["Paris", "paris"]}'),
        ("expression", '{"answer": "2*x", "variables": ["x"]}'),
        ("antiderivative", '{"answer": "x^3/3 + C", "up_to_constant": true}'),
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


class ExerciseAdminForm(ErrorsOutsideTheFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    tags = TagsField(required=False, help_text=TAGS_HELP)

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
        )
        widgets = {
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

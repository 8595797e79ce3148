"""What a browser posts back from the admin's add and change pages, for tests that save."""

from __future__ import annotations

from typing import Any

from django.forms import CheckboxInput, FileField, ModelMultipleChoiceField, MultipleChoiceField


def _add_form_fields(data: dict[str, Any], form: Any) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field, FileField):
            continue  # nothing uploaded: the browser sends no file
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple) or isinstance(
            field, MultipleChoiceField | ModelMultipleChoiceField
        ):
            data[bound.html_name] = [str(item) for item in value or []]
        else:
            data[bound.html_name] = "" if value is None else value


def form_data(page: Any, **changes: Any) -> dict[str, Any]:
    """The page's forms as the browser posts them, with `changes` applied (None: field left out)."""
    data: dict[str, Any] = {}
    _add_form_fields(data, page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        _add_form_fields(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form_fields(data, form)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def field_errors(response: Any) -> dict[str, list[str]]:
    """The messages of a refused save, by field (the page is shown again: nothing was saved)."""
    assert response.status_code == 200, "the form is shown again, not saved (nor a 500)"
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}

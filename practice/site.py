"""What the learner site's pages share: the signed-in request, and the mastery grid's form,
read and table (the path's pages use them). The lesson player's forms are in `practice.forms`,
what it shows in `practice.presenters`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from curriculum.models import Exercise, Status, Track

from .models import FluencyLevel
from .serializers import OPERATION_ALIASES


class LearnerRequest(HttpRequest):
    """What `login_required` views receive: a signed-in user, and htmx details."""

    user: User
    htmx: HtmxDetails


class GridForm(forms.Form):
    operation = forms.CharField(required=False, max_length=2)
    learner = forms.IntegerField(required=False, min_value=1)

    def clean_operation(self) -> str:
        return OPERATION_ALIASES.get(self.cleaned_data.get("operation", "").strip(), "")


def fact_operations(*, track: Track) -> list[str]:
    """The operations of the track's two-operand facts, in + − × ÷ order."""
    present = set(
        Exercise.objects.filter(
            kind=Exercise.Kind.FACT,
            status=Status.PUBLISHED,
            lesson__unit__track=track,
            operation2="",
        )
        .values_list("operation", flat=True)
        .distinct()
        .order_by()
    )
    return [operation for operation, _ in Exercise.Operation.choices if operation in present]


# Each fluency level with a mark, so that the grid does not speak in colour alone.
FLUENCY_MARKS = {
    FluencyLevel.NOT_STARTED: "",
    FluencyLevel.LEARNING: "·",
    FluencyLevel.ACCURACY: "✓",
    FluencyLevel.FLUENCY_6S: "6s",
    FluencyLevel.FLUENCY_3S: "3s",
    FluencyLevel.MASTERED: "★",
}
FLUENCY_LEGEND = [(level, level.label, FLUENCY_MARKS[level]) for level in FluencyLevel]


@dataclass(frozen=True)
class GridTable:
    columns: list[int]
    rows: list[tuple[int, list[dict[str, Any] | None]]]


def grid_table(cells: list[dict[str, Any]]) -> GridTable:
    """The grid's cells as a table: a row per first operand, a column per second."""
    by_pair = {}
    for cell in cells:
        level = FluencyLevel(cell["fluency_level"])
        by_pair[cell["operand1"], cell["operand2"]] = {
            **cell,
            "label": level.label,
            "mark": FLUENCY_MARKS[level],
            "accuracy_percent": round(100 * cell["accuracy"])
            if cell["accuracy"] is not None
            else None,
        }
    firsts = sorted({a for a, _ in by_pair})
    seconds = sorted({b for _, b in by_pair})
    return GridTable(
        columns=seconds,
        rows=[(a, [by_pair.get((a, b)) for b in seconds]) for a in firsts],
    )

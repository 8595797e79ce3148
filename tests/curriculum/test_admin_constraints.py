"""A database constraint broken in the admin is reported at its field, in words, and saves nothing.

Before, the admin showed "Constraint “track_order_positive” is violated." above the form.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import (
    CheckboxInput,
    FileField,
    ModelMultipleChoiceField,
    MultipleChoiceField,
)
from django.test import Client
from django.urls import reverse

from accounts.models import User
from curriculum.models import CONSTRAINT_FIELDS, Exercise, Hint, Lesson, Track, Unit
from tests.curriculum.factories import ExerciseFactory, LessonFactory, TrackFactory, UnitFactory

pytestmark = pytest.mark.django_db

CURRICULUM_MODELS = [Track, Unit, Lesson, Exercise, Hint]


@pytest.fixture
def author_client(client: Client, author: User) -> Client:
    client.force_login(author)
    return client


def posted(page: Any, **changes: Any) -> dict[str, Any]:
    """What the browser posts back from an admin add/change page, with `changes` applied."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field, FileField):
                continue  # nothing uploaded: the browser sends no file
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(field, MultipleChoiceField | ModelMultipleChoiceField):
                data[bound.html_name] = [str(item) for item in value or []]
            else:
                data[bound.html_name] = "" if value is None else value
    data.update(changes)
    return data


def save(client: Client, url: str, **changes: Any) -> Any:
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, posted(page, **changes))


def field_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form is shown again, not saved (nor a 500)"
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def test_every_curriculum_constraint_names_its_field_and_says_what_is_wrong() -> None:
    for model in CURRICULUM_MODELS:
        for constraint in model._meta.constraints:
            assert constraint.name in CONSTRAINT_FIELDS, constraint.name
            field = CONSTRAINT_FIELDS[constraint.name]
            assert model._meta.get_field(field), (constraint.name, field)
            message = constraint.get_violation_error_message()
            assert "violated" not in message, message
            assert constraint.violation_error_code, constraint.name


def test_saving_a_track_at_position_0_shows_the_message_next_to_order(
    author_client: Client,
) -> None:
    response = save(
        author_client,
        reverse("admin:curriculum_track_add"),
        title="Vectors",
        slug="vectors",
        subject="other",
        order="0",
    )

    assert field_errors(response) == {"order": ["Positions start at 1."]}
    assert b"Positions start at 1." in response.content
    assert b"is violated" not in response.content
    assert not Track.objects.filter(slug="vectors").exists()


def test_changing_a_track_to_position_0_changes_nothing(author_client: Client) -> None:
    track = TrackFactory(order=4)

    response = save(
        author_client, reverse("admin:curriculum_track_change", args=[track.pk]), order="0"
    )

    assert field_errors(response) == {"order": ["Positions start at 1."]}
    track.refresh_from_db()
    assert track.order == 4


def test_a_unit_at_a_position_its_track_already_uses_is_refused_at_order(
    author_client: Client,
) -> None:
    taken = UnitFactory(order=1)

    response = save(
        author_client,
        reverse("admin:curriculum_unit_add"),
        track=str(taken.track_id),
        title="Again",
        order="1",
    )

    assert field_errors(response) == {
        "order": ["Another unit of this track already has this position."]
    }
    assert Unit.objects.filter(track=taken.track).count() == 1


def test_a_lesson_at_position_0_is_refused_at_order(author_client: Client) -> None:
    lesson = LessonFactory(order=2)

    response = save(
        author_client, reverse("admin:curriculum_lesson_change", args=[lesson.pk]), order="0"
    )

    assert field_errors(response)["order"] == ["Positions start at 1."]
    lesson.refresh_from_db()
    assert lesson.order == 2


def test_an_exercise_at_a_position_its_lesson_already_uses_is_refused_at_order(
    author_client: Client,
) -> None:
    first = ExerciseFactory(order=1)
    second = ExerciseFactory(lesson=first.lesson, order=2)

    response = save(
        author_client, reverse("admin:curriculum_exercise_change", args=[second.pk]), order="1"
    )

    assert field_errors(response)["order"] == [
        "Another exercise of this lesson already has this position."
    ]
    second.refresh_from_db()
    assert second.order == 2


@pytest.mark.parametrize(
    ("make", "changes", "field", "message"),
    [
        (
            lambda: UnitFactory.build(track=TrackFactory()),
            {"mastery_required": 2},
            "mastery_required",
            "Mastery required is a share from 0 to 1, such as 0.8.",
        ),
        (
            lambda: UnitFactory.build(track=TrackFactory()),
            {"min_accuracy": 120},
            "min_accuracy",
            "Minimum accuracy is a percentage: at most 100.",
        ),
        (
            lambda: LessonFactory.build(unit=UnitFactory()),
            {"xp_reward": -5},
            "xp_reward",
            "The XP reward cannot be negative.",
        ),
        (
            lambda: ExerciseFactory.build(lesson=LessonFactory()),
            {"kind": "multiple_choice", "options": [{"text": "1"}], "correct_option": 3},
            "correct_option",
            "A multiple-choice exercise needs at least two options and the number of the "
            "correct one among them.",
        ),
        (
            lambda: ExerciseFactory.build(lesson=LessonFactory()),
            {"kind": "fact", "operand1": None, "operation": "+", "operand2": 2},
            "operand1",
            "A fact needs two operands and an operation, and a third operand exactly when it "
            "has a second operation.",
        ),
    ],
)
def test_each_check_constraint_reports_at_its_field(
    make: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    row: models.Model = make()
    for name, value in changes.items():
        setattr(row, name, value)

    with pytest.raises(ValidationError) as raised:
        row.validate_constraints()

    assert raised.value.message_dict == {field: [message]}


# --- The multiple-choice constraint is really checked by full_clean(), on every database ---------
#
# On PostgreSQL its options-length expression once compiled its argument twice but passed the
# parameters once; Django's constraint check then failed with "the query has 10 placeholders but 8
# parameters were passed", logged it as a warning and let the exercise through unchecked.

CHOICE_MESSAGE = (
    "A multiple-choice exercise needs at least two options and the number of the correct one "
    "among them."
)


def _database_check_failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if "calling check()" in record.getMessage() or "placeholders" in record.getMessage()
    ]


@pytest.mark.parametrize(
    ("options", "correct_option"),
    [
        (["12", "7"], 2),  # out of range
        (["12"], 0),  # one option
        ({"text": "12"}, 0),  # not a list
    ],
)
def test_the_multiple_choice_constraint_is_checked_in_the_database_and_reported_at_its_field(
    caplog: pytest.LogCaptureFixture, options: Any, correct_option: int
) -> None:
    """What `full_clean()` runs after `clean()`: the grader's own check is not the only guard."""
    exercise = ExerciseFactory.build(
        lesson=LessonFactory(),
        kind="multiple_choice",
        options=options,
        correct_option=correct_option,
    )

    with caplog.at_level("WARNING"), pytest.raises(ValidationError) as raised:
        exercise.validate_constraints()

    assert raised.value.message_dict == {"correct_option": [CHOICE_MESSAGE]}
    assert _database_check_failures(caplog) == []


def test_full_clean_refuses_a_correct_option_out_of_range_at_the_field(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exercise = ExerciseFactory.build(
        lesson=LessonFactory(), kind="multiple_choice", options=["12", "7"], correct_option=2
    )

    with caplog.at_level("WARNING"), pytest.raises(ValidationError) as raised:
        exercise.full_clean()

    assert raised.value.message_dict == {
        "correct_option": ["The correct option must be one of the options: 0 to 1."]
    }
    assert _database_check_failures(caplog) == []


def test_a_valid_multiple_choice_exercise_is_checked_without_a_database_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exercise = ExerciseFactory.build(
        lesson=LessonFactory(),
        kind="multiple_choice",
        options=["12", "7", "34"],
        correct_option=2,
    )

    with caplog.at_level("WARNING"):
        exercise.full_clean()
        exercise.save()
        exercise.full_clean()  # a saved row is checked the same way

    assert _database_check_failures(caplog) == []

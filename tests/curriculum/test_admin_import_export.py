"""An author imports and exports exercises (CSV, JSON) through the admin's pages.

A file with a bad row imports its good rows and reports the bad one; importing a file again
updates its exercises; an export imports back to the same exercises.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curriculum.models import Exercise, Hint, Lesson
from curriculum.resources import ExerciseResource
from tests.curriculum.factories import ExerciseFactory, HintFactory, LessonFactory

pytestmark = pytest.mark.django_db

CSV, JSON = "0", "1"  # the format choices, in ExerciseAdmin.formats order
HEADERS = [
    "track", "unit", "lesson", "order", "kind", "status", "prompt", "options", "correct_option",
    "answer", "parameters", "answer_unit", "explanation", "difficulty", "tags", "operand1",
    "operation", "operand2", "operation2", "operand3", "hints", "starter_code",
    "reference_solution", "entry_point", "time_limit_seconds", "memory_limit_mb", "tests",
]  # fmt: skip
BAD_ROW = 137


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def lessons() -> list[Lesson]:
    first = LessonFactory(unit__track__slug="arithmetic", unit__order=1, order=1)
    return [first, LessonFactory(unit=first.unit, order=2)]


def _row(number: int) -> dict[str, Any]:
    """A valid exercise row; kinds take turns."""
    lesson, order = (1, number) if number <= 100 else (2, number - 100)
    row: dict[str, Any] = dict.fromkeys(HEADERS, "")
    row.update(track="arithmetic", unit="1", lesson=str(lesson), order=str(order), status="draft")
    kind = ["fact", "numeric", "text", "expression", "multiple_choice"][number % 5]
    row["kind"] = kind
    if kind == "fact":
        a, b = number % 13, number % 7 + 1
        row.update(prompt=f"${a} \\times {b}$", operand1=a, operation="*", operand2=b)
    elif kind == "numeric":
        row.update(prompt=f"Half of ${2 * number}$ cm?", answer=json.dumps({"value": number}),
                   answer_unit="cm", hints="Divide by two.|Or share it fairly.")  # fmt: skip
    elif kind == "text":
        row.update(
            prompt="Capital of France?", answer='{"accepted": ["Paris"]}', tags="geo, cities"
        )
    elif kind == "expression":
        row.update(
            prompt=f"Differentiate $x^{{{number % 5 + 2}}}$.",
            answer=json.dumps({"answer": f"{number % 5 + 2}x^{number % 5 + 1}"}),
            hints=json.dumps(["Power rule.", {"text": "Bring the power down.",
                                              "unlock_after_attempts": 2}]),
        )  # fmt: skip
    else:
        row.update(
            prompt="Which is even?",
            options=json.dumps([{"text": "4", "explanation": "Yes"}, {"text": "5"}]),
            correct_option="0",
            difficulty="3",
        )
    return row


def _rows(count: int = 200) -> list[dict[str, Any]]:
    """`count` valid rows, except row BAD_ROW (when there is one): its answer is unreadable."""
    rows = [_row(number) for number in range(1, count + 1)]
    if count < BAD_ROW:
        return rows
    rows[BAD_ROW - 1].update(
        kind="expression", answer='{"answer": "2*x+"}', options="", correct_option="",
        operand1="", operation="", operand2="", hints="A hint that must not be saved.",
    )  # fmt: skip
    return rows


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _upload(client: Any, content: bytes, *, name: str = "exercises.csv", fmt: str = CSV) -> Any:
    """The import page's first step: upload, and see the dry run."""
    response = client.post(
        reverse("admin:curriculum_exercise_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": fmt, "resource": "0"},
    )
    assert response.status_code == 200
    return response


def _confirm(client: Any, dry_run: Any) -> Any:
    confirm_form = dry_run.context["confirm_form"]
    response = client.post(
        reverse("admin:curriculum_exercise_process_import"),
        {name: confirm_form.initial[name] for name in confirm_form.fields},
        follow=True,
    )
    assert response.status_code == 200
    return response


def _import(client: Any, content: bytes, **kwargs: Any) -> Any:
    return _confirm(client, _upload(client, content, **kwargs))


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _snapshot() -> list[tuple[Any, ...]]:
    fields = [name for name in HEADERS if name not in ("track", "unit", "lesson", "hints", "tests")]
    return [
        (
            exercise.lesson_id,
            *(getattr(exercise, name) for name in fields),
            [(h.order, h.text, h.unlock_after_attempts) for h in exercise.hints.all()],
        )
        for exercise in Exercise.objects.order_by("lesson__order", "order").prefetch_related(
            "hints"
        )
    ]


def test_a_200_row_csv_with_one_bad_answer_imports_199_and_reports_the_bad_row(
    author_client, author, lessons
):
    dry_run = _upload(author_client, _csv(_rows()))

    result = dry_run.context["result"]
    assert [row.number for row in result.invalid_rows] == [BAD_ROW]
    assert "Something is missing at the end" in result.invalid_rows[0].error_dict["answer"][0]
    html = dry_run.content.decode()
    assert f"Row {BAD_ROW}" in html
    assert "Something is missing at the end" in html
    assert "1 row cannot be imported" in html
    assert "other 199 rows" in html
    assert not Exercise.objects.exists()  # a dry run writes nothing

    done = _confirm(author_client, dry_run)

    assert Exercise.objects.count() == 199
    assert not Exercise.objects.filter(lesson=lessons[1], order=BAD_ROW - 100).exists()
    assert not Hint.objects.filter(text="A hint that must not be saved.").exists()
    assert any(f"Row {BAD_ROW} was not imported" in m and "answer" in m for m in _messages(done))
    assert any("199 new" in message for message in _messages(done))
    numeric = Exercise.objects.get(lesson=lessons[0], order=1)
    assert (numeric.kind, numeric.answer, numeric.answer_unit) == ("numeric", {"value": 1}, "cm")
    assert list(numeric.hints.values_list("text", flat=True)) == [
        "Divide by two.",
        "Or share it fairly.",
    ]
    assert numeric.created_by == author
    expression = Exercise.objects.get(lesson=lessons[0], order=3)
    assert list(expression.hints.values_list("text", "unlock_after_attempts")) == [
        ("Power rule.", 0), ("Bring the power down.", 2)
    ]  # fmt: skip
    fact = Exercise.objects.get(lesson=lessons[0], order=5)
    assert (fact.operand1, fact.operation, fact.operand2) == (5, "×", 6)
    assert Exercise.objects.get(lesson=lessons[0], order=2).tags == ["geo", "cities"]


def test_rows_naming_an_unknown_lesson_or_with_bad_cells_are_reported_at_their_column(
    author_client, lessons
):
    rows = _rows(6)
    rows[0]["track"] = "no-such-track"
    rows[1]["lesson"] = "9"
    rows[2]["options"] = "[not json"
    rows[3]["order"] = "two"
    rows[4]["operation"] = "%"

    result = _upload(author_client, _csv(rows)).context["result"]

    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert "no track with the slug 'no-such-track'" in errors[1]["track"][0]
    assert "has no lesson 9" in errors[2]["lesson"][0]
    assert "Not valid JSON" in errors[3]["options"][0]
    assert "whole number" in errors[4]["order"][0]
    assert "Use one of" in errors[5]["operation"][0]
    assert 6 not in errors


def test_reimporting_a_file_updates_its_exercises_instead_of_duplicating_them(
    author_client, lessons
):
    rows = _rows(20)
    _import(author_client, _csv(rows))
    rows[0]["prompt"] = "Half of twenty?"
    rows[0]["hints"] = "Only one hint now."

    dry_run = _upload(author_client, _csv(rows))
    assert {row.import_type for row in dry_run.context["result"].valid_rows()} == {"update"}
    _confirm(author_client, dry_run)

    assert Exercise.objects.count() == 20
    changed = Exercise.objects.get(lesson=lessons[0], order=1)
    assert changed.prompt == "Half of twenty?"
    assert list(changed.hints.values_list("text", flat=True)) == ["Only one hint now."]


def test_a_json_file_with_native_values_imports(author_client, lessons):
    document = [
        {
            "track": "arithmetic", "unit": 1, "lesson": 2, "order": 1, "kind": "multiple_choice",
            "prompt": "Pick $4$", "options": ["4", "5", "6"], "correct_option": 0,
            "tags": ["even"], "hints": ["Look for an even number."],
        },
        {
            "track": "arithmetic", "unit": 1, "lesson": 2, "order": 2, "kind": "numeric",
            "prompt": "What is ${a} + 1$?", "answer": {"value": "{a+1}"},
            "parameters": {"a": [1, 9]}, "status": "published",
        },
    ]  # fmt: skip

    _import(author_client, json.dumps(document).encode(), name="exercises.json", fmt=JSON)

    choice, numeric = Exercise.objects.filter(lesson=lessons[1]).order_by("order")
    assert (choice.options, choice.correct_option, choice.tags) == (["4", "5", "6"], 0, ["even"])
    assert choice.status == "draft"  # a key this object lacks is an empty cell: the default
    assert list(choice.hints.values_list("text", flat=True)) == ["Look for an even number."]
    assert (numeric.parameters, numeric.status) == ({"a": [1, 9]}, "published")


def _export(client: Any, fmt: str) -> bytes:
    fields = ExerciseResource().get_export_order()
    response = client.post(
        reverse("admin:curriculum_exercise_export"),
        {"format": fmt, "resource": "0", **{f"exerciseresource_{name}": "on" for name in fields}},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return bytes(response.content)


# Answer tests are keys of the answer JSON: an export carries them and an import reads them back.
ANSWER_TESTS: list[dict[str, Any]] = [
    {"answer": "(x-2)(x-3)", "variables": ["x"], "forms": ["factored"]},
    {"answer": "x^2 + 2x", "forms": ["expanded", "no_decimals"]},
    {"answer": "x^(k+1)/(k+1) + C", "up_to_constant": True, "variable": "x"},
    {"value": 0.0014142, "sig_figs": 3, "notation": "scientific"},
    {"value": "pi", "decimal_places": 2, "unit": ["rad", "radians"], "unit_required": True},
    {"value": 9.81, "abs_tol": 0.05, "rel_tol": "1/100"},
]


def _exercises_of_every_kind(lessons: list[Lesson]) -> None:
    for kind in ("numeric", "text", "expression", "multiple_choice", "fact"):
        exercise = ExerciseFactory(lesson=lessons[0], kind=kind, tags=["a", "b"], explanation="Why")
        HintFactory(exercise=exercise, text="First | with a bar")
        HintFactory(exercise=exercise, text="Second, later", unlock_after_attempts=2)
    ExerciseFactory(lesson=lessons[1], parametrised=True, answer_unit="cm", difficulty=4)
    ExerciseFactory(
        lesson=lessons[1], kind="fact", operand1=2, operation="+", operand2=3, operation2="×",
        operand3=4, prompt="$2 + 3 \\times 4$", draft=True,
    )  # fmt: skip
    for answer in ANSWER_TESTS:
        ExerciseFactory(
            lesson=lessons[1], kind="numeric" if "value" in answer else "expression", answer=answer
        )


@pytest.mark.parametrize("fmt", [CSV, JSON])
def test_an_export_imports_back_to_the_same_exercises(author_client, lessons, fmt):
    _exercises_of_every_kind(lessons)
    before = _snapshot()
    exported = _export(author_client, fmt)
    Exercise.objects.all().delete()

    dry_run = _upload(
        author_client, exported, name=f"export.{'csv' if fmt == CSV else 'json'}", fmt=fmt
    )
    assert not dry_run.context["result"].has_validation_errors()
    _confirm(author_client, dry_run)

    assert _snapshot() == before


def test_an_export_lists_the_lesson_by_track_slug_and_numbers(author_client, lessons):
    ExerciseFactory(lesson=lessons[1], kind="text", tags=["x", "y"])

    rows = list(csv.DictReader(io.StringIO(_export(author_client, CSV).decode())))

    assert list(rows[0]) == HEADERS
    assert (rows[0]["track"], rows[0]["unit"], rows[0]["lesson"], rows[0]["order"]) == (
        "arithmetic", "1", "2", "1"
    )  # fmt: skip
    assert rows[0]["answer"] == '{"accepted": ["Paris"]}'
    assert rows[0]["tags"] == "x, y"


def test_a_file_with_a_row_the_database_refuses_still_imports_the_others(
    author_client, lessons, monkeypatch
):
    # A constraint validation did not foresee: the row is reported, the others go in.
    rows = _rows(3)
    original = Exercise.save

    def refuse_the_second(self: Exercise, *args: Any, **kwargs: Any) -> None:
        if self.order == 2:
            from django.db import IntegrityError

            raise IntegrityError("CHECK constraint failed: something_new")
        original(self, *args, **kwargs)

    monkeypatch.setattr(Exercise, "save", refuse_the_second)

    done = _import(author_client, _csv(rows))

    assert sorted(Exercise.objects.values_list("order", flat=True)) == [1, 3]
    assert any("Row 2 was not imported" in m and "refused" in m for m in _messages(done))


def test_an_author_can_import_and_a_learner_cannot(client, author, learner, lessons):
    client.force_login(learner)
    assert client.get(reverse("admin:curriculum_exercise_import")).status_code == 302

    client.force_login(author)
    assert client.get(reverse("admin:curriculum_exercise_import")).status_code == 200
    _import(client, _csv(_rows(5)))
    assert Exercise.objects.count() == 5


def test_the_answer_tests_of_an_exported_file_import_back(author_client, lessons):
    for answer in ANSWER_TESTS:
        ExerciseFactory(
            lesson=lessons[0], kind="numeric" if "value" in answer else "expression", answer=answer
        )
    exported = _export(author_client, CSV)
    Exercise.objects.all().delete()

    _import(author_client, exported)

    assert [e.answer for e in Exercise.objects.order_by("order")] == ANSWER_TESTS


def test_a_row_with_a_bad_answer_test_is_reported_at_its_row_and_field_and_writes_nothing(
    author_client, lessons
):
    kept = ExerciseFactory(
        lesson=lessons[0], order=9, kind="expression", answer={"answer": "2x"}, prompt="Before"
    )
    rows = _rows(4)
    rows[2].update(  # row 3: a new exercise
        answer=json.dumps({"answer": "(x-2)(x-3)", "forms": ["factorised"]}),
        hints="A hint that must not be saved.",
    )
    rows[3].update(  # row 4: updates `kept`, numbered like it
        order=str(kept.order),
        kind="numeric",
        prompt="After",
        answer=json.dumps({"value": 1.5, "sig_figs": 2, "decimal_places": 1}),
    )

    dry_run = _upload(author_client, _csv(rows))

    errors = {row.number: row.error_dict for row in dry_run.context["result"].invalid_rows}
    assert list(errors) == [3, 4]
    assert errors[3] == {
        "answer": [
            "forms: Unknown form 'factorised'. Use any of: factored, expanded, lowest_terms, "
            "simplified, no_decimals, partial_fractions."
        ]
    }
    assert errors[4] == {
        "answer": ["decimal_places: Choose significant figures or decimal places, not both."]
    }
    html = dry_run.content.decode()
    assert "Row 3" in html
    assert "forms: Unknown form" in html

    done = _confirm(author_client, dry_run)

    assert any("Row 3 was not imported. answer: forms: Unknown form" in m for m in _messages(done))
    assert not Exercise.objects.filter(lesson=lessons[0], order=3).exists()
    assert not Hint.objects.filter(text="A hint that must not be saved.").exists()
    kept.refresh_from_db()
    assert (kept.kind, kept.prompt, kept.answer) == ("expression", "Before", {"answer": "2x"})
    assert Exercise.objects.filter(lesson=lessons[0]).count() == 3  # rows 1, 2 and `kept`

"""An author chooses an exercise's answer test in the admin, in fields of their own, and checks it.

The answer test lives in the exercise's `answer` JSON (`forms`, `up_to_constant`, `variable`,
`abs_tol`, `sig_figs`, …): the admin's fields read it from there and write it back, so nobody
hand-edits JSON for it; the grader's messages about it land at its field; the preview's "check
this answer" says how a typed answer was judged and by which test.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from curriculum.models import Exercise, Lesson
from tests.curriculum.admin_pages import field_errors, form_data
from tests.curriculum.factories import ExerciseFactory, LessonFactory

pytestmark = pytest.mark.django_db

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"
FACTOR = {"answer": "(x-2)(x-3)", "variables": ["x"]}


@pytest.fixture
def author_client(client: Client, author: User) -> Client:
    client.force_login(author)
    return client


@pytest.fixture
def lesson() -> Lesson:
    return LessonFactory(title="Quadratics")


def _add_page(client: Client, lesson: Lesson) -> Any:
    page = client.get(reverse("admin:curriculum_exercise_add"), {"lesson": lesson.pk, "order": 1})
    assert page.status_code == 200
    return page


def _change_page(client: Client, exercise: Exercise) -> Any:
    page = client.get(reverse("admin:curriculum_exercise_change", args=[exercise.pk]))
    assert page.status_code == 200
    return page


def _save(client: Client, page: Any, **changes: Any) -> Any:
    return client.post(page.wsgi_request.path, form_data(page, **changes))


def _add(client: Client, lesson: Lesson, **changes: Any) -> Any:
    return _save(client, _add_page(client, lesson), **changes)


def _preview(client: Client, exercise: Exercise, response: str) -> Any:
    page = client.get(
        reverse("admin:curriculum_exercise_preview", args=[exercise.pk]), {"response": response}
    )
    assert page.status_code == 200
    return page


def _factor_exercise(**answer: Any) -> Exercise:
    return ExerciseFactory(
        kind="expression",
        prompt="Factor $x^2 - 5x + 6$.",
        answer={**FACTOR, "forms": ["factored"], **answer},
    )


# --- Expressions: equivalent, in a required form, antiderivative ------------------------------


def test_an_author_requires_factored_form_without_writing_json(author_client, lesson):
    response = _add(
        author_client,
        lesson,
        kind="expression",
        prompt="Factor $x^2 - 5x + 6$.",
        answer='{"answer": "(x-2)(x-3)", "variables": ["x"]}',
        answer_test="form",
        required_forms=["factored"],
    )

    assert response.status_code == 302, field_errors(response)
    exercise = Exercise.objects.get(lesson=lesson)
    assert exercise.answer == {**FACTOR, "forms": ["factored"]}


def test_the_answer_test_is_shown_in_its_fields_and_not_in_the_json(author_client):
    exercise = _factor_exercise()

    form = _change_page(author_client, exercise).context["adminform"].form

    assert form["answer_test"].value() == "form"
    assert form["required_forms"].value() == ["factored"]
    assert form.initial["answer"] == FACTOR


def test_saving_an_exercise_unchanged_keeps_its_answer_test(author_client):
    exercise = _factor_exercise()

    response = _save(author_client, _change_page(author_client, exercise))

    assert response.status_code == 302, field_errors(response)
    exercise.refresh_from_db()
    assert exercise.answer == {**FACTOR, "forms": ["factored"]}


def test_choosing_plain_equivalence_removes_the_required_form(author_client):
    exercise = _factor_exercise()

    response = _save(
        author_client,
        _change_page(author_client, exercise),
        answer_test="equivalent",
        required_forms=[],
    )

    assert response.status_code == 302, field_errors(response)
    exercise.refresh_from_db()
    assert exercise.answer == FACTOR


def test_an_antiderivative_with_its_variable_of_integration(author_client, lesson):
    response = _add(
        author_client,
        lesson,
        kind="expression",
        prompt=r"Find $\int x^k \, dx$.",
        answer='{"answer": "x^(k+1)/(k+1) + C"}',
        answer_test="antiderivative",
        variable_of_integration="x",
    )

    assert response.status_code == 302, field_errors(response)
    exercise = Exercise.objects.get(lesson=lesson)
    assert exercise.answer == {
        "answer": "x^(k+1)/(k+1) + C",
        "up_to_constant": True,
        "variable": "x",
    }
    form = _change_page(author_client, exercise).context["adminform"].form
    assert (form["answer_test"].value(), form["variable_of_integration"].value()) == (
        "antiderivative",
        "x",
    )


def test_an_antiderivative_may_require_a_form_too(author_client, lesson):
    response = _add(
        author_client,
        lesson,
        kind="expression",
        prompt=r"Find $\int 2x \, dx$ exactly.",
        answer='{"answer": "x^2 + C"}',
        answer_test="antiderivative",
        required_forms=["no_decimals"],
    )

    assert response.status_code == 302, field_errors(response)
    exercise = Exercise.objects.get(lesson=lesson)
    assert exercise.answer == {
        "answer": "x^2 + C",
        "forms": ["no_decimals"],
        "up_to_constant": True,
    }
    form = _change_page(author_client, exercise).context["adminform"].form
    assert (form["answer_test"].value(), form["required_forms"].value()) == (
        "antiderivative",
        ["no_decimals"],
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"answer_test": "form", "required_forms": []},
            "required_forms",
            "Tick the form the answer must be written in.",
        ),
        (
            {"answer_test": "equivalent", "required_forms": ["expanded"]},
            "required_forms",
            "A form is only checked with the answer test “Equivalent, and in a required form” "
            "(or an antiderivative): choose that test or untick the forms.",
        ),
        (
            {"answer_test": "equivalent", "variable_of_integration": "x"},
            "variable_of_integration",
            "Only an antiderivative has a variable of integration: choose the answer test "
            "“Antiderivative” or leave this empty.",
        ),
        (
            {"answer_test": "antiderivative", "variable_of_integration": "x+1"},
            "variable_of_integration",
            "Write the variable's name, like x or t.",
        ),
    ],
)
def test_an_answer_test_that_does_not_fit_together_is_refused_at_its_field(
    author_client, lesson, changes, field, message
):
    response = _add(
        author_client,
        lesson,
        kind="expression",
        prompt="?",
        answer='{"answer": "x^2 - 5x + 6"}',
        **changes,
    )

    assert field_errors(response) == {field: [message]}
    assert not Exercise.objects.exists()


@pytest.mark.parametrize(
    ("answer", "changes", "field", "message"),
    [
        (
            '{"answer": "x^2 - 5x + 6"}',
            {"answer_test": "form", "required_forms": ["factored"]},
            "required_forms",
            "The answer itself is not factored: write it that way.",
        ),
        (
            '{"answer": "x^2/2 + C"}',
            {"answer_test": "antiderivative", "variable_of_integration": "t"},
            "variable_of_integration",
            "The answer does not use the variable of integration t.",
        ),
    ],
)
def test_the_graders_message_about_an_answer_test_is_shown_at_its_field(
    author_client, lesson, answer, changes, field, message
):
    response = _add(author_client, lesson, kind="expression", prompt="?", answer=answer, **changes)

    assert field_errors(response) == {field: [message]}
    assert not Exercise.objects.exists()


def test_an_answer_test_typed_into_the_json_is_kept_and_checked_there(author_client, lesson):
    response = _add(
        author_client,
        lesson,
        kind="expression",
        prompt="?",
        answer='{"answer": "x^2", "forms": ["factorised"]}',
    )

    errors = field_errors(response)
    assert list(errors) == ["answer"]
    assert errors["answer"][0].startswith("forms: Unknown form 'factorised'.")

    fixed = _add(
        author_client,
        lesson,
        kind="expression",
        prompt="?",
        answer='{"answer": "x^2", "forms": ["expanded"]}',
    )
    assert fixed.status_code == 302, field_errors(fixed)
    assert Exercise.objects.get(lesson=lesson).answer == {"answer": "x^2", "forms": ["expanded"]}


def test_an_answer_that_is_not_a_json_object_is_refused_at_the_answer(author_client, lesson):
    response = _add(author_client, lesson, kind="numeric", prompt="?", answer="[1, 2]")

    assert field_errors(response) == {
        "answer": ['The answer must be a JSON object, like {"value": 5}.']
    }
    assert not Exercise.objects.exists()


# --- Numbers: tolerance, significant figures, decimal places, notation, unit ------------------


def test_an_author_sets_a_numeric_answer_test_in_fields(author_client, lesson):
    response = _add(
        author_client,
        lesson,
        kind="numeric",
        prompt="How heavy is the grain, in grams?",
        answer='{"value": "0.00141"}',
        rel_tol="0.01",
        sig_figs="3",
        notation="scientific",
        accepted_units="g, grams",
        unit_required="on",
    )

    assert response.status_code == 302, field_errors(response)
    exercise = Exercise.objects.get(lesson=lesson)
    assert exercise.answer == {
        "value": "0.00141",
        "rel_tol": 0.01,
        "sig_figs": 3,
        "notation": "scientific",
        "unit": ["g", "grams"],
        "unit_required": True,
    }
    form = _change_page(author_client, exercise).context["adminform"].form
    assert form.initial["answer"] == {"value": "0.00141"}
    assert [
        form[name].value()
        for name in ("rel_tol", "sig_figs", "notation", "accepted_units", "unit_required")
    ] == [0.01, 3, "scientific", "g, grams", True]


def test_tolerances_keep_what_the_author_typed(author_client, lesson):
    response = _add(
        author_client,
        lesson,
        kind="numeric",
        prompt="?",
        answer='{"value": "1/3"}',
        abs_tol="1/1000",
        decimal_places="0",
        answer_unit="cm",
    )

    assert response.status_code == 302, field_errors(response)
    assert Exercise.objects.get(lesson=lesson).answer == {
        "value": "1/3",
        "abs_tol": "1/1000",
        "decimal_places": 0,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"sig_figs": "3", "decimal_places": "2"},
            "decimal_places",
            "Choose significant figures or decimal places, not both.",
        ),
        ({"abs_tol": "a little"}, "abs_tol", "The tolerance must be a number."),
        ({"rel_tol": "-0.1"}, "rel_tol", "The tolerance cannot be negative."),
        ({"sig_figs": "0"}, "sig_figs", "Ensure this value is greater than or equal to 1."),
        ({"abs_tol": "Infinity"}, "abs_tol", "The tolerance must be a number."),
        (
            {"answer_unit": "cm", "accepted_units": "centimetres"},
            "accepted_units",
            "Include the unit shown after the answer box, cm, among these.",
        ),
        (
            {"unit_required": "on"},
            "unit_required",
            "Give the unit first: Answer unit, or Accepted units.",
        ),
    ],
)
def test_a_numeric_answer_test_the_grader_refuses_is_reported_at_its_field(
    author_client, lesson, changes, field, message
):
    response = _add(
        author_client, lesson, kind="numeric", prompt="?", answer='{"value": 2.5}', **changes
    )

    assert field_errors(response) == {field: [message]}
    assert not Exercise.objects.exists()


def test_fields_of_another_kind_are_not_written(author_client, lesson):
    response = _add(
        author_client,
        lesson,
        kind="text",
        prompt="Capital of France?",
        answer='{"accepted": ["Paris"]}',
        sig_figs="3",
        answer_test="form",
        required_forms=["factored"],
    )

    assert response.status_code == 302, field_errors(response)
    assert Exercise.objects.get(lesson=lesson).answer == {"accepted": ["Paris"]}


# --- The preview's "check this answer" ---------------------------------------------------------


def test_the_preview_refuses_an_unfactored_answer_with_form_feedback(author_client):
    exercise = _factor_exercise()

    wrong = _preview(author_client, exercise, "x^2-5x+6")
    right = _preview(author_client, exercise, "(x-3)(x-2)")

    verdict = wrong.context["card"].verdict
    assert (verdict.correct, verdict.feedback) == (False, "This is correct but not factored.")
    html = wrong.content.decode()
    assert "Not accepted" in html
    assert "This is correct but not factored." in html
    assert "x^{2} - 5 x + 6" in html  # what it was read as
    assert "Answer test: Equivalent to the answer and factored." in html
    assert right.context["card"].verdict.correct
    assert "Correct!" in right.content.decode()


def test_the_preview_of_an_antiderivative_with_a_parameter(author_client):
    exercise = ExerciseFactory(
        kind="expression",
        answer={"answer": "x^(k+1)/(k+1) + C", "up_to_constant": True, "variable": "x"},
    )

    shifted = _preview(author_client, exercise, "(x^(k+1) - 1)/(k+1) + C")
    bare = _preview(author_client, exercise, "x^(k+1)/(k+1)")

    assert shifted.context["card"].verdict.correct
    assert bare.context["card"].verdict.feedback == "Don't forget the constant of integration."
    assert (
        "Answer test: An antiderivative: equal to the answer up to a constant of integration, "
        "with respect to x; the learner must write her own constant."
    ) in bare.content.decode()


@pytest.mark.parametrize(
    ("response", "correct", "feedback"),
    [
        ("1.41*10^-3 g", True, "Correct!"),
        ("0.0014 g", False, "Give your answer to 3 significant figures."),
        ("0.00141 g", False, "Write your answer in scientific notation, like 1.41 × 10^-3."),
        ("1.41e-3", False, "Include the unit (g)."),
    ],
)
def test_the_preview_checks_a_number_by_its_answer_test(author_client, response, correct, feedback):
    exercise = ExerciseFactory(
        kind="numeric",
        answer={
            "value": 0.0014142,
            "sig_figs": 3,
            "notation": "scientific",
            "unit": "g",
            "unit_required": True,
        },
    )

    page = _preview(author_client, exercise, response)

    verdict = page.context["card"].verdict
    assert (verdict.correct, verdict.feedback) == (correct, feedback)
    assert (
        "Answer test: A number exactly the value, to 3 significant figures, in scientific "
        "notation, unit g (required)."
    ) in page.content.decode()


def test_the_live_preview_lists_an_answer_test_problem_before_saving(author_client, lesson):
    page = _add_page(author_client, lesson)
    data = form_data(
        page,
        kind="expression",
        prompt="Factor $x^2 - 5x + 6$.",
        answer='{"answer": "x^2 - 5x + 6"}',
        answer_test="form",
        required_forms=["factored"],
    )

    panel = author_client.post(reverse("admin:curriculum_exercise_preview_unsaved"), data)

    assert panel.status_code == 200
    assert (
        "Required forms: The answer itself is not factored: write it that way."
        in panel.content.decode()
    )


# --- The house: curriculum's admin knows nothing of analytics ---------------------------------


def test_the_curriculum_admin_does_not_import_analytics():
    for module in ("admin.py", "admin_views.py", "forms.py", "resources.py"):
        tree = ast.parse((CURRICULUM / module).read_text())
        imported = {
            name
            for node in ast.walk(tree)
            for name in (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
        }
        assert not any(name.split(".")[0] == "analytics" for name in imported), module


def test_the_exercise_list_still_shows_the_item_analysis(author_client):
    ExerciseFactory()

    listing = author_client.get(reverse("admin:curriculum_exercise_changelist"))

    html = listing.content.decode()
    assert listing.status_code == 200
    for heading in ("Attempts", "Right", "Average time", "Discrimination", "item analysis"):
        assert heading in html
    assert "Preview" in html

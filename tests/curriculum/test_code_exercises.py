"""An author writes code exercises: the model's rules, the admin (tests inline, the reference
solution run before publishing, the preview that runs a typed solution), and import/export.

Tests that run code use the real sandbox: skipped only where bubblewrap is missing, never in CI.
A missing sandbox is staged by making the runner raise RunnerUnavailable.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from curriculum.grading import coderunner
from curriculum.models import Exercise, Status, TestCase
from curriculum.resources import ExerciseResource
from tests.curriculum.admin_pages import field_errors, form_data
from tests.curriculum.factories import ExerciseFactory, LessonFactory, TestCaseFactory

pytestmark = pytest.mark.django_db

SOLUTION = "def double(x):\n    return 2 * x\n"
WRONG = "def double(x):\n    return x + 2\n"  # right for 2 only


@pytest.fixture
def sandbox() -> None:
    if os.environ.get("CI") != "true" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*args: Any, **kwargs: Any) -> coderunner.RunResult:
        raise coderunner.RunnerUnavailable(coderunner.UNAVAILABLE_MESSAGE)

    monkeypatch.setattr(coderunner, "run_tests", missing)


@pytest.fixture
def author_client(client: Any, author: Any) -> Any:
    client.force_login(author)
    return client


def code_exercise(**kwargs: Any) -> Exercise:
    exercise: Exercise = ExerciseFactory(kind=Exercise.Kind.CODE, **kwargs)
    return exercise


# --- The model -----------------------------------------------------------------------------------


def test_a_code_exercise_without_a_reference_solution_is_refused_at_that_field() -> None:
    exercise = ExerciseFactory.build(
        kind="code", lesson=LessonFactory(), order=1, reference_solution=""
    )

    with pytest.raises(ValidationError) as refused:
        exercise.full_clean()
    assert "reference_solution" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        exercise.save()


def test_limits_beyond_the_runners_are_refused_at_their_fields() -> None:
    exercise = code_exercise()
    exercise.time_limit_seconds, exercise.memory_limit_mb = 0, 8192

    with pytest.raises(ValidationError) as refused:
        exercise.full_clean()

    assert {"time_limit_seconds", "memory_limit_mb"} <= set(refused.value.message_dict)


def test_a_reference_solution_that_is_not_python_is_refused_with_its_line() -> None:
    exercise = code_exercise(reference_solution="def double(x):\n    return 2 *\n")

    with pytest.raises(ValidationError) as refused:
        exercise.full_clean()

    assert refused.value.message_dict["reference_solution"] == [
        "Not valid Python: invalid syntax (line 2)."
    ]


def test_code_exercises_are_not_parametrised_and_have_no_answer() -> None:
    exercise = code_exercise(parameters={"a": [1, 3]}, answer={"value": 2})

    with pytest.raises(ValidationError) as refused:
        exercise.full_clean()

    assert {"parameters", "answer"} <= set(refused.value.message_dict)


def test_a_test_weighing_nothing_is_refused_by_the_form_rules_and_the_database() -> None:
    test = TestCaseFactory.build(exercise=code_exercise(), order=2, weight=0)

    with pytest.raises(ValidationError) as refused:
        test.full_clean()
    assert refused.value.message_dict["weight"] == ["The weight must be more than 0."]
    with pytest.raises(IntegrityError), transaction.atomic():
        test.save()


def test_a_check_that_is_not_an_expression_is_refused_at_the_check() -> None:
    test = TestCaseFactory.build(
        exercise=code_exercise(), order=2, check_expression="result = 4", expected=None
    )

    with pytest.raises(ValidationError) as refused:
        test.full_clean()

    assert refused.value.message_dict["check_expression"][0].startswith("Not a Python expression")


def test_a_scripts_test_expects_printed_text_and_takes_no_arguments() -> None:
    script = code_exercise(entry_point="", reference_solution="print(int(input()) * 2)\n")
    test = TestCase(exercise=script, order=2, args=[2], stdin="2\n", expected=4)

    with pytest.raises(ValidationError) as refused:
        test.full_clean()

    assert {"args", "expected"} <= set(refused.value.message_dict)


def test_the_code_spec_gives_the_runner_every_test_in_order_sample_and_hidden() -> None:
    exercise = code_exercise(time_limit_seconds=3, memory_limit_mb=128)
    TestCaseFactory(exercise=exercise, name="big", args=[10**6], expected=2 * 10**6, hidden=True)
    TestCaseFactory(
        exercise=exercise, args=[0.5], expected=None, check_expression="result == 1", weight=2
    )

    spec = Exercise.objects.prefetch_related("test_cases").get(pk=exercise.pk).code_spec()

    assert spec.entry == "double"
    assert (spec.limits.cpu_seconds, spec.limits.wall_seconds, spec.limits.memory_mb) == (3, 6, 128)
    assert spec.tests == (
        coderunner.TestCase("double(2)", args=(2,), expected=4),
        coderunner.TestCase("big", args=(10**6,), expected=2 * 10**6, hidden=True),
        coderunner.TestCase("Test 3", args=(0.5,), check="result == 1", weight=2.0),
    )
    assert [t.name for t in spec.sample_tests] == ["double(2)", "Test 3"]
    assert [t.name for t in spec.hidden_tests] == ["big"]
    assert exercise.grading_spec()["tests"] == list(spec.tests)


def test_the_learner_api_never_shows_the_reference_solution_or_the_tests(
    client: Any, learner: Any
) -> None:
    exercise = code_exercise(reference_solution="def double(x):\n    return 2 * x  # SECRET\n")
    client.force_login(learner)

    response = client.get(reverse("exercise-detail", args=[exercise.pk]))

    body = response.content.decode()
    assert "SECRET" not in body
    assert "expected" not in body
    assert "reference" not in body
    shown = response.json()
    assert (shown["kind"], shown["starter_code"], shown["entry_point"]) == (
        "code",
        "def double(x):\n    ...\n",
        "double",
    )
    assert (shown["time_limit_seconds"], shown["memory_limit_mb"]) == (5, 256)


# --- The admin -----------------------------------------------------------------------------------


def _add_page(client: Any, lesson_pk: int) -> Any:
    return client.get(reverse("admin:curriculum_exercise_add"), {"lesson": lesson_pk, "order": 1})


def _tests_data(*tests: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "test_cases-TOTAL_FORMS": str(len(tests)),
        "test_cases-INITIAL_FORMS": "0",
    }
    for index, test in enumerate(tests):
        row = {"order": index + 1, "name": "", "args": "[]", "stdin": "", "expected": ""}
        row |= {"check_expression": "", "tolerance": "", "weight": "1", **test}
        for name, value in row.items():
            if name == "hidden":
                if value:
                    data[f"test_cases-{index}-hidden"] = "on"
            else:
                data[f"test_cases-{index}-{name}"] = str(value)
    return data


def _save_new(client: Any, *, status: str, solution: str, check: str = "") -> Any:
    lesson = LessonFactory()
    page = _add_page(client, lesson.pk)
    hidden_test: dict[str, Any] = {"name": "big", "args": "[21]", "expected": "42", "hidden": True}
    if check:
        hidden_test = {"name": "big", "args": "[21]", "check_expression": check, "hidden": True}
    data = form_data(
        page,
        kind="code",
        status=status,
        prompt="Write `double(x)`.",
        starter_code="def double(x):\n    ...\n",
        reference_solution=solution,
        entry_point="double",
        **_tests_data({"name": "two", "args": "[2]", "expected": "4"}, hidden_test),
    )
    return client.post(page.wsgi_request.path, data, follow=True)


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_author_publishes_a_code_exercise_whose_reference_passes_every_test(
    sandbox: None, author_client: Any
) -> None:
    response = _save_new(author_client, status="published", solution=SOLUTION)

    exercise = Exercise.objects.get()
    assert exercise.status == Status.PUBLISHED
    assert [(t.order, t.name, t.args, t.expected, t.hidden) for t in exercise.test_cases.all()] == [
        (1, "two", [2], 4, False),
        (2, "big", [21], 42, True),
    ]
    assert "The reference solution passes all 2 tests." in _messages(response)


def test_a_code_exercise_whose_reference_fails_a_test_cannot_be_published(
    sandbox: None, author_client: Any
) -> None:
    response = _save_new(author_client, status="published", solution=WRONG)

    assert not Exercise.objects.exists()
    errors = response.context["inline_admin_formsets"][1].formset.non_form_errors()
    assert len(errors) == 1
    assert errors[0].startswith("This code exercise cannot be published: The reference solution")
    assert "fails 1 of 2 tests: big (wrong: returned 23, expected 42)" in errors[0]


def test_a_draft_whose_reference_fails_is_saved_with_a_warning(
    sandbox: None, author_client: Any
) -> None:
    response = _save_new(author_client, status="draft", solution=WRONG)

    assert Exercise.objects.get().status == Status.DRAFT
    (warning,) = [m for m in _messages(response) if m.startswith("Saved as a draft")]
    assert "fails 1 of 2 tests" in warning


def test_without_the_sandbox_a_code_exercise_is_saved_as_a_draft_but_never_published(
    no_sandbox: None, author_client: Any
) -> None:
    refused = _save_new(author_client, status="published", solution=SOLUTION)
    draft = _save_new(author_client, status="draft", solution=SOLUTION)

    (error,) = refused.context["inline_admin_formsets"][1].formset.non_form_errors()
    assert "The code runner is not installed: apt-get install bubblewrap python3-seccomp" in error
    assert Exercise.objects.get().status == Status.DRAFT
    assert any(m.startswith(coderunner.UNAVAILABLE_MESSAGE) for m in _messages(draft))


def test_a_bad_check_expression_is_refused_at_its_test(author_client: Any) -> None:
    response = _save_new(author_client, status="draft", solution=SOLUTION, check="result ==")

    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.forms[1].errors["check_expression"][0].startswith("Not a Python expression")
    assert not Exercise.objects.exists()


def test_the_publish_action_refuses_a_code_exercise_whose_reference_fails(
    sandbox: None, author_client: Any
) -> None:
    good = code_exercise(draft=True)
    bad = code_exercise(draft=True, reference_solution=WRONG)
    TestCaseFactory(exercise=bad, args=[5], expected=10, hidden=True)

    response = author_client.post(
        reverse("admin:curriculum_exercise_changelist"),
        {"action": "publish", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )

    (message,) = _messages(response)
    assert message.startswith(f"Nothing was changed. Exercise {bad.order} of")
    assert "fails 1 of 2 tests" in message
    assert set(Exercise.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_the_preview_shows_the_starter_code_and_sample_tests_and_runs_a_typed_solution(
    sandbox: None, author_client: Any
) -> None:
    exercise = code_exercise()
    TestCaseFactory(exercise=exercise, name="secret input", args=[21], expected=42, hidden=True)
    preview = reverse("admin:curriculum_exercise_preview", args=[exercise.pk])
    run = reverse("admin:curriculum_exercise_run", args=[exercise.pk])

    page = author_client.get(preview)
    right = author_client.post(run, {"source": SOLUTION})
    wrong = author_client.post(run, {"source": WRONG, "as_learner": "1"})

    card = page.context["card"]
    assert [test.name for test in card.sample_tests] == ["double(2)"]
    assert "def double(x):\n    ..." in page.content.decode()
    assert right.context["card"].result.status == "passed"
    result = wrong.context["card"].result
    assert (result.status, result.score) == ("partial", 0.5)
    assert result.tests[1].output is None  # as a learner sees a hidden test: passed or not
    assert "Hidden test" in result.tests[1].name


def test_the_preview_says_when_the_runner_is_missing(no_sandbox: None, author_client: Any) -> None:
    exercise = code_exercise()

    response = author_client.post(
        reverse("admin:curriculum_exercise_run", args=[exercise.pk]), {"source": SOLUTION}
    )

    assert response.context["card"].errors == [coderunner.UNAVAILABLE_MESSAGE]
    assert response.context["card"].result is None


# --- Import and export ---------------------------------------------------------------------------


def _export(client: Any, fmt: str) -> bytes:
    fields = ExerciseResource().get_export_order()
    response = client.post(
        reverse("admin:curriculum_exercise_export"),
        {"format": fmt, "resource": "0", **{f"exerciseresource_{name}": "on" for name in fields}},
    )
    assert response["Content-Disposition"].startswith("attachment")
    return bytes(response.content)


def _upload(client: Any, content: bytes, *, name: str, fmt: str) -> Any:
    return client.post(
        reverse("admin:curriculum_exercise_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": fmt, "resource": "0"},
    )


def _confirm(client: Any, dry_run: Any) -> Any:
    confirm_form = dry_run.context["confirm_form"]
    return client.post(
        reverse("admin:curriculum_exercise_process_import"),
        {name: confirm_form.initial[name] for name in confirm_form.fields},
        follow=True,
    )


def _tests_of(exercise: Exercise) -> list[tuple[Any, ...]]:
    return [
        (t.order, t.name, t.args, t.stdin, t.expected, t.check_expression, t.tolerance, t.hidden)
        for t in exercise.test_cases.all()
    ] + [("weights", [t.weight for t in exercise.test_cases.all()])]


def _code_of(e: Exercise) -> tuple[Any, ...]:
    return (e.starter_code, e.reference_solution, e.entry_point, e.time_limit_seconds,
            e.memory_limit_mb, e.status, _tests_of(e))  # fmt: skip


@pytest.mark.parametrize(("fmt", "name"), [("0", "export.csv"), ("1", "export.json")])
def test_an_exported_code_exercise_imports_back_with_its_tests(
    sandbox: None, author_client: Any, fmt: str, name: str
) -> None:
    exercise = code_exercise(time_limit_seconds=2, memory_limit_mb=128)
    TestCaseFactory(exercise=exercise, args=[0.1], expected=0.2, tolerance=1e-9, hidden=True)
    TestCaseFactory(
        exercise=exercise, name="checked", args=[3], expected=None, check_expression="result == 6"
    )
    script = code_exercise(
        lesson=exercise.lesson, entry_point="", reference_solution="print(2 * int(input()))\n"
    )
    script.test_cases.all().delete()
    TestCase.objects.create(exercise=script, order=1, stdin="21\n", expected="42", weight=3)
    before = [_code_of(e) for e in (exercise, script)]
    exported = _export(author_client, fmt)
    Exercise.objects.all().delete()

    dry_run = _upload(author_client, exported, name=name, fmt=fmt)
    assert not dry_run.context["result"].has_validation_errors()
    _confirm(author_client, dry_run)

    after = [_code_of(e) for e in Exercise.objects.order_by("order")]
    assert after == before


def _row(lesson: Any, **changes: Any) -> dict[str, Any]:
    row = {
        "track": lesson.unit.track.slug,
        "unit": lesson.unit.order,
        "lesson": lesson.order,
        "order": 1,
        "kind": "code",
        "status": "draft",
        "prompt": "Write `double(x)`.",
        "reference_solution": SOLUTION,
        "entry_point": "double",
        "tests": [{"args": [2], "expected": 4}, {"args": [21], "expected": 42, "hidden": True}],
    }
    row.update(changes)
    return row


def test_a_bad_test_is_reported_at_its_row_and_field_and_nothing_is_written(
    author_client: Any,
) -> None:
    lesson = LessonFactory()
    rows = [
        _row(lesson),
        _row(lesson, order=2, tests=[{"args": [2], "expected": 4}, {"args": [1], "weight": 0}]),
        _row(lesson, order=3, tests=[{"args": [2], "expect": 4}]),
    ]

    dry_run = _upload(author_client, json.dumps(rows).encode(), name="x.json", fmt="1")
    _confirm(author_client, dry_run)

    invalid = {row.number: row.error_dict for row in dry_run.context["result"].invalid_rows}
    assert invalid == {
        2: {"tests": ["Test 2: weight: The weight must be more than 0."]},
        3: {"tests": ["Test 1: unknown key 'expect' (use name, args, stdin, expected, check, "
                      "tolerance, hidden, weight)."]},
    }  # fmt: skip
    assert list(Exercise.objects.values_list("order", flat=True)) == [1]
    assert TestCase.objects.count() == 2


def test_a_published_code_row_whose_reference_fails_is_refused_at_the_solution(
    sandbox: None, author_client: Any
) -> None:
    lesson = LessonFactory()
    rows = [_row(lesson, status="published", reference_solution=WRONG)]

    dry_run = _upload(author_client, json.dumps(rows).encode(), name="x.json", fmt="1")

    (row,) = dry_run.context["result"].invalid_rows
    (message,) = row.error_dict["reference_solution"]
    assert message.startswith("Cannot be published: The reference solution fails 1 of 2 tests")
    assert not Exercise.objects.exists()


def test_a_csv_export_lists_the_tests_as_json(author_client: Any) -> None:
    exercise = code_exercise()
    TestCaseFactory(exercise=exercise, name="big", args=[21], expected=42, hidden=True)

    (row,) = csv.DictReader(io.StringIO(_export(author_client, "0").decode()))

    assert json.loads(row["tests"]) == [
        {"name": "double(2)", "args": [2], "expected": 4},
        {"name": "big", "args": [21], "expected": 42, "hidden": True},
    ]
    assert row["reference_solution"] == SOLUTION
    assert (row["entry_point"], row["time_limit_seconds"]) == ("double", "5")


def test_field_errors_helper_is_used_for_a_refused_exercise_form(author_client: Any) -> None:
    lesson = LessonFactory()
    page = _add_page(author_client, lesson.pk)

    response = author_client.post(
        page.wsgi_request.path,
        form_data(page, kind="code", prompt="p", reference_solution="", entry_point="not a name"),
    )

    errors = field_errors(response)
    assert "entry_point" in errors
    assert "reference_solution" in errors


def test_publishing_from_the_lessons_page_checks_the_reference_too(
    sandbox: None, author_client: Any
) -> None:
    exercise = code_exercise(draft=True, reference_solution=WRONG)
    TestCaseFactory(exercise=exercise, args=[5], expected=10, hidden=True)
    url = reverse("admin:curriculum_lesson_change", args=[exercise.lesson_id])
    page = author_client.get(url)

    response = author_client.post(url, form_data(page, **{"exercises-0-status": "published"}))

    (form,) = response.context["inline_admin_formsets"][0].formset.forms
    assert form.errors["status"][0].startswith("Cannot be published: The reference solution fails")
    exercise.refresh_from_db()
    assert exercise.status == Status.DRAFT


def test_the_live_preview_of_an_unsaved_code_exercise_lists_its_typed_tests(
    author_client: Any,
) -> None:
    lesson = LessonFactory()
    page = _add_page(author_client, lesson.pk)
    data = form_data(
        page,
        kind="code",
        prompt="Write `double(x)`.",
        starter_code="def double(x):\n    pass\n",
        reference_solution=SOLUTION,
        entry_point="double",
        **_tests_data(
            {"name": "two", "args": "[2]", "expected": "4"},
            {"name": "big", "args": "[21]", "expected": "42", "hidden": True},
        ),
    )

    response = author_client.post(reverse("admin:curriculum_exercise_preview_unsaved"), data)

    card = response.context["card"]
    assert [(t.name, t.input, t.expected) for t in card.sample_tests] == [("two", "double(2)", "4")]
    assert [t.name for t in card.hidden_tests] == ["big"]
    assert "def double(x):\n    pass" in response.content.decode()
    assert card.errors == []

"""An author writes the curriculum in the admin: forms, validation at the field, preview, ordering,
fact generation, publishing. Everything goes through the admin's real pages and POSTs."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms import CheckboxInput, FileField, ModelMultipleChoiceField, MultipleChoiceField
from django.urls import reverse

from curriculum.admin_views import render_markdown
from curriculum.models import Exercise, Hint, Lesson, Status, Track, Unit
from tests.curriculum.factories import (
    ExerciseFactory,
    HintFactory,
    LessonFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

KINDS = [kind for kind, _ in Exercise.Kind.choices]


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


def form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """What the browser would post back from an admin add/change page, with `changes` applied."""
    data: dict[str, Any] = {}
    _add_form_fields(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_form_fields(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form_fields(data, form)
    data.update(changes)
    return data


def inline_prefix(response: Any, model: type) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return str(inline.formset.prefix)
    raise AssertionError(f"No inline for {model.__name__}")


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def lesson():
    return LessonFactory(title="Times tables", unit__track__slug="facts")


def _exercise_page(client: Any, exercise: Exercise | None = None, **query: Any) -> Any:
    if exercise is None:
        url = reverse("admin:curriculum_exercise_add")
    else:
        url = reverse("admin:curriculum_exercise_change", args=[exercise.pk])
    response = client.get(url, query)
    assert response.status_code == 200
    return response


def _save_exercise(client: Any, page: Any, **changes: Any) -> Any:
    return client.post(page.wsgi_request.path, form_data(page, **changes))


# --- Writing content ----------------------------------------------------------------------------


def test_an_author_adds_a_track_with_a_unit_then_a_lesson_and_an_exercise(author_client, author):
    page = author_client.get(reverse("admin:curriculum_track_add"))
    units = inline_prefix(page, Unit)
    data = form_data(
        page,
        title="Fractions",
        slug="fractions",
        subject="fractions",
        **{
            f"{units}-TOTAL_FORMS": "1",
            f"{units}-0-order": "1",
            f"{units}-0-title": "Halves",
            f"{units}-0-status": "draft",
            f"{units}-0-mastery_required": "0.8",
            f"{units}-0-min_accuracy": "70",
        },
    )
    assert author_client.post(page.wsgi_request.path, data).status_code == 302
    track = Track.objects.get(slug="fractions")
    unit = track.units.get()
    assert unit.title == "Halves"

    page = author_client.get(reverse("admin:curriculum_lesson_add"))
    response = author_client.post(
        page.wsgi_request.path,
        form_data(page, unit=str(unit.pk), title="Half of a number", order="1", xp_reward="10"),
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(unit=unit)

    page = _exercise_page(author_client, lesson=lesson.pk, order=1)
    hints = inline_prefix(page, Hint)
    response = _save_exercise(
        author_client,
        page,
        kind="numeric",
        prompt="What is half of $10$?",
        answer='{"value": 5}',
        tags="halves, mental-math",
        **{f"{hints}-0-order": "1", f"{hints}-0-text": "Share 10 between two."},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    exercise = Exercise.objects.get(lesson=lesson)
    assert (exercise.order, exercise.kind, exercise.answer) == (1, "numeric", {"value": 5})
    assert exercise.tags == ["halves", "mental-math"]
    assert exercise.created_by == author
    assert list(exercise.hints.values_list("text", flat=True)) == ["Share 10 between two."]


def test_the_add_exercise_page_is_prefilled_from_the_lesson_page_link(author_client, lesson):
    ExerciseFactory(lesson=lesson)
    lesson_page = author_client.get(reverse("admin:curriculum_lesson_change", args=[lesson.pk]))
    add_url = f"{reverse('admin:curriculum_exercise_add')}?lesson={lesson.pk}&amp;order=2"
    assert add_url in lesson_page.content.decode()

    page = _exercise_page(author_client, lesson=lesson.pk, order=2)

    form = page.context["adminform"].form
    assert (str(form["lesson"].value()), str(form["order"].value())) == (str(lesson.pk), "2")


def test_an_unreadable_expression_answer_is_refused_at_the_answer_field(author_client, lesson):
    page = _exercise_page(author_client, lesson=lesson.pk, order=1)

    response = _save_exercise(
        author_client,
        page,
        kind="expression",
        prompt="Differentiate $x^2$.",
        answer='{"answer": "2*x+"}',
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Something is missing at the end" in errors["answer"][0]
    assert not Exercise.objects.exists()


def test_a_correct_option_outside_the_options_is_refused_at_correct_option(author_client, lesson):
    page = _exercise_page(author_client, lesson=lesson.pk, order=1)

    response = _save_exercise(
        author_client,
        page,
        kind="multiple_choice",
        prompt="Pick one",
        options='["1", "2"]',
        correct_option="5",
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "0 to 1" in errors["correct_option"][0]


def test_malformed_json_is_refused_at_its_field(author_client, lesson):
    page = _exercise_page(author_client, lesson=lesson.pk, order=1)

    response = _save_exercise(author_client, page, kind="numeric", prompt="?", answer='{"value": 1')

    assert "answer" in response.context["adminform"].form.errors


def test_a_parametrised_answer_that_fails_for_some_variants_is_refused_at_the_field(
    author_client, lesson
):
    page = _exercise_page(author_client, lesson=lesson.pk, order=1)

    response = _save_exercise(
        author_client,
        page,
        kind="numeric",
        prompt="What is $12 / ({a} - 5)$?",
        answer='{"value": "{12/(a-5)}"}',
        parameters='{"a": [4, 6]}',
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "With a=5" in errors["answer"][0]
    assert "division by zero" in errors["answer"][0]


def test_a_prompt_using_an_undeclared_parameter_is_refused_at_the_prompt(author_client, lesson):
    page = _exercise_page(author_client, lesson=lesson.pk, order=1)

    response = _save_exercise(
        author_client,
        page,
        kind="numeric",
        prompt="What is ${a} + {c}$?",
        answer='{"value": "{a}"}',
        parameters='{"a": [1, 3]}',
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any("unknown parameter 'c'" in message for message in errors["prompt"])


def test_the_json_fields_explain_their_format_with_an_example_per_kind(author_client, lesson):
    page = _exercise_page(author_client, lesson=lesson.pk)

    html = page.content.decode()
    for example in (
        "&quot;accepted&quot;",
        "&quot;3*pi/2&quot;",
        "&quot;constraints&quot;",
    ):
        assert example in html
    assert "chosen in <em>Answer test</em> below" in html


# --- Preview ------------------------------------------------------------------------------------


def _preview(client: Any, exercise: Exercise, **query: Any) -> Any:
    return client.get(reverse("admin:curriculum_exercise_preview", args=[exercise.pk]), query)


def test_the_preview_shows_the_prompt_options_and_hints_as_a_learner_sees_them(author_client):
    exercise = ExerciseFactory(
        kind="multiple_choice",
        prompt="Which is **bigger**? <script>alert(1)</script> $\\frac{1}{2}$",
        options=[{"text": "$3/4$", "explanation": "Yes"}, {"text": "$1/4$"}],
        correct_option=0,
    )
    HintFactory(exercise=exercise, text="Compare with *one half*.")
    HintFactory(exercise=exercise, text="Draw a bar.")

    response = _preview(author_client, exercise)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bigger</strong>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "$\\frac{1}{2}$" in html  # left for KaTeX
    assert "$3/4$" in html
    assert "$1/4$" in html
    assert "is-correct" in html
    assert html.index("Compare with <em>one half</em>.") < html.index("Draw a bar.")
    assert "vendor/katex/katex.min.js" in html


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("Plain", "<p>Plain</p>"),
        ("**Bold** and *italic*", "<p><strong>Bold</strong> and <em>italic</em></p>"),
        ("One\n\nTwo\nlines", "<p>One</p><p>Two<br>lines</p>"),
        ("- one\n- *two*", "<ul><li>one</li><li><em>two</em></li></ul>"),
        ("Type `2*x*y`", "<p>Type <code>2*x*y</code></p>"),
        ("Math $a*b*c$ stays", "<p>Math $a*b*c$ stays</p>"),
        ("$$\\frac{a}{b} < 1$$", "<p>$$\\frac{a}{b} &lt; 1$$</p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ('<img src=x onerror="alert(1)">', "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>"),
    ],
)
def test_prompts_are_rendered_from_a_safe_markdown_subset(markdown, html):
    assert render_markdown(markdown) == html


def test_the_preview_of_a_parametrised_exercise_shows_one_variant_per_seed(author_client):
    exercise = ExerciseFactory(parametrised=True, parameters={"a": [2, 99], "b": [2, 99]})

    first = _preview(author_client, exercise, seed="lesson-7").context["card"]
    again = _preview(author_client, exercise, seed="lesson-7").context["card"]
    default = _preview(author_client, exercise).context["card"]
    others = {
        tuple(_preview(author_client, exercise, seed=f"s{n}").context["card"].values.items())
        for n in range(5)
    }

    assert first.values == again.values
    assert default.seed == "preview"
    assert len(others) > 1
    a, b = first.values["a"], first.values["b"]
    assert f"What is ${a} + {b}$?" in str(first.prompt)
    assert f"<code>{a + b}</code>" in str(first.answer)


@pytest.mark.parametrize("kind", KINDS)
def test_the_preview_works_for_every_kind_and_shows_the_answer(author_client, kind):
    exercise = ExerciseFactory(kind=kind, answer_unit="cm" if kind == "numeric" else "")
    HintFactory(exercise=exercise)

    response = _preview(author_client, exercise)

    assert response.status_code == 200
    card = response.context["card"]
    assert card.errors == []
    assert str(card.answer) not in ("", "—")


@pytest.mark.parametrize("kind", KINDS)
def test_the_preview_of_a_broken_exercise_lists_its_problems_instead_of_failing(
    author_client, kind
):
    # Saved around validation (as a bad import or the shell could): the preview must still open.
    exercise = ExerciseFactory(
        kind=kind,
        prompt="Broken {a",
        answer={"answer": "2*x+"} if kind == "expression" else {"value": "{zz}"},
        parameters={"a": "nonsense"},
    )

    response = _preview(author_client, exercise)

    assert response.status_code == 200
    assert response.context["card"].errors


def test_the_preview_checks_an_answer_typed_by_the_author(author_client):
    exercise = ExerciseFactory(kind="expression")

    right = _preview(author_client, exercise, response="x*2").context["card"].verdict
    wrong = _preview(author_client, exercise, response="x^2").context["card"].verdict

    assert right.correct
    assert not wrong.correct


def test_the_exercise_list_and_page_link_to_the_preview(author_client):
    exercise = ExerciseFactory()
    preview_url = reverse("admin:curriculum_exercise_preview", args=[exercise.pk])

    listing = author_client.get(reverse("admin:curriculum_exercise_changelist"))
    page = _exercise_page(author_client, exercise)

    assert preview_url in listing.content.decode()
    assert preview_url in page.content.decode()


def test_the_live_preview_shows_unsaved_content_and_what_saving_would_refuse(author_client):
    exercise = ExerciseFactory(kind="text")
    page = _exercise_page(author_client, exercise)
    hints = inline_prefix(page, Hint)
    data = form_data(
        page,
        prompt="The **unsaved** prompt",
        answer='{"accepted": []}',
        **{f"{hints}-0-order": "1", f"{hints}-0-text": "An unsaved hint"},
    )

    response = author_client.post(
        reverse("admin:curriculum_exercise_preview", args=[exercise.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert "<strong>unsaved</strong>" in html
    assert "An unsaved hint" in html
    assert "Saving would be refused" in html
    exercise.refresh_from_db()
    assert exercise.prompt != "The **unsaved** prompt"


def test_the_live_preview_works_on_the_add_page(author_client, lesson):
    page = _exercise_page(author_client, lesson=lesson.pk, order=1)
    data = form_data(page, kind="numeric", prompt="New *one*", answer='{"value": 3}')

    response = author_client.post(reverse("admin:curriculum_exercise_preview_unsaved"), data)

    assert response.status_code == 200
    assert "New <em>one</em>" in response.content.decode()
    assert not Exercise.objects.exists()


def test_the_preview_needs_permission_to_view_exercises(client, learner):
    exercise = ExerciseFactory()
    client.force_login(learner)

    response = _preview(client, exercise)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Ordering ---------------------------------------------------------------------------------


def test_swapping_two_exercises_in_the_lesson_inline_succeeds(author_client, lesson):
    first = ExerciseFactory(lesson=lesson, prompt="First")
    second = ExerciseFactory(lesson=lesson, prompt="Second")
    page = author_client.get(reverse("admin:curriculum_lesson_change", args=[lesson.pk]))
    prefix = inline_prefix(page, Exercise)
    rows = {
        form.instance.pk: index
        for index, form in enumerate(page.context["inline_admin_formsets"][0].formset.forms)
    }

    response = author_client.post(
        page.wsgi_request.path,
        form_data(
            page,
            **{
                f"{prefix}-{rows[first.pk]}-order": "2",
                f"{prefix}-{rows[second.pk]}-order": "1",
            },
        ),
    )

    assert response.status_code == 302
    assert list(lesson.exercises.values_list("prompt", flat=True)) == ["Second", "First"]


def test_rotating_three_exercises_and_deleting_one_in_the_same_save_succeeds(author_client, lesson):
    exercises = [ExerciseFactory(lesson=lesson, prompt=name) for name in ("A", "B", "C", "D")]
    page = author_client.get(reverse("admin:curriculum_lesson_change", args=[lesson.pk]))
    prefix = inline_prefix(page, Exercise)
    forms = page.context["inline_admin_formsets"][0].formset.forms
    row = {form.instance.prompt: index for index, form in enumerate(forms)}

    response = author_client.post(
        page.wsgi_request.path,
        form_data(
            page,
            **{
                f"{prefix}-{row['A']}-DELETE": "on",
                f"{prefix}-{row['B']}-order": "3",
                f"{prefix}-{row['C']}-order": "1",
                f"{prefix}-{row['D']}-order": "2",
            },
        ),
    )

    assert response.status_code == 302
    assert list(lesson.exercises.values_list("prompt", "order")) == [("C", 1), ("D", 2), ("B", 3)]
    assert not Exercise.objects.filter(pk=exercises[0].pk).exists()


def test_two_exercises_given_the_same_number_are_refused_in_the_form(author_client, lesson):
    ExerciseFactory(lesson=lesson, prompt="First")
    ExerciseFactory(lesson=lesson, prompt="Second")
    page = author_client.get(reverse("admin:curriculum_lesson_change", args=[lesson.pk]))
    prefix = inline_prefix(page, Exercise)

    response = author_client.post(
        page.wsgi_request.path,
        form_data(page, **{f"{prefix}-0-order": "2", f"{prefix}-1-order": "2"}),
    )

    assert response.status_code == 200
    assert "Please correct the duplicate data for" in response.content.decode()
    assert list(lesson.exercises.values_list("prompt", flat=True)) == ["First", "Second"]


def test_changing_a_kind_in_the_compact_inline_reports_the_answer_problem_on_the_row(
    author_client, lesson
):
    ExerciseFactory(lesson=lesson, kind="numeric")
    page = author_client.get(reverse("admin:curriculum_lesson_change", args=[lesson.pk]))
    prefix = inline_prefix(page, Exercise)

    response = author_client.post(
        page.wsgi_request.path, form_data(page, **{f"{prefix}-0-kind": "text"})
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "Answer:" in formset.forms[0].non_field_errors()[0]


def test_swapping_two_hints_of_an_exercise_succeeds(author_client):
    exercise = ExerciseFactory()
    HintFactory(exercise=exercise, text="One")
    HintFactory(exercise=exercise, text="Two")
    page = _exercise_page(author_client, exercise)
    prefix = inline_prefix(page, Hint)

    response = _save_exercise(
        author_client, page, **{f"{prefix}-0-order": "2", f"{prefix}-1-order": "1"}
    )

    assert response.status_code == 302
    assert list(exercise.hints.values_list("text", flat=True)) == ["Two", "One"]


def test_a_new_hint_can_take_the_number_of_one_that_moves_down(author_client):
    exercise = ExerciseFactory()
    HintFactory(exercise=exercise, text="Was first")
    page = _exercise_page(author_client, exercise)
    prefix = inline_prefix(page, Hint)

    response = _save_exercise(
        author_client,
        page,
        **{
            f"{prefix}-0-order": "2",
            f"{prefix}-1-order": "1",
            f"{prefix}-1-text": "Now first",
        },
    )

    assert response.status_code == 302
    assert list(exercise.hints.values_list("text", "order")) == [("Now first", 1), ("Was first", 2)]


def test_units_of_a_track_can_be_swapped_too(author_client):
    track = TrackFactory()
    track.units.create(title="Early", order=1)
    track.units.create(title="Late", order=2)
    page = author_client.get(reverse("admin:curriculum_track_change", args=[track.pk]))
    prefix = inline_prefix(page, Unit)

    response = author_client.post(
        page.wsgi_request.path,
        form_data(page, **{f"{prefix}-0-order": "2", f"{prefix}-1-order": "1"}),
    )

    assert response.status_code == 302
    assert list(track.units.values_list("title", flat=True)) == ["Late", "Early"]


# --- Fact generation ----------------------------------------------------------------------------


def _generate_facts(client: Any, lessons: list[Lesson], **fields: Any) -> Any:
    data = {
        "action": "generate_facts",
        "_selected_action": [str(lesson.pk) for lesson in lessons],
        "apply": "1",
        "operand1_min": "0",
        "operand1_max": "12",
        "operand2_min": "0",
        "operand2_max": "12",
        "status": "draft",
        **fields,
    }
    return client.post(reverse("admin:curriculum_lesson_changelist"), data)


def test_the_fact_action_first_asks_for_the_operation_and_ranges(author_client, lesson):
    response = author_client.post(
        reverse("admin:curriculum_lesson_changelist"),
        {"action": "generate_facts", "_selected_action": [str(lesson.pk)], "index": "0"},
    )

    assert response.status_code == 200
    assert "operand1_min" in response.content.decode()
    assert not Exercise.objects.exists()


def test_generating_the_times_tables_creates_169_facts_after_the_existing_exercises(
    author_client, lesson
):
    ExerciseFactory(lesson=lesson, kind="numeric")

    response = _generate_facts(author_client, [lesson], operation="×")

    assert response.status_code == 302
    facts = lesson.exercises.filter(kind="fact")
    assert facts.count() == 169
    assert sorted(facts.values_list("order", flat=True)) == list(range(2, 171))
    seven_eights = facts.get(operand1=7, operand2=8)
    assert (seven_eights.operation, seven_eights.status) == ("×", Status.DRAFT)
    assert seven_eights.prompt == r"$7 \times 8 = ?$"
    seven_eights.full_clean()


def test_generating_facts_twice_adds_nothing_the_second_time(author_client, lesson):
    _generate_facts(author_client, [lesson], operation="×")
    _generate_facts(author_client, [lesson], operation="×", operand1_max="13")

    assert lesson.exercises.count() == 169 + 13


def test_generated_divisions_have_exact_quotients(author_client, lesson):
    _generate_facts(author_client, [lesson], operation="÷", status="published")

    facts = lesson.exercises.all()
    assert facts.count() == 13 * 12  # quotients 0..12, divisors 1..12
    assert all(f.operand2 != 0 and f.operand1 % f.operand2 == 0 for f in facts)
    assert {f.status for f in facts} == {"published"}


def test_generated_subtractions_stay_non_negative_unless_asked(author_client, lesson):
    other = LessonFactory(unit=lesson.unit)

    _generate_facts(author_client, [lesson], operation="−")
    _generate_facts(author_client, [other], operation="−", allow_negative_results="on")

    assert lesson.exercises.count() == 91
    assert all(f.operand1 >= f.operand2 for f in lesson.exercises.all())
    assert other.exercises.count() == 169


def test_a_reversed_range_is_refused_on_the_form(author_client, lesson):
    response = _generate_facts(
        author_client, [lesson], operation="+", operand1_min="5", operand1_max="1"
    )

    assert response.status_code == 200
    assert "operand1_max" in response.context["form"].errors
    assert not Exercise.objects.exists()


def test_too_many_facts_at_once_are_refused_and_none_are_created(author_client, lesson):
    other = LessonFactory(unit=lesson.unit)

    response = _generate_facts(
        author_client, [lesson, other], operation="+", operand1_max="40", operand2_max="30"
    )

    assert response.status_code == 200
    assert "more than 1000 exercises" in str(response.context["form"].non_field_errors())
    assert not Exercise.objects.exists()


def test_generating_facts_for_several_lessons_fills_each(author_client, lesson):
    other = LessonFactory(unit=lesson.unit)

    response = _generate_facts(author_client, [lesson, other], operation="+", operand1_max="2")

    assert response.status_code == 302
    assert (lesson.exercises.count(), other.exercises.count()) == (39, 39)


# --- Publishing and permissions -----------------------------------------------------------------


def test_an_author_publishes_and_unpublishes_exercises(author_client):
    exercises = [ExerciseFactory(draft=True) for _ in range(2)]
    url = reverse("admin:curriculum_exercise_changelist")
    selected = [str(e.pk) for e in exercises]

    author_client.post(url, {"action": "publish", "_selected_action": selected, "index": "0"})
    assert set(Exercise.objects.values_list("status", flat=True)) == {"published"}

    author_client.post(url, {"action": "unpublish", "_selected_action": selected[:1], "index": "0"})
    assert Exercise.objects.get(pk=exercises[0].pk).status == "draft"


def test_an_author_can_open_every_curriculum_page(author_client):
    exercise = ExerciseFactory()
    HintFactory(exercise=exercise)
    lesson, unit = exercise.lesson, exercise.lesson.unit
    urls = [
        reverse("admin:curriculum_track_changelist"),
        reverse("admin:curriculum_track_change", args=[unit.track.pk]),
        reverse("admin:curriculum_unit_changelist"),
        reverse("admin:curriculum_unit_change", args=[unit.pk]),
        reverse("admin:curriculum_lesson_changelist"),
        reverse("admin:curriculum_lesson_change", args=[lesson.pk]),
        reverse("admin:curriculum_exercise_changelist"),
        reverse("admin:curriculum_exercise_import"),
        reverse("admin:curriculum_exercise_export"),
        f"{reverse('admin:curriculum_exercise_changelist')}?q=What",
        f"{reverse('admin:curriculum_lesson_changelist')}?q=Lesson",
    ]

    for url in urls:
        assert author_client.get(url).status_code == 200, url


def test_a_learner_cannot_open_the_curriculum_admin(client, learner):
    client.force_login(learner)

    for name in ("track_changelist", "exercise_changelist", "exercise_import", "exercise_add"):
        response = client.get(reverse(f"admin:curriculum_{name}"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

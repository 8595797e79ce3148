"""The demo curriculum installs once, is real (every stored answer grades), covers the facts.

The demo is loaded once for the module (committed, then deleted at the end); tests that write
run inside their own transaction on top of it, so they can edit and reload freely.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum import demo
from curriculum.grading import (
    arithmetic_value,
    fact_answer,
    grade,
    render_spec,
    render_template,
    variant_for,
)
from curriculum.models import Exercise, Hint, Lesson, Status, Track, Unit

pytestmark = pytest.mark.django_db

SLUGS = [track.slug for track in demo.TRACKS]
FACT_TRACKS = ["addition-subtraction-facts", "multiplication-division-facts"]
KIND = Exercise.Kind
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="module")
def first_load(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[str]]:
    with django_db_blocker.unblock():
        created = demo.load()
    yield created
    with django_db_blocker.unblock():
        Track.objects.filter(slug__in=SLUGS).delete()


@pytest.fixture
def exercises(first_load: list[str]) -> list[Exercise]:
    return list(
        Exercise.objects.filter(lesson__unit__track__slug__in=SLUGS)
        .select_related("lesson__unit__track")
        .prefetch_related("hints")
    )


def counts() -> dict[str, int]:
    return {
        "tracks": Track.objects.filter(slug__in=SLUGS).count(),
        "units": Unit.objects.filter(track__slug__in=SLUGS).count(),
        "lessons": Lesson.objects.filter(unit__track__slug__in=SLUGS).count(),
        "exercises": Exercise.objects.filter(lesson__unit__track__slug__in=SLUGS).count(),
        "hints": Hint.objects.filter(exercise__lesson__unit__track__slug__in=SLUGS).count(),
    }


def where(exercise: Exercise) -> str:
    lesson = exercise.lesson
    return f"{lesson.unit.track.slug}/{lesson.unit.order}/{lesson.order}/{exercise.order}"


def variant(exercise: Exercise) -> dict[str, int] | None:
    return variant_for(exercise.parameters, "test") if exercise.parameters else None


def rendered_spec(exercise: Exercise, values: dict[str, int] | None) -> dict[str, Any]:
    spec = {key: value for key, value in exercise.grading_spec().items() if key != "params"}
    return render_spec(spec, values) if values else spec


def expected_number(exercise: Exercise, values: dict[str, int] | None) -> Fraction:
    if exercise.kind == KIND.FACT:
        return fact_answer(
            [Fraction(exercise.operand1 or 0), Fraction(exercise.operand2 or 0)],
            [exercise.operation],
        )
    value = rendered_spec(exercise, values)["value"]
    return Fraction(value) if isinstance(value, int) else arithmetic_value(str(value))


def correct_response(exercise: Exercise, values: dict[str, int] | None) -> str:
    spec = rendered_spec(exercise, values)
    if exercise.kind == KIND.MULTIPLE_CHOICE:
        return str(exercise.correct_option)
    if exercise.kind in (KIND.FACT, KIND.NUMERIC):
        return str(expected_number(exercise, values))
    if exercise.kind == KIND.TEXT:
        return str(spec["accepted"][0])
    answer = str(spec["answer"])
    return f"{answer} + C" if spec.get("up_to_constant") else answer


def wrong_responses(exercise: Exercise, values: dict[str, int] | None) -> list[str]:
    """Plausible mistakes: another option, one more, a doubled answer, a forgotten constant."""
    spec = rendered_spec(exercise, values)
    if exercise.kind == KIND.MULTIPLE_CHOICE:
        return [str(i) for i in range(len(exercise.options)) if i != exercise.correct_option]
    if exercise.kind in (KIND.FACT, KIND.NUMERIC):
        return [str(expected_number(exercise, values) + 1)]
    if exercise.kind == KIND.TEXT:
        return ["0"]
    answer = str(spec["answer"])
    if spec.get("up_to_constant"):
        return [f"2*({answer}) + C", answer]
    return [f"2*({answer})", "x"]


def decimal_text(value: Fraction) -> str | None:
    """`0.65` for 13/20; None when the decimal does not terminate."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return None
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def test_loading_twice_creates_nothing_the_second_time(first_load: list[str]) -> None:
    before = counts()

    with CaptureQueriesContext(connection) as queries:
        again = demo.load()

    assert first_load == SLUGS
    assert again == []
    assert counts() == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert before["tracks"] == len(SLUGS)


def test_a_reload_repairs_edited_content_and_recreates_what_is_missing(
    first_load: list[str],
) -> None:
    exercise = Exercise.objects.get(
        lesson__unit__track__slug="derivatives", lesson__unit__order=2, lesson__order=1, order=1
    )
    original_prompt = exercise.prompt
    Exercise.objects.filter(pk=exercise.pk).update(prompt="Vandalised", status=Status.DRAFT)
    exercise.hints.all().delete()
    Track.objects.filter(slug="limits").update(title="Limits (old)")
    Exercise.objects.get(
        lesson__unit__track__slug="fractions", lesson__unit__order=1, lesson__order=2, order=3
    ).delete()
    before = counts()

    created = demo.load()

    exercise.refresh_from_db()
    assert created == ["fractions unit 1 lesson 2 exercise 3"]
    assert (exercise.prompt, exercise.status) == (original_prompt, Status.PUBLISHED)
    assert exercise.hints.count() == 2
    assert Track.objects.get(slug="limits").title == "Limits"
    assert counts()["exercises"] == before["exercises"] + 1
    assert counts()["hints"] == before["hints"] + 2 + 2


def test_the_tracks_form_a_published_learning_path(first_load: list[str]) -> None:
    tracks = list(Track.objects.filter(slug__in=SLUGS).order_by("order"))

    assert [track.slug for track in tracks] == SLUGS
    assert [track.xp_to_unlock for track in tracks] == sorted(
        track.xp_to_unlock for track in tracks
    )
    assert list(tracks[0].prerequisites.all()) == []
    for earlier, later in pairwise(tracks):
        assert list(later.prerequisites.all()) == [earlier]
    assert not Unit.objects.filter(track__slug__in=SLUGS).exclude(status=Status.PUBLISHED)
    assert not Lesson.objects.filter(unit__track__slug__in=SLUGS).exclude(status=Status.PUBLISHED)
    assert not Exercise.objects.filter(lesson__unit__track__slug__in=SLUGS).exclude(
        status=Status.PUBLISHED
    )
    for lesson in Lesson.objects.filter(unit__track__slug__in=SLUGS):
        previous = Lesson.objects.filter(unit=lesson.unit, order=lesson.order - 1)
        assert list(lesson.prerequisites.all()) == list(previous)


def test_there_are_at_least_120_hand_written_exercises_of_every_kind(
    exercises: list[Exercise],
) -> None:
    hand_written = [e for e in exercises if e.lesson.unit.track.slug not in FACT_TRACKS]
    kinds = Counter(e.kind for e in exercises)

    assert len(hand_written) >= 120
    assert set(kinds) == set(KIND.values)
    assert any(e.parameters for e in hand_written)
    assert any(e.answer.get("up_to_constant") for e in hand_written)
    assert all(e.kind == KIND.FACT for e in exercises if e.lesson.unit.track.slug in FACT_TRACKS)


def test_every_hand_written_exercise_explains_itself_and_has_hints(
    exercises: list[Exercise],
) -> None:
    for exercise in exercises:
        if exercise.kind == KIND.FACT:
            continue
        hints = list(exercise.hints.all())
        assert exercise.explanation.strip(), where(exercise)
        assert 1 <= len(hints) <= 3, where(exercise)
        assert [h.unlock_after_attempts for h in hints] == list(range(len(hints)))
        if exercise.kind == KIND.MULTIPLE_CHOICE:
            assert all(option["explanation"].strip() for option in exercise.options), where(
                exercise
            )


def test_every_exercise_passes_full_clean(exercises: list[Exercise]) -> None:
    for exercise in exercises:
        exercise.full_clean()


def test_every_stored_answer_grades_correct(exercises: list[Exercise]) -> None:
    wrong = []
    for exercise in exercises:
        if exercise.kind == KIND.CODE:
            continue  # run in the sandbox by test_demo_code_track.py
        values = variant(exercise)
        response = correct_response(exercise, values)
        verdict = grade(exercise.kind, exercise.grading_spec(), response, values=values)
        if not verdict.correct:
            wrong.append((where(exercise), response, verdict.feedback))

    assert wrong == []


def test_a_plausible_wrong_answer_grades_incorrect(exercises: list[Exercise]) -> None:
    accepted = []
    for exercise in exercises:
        if exercise.kind == KIND.CODE:
            continue  # run in the sandbox by test_demo_code_track.py
        values = variant(exercise)
        for response in wrong_responses(exercise, values):
            if grade(exercise.kind, exercise.grading_spec(), response, values=values).correct:
                accepted.append((where(exercise), response))

    assert accepted == []


def test_an_antiderivative_without_its_constant_is_sent_back(exercises: list[Exercise]) -> None:
    for exercise in exercises:
        if exercise.kind == KIND.EXPRESSION and exercise.answer.get("up_to_constant"):
            values = variant(exercise)
            answer = rendered_spec(exercise, values)["answer"]

            verdict = grade(exercise.kind, exercise.grading_spec(), answer, values=values)

            assert verdict.feedback == "Don't forget the constant of integration.", where(exercise)


def test_numeric_answers_accept_fractions_decimals_and_their_unit(
    exercises: list[Exercise],
) -> None:
    for exercise in exercises:
        if exercise.kind != KIND.NUMERIC:
            continue
        values = variant(exercise)
        value = expected_number(exercise, values)
        responses = [f"{value.numerator}/{value.denominator}"]
        if (decimal := decimal_text(value)) is not None:
            responses.append(decimal)
        if exercise.answer_unit:
            responses.append(f"{value} {exercise.answer_unit}")
        for response in responses:
            verdict = grade(exercise.kind, exercise.grading_spec(), response, values=values)
            assert verdict.correct, (where(exercise), response, verdict.feedback)


def test_parametrised_texts_render_for_many_variants(exercises: list[Exercise]) -> None:
    parametrised = [e for e in exercises if e.parameters]

    assert len(parametrised) >= 10
    for exercise in parametrised:
        for seed in range(20):
            values = variant_for(exercise.parameters, f"render:{seed}")
            texts = [exercise.prompt, exercise.explanation, *(h.text for h in exercise.hints.all())]
            for text in texts:
                render_template(text, values)  # raises on a broken placeholder
            response = correct_response(exercise, values)
            verdict = grade(exercise.kind, exercise.grading_spec(), response, values=values)
            assert verdict.correct, (where(exercise), values, response, verdict.feedback)


def test_the_addition_and_subtraction_facts_cover_0_to_12(first_load: list[str]) -> None:
    facts = list(
        Exercise.objects.filter(lesson__unit__track__slug=FACT_TRACKS[0]).values_list(
            "operand1", "operation", "operand2"
        )
    )
    present = set(facts)

    assert len(facts) == len(present)
    for a in range(13):
        for b in range(13):
            assert (a, "+", b) in present
            if a >= b:
                assert (a, "−", b) in present
    assert all(0 <= a - b <= 12 for a, operation, b in facts if operation == "−")


def test_the_multiplication_and_division_facts_cover_0_to_12(first_load: list[str]) -> None:
    facts = list(
        Exercise.objects.filter(lesson__unit__track__slug=FACT_TRACKS[1]).values_list(
            "operand1", "operation", "operand2"
        )
    )
    present = set(facts)

    assert len(facts) == len(present) == 13 * 13 + 13 * 12
    for a in range(13):
        for b in range(13):
            assert (a, "×", b) in present
            if b:
                assert (a * b, "÷", b) in present
    assert all(a % b == 0 for a, operation, b in facts if operation == "÷")


def test_load_demo_runs_the_curriculum_loader(first_load: list[str], settings: Any) -> None:
    settings.DEMO_LOADERS = ["curriculum.demo.load"]
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert "curriculum.demo: 0 created" in out.getvalue()

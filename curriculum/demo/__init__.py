"""Demo curriculum for a newcomer's `make run`: from number facts to antiderivatives, then code.

`load()` is listed in `settings.DEMO_LOADERS`. The content lives in small Python modules next
to this one (`facts`, `fractions`, `limits`, `derivatives`, `antiderivatives`, `python`); every
answer in them is hand-checked and, in the tests, graded by `curriculum.grading` (the code
exercises' reference and wrong solutions run in the sandbox: test_demo_code_track.py). The
loader does not run the sandbox: the demo installs where bubblewrap is missing too, and its
code exercises then say that the runner is not installed.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from curriculum.models import Exercise, Hint, Lesson, Status, TestCase, Track, Unit

from . import antiderivatives, derivatives, facts, fractions, limits, python
from .specs import ExerciseSpec, LessonSpec, TrackSpec, UnitSpec

TRACKS: tuple[TrackSpec, ...] = (
    facts.ADDITION_AND_SUBTRACTION,
    facts.MULTIPLICATION_AND_DIVISION,
    fractions.TRACK,
    limits.TRACK,
    derivatives.TRACK,
    antiderivatives.TRACK,
    python.TRACK,
)

PUBLISHED = Status.PUBLISHED

_Row = TypeVar("_Row", bound=models.Model)


@transaction.atomic
def load(tracks_to_load: tuple[TrackSpec, ...] = TRACKS) -> list[str]:
    """Install the demo tracks, or bring them back to what is written here; idempotent.

    Rows are matched by their natural keys (track slug, then order within the parent) and
    written only when they differ, each after `full_clean()` so that content the grader could
    not grade fails loudly. A second run writes nothing. Returns what was created, coarsest
    first: a new track is named by its slug, without its units, lessons and exercises.
    Rows no longer described here are left alone, since learners' attempts may refer to them.
    `tracks_to_load` installs a part of the demo (a test's); prerequisites that are not
    installed are left out.
    """
    created: list[str] = []
    tracks: dict[str, Track] = {}
    for spec in tracks_to_load:
        order = TRACKS.index(spec) + 1
        track, is_new = _save(
            Track.objects.filter(slug=spec.slug).first(),
            Track,
            {"slug": spec.slug, **_track_columns(spec, order)},
        )
        tracks[spec.slug] = track
        if is_new:
            created.append(spec.slug)
        for unit_order, unit_spec in enumerate(spec.units, start=1):
            _load_unit(track, unit_order, unit_spec, created, parent_is_new=is_new)
    for spec in tracks_to_load:
        wanted = Track.objects.filter(slug__in=spec.prerequisites)
        tracks[spec.slug].prerequisites.set(list(wanted))
    return created


def _track_columns(spec: TrackSpec, order: int) -> dict[str, Any]:
    return {
        "title": spec.title,
        "description": spec.description,
        "subject": spec.subject,
        "grade_level": spec.grade_level,
        "difficulty": spec.difficulty,
        "estimated_hours": spec.estimated_hours,
        "colour": spec.colour,
        "icon": spec.icon,
        "order": order,
        "xp_to_unlock": spec.xp_to_unlock,
        "status": PUBLISHED,
    }


def _load_unit(
    track: Track, order: int, spec: UnitSpec, created: list[str], *, parent_is_new: bool
) -> None:
    unit, is_new = _save(
        None if parent_is_new else Unit.objects.filter(track=track, order=order).first(),
        Unit,
        {
            "track": track,
            "order": order,
            "title": spec.title,
            "description": spec.description,
            "mastery_required": spec.mastery_required,
            "min_accuracy": spec.min_accuracy,
            "status": PUBLISHED,
        },
    )
    name = f"{track.slug} unit {order}"
    if is_new and not parent_is_new:
        created.append(name)
    previous: Lesson | None = None
    for lesson_order, lesson_spec in enumerate(spec.lessons, start=1):
        previous = _load_lesson(
            unit,
            lesson_order,
            lesson_spec,
            created,
            name=f"{name} lesson {lesson_order}",
            parent_is_new=is_new,
            previous=previous,
        )


def _load_lesson(
    unit: Unit,
    order: int,
    spec: LessonSpec,
    created: list[str],
    *,
    name: str,
    parent_is_new: bool,
    previous: Lesson | None,
) -> Lesson:
    lesson, is_new = _save(
        None if parent_is_new else Lesson.objects.filter(unit=unit, order=order).first(),
        Lesson,
        {
            "unit": unit,
            "order": order,
            "title": spec.title,
            "description": spec.description,
            "xp_reward": spec.xp_reward,
            "status": PUBLISHED,
        },
    )
    if is_new and not parent_is_new:
        created.append(name)
    # Within a unit the lessons form a path: each opens once the one before it is done.
    wanted = [previous] if previous else []
    if is_new or {p.pk for p in lesson.prerequisites.all()} != {p.pk for p in wanted}:
        lesson.prerequisites.set(wanted)
    existing = (
        {}
        if is_new
        else {e.order: e for e in lesson.exercises.prefetch_related("hints", "test_cases")}
    )
    for exercise_order, exercise_spec in enumerate(spec.exercises, start=1):
        exercise, exercise_is_new = _save(
            existing.get(exercise_order),
            Exercise,
            {
                "lesson": lesson,
                "order": exercise_order,
                "status": PUBLISHED,
                "tags": list(spec.tags),
                **exercise_spec.columns(),
            },
        )
        if exercise_is_new and not is_new:
            created.append(f"{name} exercise {exercise_order}")
        _save_hints(exercise, exercise_spec, is_new=exercise_is_new)
        _save_tests(exercise, exercise_spec, is_new=exercise_is_new)
    return lesson


def _save_hints(exercise: Exercise, spec: ExerciseSpec, *, is_new: bool) -> None:
    """Replace the exercise's hints when they differ; later hints wait for more wrong tries."""
    wanted = [(order, text, order - 1) for order, text in enumerate(spec.hints, start=1)]
    if not is_new:
        have = [(h.order, h.text, h.unlock_after_attempts) for h in exercise.hints.all()]
        if have == wanted:
            return
        exercise.hints.all().delete()
    for order, text, unlock_after_attempts in wanted:
        hint = Hint(
            exercise=exercise, order=order, text=text, unlock_after_attempts=unlock_after_attempts
        )
        hint.full_clean()
        hint.save()


def _save_tests(exercise: Exercise, spec: ExerciseSpec, *, is_new: bool) -> None:
    """Replace a code exercise's tests when they differ from the spec's."""
    wanted = spec.test_rows()
    if not is_new:
        have = [
            {name: getattr(test, name) for name in wanted[0]} if wanted else {}
            for test in exercise.test_cases.all()
        ]
        if have == wanted:
            return
        exercise.test_cases.all().delete()
    for order, values in enumerate(wanted, start=1):
        test = TestCase(exercise=exercise, order=order, **values)
        test.full_clean()
        test.save()


def _save(row: _Row | None, model: type[_Row], values: dict[str, Any]) -> tuple[_Row, bool]:
    """Create `row` from `values`, or update the fields that differ; (row, created)."""
    if row is None:
        row = model(**values)
        row.full_clean()
        row.save()
        return row, True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.full_clean()
        row.save()
    return row, False

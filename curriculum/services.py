"""Writes on the curriculum.

Each block belongs to one capability; keep new functions in the block they serve.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.db.models import Count, ForeignObjectRel, Max, QuerySet

from accounts.models import User
from calcuingo.exceptions import ApplicationError

from . import grading
from .grading import coderunner
from .models import Exercise, Hint, Lesson, Status, TestCase, Track, Unit

# --- Authoring ---------------------------------------------------------------------------------
# Used by the admin and the import: everything an author writes across rows or models.

MAX_GENERATED_FACTS = 1000
FACT_LATEX = {"+": "+", "−": "-", "×": r"\times", "÷": r"\div"}


class _Ordered(Protocol):
    pk: Any
    order: int

    def save(self, *args: Any, **kwargs: Any) -> None: ...


@transaction.atomic
def ordered_children_save(
    *,
    model: type[models.Model],
    parent_field: str,
    instances: Sequence[_Ordered],
    deleted: Iterable[models.Model] = (),
) -> None:
    """Save siblings whose `order` numbers may have been swapped or shifted.

    The unique (parent, order) constraints are checked row by row, so saving "A: 1 → 2" while B
    still holds 2 would fail even though B is about to move to 1. Rows whose number changes are
    first parked above every number in use, then saved with their final numbers; all in one
    transaction, so a failure leaves the old numbers in place. Deleted rows go first and free
    their numbers.
    """
    for gone in deleted:
        gone.delete()
    existing = [obj for obj in instances if obj.pk is not None]
    saved_order = dict(
        model._default_manager.filter(pk__in=[obj.pk for obj in existing]).values_list(
            "pk", "order"
        )
    )
    moved = [obj for obj in existing if saved_order.get(obj.pk) != obj.order]
    if moved:
        parents = {getattr(obj, f"{parent_field}_id") for obj in moved}
        top = model._default_manager.filter(**{f"{parent_field}_id__in": parents}).aggregate(
            top=Max("order")
        )["top"]
        highest = max([top or 0, *(obj.order for obj in instances)])
        for offset, obj in enumerate(moved, start=1):
            model._default_manager.filter(pk=obj.pk).update(order=highest + offset)
    for obj in instances:
        obj.save()


def content_status_set(*, queryset: QuerySet[Any], status: str, by: User | None = None) -> int:
    """Publish, unpublish or archive content in bulk, leaving an admin log entry per changed row.

    Archiving hides content from learners everywhere (path, sessions, API: they read only what
    is published) and keeps every attempt and statistic; publishing brings it back. Code
    exercises are published only when their reference solution passes every test in the
    sandbox (run before the transaction opens); otherwise nothing changes and ApplicationError
    says which exercise fails and why.
    """
    if status not in Status.values:
        raise ApplicationError(f"Unknown status '{status}'.", field="status")
    if queryset.model is Exercise and status == Status.PUBLISHED:
        code = queryset.exclude(status=status).filter(kind=Exercise.Kind.CODE)
        for exercise in code.prefetch_related("test_cases"):
            check = code_exercise_check(exercise=exercise)
            if not check.publishable:
                raise ApplicationError(
                    f"Exercise {exercise.order} of “{exercise.lesson}” cannot be published: "
                    f"{check.message}",
                    field="status",
                )
    return _content_status_write(queryset=queryset, status=status, by=by)


@transaction.atomic
def _content_status_write(*, queryset: QuerySet[Any], status: str, by: User | None) -> int:
    changed = list(queryset.exclude(status=status))
    if not changed:
        return 0
    queryset.model._default_manager.filter(pk__in=[obj.pk for obj in changed]).update(status=status)
    if by is not None:
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=changed,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Status"]}}],
            single_object=False,
        )
    return len(changed)


@transaction.atomic
def exercise_hints_replace(*, exercise: Exercise, hints: Sequence[tuple[str, int]]) -> list[Hint]:
    """Replace an exercise's hints by `hints` (text, unlock_after_attempts), numbered from 1."""
    exercise.hints.all().delete()
    return Hint.objects.bulk_create(
        Hint(exercise=exercise, order=number, text=text, unlock_after_attempts=unlock)
        for number, (text, unlock) in enumerate(hints, start=1)
    )


@transaction.atomic
def facts_generate(
    *,
    lesson: Lesson,
    operation: str,
    operand1_range: tuple[int, int],
    operand2_range: tuple[int, int],
    status: str = Status.DRAFT,
    allow_negative_results: bool = False,
    created_by: User | None = None,
) -> int:
    """Add a fact exercise per operand pair after the lesson's exercises; return how many.

    Ranges are inclusive. For ÷ the pairs are exact quotients (see `grading.fact_variants`).
    Facts the lesson already has (same operands and operation) are skipped, so running it again
    adds nothing. The lesson row is locked so that two authors cannot take the same numbers.
    """
    symbol = grading.canonical_operation(operation)
    if symbol is None:
        raise ApplicationError(
            f"Unknown operation '{operation}': use one of + − × ÷.", field="operation"
        )
    if status not in Status.values:
        raise ApplicationError(f"Unknown status '{status}'.", field="status")
    for name, (low, high) in (
        ("operand1_range", operand1_range),
        ("operand2_range", operand2_range),
    ):
        if low > high:
            raise ApplicationError(f"The range starts after it ends ({low} > {high}).", field=name)
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    siblings = Exercise.objects.filter(lesson=locked)
    existing = set(
        siblings.filter(kind=Exercise.Kind.FACT, operation=symbol, operation2="").values_list(
            "operand1", "operand2"
        )
    )
    pairs: list[tuple[int, int]] = []
    variants = grading.fact_variants(
        symbol, operand1_range, operand2_range, allow_negative_results=allow_negative_results
    )
    for pair in variants:  # lazily: wide ranges are refused before they fill the memory
        if pair in existing:
            continue
        pairs.append(pair)
        if len(pairs) > MAX_GENERATED_FACTS:
            raise ApplicationError(
                f"That would create more than {MAX_GENERATED_FACTS} exercises at a time; "
                "choose smaller ranges.",
                field="operand1_range",
            )
    start = (siblings.aggregate(top=Max("order"))["top"] or 0) + 1
    Exercise.objects.bulk_create(
        Exercise(
            lesson=locked,
            order=start + index,
            kind=Exercise.Kind.FACT,
            status=status,
            prompt=f"${first} {FACT_LATEX[symbol]} {second} = ?$",
            operand1=first,
            operation=symbol,
            operand2=second,
            created_by=created_by,
        )
        for index, (first, second) in enumerate(pairs)
    )
    return len(pairs)


# --- Code exercises ---------------------------------------------------------------------------
# The reference solution proves that the tests can be passed: a code exercise whose reference
# fails a test, or that cannot be checked because the sandbox is missing, is never published.


@dataclass(frozen=True)
class ReferenceCheck:
    """What running a code exercise's reference solution against its tests found."""

    publishable: bool
    message: str  # for the author, in words
    result: coderunner.RunResult | None = None  # None: nothing ran (no tests, no sandbox)
    runner_missing: bool = False


def code_exercise_check(
    *, exercise: Exercise, tests: Sequence[coderunner.TestCase] | None = None
) -> ReferenceCheck:
    """Run the exercise's reference solution against `tests` (by default its saved tests).

    Always in the sandbox, with the exercise's limits and every hidden test revealed (this is
    for its author). Never raises for a broken exercise: what is wrong is in `message`. When
    the sandbox is missing nothing runs: the exercise is not publishable, and `message` says how
    to install the runner.
    """
    spec = exercise.code_spec() if tests is None else None
    tests = tuple(spec.tests if spec is not None else tests or ())
    if not tests:
        return ReferenceCheck(False, "A code exercise needs at least one test.")
    if not exercise.reference_solution.strip():
        return ReferenceCheck(False, "Write the reference solution first.")
    try:
        result = _run_reference(exercise, tests)
    except coderunner.RunnerUnavailable as exc:
        return ReferenceCheck(False, f"{str(exc).rstrip('.')}.", runner_missing=True)
    except (ValueError, TypeError) as exc:
        return ReferenceCheck(False, f"The tests cannot be run: {exc}")
    if result.status == "passed":
        return ReferenceCheck(
            True, f"The reference solution passes all {len(tests)} tests.", result=result
        )
    failed = [test for test in result.tests if not test.passed]
    details = "; ".join(_failure(test) for test in failed[:3])
    more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
    summary = f"The reference solution fails {len(failed)} of {len(tests)} tests: {details}{more}"
    if result.error and not failed:
        summary = f"The reference solution fails: {result.error}"
    return ReferenceCheck(False, summary, result=result)


def _run_reference(
    exercise: Exercise, tests: Sequence[coderunner.TestCase]
) -> coderunner.RunResult:
    """Run it; a sandbox that could not start (still busy with the last run) is tried again."""
    for attempt in range(3):
        try:
            return coderunner.run_tests(
                exercise.reference_solution,
                tests,
                entry=exercise.entry_point.strip() or None,
                limits=exercise.code_limits(),
                reveal_hidden=True,
            )
        except coderunner.RunnerUnavailable:
            if attempt == 2 or not coderunner.sandbox_available():
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def _failure(test: coderunner.TestResult) -> str:
    what = test.error or (
        f"returned {test.output}, expected {test.expected}" if test.output is not None else ""
    )
    return f"{test.name} ({test.verdict}{': ' + what if what else ''})"


@transaction.atomic
def exercise_tests_replace(
    *, exercise: Exercise, tests: Sequence[dict[str, Any]]
) -> list[TestCase]:
    """Replace a code exercise's tests by `tests` (TestCase field values), numbered from 1.

    Each test is validated like the admin's (`full_clean`); a ValidationError leaves the old
    tests in place.
    """
    exercise.test_cases.all().delete()
    created = []
    for number, values in enumerate(tests, start=1):
        test = TestCase(exercise=exercise, order=number, **values)
        test.full_clean()
        test.save()
        created.append(test)
    return created


# --- History ---------------------------------------------------------------------------------
# Content that learners have answered is never deleted: the foreign keys of their attempts,
# progress, XP and earned achievements PROTECT it. Authors archive it instead.

# For each content model: the content below it, and the lookup from that content up to it.
_DESCENDANTS: dict[type[models.Model], tuple[tuple[type[models.Model], str], ...]] = {
    Track: (
        (Track, ""),
        (Unit, "track"),
        (Lesson, "unit__track"),
        (Exercise, "lesson__unit__track"),
    ),
    Unit: ((Unit, ""), (Lesson, "unit"), (Exercise, "lesson__unit")),
    Lesson: ((Lesson, ""), (Exercise, "lesson")),
    Exercise: ((Exercise, ""),),
    TestCase: ((TestCase, ""),),
}
_CONTENT_MODELS = {Track, Unit, Lesson, Exercise, Hint}
_DEPTH = 3


@dataclass
class History:
    """What learners did with one piece of content: rows that forbid deleting it, by kind."""

    counts: dict[type[models.Model], int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.counts)

    def __str__(self) -> str:
        return ", ".join(f"{count} {_label(kind, count)}" for kind, count in self.counts.items())


def _label(model: type[models.Model], count: int) -> str:
    if count == 1:
        return str(model._meta.verbose_name)
    # Django pluralises "exercise progress" as "exercise progresss".
    plural = str(model._meta.verbose_name_plural)
    return plural[:-1] if plural.endswith("sss") else plural


def _protected_counts(
    model: type[models.Model], lookup: str, pks: list[Any], depth: int
) -> Iterable[tuple[type[models.Model], Any, int]]:
    """(kind, root pk, rows) of every row outside the curriculum that PROTECTs `model` rows.

    `lookup` leads from `model` to the root content being deleted; rows deleted along with it
    (CASCADE) are followed, as Django's collector does, in case they are protected in turn.
    """
    for relation in model._meta.get_fields(include_hidden=True):  # hidden: related_name="+"
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        related = relation.related_model
        if not (isinstance(related, type) and issubclass(related, models.Model)):
            continue
        if related in _CONTENT_MODELS:
            continue
        on_delete = relation.on_delete
        path = f"{relation.field.name}__{lookup}" if lookup else relation.field.name
        if on_delete is models.PROTECT:
            rows = (
                related._default_manager.filter(**{f"{path}__in": pks})
                .order_by()
                .values(path)
                .annotate(rows=Count("pk"))
                .values_list(path, "rows")
            )
            for root, count in rows:
                yield related, root, count
        elif on_delete is models.CASCADE and depth > 1:
            yield from _protected_counts(related, path, pks, depth - 1)


def content_history(*, objects: Sequence[models.Model]) -> dict[Any, History]:
    """The learners' history that keeps each of these tracks, units, lessons or exercises.

    An object with history cannot be deleted (its protecting foreign keys would refuse); one
    without can. A few grouped queries per kind of protecting row, whatever the number of
    objects or rows: the admin asks this before it deletes rather than loading every attempt.
    """
    if not objects:
        return {}
    model = type(objects[0])
    pks = [obj.pk for obj in objects]
    found: dict[Any, dict[type[models.Model], int]] = defaultdict(dict)
    for descendant, lookup in _DESCENDANTS[model]:
        for kind, root, count in _protected_counts(descendant, lookup, pks, _DEPTH):
            found[root][kind] = found[root].get(kind, 0) + count
    return {pk: History(found[pk]) for pk in pks if pk in found}

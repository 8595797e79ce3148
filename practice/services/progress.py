"""Lesson, unit and track progress, and what completing them unlocks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from fsrs import Rating

from accounts.models import User
from calcuingo.db import counters_add
from curriculum.models import Exercise, Lesson, Status, Track, Unit
from curriculum.selectors import published_exercises
from gamification import services as gamification
from gamification.models import Achievement, XPEvent

from .. import selectors
from ..models import (
    Attempt,
    ExerciseProgress,
    LessonProgress,
    TrackProgress,
    UnitProgress,
)
from ..scheduling import review

if TYPE_CHECKING:
    from ..models import PracticeSession


def unit_check_completion(*, user: User, unit: Unit) -> bool:
    """Mark the unit complete once its mastery and accuracy reach the unit's thresholds.

    Returns True when this call completed it. Mastery is the average over the unit's published
    exercises (unseen ones count as 0), from the running `mastery_sum`.
    """
    progress = UnitProgress.objects.filter(user=user, unit=unit, completed_at__isnull=True).first()
    if progress is None or not progress.attempts:
        return False
    total = selectors.published_exercise_count(unit=unit)
    if not _unit_reached(
        attempts=progress.attempts,
        correct=progress.correct,
        mastery_sum=progress.mastery_sum,
        total=total,
        mastery_required=unit.mastery_required,
        min_accuracy=unit.min_accuracy,
    ):
        return False
    return _unit_complete(user=user, progress_id=progress.pk, track=unit.track)


def _unit_reached(
    *,
    attempts: int,
    correct: int,
    mastery_sum: float,
    total: int,
    mastery_required: Any,
    min_accuracy: int,
) -> bool:
    if not attempts or not total:
        return False
    mastery = mastery_sum / total
    accuracy = 100 * correct / attempts
    return not (mastery + 1e-9 < float(mastery_required) or accuracy < min_accuracy)


def _unit_complete(*, user: User, progress_id: int, track: Track) -> bool:
    completed = UnitProgress.objects.filter(pk=progress_id, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    if completed:
        TrackProgress.objects.filter(user=user, track=track).update(
            units_completed=F("units_completed") + 1
        )
        track_check_completion(user=user, track=track)
    return bool(completed)


def unit_answer_add(*, user: User, unit_id: int, correct: bool, mastery_delta: float) -> bool:
    """Add an answer to her unit counters; a right one may complete the unit (True if so).

    One statement in the usual case: an UPDATE with `F()`-style increments that returns the
    new counters with the unit's thresholds and its number of published exercises, so that
    the completion check costs no query of its own. Raw SQL only because the ORM's update()
    returns no values.
    """
    row = _unit_increment(user=user, unit_id=unit_id, correct=correct, mastery_delta=mastery_delta)
    if row is None:
        # Her first answer in the unit.
        counters_add(
            UnitProgress,
            lookup={"user": user, "unit_id": unit_id},
            attempts=1,
            correct=int(correct),
            mastery_sum=mastery_delta,
        )
        if not correct:
            return False
        return unit_check_completion(
            user=user, unit=Unit.objects.select_related("track").get(pk=unit_id)
        )
    pk, attempts, right, mastery_sum, completed_at, required, min_accuracy, total = row
    if not correct or completed_at is not None:
        return False
    reached = _unit_reached(
        attempts=int(attempts),
        correct=int(right),
        mastery_sum=float(mastery_sum),
        total=int(total),
        mastery_required=required,
        min_accuracy=int(min_accuracy),
    )
    if not reached:
        return False
    return _unit_complete(user=user, progress_id=pk, track=Unit.objects.get(pk=unit_id).track)


def _unit_increment(
    *, user: User, unit_id: int, correct: bool, mastery_delta: float
) -> tuple[Any, ...] | None:
    quote = connection.ops.quote_name
    table = quote(UnitProgress._meta.db_table)

    def column(model: Any, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    def subquery(queryset: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = queryset.query.sql_with_params()
        return f"({sql})", tuple(params)

    published, published_params = subquery(
        Exercise.objects.filter(
            lesson__unit_id=unit_id, status=Status.PUBLISHED, lesson__status=Status.PUBLISHED
        ).values("pk")
    )
    required, required_params = subquery(Unit.objects.filter(pk=unit_id).values("mastery_required"))
    accuracy, accuracy_params = subquery(Unit.objects.filter(pk=unit_id).values("min_accuracy"))
    attempts, right, mastery = (
        column(UnitProgress, name) for name in ("attempts", "correct", "mastery_sum")
    )
    # Identifiers come from the models' metadata, values are parameters: nothing is injected.
    sql = (
        f"UPDATE {table} SET {attempts} = {attempts} + 1, {right} = {right} + %s, "  # noqa: S608
        f"{mastery} = {mastery} + %s "
        f"WHERE {column(UnitProgress, 'user')} = %s AND {column(UnitProgress, 'unit')} = %s "
        f"RETURNING {column(UnitProgress, 'id')}, {attempts}, {right}, {mastery}, "
        f"{column(UnitProgress, 'completed_at')}, {required}, {accuracy}, "
        f"(SELECT COUNT(*) FROM {published} AS published)"
    )
    params = (
        int(correct),
        float(mastery_delta),
        user.pk,
        unit_id,
        *required_params,
        *accuracy_params,
        *published_params,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def track_check_completion(*, user: User, track: Track) -> bool:
    published_units = Unit.objects.filter(track=track, status=Status.PUBLISHED).count()
    done = UnitProgress.objects.filter(
        user=user, unit__track=track, unit__status=Status.PUBLISHED, completed_at__isnull=False
    ).count()
    if not published_units or done < published_units:
        return False
    return bool(
        TrackProgress.objects.filter(user=user, track=track, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
    )


def unlocks_record(*, user: User, after: Lesson) -> list[Lesson]:
    """Record what is open now that `after` is complete: the next lesson and next tracks."""
    now = timezone.now()
    opened: list[Lesson] = []
    following = selectors.next_lesson_in_path(lesson=after)
    if following is not None and selectors.lesson_is_unlocked(user=user, lesson=following):
        progress, created = LessonProgress.objects.get_or_create(
            user=user, lesson=following, defaults={"unlocked_at": now}
        )
        if created or progress.unlocked_at is None:
            LessonProgress.objects.filter(pk=progress.pk).update(unlocked_at=now)
            opened.append(following)
    for track in Track.objects.filter(prerequisites=after.unit.track_id, status=Status.PUBLISHED):
        if selectors.track_is_unlocked(user=user, track=track):
            TrackProgress.objects.update_or_create(
                user=user, track=track, defaults={"unlocked_at": now}
            )
            first = selectors.first_lesson(track=track)
            if first is not None:
                opened.append(first)
    return opened


def lesson_complete(
    *, session: PracticeSession, unit_checked: bool = False
) -> tuple[bool, list[Lesson]]:
    """The lesson session ran to its end: record it, count its XP, open what follows.

    Returns whether this was the first completion, and the lessons it opened. The caller holds
    her standing locked (nobody else writes her lesson rows meanwhile) and saves the session
    (its `xp_earned` grows here). `unit_checked`: the answer that ended it has just checked
    whether the unit is complete (a lesson's end changes neither its mastery nor accuracy).
    """
    assert session.lesson is not None
    lesson, user = session.lesson, session.user
    now = timezone.now()
    accuracy = session.accuracy or 0.0
    progress = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    first_time = progress is None or progress.completed_at is None
    if progress is None:
        LessonProgress.objects.create(
            user=user,
            lesson=lesson,
            unlocked_at=now,
            completed_at=now,
            times_completed=1,
            best_accuracy=accuracy,
        )
    else:
        LessonProgress.objects.filter(pk=progress.pk).update(
            completed_at=progress.completed_at or now,
            times_completed=F("times_completed") + 1,
            best_accuracy=max(progress.best_accuracy or 0.0, accuracy),
        )
    xp = lesson.xp_reward if first_time else 0
    counters_add(
        TrackProgress,
        lookup={"user": user, "track_id": lesson.unit.track_id},
        xp=xp,
        lessons_completed=1 if first_time else 0,
    )
    session.xp_earned += xp
    if not unit_checked:
        unit_check_completion(user=user, unit=lesson.unit)
    return first_time, unlocks_record(user=user, after=lesson)


# A placement pays a fixed, small XP once per track and once per unit tested out of (its
# lessons pay nothing: no farming by placing again and again).
PLACEMENT_XP = 20
TEST_OUT_XP = 10
# Cards of exercises shown known by a placement are first reviewed this many days out, spread
# over a week so that a placed track does not fall due all on one day.
SEEDED_SPREAD_DAYS = 7


@dataclass
class Placement:
    """What a placement quiz or a unit test-out changed."""

    units: list[Unit] = field(default_factory=list)
    unlocked: list[Lesson] = field(default_factory=list)
    track_opened: bool = False
    cards_seeded: int = 0
    xp: int = 0
    reward: gamification.Outcome = field(default_factory=gamification.Outcome)


def placement_passed(answers: list[bool]) -> bool:
    """A unit is placed when at least two of its questions were asked and all answered right."""
    return len(answers) >= 2 and all(answers)


def placement_apply(*, session: PracticeSession, purse: gamification.Purse) -> Placement:
    """A placement quiz or a unit test-out: every unit answered without a mistake is placed.

    A placed unit counts like completing it by practice: its lessons and the unit are complete,
    the track's unit and lesson counters move and the track may complete. What was already
    complete keeps its date and is not counted twice. Then the track is open to her (even if
    its prerequisites are not done: placing into it is the way past its lock), the lessons that
    follow are unlocked, the exercises shown known get FSRS cards due for review later, and the
    placement pays `PLACEMENT_XP` (a unit test-out `TEST_OUT_XP`) once.
    """
    results: dict[int, list[bool]] = defaultdict(list)
    for unit_id, correct in Attempt.objects.filter(session=session).values_list(
        "exercise__lesson__unit_id", "is_correct"
    ):
        results[unit_id].append(correct)
    outcome = Placement()
    last_lessons: list[Lesson] = []
    units_done = lessons_done = 0
    now = timezone.now()
    user = session.user
    passed = [pk for pk, answers in results.items() if placement_passed(answers)]
    if not passed:
        return outcome
    units = list(Unit.objects.filter(pk__in=passed).select_related("track").order_by("order"))
    lessons_by_unit: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in Lesson.objects.filter(unit__in=units, status=Status.PUBLISHED).order_by("order"):
        lessons_by_unit[lesson.unit_id].append(lesson)
    for unit in units:
        unit_row, _ = UnitProgress.objects.get_or_create(
            user=user, unit=unit, defaults={"unlocked_at": now}
        )
        units_done += UnitProgress.objects.filter(pk=unit_row.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        lessons = lessons_by_unit[unit.pk]
        for lesson in lessons:
            lesson_row, _ = LessonProgress.objects.get_or_create(
                user=user, lesson=lesson, defaults={"unlocked_at": now}
            )
            lessons_done += LessonProgress.objects.filter(
                pk=lesson_row.pk, completed_at__isnull=True
            ).update(completed_at=now)
        outcome.units.append(unit)
        last_lessons += lessons[-1:]
    track = units[0].track
    track_row, _ = TrackProgress.objects.get_or_create(user=user, track=track)
    outcome.track_opened = track_row.unlocked_at is None
    by_unit = session.config.get("scope") == "unit" and session.unit_id is not None
    amount = TEST_OUT_XP if by_unit else PLACEMENT_XP
    reason = XPEvent.Reason.LESSON_COMPLETE
    source_type = "test_out" if by_unit else "placement"
    source_id = int(session.unit_id if by_unit else track.pk)  # type: ignore[arg-type]
    paid = XPEvent.objects.filter(
        user=user, reason=reason, source_type=source_type, source_id=source_id
    ).exists()
    if not paid:
        # Paid with the rest of the event (`purse_settle`), once per track or unit.
        outcome.xp = purse.grant(
            amount=amount,
            reason=reason,
            source_type=source_type,
            source_id=source_id,
            track_id=track.pk,
            at=now,
        )
    outcome.reward = gamification.Outcome(xp=outcome.xp)
    TrackProgress.objects.filter(pk=track_row.pk).update(
        units_completed=F("units_completed") + units_done,
        lessons_completed=F("lessons_completed") + lessons_done,
        xp=F("xp") + outcome.xp,
        unlocked_at=Coalesce(F("unlocked_at"), Value(now)),
    )
    if outcome.xp:
        type(session).objects.filter(pk=session.pk).update(xp_earned=F("xp_earned") + outcome.xp)
        session.xp_earned += outcome.xp
    if track_check_completion(user=user, track=track):
        purse.criteria.add(Achievement.Criteria.TRACK_COMPLETED)
        purse.track_id = track.pk
    outcome.cards_seeded = cards_seed(user=user, units=units, at=now)
    for lesson in last_lessons:
        for opened in unlocks_record(user=user, after=lesson):
            if opened not in outcome.unlocked:
                outcome.unlocked.append(opened)
    return outcome


def cards_seed(*, user: User, units: list[Unit], at: datetime) -> int:
    """FSRS cards for the units' exercises she has none for, as if recalled easily now.

    Their first review falls `Easy`'s interval out, spread over `SEEDED_SPREAD_DAYS` days; they
    count no attempt (she did not answer them), so mastery stays what practice shows.
    """
    known = ExerciseProgress.objects.filter(user=user, exercise__lesson__unit__in=units)
    missing = list(
        published_exercises(Exercise.objects.filter(lesson__unit__in=units))
        .exclude(pk__in=known.values("exercise_id"))
        .order_by("lesson__unit__order", "lesson__order", "order")
        .values_list("pk", flat=True)
    )
    rows = []
    for n, exercise_id in enumerate(missing):
        card, due = review({}, rating=Rating.Easy, at=at, card_id=exercise_id)
        due += timedelta(days=n % SEEDED_SPREAD_DAYS)
        card["due"] = due.isoformat()
        rows.append(ExerciseProgress(user=user, exercise_id=exercise_id, card=card, due_at=due))
    ExerciseProgress.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)

"""Reads on practice: sessions, progress, what is unlocked, what to practise next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from calcuingo.exceptions import ApplicationError
from curriculum.models import Exercise, Lesson, Status, Track, Unit
from curriculum.selectors import published_exercises

from .models import ExerciseProgress, LessonProgress, PracticeSession, TrackProgress, UnitProgress

PUBLISHED = Status.PUBLISHED


def session_for_user(*, user: User, session_id: int, for_update: bool = False) -> PracticeSession:
    """The learner's own session; 404 for anyone else's."""
    sessions = PracticeSession.objects.filter(user=user)
    if for_update:
        sessions = sessions.select_for_update()
    return get_object_or_404(sessions, pk=session_id)


def published_exercise_count(*, unit: Unit) -> int:
    return Exercise.objects.filter(
        lesson__unit=unit, status=PUBLISHED, lesson__status=PUBLISHED
    ).count()


def total_xp(*, user: User) -> int:
    """XP earned so far, from the learner's standing (the sum of her XP ledger)."""
    from gamification.models import Standing

    return Standing.objects.filter(user=user).values_list("xp", flat=True).first() or 0


def _path(track_id: int) -> QuerySet[Lesson]:
    return Lesson.objects.filter(
        unit__track_id=track_id, status=PUBLISHED, unit__status=PUBLISHED
    ).order_by("unit__order", "order")


def first_lesson(*, track: Track) -> Lesson | None:
    return _path(track.pk).first()


def next_lesson_in_path(*, lesson: Lesson) -> Lesson | None:
    unit_order = lesson.unit.order
    return (
        _path(lesson.unit.track_id)
        .filter(Q(unit__order__gt=unit_order) | Q(unit__order=unit_order, order__gt=lesson.order))
        .select_related("unit__track")
        .first()
    )


def _previous_lesson(lesson: Lesson) -> Lesson | None:
    unit_order = lesson.unit.order
    return (
        _path(lesson.unit.track_id)
        .filter(Q(unit__order__lt=unit_order) | Q(unit__order=unit_order, order__lt=lesson.order))
        .order_by("-unit__order", "-order")
        .first()
    )


def previews_everything(user: User) -> bool:
    """Staff and authors open any track and lesson, locked or not, to see what learners see."""
    return bool(user.is_staff or user.role in (User.Role.STAFF, User.Role.AUTHOR))


def track_is_unlocked(*, user: User, track: Track) -> bool:
    """Its prerequisite tracks are complete and the learner has the XP it asks for, or it was
    opened to her before: a placement quiz or a unit test-out passed on it, or these rules met
    once (`TrackProgress.unlocked_at`). Staff and authors preview every track.

    The opened mark is read in the prerequisites' query, or (no prerequisites, XP short) in one
    more: an open track costs the queries it always did.
    """
    if previews_everything(user):
        return True
    prerequisites = list(track.prerequisites.values_list("pk", flat=True))
    opened: bool | None = None
    if prerequisites:
        rows = set(
            TrackProgress.objects.filter(user=user)
            .filter(
                Q(track_id__in=prerequisites, completed_at__isnull=False)
                | Q(track=track, unlocked_at__isnull=False)
            )
            .values_list("track_id", flat=True)
        )
        opened = track.pk in rows
        if len(rows - {track.pk}) < len(prerequisites):
            return opened
    if track.xp_to_unlock <= 0 or total_xp(user=user) >= track.xp_to_unlock:
        return True
    if opened is None:
        opened = TrackProgress.objects.filter(
            user=user, track=track, unlocked_at__isnull=False
        ).exists()
    return opened


def lesson_is_unlocked(*, user: User, lesson: Lesson) -> bool:
    """Open when its track is, the lesson before it on the path is complete, and its own
    prerequisite lessons are complete (a placement quiz may have completed them). Staff and
    authors preview every lesson."""
    if previews_everything(user):
        return True
    if LessonProgress.objects.filter(user=user, lesson=lesson, completed_at__isnull=False).exists():
        return True
    if not track_is_unlocked(user=user, track=lesson.unit.track):
        return False
    required = set(lesson.prerequisites.values_list("pk", flat=True))
    previous = _previous_lesson(lesson)
    if previous is not None:
        required.add(previous.pk)
    if not required:
        return True
    done = LessonProgress.objects.filter(
        user=user, lesson_id__in=required, completed_at__isnull=False
    ).count()
    return done == len(required)


def lesson_assert_unlocked(*, user: User, lesson: Lesson) -> None:
    if not lesson_is_unlocked(user=user, lesson=lesson):
        raise ApplicationError(
            "This lesson is still locked: finish the lesson before it first.",
            status=403,
            code="locked",
        )


@dataclass(frozen=True)
class Need:
    """Exercise ids by what the learner needs: due now, seen (weakest first), never seen."""

    due: list[int]
    weak: list[int]
    unseen: list[int]

    @property
    def ordered(self) -> list[int]:
        return [*self.due, *self.weak, *self.unseen]


def exercises_by_need(*, user: User, exercises: QuerySet[Exercise]) -> Need:
    """One query: each exercise with this learner's progress on it, sorted by need."""
    now = timezone.now()
    rows = exercises.annotate(
        mine=FilteredRelation("progress", condition=Q(progress__user=user))
    ).values_list("pk", "mine__due_at", "mine__mastery", "mine__attempts")
    due, weak, unseen = [], [], []
    for pk, due_at, mastery, attempts in rows:
        if not attempts:
            unseen.append(pk)
        elif due_at is not None and due_at <= now:
            due.append((due_at, pk))
        else:
            weak.append((mastery, pk))
    return Need(
        due=[pk for _, pk in sorted(due)],
        weak=[pk for _, pk in sorted(weak)],
        unseen=sorted(unseen),
    )


def review_due_count(*, user: User) -> int:
    """How many exercises a review would ask now: the review plan's rule, in one query.

    Published all the way up (a draft unit's exercises are not reviewed, so not counted), and
    nothing is due for a learner who turned spaced repetition off.
    """
    return (
        ExerciseProgress.objects.filter(
            user=user,
            due_at__lte=timezone.now(),
            exercise__in=published_exercises(),
        )
        .exclude(user__profile__spaced_repetition=False)
        .count()
    )


def mastery_grid(*, user: User, track: Track, operation: str) -> list[dict[str, Any]]:
    """Every fact of the track with this operation and the learner's progress on it: one query."""
    rows = (
        Exercise.objects.filter(
            lesson__unit__track=track,
            kind="fact",
            operation=operation,
            status=PUBLISHED,
            operation2="",
        )
        .annotate(mine=FilteredRelation("progress", condition=Q(progress__user=user)))
        .order_by("operand1", "operand2", "pk")
        .values(
            "pk",
            "operand1",
            "operand2",
            my_mastery=F("mine__mastery"),
            my_fluency_level=F("mine__fluency_level"),
            my_attempts=F("mine__attempts"),
            my_correct=F("mine__correct"),
            my_last_response_ms=F("mine__last_response_ms"),
        )
    )
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        # Two exercises of one fact (say, in two lessons) share a cell: keep the most practised.
        key = (row["operand1"], row["operand2"])
        attempts = row["my_attempts"] or 0
        if key in cells and cells[key]["attempts"] >= attempts:
            continue
        cells[key] = {
            "exercise": row["pk"],
            "operand1": row["operand1"],
            "operand2": row["operand2"],
            "mastery": row["my_mastery"] or 0.0,
            "fluency_level": row["my_fluency_level"] or "not_started",
            "attempts": attempts,
            "accuracy": (row["my_correct"] or 0) / attempts if attempts else None,
            "last_response_ms": row["my_last_response_ms"],
        }
    return list(cells.values())


def track_overview(*, user: User, track: Track) -> dict[str, Any]:
    """The learner's whole state on a track — units, lessons, what is open — in a few queries."""
    lessons = list(
        _path(track.pk)
        .select_related("unit")
        .prefetch_related(Prefetch("prerequisites", queryset=Lesson.objects.only("id")))
    )
    lesson_rows = {
        row.lesson_id: row
        for row in LessonProgress.objects.filter(user=user, lesson__in=[x.pk for x in lessons])
    }
    unit_rows = {
        row.unit_id: row for row in UnitProgress.objects.filter(user=user, unit__track=track)
    }
    totals = dict(
        Exercise.objects.filter(
            lesson__unit__track=track, status=PUBLISHED, lesson__status=PUBLISHED
        )
        .values_list("lesson__unit_id")
        .annotate(n=Count("pk"))
        .values_list("lesson__unit_id", "n")
    )
    progress = TrackProgress.objects.filter(user=user, track=track).first()
    open_track = track_is_unlocked(user=user, track=track)
    completed = {pk for pk, row in lesson_rows.items() if row.completed_at is not None}
    units: dict[int, dict[str, Any]] = {}
    previous: Lesson | None = None
    for lesson in lessons:
        required = {p.pk for p in lesson.prerequisites.all()}
        if previous is not None:
            required.add(previous.pk)
        unlocked = lesson.pk in completed or (open_track and required <= completed)
        row = lesson_rows.get(lesson.pk)
        unit = lesson.unit
        if unit.pk not in units:
            unit_row = unit_rows.get(unit.pk)
            total = totals.get(unit.pk, 0)
            units[unit.pk] = {
                "id": unit.pk,
                "title": unit.title,
                "order": unit.order,
                "mastery": (unit_row.mastery_sum / total) if unit_row and total else 0.0,
                "accuracy": unit_row.accuracy if unit_row else None,
                "completed": bool(unit_row and unit_row.completed_at),
                "lessons": [],
            }
        units[unit.pk]["lessons"].append(
            {
                "id": lesson.pk,
                "title": lesson.title,
                "order": lesson.order,
                "unlocked": unlocked,
                "completed": lesson.pk in completed,
                "best_accuracy": row.best_accuracy if row else None,
            }
        )
        previous = lesson
    return {
        "track": track.pk,
        "title": track.title,
        "unlocked": open_track,
        "completed": bool(progress and progress.completed_at),
        "attempts": progress.attempts if progress else 0,
        "accuracy": (progress.correct / progress.attempts)
        if progress and progress.attempts
        else None,
        "xp": progress.xp if progress else 0,
        "lessons_completed": progress.lessons_completed if progress else 0,
        "units_completed": progress.units_completed if progress else 0,
        "units": list(units.values()),
    }


def track_progress_list(*, user: User, tracks: QuerySet[Track]) -> list[dict[str, Any]]:
    """A line per visible track (no unit detail): one query for the learner's rows."""
    rows = {row.track_id: row for row in TrackProgress.objects.filter(user=user)}
    xp = total_xp(user=user)
    done = {pk for pk, row in rows.items() if row.completed_at is not None}
    result = []
    # Reset, then prefetch: the caller's queryset may already prefetch "prerequisites" (as
    # `tracks_visible_to` does) and a second, different Prefetch of it raises ValueError.
    for track in tracks.prefetch_related(None).prefetch_related(
        Prefetch("prerequisites", queryset=Track.objects.only("id"))
    ):
        row = rows.get(track.pk)
        prerequisites = {p.pk for p in track.prerequisites.all()}
        result.append(
            {
                "track": track.pk,
                "title": track.title,
                "unlocked": prerequisites <= done and xp >= track.xp_to_unlock,
                "completed": track.pk in done,
                "attempts": row.attempts if row else 0,
                "accuracy": (row.correct / row.attempts) if row and row.attempts else None,
                "xp": row.xp if row else 0,
                "lessons_completed": row.lessons_completed if row else 0,
                "units_completed": row.units_completed if row else 0,
            }
        )
    return result

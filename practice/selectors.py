"""Reads on practice: sessions, progress, what is unlocked, what to practise next."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from calcuingo.exceptions import ApplicationError
from curriculum.models import Exercise, Lesson, Status, Track, Unit
from curriculum.selectors import published_exercises

from .models import ExerciseProgress, LessonProgress, PracticeSession, TrackProgress, UnitProgress

PUBLISHED = Status.PUBLISHED


def track_lessons_completed(user_id: int, track_ids: Collection[int]) -> dict[int, int]:
    """Lessons completed per track (gamification's track achievements ask through its providers)."""
    return dict(
        TrackProgress.objects.filter(user_id=user_id, track_id__in=track_ids).values_list(
            "track_id", "lessons_completed"
        )
    )


def session_for_user(*, user: User, session_id: int, for_update: bool = False) -> PracticeSession:
    """The learner's own session; 404 for anyone else's."""
    sessions = PracticeSession.objects.filter(user=user)
    if for_update:
        sessions = sessions.select_for_update()
    return get_object_or_404(sessions, pk=session_id)


def sessions_of(*, user: User) -> QuerySet[PracticeSession]:
    """Her sessions, newest first (ties by id, so that pages never overlap)."""
    return PracticeSession.objects.filter(user=user).order_by("-started_at", "-pk")


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


def _published_mastery_rows(user_ids: Collection[int]) -> QuerySet[ExerciseProgress]:
    return ExerciseProgress.objects.filter(user_id__in=user_ids, exercise__in=published_exercises())


@dataclass(frozen=True)
class ReviewState:
    """What a review can offer now: exercises due, and how many she has ever practised (a
    learner with none has no mistakes or weak skills to practise yet)."""

    due: int
    practised: int

    @property
    def can_practise_mistakes(self) -> bool:
        return self.practised > 0


def review_state(*, user: User) -> ReviewState:
    """Exercises due for review now (the review plan's rule) and practised at all: one query.

    Nothing is due for a learner who turned spaced repetition off; she can still practise her
    mistakes and weak skills.
    """
    spaced = Q(user__profile__spaced_repetition=True) | Q(user__profile__isnull=True)
    counts = _published_mastery_rows([user.pk]).aggregate(
        due=Count("pk", filter=Q(due_at__lte=timezone.now()) & spaced),
        practised=Count("pk", filter=Q(attempts__gt=0)),
    )
    return ReviewState(due=counts["due"] or 0, practised=counts["practised"] or 0)


def review_due_count(*, user: User) -> int:
    """How many exercises a review would ask now: the review plan's rule, in one query.

    Published all the way up (a draft unit's exercises are not reviewed, so not counted), and
    nothing is due for a learner who turned spaced repetition off.
    """
    return review_state(user=user).due


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


def mastery_percent(units: Collection[tuple[float, int]], *, exercises: int) -> int:
    """A track's mastery, 0–100, from its units' (mastery sum, exercise count) pairs.

    Each unit's mastery (its sum over its exercises, at most 1) weighs as many exercises as it
    has, out of the track's `exercises`: units she has not begun count as 0.
    """
    if exercises <= 0:
        return 0
    mastered = sum(min(max(total, 0.0), size) for total, size in units)
    return min(100, round(100 * mastered / exercises))


def track_mastery(
    *, user_ids: Collection[int], track_ids: Collection[int]
) -> dict[tuple[int, int], int]:
    """Mastery (0–100) of each of these learners on each of these tracks: one query.

    Keyed by (learner id, track id); a pair left out has mastery 0. Only published exercises
    of published lessons, units and tracks count, so a draft or an archived exercise neither
    adds to a unit's mastery nor to its size.
    """
    if not user_ids or not track_ids:
        return {}
    counted = published_exercises().order_by()
    unit_size = (
        counted.filter(lesson__unit=OuterRef("unit"))
        .values("lesson__unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    track_size = (
        counted.filter(lesson__unit__track=OuterRef("unit__track"))
        .values("lesson__unit__track")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        UnitProgress.objects.filter(
            user_id__in=user_ids,
            unit__track_id__in=track_ids,
            unit__status=PUBLISHED,
            mastery_sum__gt=0,
        )
        .annotate(
            unit_size=Coalesce(Subquery(unit_size), 0), track_size=Coalesce(Subquery(track_size), 0)
        )
        .values_list("user_id", "unit__track_id", "mastery_sum", "unit_size", "track_size")
    )
    units: dict[tuple[int, int], list[tuple[float, int]]] = {}
    sizes: dict[tuple[int, int], int] = {}
    for user_id, track_id, total, exercises_in_unit, exercises_in_track in rows:
        units.setdefault((user_id, track_id), []).append((total, exercises_in_unit))
        sizes[user_id, track_id] = exercises_in_track
    return {key: mastery_percent(found, exercises=sizes[key]) for key, found in units.items()}


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
        "mastery": track_mastery(user_ids=[user.pk], track_ids=[track.pk]).get(
            (user.pk, track.pk), 0
        ),
        "units": list(units.values()),
    }


def track_progress_list(*, user: User, tracks: QuerySet[Track]) -> list[dict[str, Any]]:
    """A line per visible track (no unit detail): the learner's rows, her XP and her mastery
    of every track, one query each, whatever the number of tracks."""
    rows = {row.track_id: row for row in TrackProgress.objects.filter(user=user)}
    xp = total_xp(user=user)
    done = {pk for pk, row in rows.items() if row.completed_at is not None}
    opened = {pk for pk, row in rows.items() if row.unlocked_at is not None}
    previews = previews_everything(user)
    # Reset, then prefetch: the caller's queryset may already prefetch "prerequisites" (as
    # `tracks_visible_to` does) and a second, different Prefetch of it raises ValueError.
    listed = list(
        tracks.prefetch_related(None).prefetch_related(
            Prefetch("prerequisites", queryset=Track.objects.only("id"))
        )
    )
    mastery = track_mastery(user_ids=[user.pk], track_ids=[track.pk for track in listed])
    result = []
    for track in listed:
        row = rows.get(track.pk)
        prerequisites = {p.pk for p in track.prerequisites.all()}
        result.append(
            {
                "track": track.pk,
                "title": track.title,
                # `track_is_unlocked`'s rule, on rows already loaded.
                "unlocked": previews
                or track.pk in opened
                or (prerequisites <= done and xp >= track.xp_to_unlock),
                "completed": track.pk in done,
                "attempts": row.attempts if row else 0,
                "accuracy": (row.correct / row.attempts) if row and row.attempts else None,
                "xp": row.xp if row else 0,
                "lessons_completed": row.lessons_completed if row else 0,
                "units_completed": row.units_completed if row else 0,
                "mastery": mastery.get((user.pk, track.pk), 0),
            }
        )
    return result

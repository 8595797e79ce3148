"""Lesson, unit and track progress, and what completing them unlocks."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from curriculum.models import Lesson, Status, Track, Unit

from .. import selectors
from ..models import Attempt, LessonProgress, TrackProgress, UnitProgress

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
    if not total:
        return False
    mastery = progress.mastery_sum / total
    accuracy = 100 * progress.correct / progress.attempts
    if mastery + 1e-9 < float(unit.mastery_required) or accuracy < unit.min_accuracy:
        return False
    completed = UnitProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    if completed:
        TrackProgress.objects.filter(user=user, track_id=unit.track_id).update(
            units_completed=F("units_completed") + 1
        )
        track_check_completion(user=user, track=unit.track)
    return bool(completed)


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


def lesson_complete(*, session: PracticeSession) -> tuple[bool, list[Lesson]]:
    """The lesson session ran to its end: record it, count its XP, open what follows.

    Returns whether this was the first completion, and the lessons it opened.
    """
    assert session.lesson is not None
    lesson, user = session.lesson, session.user
    now = timezone.now()
    accuracy = session.accuracy or 0.0
    progress, _ = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"unlocked_at": now}
    )
    first_time = progress.completed_at is None
    LessonProgress.objects.filter(pk=progress.pk).update(
        completed_at=progress.completed_at or now,
        times_completed=F("times_completed") + 1,
        best_accuracy=max(progress.best_accuracy or 0.0, accuracy),
    )
    track_progress, _ = TrackProgress.objects.get_or_create(
        user=user, track_id=lesson.unit.track_id
    )
    xp = lesson.xp_reward if first_time else 0
    TrackProgress.objects.filter(pk=track_progress.pk).update(
        xp=F("xp") + xp,
        lessons_completed=F("lessons_completed") + (1 if first_time else 0),
    )
    if xp:
        type(session).objects.filter(pk=session.pk).update(xp_earned=F("xp_earned") + xp)
        session.xp_earned += xp
    unit_check_completion(user=user, unit=lesson.unit)
    return first_time, unlocks_record(user=user, after=lesson)


def placement_apply(*, session: PracticeSession) -> list[Unit]:
    """A placement quiz: every unit answered without a mistake is marked as mastered.

    It counts like completing the unit by practice: the track's unit and lesson counters move
    and the track may complete. What was already complete keeps its date and is not counted
    twice.
    """
    results: dict[int, list[bool]] = defaultdict(list)
    for unit_id, correct in Attempt.objects.filter(session=session).values_list(
        "exercise__lesson__unit_id", "is_correct"
    ):
        results[unit_id].append(correct)
    placed: list[Unit] = []
    last_lessons: list[Lesson] = []
    units_done = lessons_done = 0
    now = timezone.now()
    user = session.user
    for unit in Unit.objects.filter(pk__in=results).select_related("track").order_by("order"):
        answers = results[unit.pk]
        if len(answers) < 2 or not all(answers):
            continue
        unit_row, _ = UnitProgress.objects.get_or_create(
            user=user, unit=unit, defaults={"unlocked_at": now}
        )
        units_done += UnitProgress.objects.filter(pk=unit_row.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        lessons = list(Lesson.objects.filter(unit=unit, status=Status.PUBLISHED).order_by("order"))
        for lesson in lessons:
            lesson_row, _ = LessonProgress.objects.get_or_create(
                user=user, lesson=lesson, defaults={"unlocked_at": now}
            )
            lessons_done += LessonProgress.objects.filter(
                pk=lesson_row.pk, completed_at__isnull=True
            ).update(completed_at=now)
        placed.append(unit)
        last_lessons += lessons[-1:]
    if placed:
        track = placed[0].track
        track_row, _ = TrackProgress.objects.get_or_create(user=user, track=track)
        TrackProgress.objects.filter(pk=track_row.pk).update(
            units_completed=F("units_completed") + units_done,
            lessons_completed=F("lessons_completed") + lessons_done,
        )
        track_check_completion(user=user, track=track)
    for lesson in last_lessons:
        unlocks_record(user=user, after=lesson)
    return placed

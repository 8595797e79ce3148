"""Reads on the curriculum: what a given user may see.

Learners and parents see published content whose ancestors are all published; staff (authors
included) see drafts too, so that they can check their work through the API.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User

from .models import Exercise, Lesson, Status, Track, Unit

PUBLISHED = Status.PUBLISHED


def _sees_drafts(user: User) -> bool:
    return bool(user.is_staff)


def tracks_visible_to(*, user: User) -> QuerySet[Track]:
    tracks = Track.objects.prefetch_related(
        Prefetch("prerequisites", queryset=Track.objects.only("id"))
    ).order_by("order", "pk")
    if _sees_drafts(user):
        return tracks.annotate(unit_count=Count("units"))
    return tracks.filter(status=PUBLISHED).annotate(
        unit_count=Count("units", filter=Q(units__status=PUBLISHED))
    )


def units_visible_to(*, user: User) -> QuerySet[Unit]:
    units = Unit.objects.select_related("track").order_by("track__order", "track_id", "order")
    if _sees_drafts(user):
        return units.annotate(lesson_count=Count("lessons"))
    return units.filter(status=PUBLISHED, track__status=PUBLISHED).annotate(
        lesson_count=Count("lessons", filter=Q(lessons__status=PUBLISHED))
    )


def lessons_visible_to(*, user: User) -> QuerySet[Lesson]:
    lessons = (
        Lesson.objects.select_related("unit__track")
        .prefetch_related(Prefetch("prerequisites", queryset=Lesson.objects.only("id")))
        .order_by("unit__track__order", "unit__track_id", "unit__order", "order")
    )
    if _sees_drafts(user):
        return lessons.annotate(exercise_count=Count("exercises"))
    return lessons.filter(
        status=PUBLISHED, unit__status=PUBLISHED, unit__track__status=PUBLISHED
    ).annotate(exercise_count=Count("exercises", filter=Q(exercises__status=PUBLISHED)))


def exercises_visible_to(*, user: User) -> QuerySet[Exercise]:
    exercises = (
        Exercise.objects.select_related("lesson__unit")
        .annotate(hint_count=Count("hints"))
        .order_by(
            "lesson__unit__track__order",
            "lesson__unit__track_id",
            "lesson__unit__order",
            "lesson__order",
            "order",
        )
    )
    return exercises if _sees_drafts(user) else published_exercises(exercises)


def published_exercises(exercises: QuerySet[Exercise] | None = None) -> QuerySet[Exercise]:
    """Exercises a learner may be asked: published, and so are their lesson, unit and track."""
    return (Exercise.objects.all() if exercises is None else exercises).filter(
        status=PUBLISHED,
        lesson__status=PUBLISHED,
        lesson__unit__status=PUBLISHED,
        lesson__unit__track__status=PUBLISHED,
    )

"""Reads for the dashboards: a learner's days, a parent's children, an author's track.

Each reads summaries kept by the answer path (daily summaries, progress rows, standings, item
statistics), never the raw history, and answers several learners in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from accounts.models import User
from curriculum.models import Exercise, Lesson, Status, Track
from curriculum.selectors import published_exercises
from gamification.models import Standing
from gamification.selectors import streak_today
from practice.models import (
    Attempt,
    ExerciseProgress,
    FluencyLevel,
    PracticeSession,
    TrackProgress,
    UnitProgress,
)

from .models import DailySummary, ExerciseStats

RECENT_SESSIONS = 5
HARDEST_EXERCISES = 10
# Fewer answers than this say little about an exercise: it is not ranked among the hardest.
HARDEST_MIN_ATTEMPTS = 5


class DayStats(TypedDict):
    date: date
    questions: int
    correct: int
    accuracy: float | None
    minutes: float
    xp: int
    sessions: int
    facts_mastered: int
    goal_met: bool


class Totals(TypedDict):
    questions: int
    correct: int
    accuracy: float | None
    minutes: float
    xp: int
    sessions: int
    facts_mastered: int
    days_active: int


class LearnerStats(TypedDict):
    start: date
    end: date
    days: list[DayStats]
    totals: Totals


class Streak(TypedDict):
    current: int
    best: int


class TrackLine(TypedDict):
    track: int
    title: str
    attempts: int
    correct: int
    accuracy: float | None
    completed: bool


class SessionLine(TypedDict):
    id: int
    mode: str
    status: str
    track: int | None
    track_title: str | None
    lesson: int | None
    lesson_title: str | None
    started_at: datetime
    ended_at: datetime | None
    answered: int
    correct: int
    accuracy: float | None
    xp: int


class ChildSummary(TypedDict):
    learner: dict[str, Any]
    today: DayStats
    this_week: Totals
    week_starts_on: date
    streak: Streak
    tracks: list[TrackLine]
    recent_sessions: list[SessionLine]


class LessonLine(TypedDict):
    id: int
    title: str
    unit: int
    unit_title: str
    status: str
    completed_by: int


class HardExercise(TypedDict):
    exercise: int
    prompt: str
    attempts: int
    learners: int
    share_correct: float | None
    average_response_ms: int | None
    average_hints: float | None
    discrimination: float | None


class TrackStatistics(TypedDict):
    track: int
    title: str
    learners: int
    attempts: int
    correct: int
    accuracy: float | None
    lessons: list[LessonLine]
    hardest: list[HardExercise]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _minutes(ms: int) -> float:
    return round(ms / 60000, 1)


def _day(row: DailySummary | None, day: date) -> DayStats:
    if row is None:
        return {
            "date": day,
            "questions": 0,
            "correct": 0,
            "accuracy": None,
            "minutes": 0.0,
            "xp": 0,
            "sessions": 0,
            "facts_mastered": 0,
            "goal_met": False,
        }
    return {
        "date": day,
        "questions": row.questions,
        "correct": row.correct,
        "accuracy": _ratio(row.correct, row.questions),
        "minutes": row.minutes_practised,
        "xp": row.xp,
        "sessions": row.sessions,
        "facts_mastered": row.facts_mastered,
        "goal_met": row.daily_goal_met,
    }


def _totals(rows: Sequence[DailySummary]) -> Totals:
    questions = sum(row.questions for row in rows)
    correct = sum(row.correct for row in rows)
    return {
        "questions": questions,
        "correct": correct,
        "accuracy": _ratio(correct, questions),
        "minutes": _minutes(sum(row.practised_ms for row in rows)),
        "xp": sum(row.xp for row in rows),
        "sessions": sum(row.sessions for row in rows),
        "facts_mastered": sum(row.facts_mastered for row in rows),
        "days_active": sum(1 for row in rows if row.questions or row.sessions),
    }


def learner_stats(*, user: User, start: date, end: date) -> LearnerStats:
    """A learner's days from `start` to `end` (her local dates, inclusive), zero-filled."""
    rows = list(DailySummary.objects.filter(user=user, date__gte=start, date__lte=end))
    by_date = {row.date: row for row in rows}
    days = [
        _day(by_date.get(start + timedelta(days=n)), start + timedelta(days=n))
        for n in range((end - start).days + 1)
    ]
    return {"start": start, "end": end, "days": days, "totals": _totals(rows)}


def local_today(user: User, now: datetime) -> date:
    return now.astimezone(user.zone).date()


def children_summaries(*, learners: Sequence[User], now: datetime) -> dict[int, ChildSummary]:
    """Today, this week, streak, accuracy by track and recent sessions of each learner.

    Four queries whatever the number of learners: days, standings, track progress, and the
    latest sessions of each (a window function numbers them per learner). Each learner's "today"
    and week (from Monday) are her own, in her time zone.
    """
    if not learners:
        return {}
    ids = [learner.pk for learner in learners]
    today = {learner.pk: local_today(learner, now) for learner in learners}
    monday = {pk: day - timedelta(days=day.weekday()) for pk, day in today.items()}

    days: dict[int, list[DailySummary]] = defaultdict(list)
    for row in DailySummary.objects.filter(
        user_id__in=ids, date__gte=min(monday.values()), date__lte=max(today.values())
    ):
        if monday[row.user_id] <= row.date <= today[row.user_id]:
            days[row.user_id].append(row)

    standings = {row.user_id: row for row in Standing.objects.filter(user_id__in=ids)}

    tracks: dict[int, list[TrackLine]] = defaultdict(list)
    for progress in (
        TrackProgress.objects.filter(user_id__in=ids, attempts__gt=0)
        .select_related("track")
        .order_by("track__order", "track_id")
    ):
        tracks[progress.user_id].append(
            {
                "track": progress.track_id,
                "title": progress.track.title,
                "attempts": progress.attempts,
                "correct": progress.correct,
                "accuracy": _ratio(progress.correct, progress.attempts),
                "completed": progress.completed_at is not None,
            }
        )

    sessions: dict[int, list[SessionLine]] = defaultdict(list)
    latest = (
        PracticeSession.objects.filter(user_id__in=ids)
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("user_id")],
                order_by=[F("started_at").desc(), F("pk").desc()],
            )
        )
        .filter(row__lte=RECENT_SESSIONS)
        .values(
            "pk",
            "user_id",
            "mode",
            "status",
            "track_id",
            "lesson_id",
            "started_at",
            "ended_at",
            "answered",
            "correct",
            "xp_earned",
            track_title=F("track__title"),
            lesson_title=F("lesson__title"),
        )
        .order_by("user_id", "-started_at", "-pk")
    )
    for line in latest:
        sessions[line["user_id"]].append(
            {
                "id": line["pk"],
                "mode": line["mode"],
                "status": line["status"],
                "track": line["track_id"],
                "track_title": line["track_title"],
                "lesson": line["lesson_id"],
                "lesson_title": line["lesson_title"],
                "started_at": line["started_at"],
                "ended_at": line["ended_at"],
                "answered": line["answered"],
                "correct": line["correct"],
                "accuracy": _ratio(line["correct"], line["answered"]),
                "xp": line["xp_earned"],
            }
        )

    result: dict[int, ChildSummary] = {}
    for learner in learners:
        pk = learner.pk
        todays = next((row for row in days[pk] if row.date == today[pk]), None)
        standing = standings.get(pk)
        streak = streak_today(standing=standing, user=learner, now=now) if standing else 0
        result[pk] = {
            "learner": {
                "id": pk,
                "username": learner.username,
                "first_name": learner.first_name,
                "timezone": learner.timezone,
            },
            "today": _day(todays, today[pk]),
            "this_week": _totals(days[pk]),
            "week_starts_on": monday[pk],
            "streak": {
                "current": streak,
                "best": standing.best_streak if standing else 0,
            },
            "tracks": tracks[pk],
            "recent_sessions": sessions[pk],
        }
    return result


def track_statistics(*, track: Track) -> TrackStatistics:
    """How a track is going for everyone: answers, lesson completions, the hardest exercises.

    Answers of deleted accounts stay (anonymised), so the totals stay true; they count as one
    learner among `learners`.
    """
    totals = Attempt.objects.filter(exercise__lesson__unit__track=track).aggregate(
        attempts=Count("pk"),
        correct=Count("pk", filter=Q(is_correct=True)),
        learners=Count("user_id", distinct=True),
    )
    lessons: list[LessonLine] = [
        {
            "id": row["pk"],
            "title": row["title"],
            "unit": row["unit_id"],
            "unit_title": row["unit__title"],
            "status": row["status"],
            "completed_by": row["completed_by"],
        }
        for row in Lesson.objects.filter(unit__track=track)
        .annotate(completed_by=Count("progress", filter=Q(progress__completed_at__isnull=False)))
        .order_by("unit__order", "order")
        .values("pk", "title", "unit_id", "unit__title", "status", "completed_by")
    ]
    hardest: list[HardExercise] = [
        {
            "exercise": stats.exercise_id,
            "prompt": stats.exercise.prompt[:200],
            "attempts": stats.attempts,
            "learners": stats.learners,
            "share_correct": stats.share_correct,
            "average_response_ms": stats.average_response_ms,
            "average_hints": stats.average_hints,
            "discrimination": stats.discrimination,
        }
        for stats in ExerciseStats.objects.filter(
            exercise__lesson__unit__track=track,
            attempts__gte=HARDEST_MIN_ATTEMPTS,
            share_correct__isnull=False,
        )
        .select_related("exercise")
        .order_by("share_correct", "-attempts", "exercise_id")[:HARDEST_EXERCISES]
    ]
    return {
        "track": track.pk,
        "title": track.title,
        "learners": totals["learners"],
        "attempts": totals["attempts"],
        "correct": totals["correct"],
        "accuracy": _ratio(totals["correct"], totals["attempts"]),
        "lessons": lessons,
        "hardest": hardest,
    }


# --------------------------------------------------------------------------------------------
# The site's Stats page and parent dashboard (constant queries, whatever the history)
# --------------------------------------------------------------------------------------------


class OperationLine(TypedDict):
    operation: str
    attempts: int
    correct: int
    accuracy: float | None


class TrackMastery(TypedDict):
    track: int
    title: str
    attempts: int
    correct: int
    accuracy: float | None
    mastery: float
    completed: bool
    has_facts: bool


FINISHED = (PracticeSession.Status.COMPLETED, PracticeSession.Status.ABANDONED)


def days_of_learners(
    *, learners: Sequence[User], start: dict[int, date], end: dict[int, date]
) -> dict[int, list[DayStats]]:
    """Each learner's days from her `start` to her `end` (local dates), zero-filled: one query."""
    if not learners:
        return {}
    ids = [learner.pk for learner in learners]
    rows: dict[tuple[int, date], DailySummary] = {
        (row.user_id, row.date): row
        for row in DailySummary.objects.filter(
            user_id__in=ids, date__gte=min(start.values()), date__lte=max(end.values())
        )
    }
    return {
        pk: [
            _day(rows.get((pk, start[pk] + timedelta(days=n))), start[pk] + timedelta(days=n))
            for n in range((end[pk] - start[pk]).days + 1)
        ]
        for pk in ids
    }


def fact_accuracy_by_operation(*, user: User) -> list[OperationLine]:
    """Her answers to math facts by operation, in + − × ÷ order: one query.

    Read from her progress rows (a row per fact she has answered), not from the attempts, so the
    cost follows the facts she knows, not how often she answered them.
    """
    rows = {
        row["exercise__operation"]: row
        for row in ExerciseProgress.objects.filter(user=user, exercise__kind=Exercise.Kind.FACT)
        .values("exercise__operation")
        .annotate(attempts=Sum("attempts"), correct=Sum("correct"))
        .order_by()
    }
    lines: list[OperationLine] = []
    for operation, _ in Exercise.Operation.choices:
        row = rows.get(operation)
        if row and row["attempts"]:
            lines.append(
                {
                    "operation": operation,
                    "attempts": row["attempts"],
                    "correct": row["correct"],
                    "accuracy": _ratio(row["correct"], row["attempts"]),
                }
            )
    return lines


def facts_by_fluency(*, user: User) -> dict[str, int]:
    """How many facts of the tracks she has begun sit at each fluency level: one query.

    Facts she has not answered yet count as "not started"; every level is present, zeros too.
    """
    counts = {level.value: 0 for level in FluencyLevel}
    rows = (
        published_exercises()
        .filter(
            kind=Exercise.Kind.FACT,
            lesson__unit__track__progress__user=user,
        )
        .annotate(mine=FilteredRelation("progress", condition=Q(progress__user=user)))
        .values("mine__fluency_level")
        .annotate(facts=Count("pk"))
        .order_by()
    )
    for row in rows:
        level = row["mine__fluency_level"] or FluencyLevel.NOT_STARTED.value
        counts[level] = counts.get(level, 0) + row["facts"]
    return counts


def tracks_of_learners(*, user_ids: Sequence[int]) -> dict[int, list[TrackMastery]]:
    """Accuracy and mastery on each track these learners have answered in: three queries.

    Mastery is the share of the track's published exercises she has mastered, the path's own
    measure (each unit's sum of mastery over its exercise count), summed over the track.
    """
    if not user_ids:
        return {}
    progress = list(
        TrackProgress.objects.filter(user_id__in=user_ids, attempts__gt=0)
        .select_related("track")
        .order_by("track__order", "track_id")
    )
    track_ids = {row.track_id for row in progress}
    mastery_sums = {
        (sums["user_id"], sums["unit__track_id"]): sums["total"] or 0.0
        for sums in UnitProgress.objects.filter(user_id__in=user_ids, unit__track_id__in=track_ids)
        .values("user_id", "unit__track_id")
        .annotate(total=Sum("mastery_sum"))
        .order_by()
    }
    sizes: dict[int, int] = defaultdict(int)
    with_facts: set[int] = set()
    for count in (
        Exercise.objects.filter(
            lesson__unit__track_id__in=track_ids,
            status=Status.PUBLISHED,
            lesson__status=Status.PUBLISHED,
        )
        .values("lesson__unit__track_id", "kind")
        .annotate(exercises=Count("pk"))
        .order_by()
    ):
        sizes[count["lesson__unit__track_id"]] += count["exercises"]
        if count["kind"] == Exercise.Kind.FACT:
            with_facts.add(count["lesson__unit__track_id"])
    result: dict[int, list[TrackMastery]] = {pk: [] for pk in user_ids}
    for row in progress:
        size = sizes.get(row.track_id, 0)
        mastery = mastery_sums.get((row.user_id, row.track_id), 0.0) / size if size else 0.0
        result[row.user_id].append(
            {
                "track": row.track_id,
                "title": row.track.title,
                "attempts": row.attempts,
                "correct": row.correct,
                "accuracy": _ratio(row.correct, row.attempts),
                "mastery": min(max(mastery, 0.0), 1.0),
                "completed": row.completed_at is not None,
                "has_facts": row.track_id in with_facts,
            }
        )
    return result


def finished_quizzes(*, user: User) -> QuerySet[PracticeSession]:
    """Her quizzes that are over, newest first (open ones would give their answers away)."""
    return (
        PracticeSession.objects.filter(
            user=user, mode=PracticeSession.Mode.QUIZ, status__in=FINISHED
        )
        .select_related("track", "unit")
        .order_by(F("ended_at").desc(nulls_last=True), "-started_at", "-pk")
    )


def finished_quiz_get(*, user: User, session_id: int) -> PracticeSession:
    """One of her finished quizzes; 404 for anyone else's, for an open one, for another mode."""
    return get_object_or_404(finished_quizzes(user=user), pk=session_id)


def quiz_answers(*, session: PracticeSession) -> list[Attempt]:
    """The quiz's answers in the order given, each with its exercise: one query."""
    return list(
        Attempt.objects.filter(session=session)
        .select_related("exercise")
        .order_by("plan_index", "created_at", "pk")
    )

"""The learning path, the learner's standing and daily goal, and the mastery grid, as the path,
review, grid and a parent's read-only pages show them.

Every read here costs a fixed number of queries whatever the number of tracks, units, lessons
and answers: the path loads all visible tracks' lessons and the learner's progress rows in one
query each and works out what is open in Python, with the same rules as
`selectors.track_is_unlocked` and `selectors.lesson_is_unlocked`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Prefetch

from accounts.models import LearnerProfile, User
from analytics.models import DailySummary
from calcuingo.context_processors import loaded_profile, loaded_standing
from curriculum.models import Exercise, Lesson, Status, Track
from curriculum.selectors import tracks_visible_to
from gamification.levels import progress_in_level
from gamification.streaks import current_on

from . import selectors
from .models import FluencyLevel, LessonProgress, PracticeSession, TrackProgress, UnitProgress
from .serializers import OPERATION_ALIASES

PUBLISHED = Status.PUBLISHED


def open_session(*, user: User) -> PracticeSession | None:
    """The learner's latest active or paused session, to offer resuming it."""
    return (
        PracticeSession.objects.filter(
            user=user, status__in=[PracticeSession.Status.ACTIVE, PracticeSession.Status.PAUSED]
        )
        .select_related("lesson", "track")
        .order_by("-started_at")
        .first()
    )


# --------------------------------------------------------------------------------------------
# Standing and daily goal
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandingView:
    xp: int
    level: int
    level_xp: int
    level_span: int
    streak: int
    best_streak: int

    @property
    def level_percent(self) -> int:
        return round(100 * self.level_xp / self.level_span)


def standing_of(user: User) -> StandingView:
    """XP, level and the streak as it stands today on the learner's own calendar."""
    standing = loaded_standing(user)
    if standing is None:
        return StandingView(xp=0, level=1, level_xp=0, level_span=100, streak=0, best_streak=0)
    level_xp, span = progress_in_level(standing.xp)
    streak = current_on(
        current=standing.current_streak,
        last_active_date=standing.last_active_date,
        freezes=standing.streak_freezes,
        today=user.local_now().date(),
    )
    return StandingView(
        xp=standing.xp,
        level=standing.level,
        level_xp=level_xp,
        level_span=span,
        streak=streak,
        best_streak=standing.best_streak,
    )


@dataclass(frozen=True)
class DailyGoalView:
    """Minutes practised today (the learner's local date) against her daily goal."""

    day: date
    practised_ms: int
    goal_minutes: int

    @property
    def minutes(self) -> int:
        """Whole minutes practised: a goal is met by the minute, not rounded up to it."""
        return self.practised_ms // 60_000

    @property
    def met(self) -> bool:
        return self.minutes >= self.goal_minutes

    @property
    def minutes_left(self) -> int:
        return max(0, self.goal_minutes - self.minutes)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.minutes / self.goal_minutes)) if self.goal_minutes else 100


DEFAULT_GOAL_MINUTES: int = LearnerProfile._meta.get_field("daily_goal_minutes").get_default()


def daily_goal_of(user: User, *, now: datetime | None = None) -> DailyGoalView:
    """Today's practice time from the learner's daily summary: one query."""
    profile = loaded_profile(user)
    today = (user.local_now() if now is None else now.astimezone(user.zone)).date()
    practised = (
        DailySummary.objects.filter(user=user, date=today)
        .values_list("practised_ms", flat=True)
        .first()
    )
    return DailyGoalView(
        day=today,
        practised_ms=practised or 0,
        goal_minutes=profile.daily_goal_minutes if profile else DEFAULT_GOAL_MINUTES,
    )


# --------------------------------------------------------------------------------------------
# The path
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonView:
    id: int
    title: str
    order: int
    unlocked: bool
    completed: bool
    best_accuracy: float | None


@dataclass(frozen=True)
class UnitView:
    id: int
    title: str
    order: int
    completed: bool
    accuracy: float | None
    lessons: list[LessonView]

    @property
    def done(self) -> bool:
        """Complete, or every lesson of it is (nothing left to test out of)."""
        return self.completed or all(lesson.completed for lesson in self.lessons)


@dataclass(frozen=True)
class TrackView:
    track: Track
    unlocked: bool
    completed: bool
    accuracy: float | None
    units: list[UnitView]
    is_fact_track: bool
    prerequisites: list[str]
    prerequisites_missing: list[str]
    xp_missing: int
    mastery: int = 0
    lessons: list[LessonView] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lessons", [x for unit in self.units for x in unit.lessons])

    @property
    def lessons_total(self) -> int:
        return len(self.lessons)

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.completed)

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0

    @property
    def next_lesson(self) -> LessonView | None:
        """The first open lesson not yet completed: where the learner goes on."""
        return next((x for x in self.lessons if x.unlocked and not x.completed), None)

    @property
    def placeable(self) -> bool:
        """A placement quiz is offered: the track is published and has lessons left to do,
        locked or not (placing into it is how a learner skips ahead)."""
        return (
            self.track.status == PUBLISHED
            and bool(self.lessons)
            and not self.completed
            and self.lessons_done < self.lessons_total
        )

    @property
    def units_to_test_out_of(self) -> list[UnitView]:
        """The units whose test-out is offered: those of a placeable track not yet done."""
        return [unit for unit in self.units if not unit.done] if self.placeable else []


@dataclass(frozen=True)
class NextStep:
    """The path's Continue button: a lesson and the track it is on."""

    track: TrackView
    lesson: LessonView


@dataclass(frozen=True)
class PathView:
    learner: User
    standing: StandingView
    daily_goal: DailyGoalView
    tracks: list[TrackView]
    review: selectors.ReviewState
    next_step: NextStep | None

    @property
    def review_due(self) -> int:
        return self.review.due


@dataclass(frozen=True)
class _Progress:
    """The learner's progress rows, as the path needs them."""

    lessons_done: set[int]
    last_done: dict[int, datetime]  # lesson id -> when it was last completed
    best_accuracy: dict[int, float | None]
    units: dict[int, tuple[bool, float | None]]  # unit id -> completed, accuracy
    tracks: dict[int, tuple[bool, float | None]]  # track id -> completed, accuracy
    tracks_opened: set[int]  # opened to her before (a placement, or the rules met once)


def _progress_of(learner: User, track_ids: list[int]) -> _Progress:
    """Three queries: the learner's lesson, unit and track progress rows on these tracks.

    Lesson rows are read for every track, not only these: a lesson's prerequisite may sit on a
    track the viewer cannot see.
    """
    lesson_rows = LessonProgress.objects.filter(user=learner).values_list(
        "lesson_id", "completed_at", "best_accuracy"
    )
    unit_rows = UnitProgress.objects.filter(user=learner, unit__track_id__in=track_ids)
    track_rows = list(
        TrackProgress.objects.filter(user=learner).values_list(
            "track_id", "completed_at", "attempts", "correct", "unlocked_at"
        )
    )
    lessons_done, last_done, best = set(), {}, {}
    for lesson_id, completed_at, best_accuracy in lesson_rows:
        best[lesson_id] = best_accuracy
        if completed_at is not None:
            lessons_done.add(lesson_id)
            last_done[lesson_id] = completed_at
    return _Progress(
        lessons_done=lessons_done,
        last_done=last_done,
        best_accuracy=best,
        units={row.unit_id: (row.completed_at is not None, row.accuracy) for row in unit_rows},
        tracks={
            track_id: (completed_at is not None, correct / attempts if attempts else None)
            for track_id, completed_at, attempts, correct, _ in track_rows
        },
        tracks_opened={row[0] for row in track_rows if row[4] is not None},
    )


def _lessons_by_track(track_ids: list[int]) -> dict[int, list[Lesson]]:
    """Two queries: the published lessons of these tracks in path order, with their units and
    the ids of their prerequisite lessons."""
    lessons = (
        Lesson.objects.filter(
            unit__track_id__in=track_ids, status=PUBLISHED, unit__status=PUBLISHED
        )
        .select_related("unit")
        .only("id", "title", "order", "unit__id", "unit__title", "unit__order", "unit__track_id")
        .prefetch_related(Prefetch("prerequisites", queryset=Lesson.objects.only("id")))
        .order_by("unit__track_id", "unit__order", "order", "pk")
    )
    by_track: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_track[lesson.unit.track_id].append(lesson)
    return by_track


def _units_of(
    lessons: list[Lesson], *, track_open: bool, progress: _Progress, previews: bool
) -> list[UnitView]:
    """A track's units and lessons, each lesson open when `selectors.lesson_is_unlocked` says so:
    completed, or its track open and the lesson before it and its prerequisites completed; all
    of them for staff and authors, who preview everything."""
    done = progress.lessons_done
    units: dict[int, UnitView] = {}
    previous: Lesson | None = None
    for lesson in lessons:
        required = {p.pk for p in lesson.prerequisites.all()}
        if previous is not None:
            required.add(previous.pk)
        unit = lesson.unit
        if unit.pk not in units:
            completed, accuracy = progress.units.get(unit.pk, (False, None))
            units[unit.pk] = UnitView(
                id=unit.pk,
                title=unit.title,
                order=unit.order,
                completed=completed,
                accuracy=accuracy,
                lessons=[],
            )
        units[unit.pk].lessons.append(
            LessonView(
                id=lesson.pk,
                title=lesson.title,
                order=lesson.order,
                unlocked=previews or lesson.pk in done or (track_open and required <= done),
                completed=lesson.pk in done,
                best_accuracy=progress.best_accuracy.get(lesson.pk),
            )
        )
        previous = lesson
    return list(units.values())


def _next_step(tracks: list[TrackView], progress: _Progress) -> NextStep | None:
    """Go on where the learner last completed a lesson if that track has more; otherwise the
    first track on the path with an open lesson."""
    candidates = [(row, row.next_lesson) for row in tracks if row.unlocked]
    open_ones = [(row, lesson) for row, lesson in candidates if lesson is not None]
    if not open_ones:
        return None

    def last_activity(row: TrackView) -> datetime | None:
        times = [progress.last_done[x.id] for x in row.lessons if x.id in progress.last_done]
        return max(times) if times else None

    active = [(last_activity(row), row, lesson) for row, lesson in open_ones]
    started = [item for item in active if item[0] is not None]
    if started:
        _, row, lesson = max(started, key=lambda item: item[0] or datetime.min)
    else:
        row, lesson = open_ones[0]
    assert lesson is not None
    return NextStep(track=row, lesson=lesson)


def path_of(*, learner: User, viewer: User) -> PathView:
    """Everything the learning path shows: standing, today's goal, reviews due, every track.

    A fixed number of queries whatever the number of tracks, lessons or answers: tracks (2),
    lessons (2), progress (3), mastery (1), the learner's profile and standing (1, none if
    loaded), today's summary (1), reviews due and practised (1).
    """
    facts = Exercise.objects.filter(
        kind=Exercise.Kind.FACT, status=PUBLISHED, lesson__unit__track=OuterRef("pk")
    )
    tracks = list(tracks_visible_to(user=viewer).annotate(has_facts=Exists(facts)))
    track_ids = [track.pk for track in tracks]
    standing = standing_of(learner)
    daily_goal = daily_goal_of(learner)
    lessons = _lessons_by_track(track_ids)
    progress = _progress_of(learner, track_ids)
    titles = {track.pk: track.title for track in tracks}
    completed_tracks = {pk for pk, (completed, _) in progress.tracks.items() if completed}
    previews = selectors.previews_everything(learner)
    mastery = selectors.track_mastery(user_ids=[learner.pk], track_ids=track_ids)
    views = []
    for track in tracks:
        requires = [p.pk for p in track.prerequisites.all()]
        missing = [pk for pk in requires if pk not in completed_tracks]
        open_track = (
            previews
            or track.pk in progress.tracks_opened
            or (not missing and (track.xp_to_unlock <= 0 or standing.xp >= track.xp_to_unlock))
        )
        completed, accuracy = progress.tracks.get(track.pk, (False, None))
        views.append(
            TrackView(
                track=track,
                unlocked=open_track,
                completed=completed,
                accuracy=accuracy,
                units=_units_of(
                    lessons.get(track.pk, []),
                    track_open=open_track,
                    progress=progress,
                    previews=previews,
                ),
                is_fact_track=bool(getattr(track, "has_facts", False)),
                prerequisites=[titles[pk] for pk in requires if pk in titles],
                prerequisites_missing=[titles[pk] for pk in missing if pk in titles],
                xp_missing=max(0, track.xp_to_unlock - standing.xp),
                mastery=mastery.get((learner.pk, track.pk), 0),
            )
        )
    return PathView(
        learner=learner,
        standing=standing,
        daily_goal=daily_goal,
        tracks=views,
        review=selectors.review_state(user=learner),
        next_step=_next_step(views, progress),
    )


# --------------------------------------------------------------------------------------------
# The mastery grid
# --------------------------------------------------------------------------------------------


class GridForm(forms.Form):
    operation = forms.CharField(required=False, max_length=2)
    learner = forms.IntegerField(required=False, min_value=1)

    def clean_operation(self) -> str:
        return OPERATION_ALIASES.get(self.cleaned_data.get("operation", "").strip(), "")


def fact_operations(*, track: Track) -> list[str]:
    """The operations of the track's two-operand facts, in + − × ÷ order: one query."""
    present = set(
        Exercise.objects.filter(
            kind=Exercise.Kind.FACT,
            status=PUBLISHED,
            lesson__unit__track=track,
            operation2="",
        )
        .values_list("operation", flat=True)
        .distinct()
        .order_by()
    )
    return [operation for operation, _ in Exercise.Operation.choices if operation in present]


# Each fluency level with a mark, so that the grid does not speak in colour alone.
FLUENCY_MARKS = {
    FluencyLevel.NOT_STARTED: "",
    FluencyLevel.LEARNING: "·",
    FluencyLevel.ACCURACY: "✓",
    FluencyLevel.FLUENCY_6S: "6s",
    FluencyLevel.FLUENCY_3S: "3s",
    FluencyLevel.MASTERED: "★",
}
FLUENCY_LEGEND = [(level, level.label, FLUENCY_MARKS[level]) for level in FluencyLevel]


@dataclass(frozen=True)
class GridTable:
    columns: list[int]
    rows: list[tuple[int, list[dict[str, Any] | None]]]


def grid_table(cells: list[dict[str, Any]]) -> GridTable:
    """The grid's cells as a table: a row per first operand, a column per second."""
    by_pair = {}
    for cell in cells:
        level = FluencyLevel(cell["fluency_level"])
        by_pair[cell["operand1"], cell["operand2"]] = {
            **cell,
            "label": level.label,
            "mark": FLUENCY_MARKS[level],
            "accuracy_percent": round(100 * cell["accuracy"])
            if cell["accuracy"] is not None
            else None,
        }
    firsts = sorted({a for a, _ in by_pair})
    seconds = sorted({b for _, b in by_pair})
    return GridTable(
        columns=seconds,
        rows=[(a, [by_pair.get((a, b)) for b in seconds]) for a in firsts],
    )

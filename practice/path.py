"""The learning path and the learner's standing, as the path and the parent's pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import User
from curriculum.models import Exercise, Status, Track
from curriculum.selectors import tracks_visible_to
from gamification.levels import progress_in_level
from gamification.models import Standing
from gamification.streaks import current_on

from . import selectors
from .models import PracticeSession


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


def fact_track_ids(track_ids: list[int]) -> set[int]:
    """Which of these tracks have published math facts (a drill and a grid for them)."""
    return set(
        Exercise.objects.filter(
            kind=Exercise.Kind.FACT,
            status=Status.PUBLISHED,
            lesson__unit__track_id__in=track_ids,
        )
        .values_list("lesson__unit__track_id", flat=True)
        .distinct()
        .order_by()
    )


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
    standing = Standing.objects.filter(user=user).first()
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


@dataclass
class TrackView:
    track: Track
    overview: dict[str, Any]
    is_fact_track: bool
    prerequisites: list[str]
    xp_missing: int

    @property
    def lessons(self) -> list[dict[str, Any]]:
        return [lesson for unit in self.overview["units"] for lesson in unit["lessons"]]

    @property
    def lessons_total(self) -> int:
        return len(self.lessons)

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson["completed"])

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0

    @property
    def next_lesson(self) -> dict[str, Any] | None:
        """The first open lesson not yet completed: where the learner goes on."""
        return next((x for x in self.lessons if x["unlocked"] and not x["completed"]), None)


def path_of(*, learner: User, viewer: User) -> dict[str, Any]:
    """Everything the learning path shows: standing, review count, each track's overview.

    A few queries per visible track (`track_overview`), none per lesson or per answer given.
    """
    tracks = list(tracks_visible_to(user=viewer))
    standing = standing_of(learner)
    facts = fact_track_ids([track.pk for track in tracks])
    titles = {track.pk: track.title for track in tracks}
    views = []
    for track in tracks:
        overview = selectors.track_overview(user=learner, track=track)
        views.append(
            TrackView(
                track=track,
                overview=overview,
                is_fact_track=track.pk in facts,
                prerequisites=[titles[p.pk] for p in track.prerequisites.all() if p.pk in titles],
                xp_missing=max(0, track.xp_to_unlock - standing.xp),
            )
        )
    return {
        "learner": learner,
        "standing": standing,
        "tracks": views,
        "review_due": selectors.review_due_count(user=learner),
    }

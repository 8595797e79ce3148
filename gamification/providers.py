"""What gamification needs from the apps above it, through interfaces they fill at start-up.

Gamification never imports practice or analytics (ARCHITECTURE.md): its callers pass what it
needs. Two things have no such caller, so gamification declares them here and the app above
fills them in its `ready`:

* how many lessons of a track a learner has completed (practice), for the progress of track
  achievements on pages of gamification's own (the profile's shelf, the achievements API);
  without a provider nobody has completed any;
* who is told that an achievement was earned (analytics records a learning event), called in
  the transaction that awards it; without a listener nobody is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

# (user id, track ids) -> {track id: lessons completed}; tracks without progress may be absent.
TrackLessons = Callable[[int, Collection[int]], dict[int, int]]

_track_lessons: TrackLessons | None = None


def track_lessons_provide(provider: TrackLessons) -> None:
    global _track_lessons
    _track_lessons = provider


def track_lessons(*, user_id: int, track_ids: Collection[int]) -> dict[int, int]:
    """Lessons completed per track by this learner (one query with practice's provider)."""
    if not track_ids or _track_lessons is None:
        return {}
    return _track_lessons(user_id, track_ids)


# (user, achievement id, achievement code): called in the awarding transaction.
AchievementEarned = Callable[[Any, int, str], None]

_achievement_listeners: list[AchievementEarned] = []


def achievement_earned_listen(listener: AchievementEarned) -> None:
    if listener not in _achievement_listeners:
        _achievement_listeners.append(listener)


def achievement_earned(*, user: Any, achievement_id: int, code: str) -> None:
    for listener in _achievement_listeners:
        listener(user, achievement_id, code)

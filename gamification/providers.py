"""What gamification needs to know from the apps above it, provided by them at start-up.

Gamification never imports practice (ARCHITECTURE.md): its callers pass what it needs. Pages of
its own (the profile's achievement shelf, the achievements API) have no such caller, so the one
fact they need from practice — how many lessons of a track a learner has completed, for the
progress of track achievements — is asked through this interface, which practice fills in
`PracticeConfig.ready`. Without a provider (practice not installed) nobody has completed any.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

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

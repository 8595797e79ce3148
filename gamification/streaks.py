"""Daily streaks on the learner's own calendar: pure code.

A day counts when the learner meets the day's goal (a completed lesson or session) on her local
date. A streak freeze covers one missed day; at most two are held. Dates, not instants, are
compared, so daylight-saving changes cannot break or double a day; a learner who moves west and
sees "yesterday" again simply does not count a day twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

MILESTONES = (3, 7, 14, 30, 50, 100, 200, 365)


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    last_active_date: date | None
    freezes: int
    freezes_used: int = 0
    counted_today: bool = False

    @property
    def milestone(self) -> int | None:
        """The milestone this day reached, if it is one."""
        return self.current if self.counted_today and self.current in MILESTONES else None


def local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def advance(
    *, current: int, best: int, last_active_date: date | None, freezes: int, today: date
) -> Streak:
    """The streak after the goal is met on `today` (the learner's local date)."""
    if last_active_date is not None and today <= last_active_date:
        return Streak(current, best, last_active_date, freezes)
    used = 0
    if last_active_date is None:
        current = 1
    else:
        missed = (today - last_active_date).days - 1
        if missed == 0:
            current += 1
        elif missed <= freezes:
            used = missed
            current += 1
        else:
            current = 1
    return Streak(
        current=current,
        best=max(best, current),
        last_active_date=today,
        freezes=freezes - used,
        freezes_used=used,
        counted_today=True,
    )


def current_on(*, current: int, last_active_date: date | None, freezes: int, today: date) -> int:
    """The streak as it stands on `today`: still alive until more days are missed than freezes
    can cover (today itself is not missed yet)."""
    if last_active_date is None:
        return 0
    missed = (today - last_active_date).days - 1
    return current if missed <= freezes else 0

"""Daily streaks on the learner's own calendar: pure code.

A day counts when the learner completes a session (a lesson run to its end, a review, a drill or a
quiz with at least one answer) on her local date; the daily goal in minutes is separate and pays
its own XP (`gamification.services.daily_goal_reached`). A streak freeze covers one missed day;
at most two are held. Dates, not instants, are compared, so daylight-saving changes cannot break
or double a day.

Moving between time zones, the learner keeps the calendar she sees:
- a date counts once: moving west she may see "today" again (or even "yesterday"), and a date
  not after the last counted one counts nothing;
- a date missed is one she lived through: moving east she may skip a date altogether (Los
  Angeles → Auckland jumps from the 24th to the 26th), and a skipped date is not missed. The
  dates between the last counted day and now are counted on three calendars — the dates as she
  saw them, her old zone's and her new zone's — and the smallest count is the one used
  (`days_missed`). In one zone the three agree.
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


def days_missed(
    *,
    last_active_date: date,
    last_active_at: datetime | None,
    last_active_timezone: str,
    now: datetime,
    time_zone: str,
) -> int:
    """Local dates the learner lived through without a counted day, since her last counted day.

    `last_active_date` is a date of `last_active_timezone`'s calendar, counted at
    `last_active_at`; `now` is read in `time_zone`, her zone today. Today is not missed yet.
    """
    today = local_date(now, time_zone)
    gaps = [(today - last_active_date).days]
    if last_active_timezone and last_active_timezone != time_zone:
        # Her old calendar: had she stayed, which date would it be now?
        gaps.append((local_date(now, last_active_timezone) - last_active_date).days)
        if last_active_at is not None:
            # Her new calendar: which date was her last counted moment here?
            gaps.append((today - local_date(last_active_at, time_zone)).days)
    return max(0, min(gaps) - 1)


def advance(
    *,
    current: int,
    best: int,
    last_active_date: date | None,
    freezes: int,
    today: date,
    missed: int | None = None,
) -> Streak:
    """The streak after a session is completed on `today` (the learner's local date).

    `missed` is how many days went by unpractised (`days_missed`); by default the dates
    between the last counted day and today. Freezes cover missed days, one each, and do not
    lengthen the streak; when they cannot cover them all, the streak starts again at 1 and the
    freezes are kept.
    """
    if last_active_date is not None and today <= last_active_date:
        return Streak(current, best, last_active_date, freezes)
    used = 0
    if last_active_date is None:
        current = 1
    else:
        if missed is None:
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


def current_on(
    *,
    current: int,
    last_active_date: date | None,
    freezes: int,
    today: date,
    missed: int | None = None,
) -> int:
    """The streak as it stands on `today`: still alive until more days are missed than freezes
    can cover (today itself is not missed yet). `missed` as in `advance`."""
    if last_active_date is None:
        return 0
    if missed is None:
        missed = max(0, (today - last_active_date).days - 1)
    return current if missed <= freezes else 0

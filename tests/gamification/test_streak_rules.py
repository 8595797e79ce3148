"""The streak rules on their own (pure code): dates, freezes, and learners who change time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gamification.streaks import advance, current_on, days_missed

AUCKLAND, LONDON, LOS_ANGELES = "Pacific/Auckland", "Europe/London", "America/Los_Angeles"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def missed(last: date, last_at: datetime, last_zone: str, now: datetime, zone: str) -> int:
    return days_missed(
        last_active_date=last,
        last_active_at=last_at,
        last_active_timezone=last_zone,
        now=now,
        time_zone=zone,
    )


def test_the_first_day_starts_a_streak_of_one() -> None:
    streak = advance(current=0, best=0, last_active_date=None, freezes=0, today=date(2026, 1, 5))

    assert (streak.current, streak.best, streak.counted_today) == (1, 1, True)


def test_the_next_date_adds_one_and_the_same_date_adds_nothing() -> None:
    day = date(2026, 1, 5)
    same = advance(current=4, best=9, last_active_date=day, freezes=0, today=day)
    next_ = advance(current=4, best=9, last_active_date=day, freezes=0, today=date(2026, 1, 6))

    assert (same.current, same.counted_today) == (4, False)
    assert (next_.current, next_.best, next_.counted_today) == (5, 9, True)


@pytest.mark.parametrize(
    ("freezes", "gap_days", "expected"),
    [
        pytest.param(1, 1, (6, 0, 1), id="one freeze covers one missed day"),
        pytest.param(2, 2, (6, 0, 2), id="two freezes cover two missed days"),
        pytest.param(2, 1, (6, 1, 1), id="only the freezes needed are used"),
        pytest.param(1, 2, (1, 1, 0), id="too few freezes: a new streak, freezes kept"),
    ],
)
def test_freezes_cover_missed_days_one_each(
    freezes: int, gap_days: int, expected: tuple[int, int, int]
) -> None:
    last = date(2026, 1, 5)
    today = date(2026, 1, 6 + gap_days)

    streak = advance(current=5, best=5, last_active_date=last, freezes=freezes, today=today)

    assert (streak.current, streak.freezes, streak.freezes_used) == expected


def test_in_one_zone_the_missed_days_are_the_dates_between() -> None:
    # London, across the end of summer time (Sun 25 Oct 2026): Sat 24 23:30 BST, then
    # Mon 26 00:15 GMT — one date (Sunday) in between.
    assert missed(date(2026, 10, 24), utc(10, 24, 22, 30), LONDON, utc(10, 26, 0, 15), LONDON) == 1


def test_moving_east_over_the_date_line_a_skipped_date_is_not_missed() -> None:
    # Los Angeles Sat 24 Oct 20:00 PDT, then Auckland Mon 26 Oct 10:00 NZDT: Sunday the 25th
    # was never on her calendar.
    last, last_at = date(2026, 10, 24), utc(10, 25, 3)
    assert missed(last, last_at, LOS_ANGELES, utc(10, 25, 21), AUCKLAND) == 0
    # Even when her last day was early in the morning (00:30 PDT), which was already
    # the evening of the same date in Auckland.
    assert missed(last, utc(10, 24, 7, 30), LOS_ANGELES, utc(10, 25, 21), AUCKLAND) == 0


def test_moving_east_a_date_she_lived_through_unpractised_is_missed() -> None:
    # Same flight; then all of Mon 26 Oct in Auckland without practice: Tue 27 misses one day.
    assert missed(date(2026, 10, 24), utc(10, 25, 3), LOS_ANGELES, utc(10, 27, 7), AUCKLAND) == 1


def test_moving_west_a_repeated_date_counts_once_and_the_next_one_follows_on() -> None:
    # Auckland Tue 20 Oct 08:00 NZDT counted; in Los Angeles it is Tue 20 Oct again.
    last, last_at = date(2026, 10, 20), utc(10, 19, 19)
    again = advance(current=9, best=9, last_active_date=last, freezes=0, today=date(2026, 10, 20))
    gap = missed(last, last_at, AUCKLAND, utc(10, 21, 16), LOS_ANGELES)
    next_ = advance(
        current=9, best=9, last_active_date=last, freezes=0, today=date(2026, 10, 21), missed=gap
    )

    assert again.counted_today is False
    assert (gap, next_.current) == (0, 10)


def test_a_streak_stays_alive_today_until_more_days_are_missed_than_freezes_cover() -> None:
    last = date(2026, 11, 8)

    assert current_on(current=26, last_active_date=last, freezes=0, today=date(2026, 11, 9)) == 26
    assert current_on(current=26, last_active_date=last, freezes=0, today=date(2026, 11, 10)) == 0
    assert current_on(current=26, last_active_date=last, freezes=1, today=date(2026, 11, 10)) == 26
    assert current_on(current=0, last_active_date=None, freezes=2, today=last) == 0

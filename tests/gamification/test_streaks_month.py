"""A scripted month, 12 October – 10 November 2026, of three learners in three time zones.

Every practice day is a real quiz session (one question, answered right) started and answered
through `practice.services`, with the clock stopped at an explicit UTC instant: practice reads
the clock where it completes the session and hands it to `gamification.services.
session_completed(at=...)`. The month crosses both daylight-saving ends of the northern autumn:
Europe/London on Sunday 25 October (01:00 UTC, BST +1 → GMT +0) and America/Los_Angeles on
Sunday 1 November (09:00 UTC, PDT −7 → PST −8). Pacific/Auckland is on NZDT (+13) all month
(its change was on 27 September), and Kiri flies from there to Los Angeles and back.

Arithmetic shared by the three learners (the constants of `practice.services.answers` and
`gamification.services`):
- a right answer to an easy question (difficulty 2): 10 + 2 × (2 − 1) = 12 XP, every session;
- the day's goal: 10 XP, once per local date. Each learner's goal is one minute and each answer
  takes one, so every practice day meets it (the goal is counted in minutes, the streak in
  completed sessions: here the two fall on the same dates);
- streak milestones: 3 days → 15 XP, 7 → 30, 14 → 50, 30 → 100 (again after a reset);
- the two achievements of this test (the seeded ones are set aside, to keep the sums short):
  3 days in a row → 20 XP and a freeze, 7 days in a row → 40 XP and a freeze; each once.
A freeze covers one missed day and does not lengthen the streak; when the freezes held cannot
cover every missed day, the streak starts again at 1 and the freezes are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from accounts.models import LearnerProfile, User
from accounts.services import user_update
from curriculum.models import Track
from gamification.models import Achievement, Standing, XPEvent
from gamification.selectors import standing_summary
from gamification.services import xp_verify
from practice.models import Attempt
from practice.services import answer_submit, session_start
from tests.accounts.factories import UserFactory
from tests.practice.builders import current, numeric_lesson, right_answer

pytestmark = pytest.mark.django_db

AUCKLAND, LONDON, LOS_ANGELES = "Pacific/Auckland", "Europe/London", "America/Los_Angeles"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def track(db: None) -> Track:
    """One easy question to practise, in quizzes of one."""
    return numeric_lesson(exercises=1).unit.track


@pytest.fixture
def streak_achievements(db: None) -> None:
    Achievement.objects.all().delete()
    for days, xp in ((3, 20), (7, 40)):
        Achievement.objects.create(
            code=f"streak-{days}",
            name=f"{days} days in a row",
            description=f"Practise {days} days in a row.",
            category=Achievement.Category.STUDY_STREAKS,
            criteria=Achievement.Criteria.STUDY_STREAK,
            threshold=days,
            xp_reward=xp,
            grants_streak_freeze=True,
        )


@pytest.fixture
def practise(
    track: Track, clock: Callable[[datetime], Any], streak_achievements: None
) -> Callable[[User, datetime], None]:
    """A real quiz session of one question, answered right and so completed, at `at`."""

    def complete_a_session(learner: User, at: datetime) -> None:
        with clock(at):
            session = session_start(user=learner, mode="quiz", track=track, size=1)
            exercise, seed = current(session)
            answer_submit(
                user=learner,
                session=session,
                exercise_id=exercise.pk,
                response=right_answer(exercise, seed),
                response_ms=60_000,
            )
        session.refresh_from_db()
        assert session.status == "completed"
        assert session.ended_at == at

    return complete_a_session


def learner_in(zone: str, name: str) -> User:
    learner = UserFactory(username=name, time_zone=zone)
    LearnerProfile.objects.update_or_create(user=learner, defaults={"daily_goal_minutes": 1})
    return learner


def move_to(learner: User, zone: str) -> None:
    """She changes her time zone in her settings, as the API's `PATCH me` does."""
    user_update(user=learner, user_fields={"timezone": zone}, profile_fields={})


def standing_of(learner: User) -> Standing:
    return Standing.objects.get(user=learner)


def daily_goal_dates(learner: User) -> list[int]:
    return list(
        XPEvent.objects.filter(user=learner, reason="daily_goal")
        .order_by("source_id")
        .values_list("source_id", flat=True)
    )


def test_kiri_in_auckland_keeps_her_streak_across_a_trip_to_los_angeles_and_back(
    practise: Callable[[User, datetime], None],
) -> None:
    kiri = learner_in(AUCKLAND, "kiri")
    # Mon 12 – Sun 18 Oct at 19:00 NZDT (06:00 UTC the same date): streak 1 … 7. The third day
    # earns "3 days in a row" (a freeze: 1), the seventh "7 days in a row" (a freeze: 2).
    for day in range(12, 19):
        practise(kiri, utc(10, day, 6))
    assert (standing_of(kiri).current_streak, standing_of(kiri).streak_freezes) == (7, 2)

    # Mon 19 Oct, twice: 07:00 NZDT (Sun 18 18:00 UTC — the UTC date of the day before) and
    # 19:00 NZDT. One local date, one day: streak 8.
    practise(kiri, utc(10, 18, 18))
    practise(kiri, utc(10, 19, 6))
    assert standing_of(kiri).current_streak == 8

    # Tue 20 Oct 08:00 NZDT (Mon 19 19:00 UTC), before her flight: streak 9 on the 20th.
    practise(kiri, utc(10, 19, 19))
    # She flies west to Los Angeles and lands on the 20th again (local dates repeat):
    # Tue 20 Oct 15:00 PDT (22:00 UTC) is a date already counted — nothing new.
    move_to(kiri, LOS_ANGELES)
    practise(kiri, utc(10, 20, 22))
    assert (standing_of(kiri).current_streak, standing_of(kiri).last_active_date.day) == (9, 20)
    # Wed 21 Oct 09:00 PDT (16:00 UTC): the next date she sees — streak 10.
    practise(kiri, utc(10, 21, 16))
    # Thu 22 Oct missed. Fri 23 Oct 18:00 PDT (Sat 24 01:00 UTC): one day missed, one freeze
    # used (2 → 1), streak 11.
    practise(kiri, utc(10, 24, 1))
    assert (standing_of(kiri).current_streak, standing_of(kiri).streak_freezes) == (11, 1)
    # Sat 24 Oct 20:00 PDT (Sun 25 03:00 UTC): streak 12.
    practise(kiri, utc(10, 25, 3))

    # She flies east overnight and lands in Auckland on Mon 26 Oct: Sun 25 Oct never happened
    # on her calendar. On landing (08:00 NZDT, Sun 25 19:00 UTC) her streak is alive: 12.
    move_to(kiri, AUCKLAND)
    landed = standing_summary(user=kiri, now=utc(10, 25, 19))
    assert (landed.current_streak, landed.practised_today) == (12, False)
    # Mon 26 Oct 10:00 NZDT (Sun 25 21:00 UTC): the day after her Saturday as she lived it —
    # the skipped Sunday is not a missed day, so no freeze is used: streak 13, freezes 1.
    practise(kiri, utc(10, 25, 21))
    assert (standing_of(kiri).current_streak, standing_of(kiri).streak_freezes) == (13, 1)

    # Tue 27 – Sat 31 Oct at 19:00 NZDT: streak 14 (a milestone) … 18.
    for day in range(27, 32):
        practise(kiri, utc(10, day, 6))
    # Sun 1 – Tue 3 Nov missed: three days, one freeze — the streak starts again.
    # Wed 4 – Tue 10 Nov at 19:00 NZDT: streak 1 … 7 (milestones 3 and 7 pay again; the two
    # achievements were earned already, so no more freezes).
    for day in range(4, 11):
        practise(kiri, utc(11, day, 6))

    standing = standing_of(kiri)
    # Sessions: 7 + 2 + 1 + 1 (Los Angeles, the 20th again) + 3 + 1 + 5 + 7 = 27.
    assert Attempt.objects.filter(user=kiri).count() == 27
    # Counted dates: 27 sessions less the second one of the 19th and the repeated 20th = 25.
    assert len(daily_goal_dates(kiri)) == 25
    # XP: 27 answers × 12 = 324; 25 days × 10 = 250; milestones 15 + 30 (12–18 Oct)
    # + 50 (14 days on 27 Oct) + 15 + 30 (4–10 Nov) = 140; achievements 20 + 40 = 60.
    assert standing.xp == 324 + 250 + 140 + 60 == 774
    assert standing.level == 5  # level 5 begins at 700 XP, level 6 at 1000
    # Streaks: 18 (12–31 Oct, the freeze bridging the 22nd), then 7 (4–10 Nov).
    assert (standing.current_streak, standing.best_streak) == (7, 18)
    # Freezes: +1 (14 Oct) +1 (18 Oct) −1 (22 Oct) = 1; the skipped Sunday and the reset took
    # none.
    assert standing.streak_freezes == 1
    assert standing_summary(user=kiri, now=utc(11, 10, 8)).current_streak == 7
    assert xp_verify() == []


def test_wren_in_london_counts_her_days_on_london_time_through_the_clock_change(
    practise: Callable[[User, datetime], None],
) -> None:
    wren = learner_in(LONDON, "wren")
    # Mon 12 – Fri 16 Oct at 23:30 BST (22:30 UTC): streak 1 … 5; the third day earns a freeze.
    for day in range(12, 17):
        practise(wren, utc(10, day, 22, 30))
    # Sat 17 Oct missed. Sun 18 Oct 08:00 BST (07:00 UTC): the freeze covers Saturday
    # (1 → 0), streak 6.
    practise(wren, utc(10, 18, 7))
    assert (standing_of(wren).current_streak, standing_of(wren).streak_freezes) == (6, 0)
    # Mon 19 Oct 00:15 BST is still Sun 18 on UTC (23:15): her date is the 19th, streak 7,
    # and "7 days in a row" gives a freeze back (0 → 1).
    practise(wren, utc(10, 18, 23, 15))
    assert (standing_of(wren).current_streak, standing_of(wren).streak_freezes) == (7, 1)
    # Tue 20 – Sat 24 Oct at 12:00 BST (11:00 UTC): streak 8 … 12.
    for day in range(20, 25):
        practise(wren, utc(10, day, 11))
    # Sun 25 Oct, the clocks go back at 02:00 BST: 01:30 happens twice. At the first 01:30
    # (BST, 00:30 UTC) and at the second (GMT, 01:30 UTC): one date, streak 13.
    practise(wren, utc(10, 25, 0, 30))
    practise(wren, utc(10, 25, 1, 30))
    assert standing_of(wren).current_streak == 13
    # Mon 26 Oct 00:15 GMT (00:15 UTC): streak 14, a milestone.
    practise(wren, utc(10, 26, 0, 15))
    # Tue 27 and Wed 28 Oct missed: two days, one freeze — the streak starts again; the freeze
    # is kept. Thu 29 Oct – Tue 10 Nov at 23:30 GMT (23:30 UTC): streak 1 … 13.
    for month, day in [(10, 29), (10, 30), (10, 31), *((11, day) for day in range(1, 11))]:
        practise(wren, utc(month, day, 23, 30))

    standing = standing_of(wren)
    # Sessions: 5 + 1 + 1 + 5 + 2 + 1 + 13 = 28; dates counted: 28 less the second 01:30 = 27.
    assert Attempt.objects.filter(user=wren).count() == 28
    assert len(daily_goal_dates(wren)) == 27
    assert daily_goal_dates(wren).count(20261025) == 1
    # XP: 28 × 12 = 336; 27 × 10 = 270; milestones 15 (14 Oct) + 30 (19 Oct) + 50 (26 Oct)
    # + 15 (31 Oct) + 30 (4 Nov) = 140; achievements 20 + 40 = 60.
    assert standing.xp == 336 + 270 + 140 + 60 == 806
    assert standing.level == 5
    assert (standing.current_streak, standing.best_streak) == (13, 14)
    # Freezes: +1 (14 Oct) −1 (17 Oct) +1 (19 Oct) = 1, kept through the reset.
    assert standing.streak_freezes == 1
    assert xp_verify() == []


def test_rosa_in_los_angeles_practises_late_at_night_into_the_next_utc_day(
    practise: Callable[[User, datetime], None],
) -> None:
    rosa = learner_in(LOS_ANGELES, "rosa")
    # Mon 12 – Tue 20 Oct at 23:30 PDT, which is 06:30 UTC the next day: streak 1 … 9 on her
    # own dates; freezes at 3 and 7 days (2).
    for day in range(12, 21):
        practise(rosa, utc(10, day + 1, 6, 30))
    assert (standing_of(rosa).current_streak, standing_of(rosa).streak_freezes) == (9, 2)
    assert standing_of(rosa).last_active_date.day == 20
    # Wed 21 and Thu 22 Oct missed. Fri 23 Oct 07:00 PDT (14:00 UTC): both freezes used
    # (2 → 0), streak 10.
    practise(rosa, utc(10, 23, 14))
    assert (standing_of(rosa).current_streak, standing_of(rosa).streak_freezes) == (10, 0)
    # Sat 24 – Sat 31 Oct at 18:00 PDT (01:00 UTC the next day): streak 11 … 18 (14 on the
    # 27th, a milestone).
    for days_later in range(8):
        practise(rosa, utc(10, 25, 1) + timedelta(days=days_later))
    # Sun 1 Nov, the clocks go back at 02:00 PDT: 23:30 PST is Mon 2 Nov 07:30 UTC. Streak 19.
    practise(rosa, utc(11, 2, 7, 30))
    # Mon 2 Nov, twice: 00:30 PST (08:30 UTC) and 23:30 PST (Tue 3 Nov 07:30 UTC). One date,
    # streak 20.
    practise(rosa, utc(11, 2, 8, 30))
    practise(rosa, utc(11, 3, 7, 30))
    assert standing_of(rosa).current_streak == 20
    # Tue 3 – Sun 8 Nov at 23:30 PST (07:30 UTC the next day): streak 21 … 26. Then she stops.
    for day in range(3, 9):
        practise(rosa, utc(11, day + 1, 7, 30))

    standing = standing_of(rosa)
    # Sessions: 9 + 1 + 8 + 1 + 2 + 6 = 27; dates counted: 27 less the second of 2 Nov = 26.
    assert Attempt.objects.filter(user=rosa).count() == 27
    assert len(daily_goal_dates(rosa)) == 26
    # XP: 27 × 12 = 324; 26 × 10 = 260; milestones 15 + 30 + 50 = 95 (no 30-day streak);
    # achievements 20 + 40 = 60.
    assert standing.xp == 324 + 260 + 95 + 60 == 739
    assert standing.level == 5
    # One unbroken streak of 26 dates, 12 Oct – 8 Nov, the two freezes bridging 21–22 Oct.
    assert (standing.current_streak, standing.best_streak, standing.streak_freezes) == (26, 26, 0)
    # As of Mon 9 Nov noon PST her streak is alive (today is not missed yet); as of Tue 10 Nov
    # noon, Monday is missed with no freeze to cover it: 0, though her best stays 26.
    assert standing_summary(user=rosa, now=utc(11, 9, 20)).current_streak == 26
    lapsed = standing_summary(user=rosa, now=utc(11, 10, 20))
    assert (lapsed.current_streak, lapsed.best_streak) == (0, 26)
    assert xp_verify() == []

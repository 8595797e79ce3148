"""Streak-at-risk reminders: at the learner's own reminder time, once a day, only when at risk."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import LearnerProfile, User
from analytics.reminders import WallRange, streak_reminders_send, wall_ranges, window_ending
from gamification.models import Standing
from practice.models import PracticeSession
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
TODAY = date(2025, 6, 10)
# 18:05 in Berlin (summer time): the window that just ended is 17:45–18:00 there.
NOW = datetime(2025, 6, 10, 16, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def own_cache(settings: Any) -> None:
    """A cache of this test's own: a parallel test flushing a shared Redis cannot drop its marks."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"{__name__}-{uuid.uuid4().hex}",
        }
    }


def _learner(
    name: str,
    *,
    zone: str = "Europe/Berlin",
    at: time | None = time(18, 0),
    streak: int = 5,
    last_active: date | None = TODAY - timedelta(days=1),
    freezes: int = 0,
    **fields: Any,
) -> User:
    learner = UserFactory(username=name, time_zone=zone, **fields)
    LearnerProfile.objects.filter(user=learner).update(reminder_time=at)
    Standing.objects.create(
        user=learner, current_streak=streak, last_active_date=last_active, streak_freezes=freezes
    )
    return learner


def _reminded() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_learner_whose_reminder_time_just_passed_is_reminded_once_that_day() -> None:
    _learner("ada")
    _learner("frozen", streak=3, last_active=TODAY - timedelta(days=2), freezes=1)
    _learner("later", at=time(18, 15))
    _learner("earlier", at=time(17, 45))
    _learner("kolkata", zone="Asia/Kolkata")
    _learner("no_streak", streak=0)
    _learner("lost", streak=8, last_active=TODAY - timedelta(days=3), freezes=1)
    _learner("no_reminder", at=None)
    _learner("unverified", is_verified=False)
    done = _learner("done_today", last_active=TODAY)
    PracticeSession.objects.create(
        user=done,
        mode="lesson",
        status=PracticeSession.Status.COMPLETED,
        ended_at=datetime(2025, 6, 10, 6, 0, tzinfo=UTC),
    )

    assert streak_reminders_send(now=NOW) == 2

    assert _reminded() == ["ada@example.org", "frozen@example.org"]
    ada = next(message for message in mail.outbox if message.to == ["ada@example.org"])
    assert ada.subject == "Keep your 5-day streak going"
    assert "5 days in a row" in ada.body
    assert "clear it in your settings" in ada.body

    assert streak_reminders_send(now=NOW) == 0, "the same window again: nobody twice"
    assert streak_reminders_send(now=NOW + timedelta(minutes=15)) == 1
    assert _reminded() == ["ada@example.org", "frozen@example.org", "later@example.org"]
    mail.outbox.clear()
    # The next day: who practised today is at risk tomorrow; ada, without a freeze, lost hers.
    assert streak_reminders_send(now=NOW + timedelta(days=1)) == 1
    assert _reminded() == ["done_today@example.org"]


def test_a_session_completed_today_means_no_reminder_even_before_the_streak_is_updated() -> None:
    learner = _learner("ada")
    PracticeSession.objects.create(
        user=learner,
        mode="drill",
        status=PracticeSession.Status.COMPLETED,
        ended_at=datetime(2025, 6, 9, 22, 30, tzinfo=UTC),  # 00:30 on TODAY in Berlin
    )

    assert streak_reminders_send(now=NOW) == 0


def test_reminders_around_midnight_belong_to_the_day_they_fall_on() -> None:
    # Tokyo (UTC+9): the window 14:45–15:00 UTC is 23:45–00:00 there.
    now = datetime(2025, 6, 10, 15, 3, tzinfo=UTC)
    _learner("before", zone="Asia/Tokyo", at=time(23, 50), last_active=date(2025, 6, 9))
    midnight = _learner("midnight", zone="Asia/Tokyo", at=time(0, 0), last_active=TODAY)
    # She practised at 23:30 on the 10th in Tokyo: that was yesterday for a midnight reminder.
    PracticeSession.objects.create(
        user=midnight,
        mode="lesson",
        status=PracticeSession.Status.COMPLETED,
        ended_at=datetime(2025, 6, 10, 14, 30, tzinfo=UTC),
    )

    assert streak_reminders_send(now=now) == 2

    assert _reminded() == ["before@example.org", "midnight@example.org"]


def test_a_reminder_time_skipped_by_the_spring_change_goes_out_when_clocks_jump() -> None:
    # New York, 9 March 2025: 02:00 EST becomes 03:00 EDT, so 02:30 never shows.
    _learner("ada", zone="America/New_York", at=time(2, 30), last_active=date(2025, 3, 8))

    assert streak_reminders_send(now=datetime(2025, 3, 9, 6, 50, tzinfo=UTC)) == 0
    assert streak_reminders_send(now=datetime(2025, 3, 9, 7, 0, tzinfo=UTC)) == 1


def test_the_window_is_the_quarter_hour_that_ended_and_its_wall_clock_times_per_zone() -> None:
    start, end = window_ending(datetime(2025, 6, 10, 16, 14, 59, tzinfo=UTC))
    assert (start, end) == (
        datetime(2025, 6, 10, 15, 45, tzinfo=UTC),
        datetime(2025, 6, 10, 16, 0, tzinfo=UTC),
    )
    assert wall_ranges(start, end, "Asia/Kolkata") == [WallRange(TODAY, time(21, 15), time(21, 30))]
    tokyo = wall_ranges(start - timedelta(hours=1), end - timedelta(hours=1), "Asia/Tokyo")
    assert tokyo == [
        WallRange(TODAY, time(23, 45), None),
        WallRange(TODAY + timedelta(days=1), None, time(0, 0)),
    ]
    # Autumn in Berlin: at 03:00 summer time the clocks go back to 02:00.
    autumn_start = datetime(2025, 10, 26, 0, 45, tzinfo=UTC)
    assert wall_ranges(autumn_start, autumn_start + timedelta(minutes=15), "Europe/Berlin") == [
        WallRange(date(2025, 10, 26), time(2, 45), time(3, 0)),
        WallRange(date(2025, 10, 26), time(1, 45), time(2, 0)),
    ]


def test_without_the_cache_a_learner_is_still_reminded_once_per_window(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: a cache outage
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    _learner("ada")

    assert streak_reminders_send(now=NOW) == 1

    assert _reminded() == ["ada@example.org"]


def test_a_reminder_that_could_not_be_sent_is_tried_again_by_the_retry(settings: Any) -> None:
    _learner("ada")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1

    with pytest.raises(ConnectionRefusedError):  # no mail server: the connection fails
        streak_reminders_send(now=NOW)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert streak_reminders_send(now=NOW) == 1


def test_the_send_streak_reminders_command_reports_how_many_were_sent() -> None:
    out = StringIO()

    call_command("send_streak_reminders", stdout=out)

    assert "0 streak reminders sent." in out.getvalue()

"""Streak-at-risk reminders: one e-mail at the learner's reminder time, at most once a day.

A task runs every 15 minutes. Its window is the quarter hour that just ended (the run's time
floored to the quarter: a late or repeated run looks at the same window, never at a shifted
one). For each time zone, the window is turned into the wall-clock times it showed there, and
one query finds the learners whose reminder time fell in it, who hold a streak that is still
alive, and who have not completed a session today (their local today).

Once per local day: before sending, the learner's mark `reminder:{user}:{date}` is added to the
cache (an atomic add, two days' life); a mark already there means she was reminded. When the
cache is unreachable the add answers neither yes nor no, and the e-mail is sent anyway: the
window alone then guarantees one e-mail per run of the schedule, never a reminder lost.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from gamification.models import MAX_STREAK_FREEZES
from gamification.streaks import current_on
from practice.models import PracticeSession

from .rollups import local_midnight

logger = logging.getLogger(__name__)

WINDOW = timedelta(minutes=15)
SENT_KEY = "reminder:{user}:{date}"
SENT_TTL = 60 * 60 * 24 * 2


@dataclass(frozen=True)
class WallRange:
    """Wall-clock times of one local date: after `after` (exclusive) up to `until` (inclusive).

    None is open-ended: from midnight on, or up to the end of the day.
    """

    day: date
    after: time | None
    until: time | None

    def condition(self) -> Q:
        condition = Q(profile__reminder_time__isnull=False)
        if self.after is not None:
            condition &= Q(profile__reminder_time__gt=self.after)
        if self.until is not None:
            condition &= Q(profile__reminder_time__lte=self.until)
        return condition


@dataclass(frozen=True)
class Reminder:
    user_id: int
    email: str
    username: str
    streak: int
    day: date


def window_ending(now: datetime) -> tuple[datetime, datetime]:
    """The quarter hour that ended last at `now`: (start, end]."""
    end = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return end - WINDOW, end


def wall_ranges(start: datetime, end: datetime, zone: str) -> list[WallRange]:
    """The wall-clock times the zone's clocks showed during (start, end], by local date.

    When clocks spring forward inside the window, the skipped times count as passed (a reminder
    at 02:30 goes out at 03:00). When they fall back, the wall-clock times of both sides of the
    switch are covered; a time seen twice is reminded once thanks to the daily mark.
    """
    tz = ZoneInfo(zone)
    low = start.astimezone(tz).replace(tzinfo=None)
    high = end.astimezone(tz).replace(tzinfo=None)
    spans = [(low, high)] if high > low else [(low, low + WINDOW), (high - WINDOW, high)]
    ranges = []
    for after, until in spans:
        if after.date() == until.date():
            ranges.append(WallRange(until.date(), after.time(), until.time()))
        else:  # across midnight
            ranges.append(WallRange(after.date(), after.time(), None))
            ranges.append(WallRange(until.date(), None, until.time()))
    return ranges


def reminders_due(*, now: datetime | None = None) -> list[Reminder]:
    """The learners to remind in the window that ended last, with their streak and local day."""
    start, end = window_ending(now or timezone.now())
    candidates = User.objects.filter(
        is_active=True,
        is_verified=True,
        profile__reminder_time__isnull=False,
        standing__current_streak__gt=0,
    ).exclude(email="")
    zones = candidates.values_list("timezone", flat=True).distinct().order_by()
    due = []
    for zone in sorted(set(zones)):
        for wall in wall_ranges(start, end, zone):
            today_started = local_midnight(wall.day, zone)
            practised_today = PracticeSession.objects.filter(
                user=OuterRef("pk"),
                status=PracticeSession.Status.COMPLETED,
                ended_at__gte=today_started,
            )
            rows = (
                candidates.filter(wall.condition(), timezone=zone)
                # A streak whose last day is today is safe; one older than the freezes can
                # cover is already lost (refined with `current_on` below).
                .filter(
                    standing__last_active_date__lt=wall.day,
                    standing__last_active_date__gte=wall.day
                    - timedelta(days=1 + MAX_STREAK_FREEZES),
                )
                .exclude(Exists(practised_today))
                .values_list(
                    "pk",
                    "email",
                    "username",
                    "standing__current_streak",
                    "standing__last_active_date",
                    "standing__streak_freezes",
                )
            )
            for user_id, email, username, streak, last_active, freezes in rows:
                alive = current_on(
                    current=streak, last_active_date=last_active, freezes=freezes, today=wall.day
                )
                if alive:
                    due.append(Reminder(user_id, email, username, alive, wall.day))
    return due


def streak_reminders_send(*, now: datetime | None = None) -> int:
    """E-mail every learner whose reminder time just passed and whose streak is at risk."""
    sent = 0
    due = reminders_due(now=now)
    if not due:
        return 0
    with mail.get_connection() as connection:
        for reminder in due:
            key = SENT_KEY.format(user=reminder.user_id, date=reminder.day.isoformat())
            if _claim(key) is False:
                continue
            try:
                _message(reminder, connection).send()
            except (smtplib.SMTPException, OSError) as exc:
                # Not reminded: free the mark so that a retry of this run can try again.
                logger.warning("streak reminder to %s failed: %s", reminder.user_id, exc)
                _release(key)
                continue
            sent += 1
    logger.info("streak reminders: %d sent", sent)
    return sent


def _claim(key: str) -> bool | None:
    """True: ours to send; False: already sent today; None: the cache cannot tell."""
    try:
        added = cache.add(key, 1, SENT_TTL)
    except Exception as exc:  # noqa: BLE001 - any cache failure: send, the window bounds it
        logger.warning("reminder mark %s unavailable: %s", key, exc)
        return None
    return None if added is None else bool(added)


def _release(key: str) -> None:
    try:
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001 - the mark expires on its own
        logger.warning("could not release reminder mark %s: %s", key, exc)


def _message(reminder: Reminder, connection: BaseEmailBackend) -> mail.EmailMessage:
    days = "day" if reminder.streak == 1 else "days"
    return mail.EmailMessage(
        subject=f"Keep your {reminder.streak}-day streak going",
        body=(
            f"Hi {reminder.username},\n\n"
            f"You have practised {reminder.streak} {days} in a row. One short session today "
            "keeps your streak alive.\n\n"
            f"{settings.SITE_URL}/\n\n"
            "You get this e-mail because you set a daily reminder time; clear it in your "
            "settings to stop these reminders.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.email],
        connection=connection,
    )

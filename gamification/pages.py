"""The learner's Profile and Leaderboards pages: their forms and what each page shows.

Views validate with the forms, act through `services`, read through `selectors` and
`leaderboards`, and hand the templates the typed views built here; templates never query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page
from django.http import HttpRequest
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from accounts.models import User

from . import selectors
from .leaderboards import PERIODS, Board, Row
from .levels import MAX_LEVEL, progress_in_level
from .models import MAX_STREAK_FREEZES, Avatar, Standing, XPEvent
from .selectors import AchievementView, AvatarBrief, AvatarView, StreakDays

CALENDAR_WEEKS = 5
XP_HISTORY_PAGE_SIZE = 20
LEADERBOARD_TOP = 10
DEFAULT_PERIOD = "weekly"
PERIOD_LABELS = {"daily": "Today", "weekly": "This week", "all_time": "All time"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class LearnerRequest(HttpRequest):
    """What `login_required` views receive: a signed-in user, and htmx details."""

    user: User
    htmx: HtmxDetails


# --------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------


class AvatarPickForm(forms.Form):
    avatar = forms.SlugField(max_length=40, error_messages={"required": "Choose an avatar first."})


class LeaderboardQueryForm(forms.Form):
    """`?period=&track=`: an unknown period falls back to this week; a bad track is a 404."""

    period = forms.ChoiceField(choices=[(p, PERIOD_LABELS[p]) for p in PERIODS], required=False)
    track = forms.IntegerField(required=False, min_value=1)


class LeaderboardVisibilityForm(forms.Form):
    """Hide me from the boards, or show me again; `period`/`track` say where to come back to."""

    visibility = forms.ChoiceField(
        choices=[("hidden", "Hidden"), ("shown", "Shown")],
        error_messages={"required": "Choose whether to be shown or hidden."},
    )
    period = forms.ChoiceField(choices=[(p, PERIOD_LABELS[p]) for p in PERIODS], required=False)
    track = forms.IntegerField(required=False, min_value=1)

    @property
    def opt_out(self) -> bool:
        return bool(self.cleaned_data["visibility"] == "hidden")


def first_error(form: forms.Form, fallback: str) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return fallback


def leaderboard_url(*, period: str, track_id: int | None) -> str:
    query: dict[str, Any] = {"period": period}
    if track_id is not None:
        query["track"] = track_id
    return f"{reverse('gamification:leaderboards')}?{urlencode(query)}"


# --------------------------------------------------------------------------------------------
# Profile: level, streak calendar, achievements, avatars, XP history
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelView:
    xp: int
    level: int
    next_level: int | None
    xp_in_level: int
    level_span: int
    xp_to_next_level: int

    @property
    def percent(self) -> int:
        return min(100, 100 * self.xp_in_level // self.level_span)


def level_view(standing: Standing) -> LevelView:
    into_level, span = progress_in_level(standing.xp)
    at_top = standing.level >= MAX_LEVEL
    return LevelView(
        xp=standing.xp,
        level=standing.level,
        next_level=None if at_top else standing.level + 1,
        xp_in_level=into_level,
        level_span=span,
        xp_to_next_level=0 if at_top else max(0, span - into_level),
    )


# What a day of the streak calendar was; the label is what a screen reader hears.
DAY_LABELS = {
    "practised": "practised",
    "frozen": "missed, kept by a streak freeze",
    "pending": "missed: a streak freeze covers it if you practise today",
    "missed": "not practised",
    "today": "today, not practised yet",
    "future": "still to come",
    "before": "before you joined",
}
DAY_MARKS = {"practised": "✓", "frozen": "❄", "pending": "!", "missed": "·"}


@dataclass(frozen=True)
class CalendarDay:
    day: date
    state: str
    is_today: bool

    @property
    def label(self) -> str:
        when = f"{WEEKDAYS[self.day.weekday()]} {self.day.day} {self.day:%B}"
        return f"{when}: {DAY_LABELS[self.state]}"

    @property
    def mark(self) -> str:
        return DAY_MARKS.get(self.state, "")


@dataclass(frozen=True)
class StreakView:
    current: int
    best: int
    practised_today: bool
    freezes: int
    max_freezes: int
    weeks: list[list[CalendarDay]]
    practised_days: int
    frozen_days: int
    pending_days: int

    @property
    def first_day(self) -> date:
        return self.weeks[0][0].day

    @property
    def last_day(self) -> date:
        return self.weeks[-1][-1].day


def calendar_span(today: date) -> tuple[date, date]:
    """The Monday `CALENDAR_WEEKS - 1` weeks before this one, and this week's Sunday."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=CALENDAR_WEEKS - 1), monday + timedelta(days=6)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _frozen(counted: frozenset[date], runs: list[tuple[date, int]], first_shown: date) -> set[date]:
    """The uncounted dates inside streaks known to have been unbroken: freezes covered them.

    A streak of length N ending on a counted day D spans the N counted days up to D (a freeze
    covers a day but does not lengthen the streak). Known streaks: the standing's current one
    and every milestone reached; before those, a gap may have been a reset, so it stays missed.
    """
    ordered = sorted(counted)
    frozen: set[date] = set()
    for end, length in runs:
        upto = [day for day in ordered if day <= end]
        if length < 1 or not upto or upto[-1] != end:
            continue
        start = upto[-length] if length <= len(upto) else first_shown
        frozen.update(day for day in _days(start, end) if day not in counted)
    return frozen


def streak_view(*, standing: Standing, user: User, days: StreakDays, today: date) -> StreakView:
    """The streak with a calendar of the last weeks, on the learner's own dates."""
    first, last = calendar_span(today)
    current = selectors.streak_today(standing=standing, user=user)
    runs = list(days.milestones.items())
    if standing.last_active_date is not None and standing.current_streak:
        runs.append((standing.last_active_date, standing.current_streak))
    frozen = _frozen(days.counted, runs, first)
    pending: set[date] = set()
    if current and standing.last_active_date is not None:
        # Still alive with days missed: the freezes held cover them once she practises again.
        pending = set(_days(standing.last_active_date + timedelta(days=1), today)) - {today}
    joined = user.date_joined.astimezone(user.zone).date()

    def state(day: date) -> str:
        if day in days.counted:
            return "practised"
        if day > today:
            return "future"
        if day == today:
            return "today"
        if day in frozen:
            return "frozen"
        if day in pending:
            return "pending"
        if day < joined:
            return "before"
        return "missed"

    cells = [CalendarDay(day, state(day), day == today) for day in _days(first, last)]
    return StreakView(
        current=current,
        best=standing.best_streak,
        practised_today=today in days.counted
        or (standing.last_active_date is not None and standing.last_active_date >= today),
        freezes=standing.streak_freezes,
        max_freezes=MAX_STREAK_FREEZES,
        weeks=[cells[week * 7 : week * 7 + 7] for week in range(CALENDAR_WEEKS)],
        practised_days=sum(cell.state == "practised" for cell in cells),
        frozen_days=sum(cell.state == "frozen" for cell in cells),
        pending_days=sum(cell.state == "pending" for cell in cells),
    )


@dataclass(frozen=True)
class AchievementGroup:
    label: str
    achievements: list[AchievementView]

    @property
    def earned(self) -> int:
        return sum(achievement.earned for achievement in self.achievements)


@dataclass(frozen=True)
class AchievementShelf:
    groups: list[AchievementGroup]

    @property
    def earned(self) -> int:
        return sum(group.earned for group in self.groups)

    @property
    def total(self) -> int:
        return sum(len(group.achievements) for group in self.groups)


def achievement_shelf(views: list[AchievementView]) -> AchievementShelf:
    """Achievements by category, in the order their first one is displayed."""
    groups: dict[str, list[AchievementView]] = {}
    labels: dict[str, str] = {}
    for view in views:
        groups.setdefault(view.category, []).append(view)
        labels[view.category] = view.category_label
    return AchievementShelf([AchievementGroup(labels[key], items) for key, items in groups.items()])


@dataclass(frozen=True)
class AvatarCard:
    avatar: AvatarView

    @property
    def rarity_label(self) -> str:
        return str(Avatar.Rarity(self.avatar.rarity).label)

    @property
    def how_to_unlock(self) -> str:
        if self.avatar.owned:
            return ""
        if self.avatar.unlocked_by == selectors.HIDDEN_NAME:
            return "Unlocked by a hidden achievement."
        if self.avatar.unlocked_by:
            return f"Unlocked by the achievement “{self.avatar.unlocked_by}”."
        return "Not yet available."


@dataclass(frozen=True)
class AvatarCollection:
    cards: list[AvatarCard]
    selected: AvatarView | None
    error: str = ""
    notice: str = ""

    @property
    def owned(self) -> int:
        return sum(card.avatar.owned for card in self.cards)


def avatar_collection(*, user: User, error: str = "", notice: str = "") -> AvatarCollection:
    views = selectors.avatars_for(user=user)
    selected = next((view for view in views if view.selected), None)
    return AvatarCollection([AvatarCard(view) for view in views], selected, error, notice)


@dataclass(frozen=True)
class XPRow:
    amount: int
    reason: str
    detail: str
    at: datetime


def _xp_detail(event: Any) -> str:
    """What a grant was for, beyond its reason: the achievement, lesson, streak or track."""
    if event.reason == XPEvent.Reason.ACHIEVEMENT and event.achievement_name:
        return str(event.achievement_name)
    if event.reason == XPEvent.Reason.STREAK_MILESTONE:
        days = event.source_type.removeprefix("streak")
        return f"{days} days in a row" if days.isdigit() else ""
    if event.reason == XPEvent.Reason.LESSON_COMPLETE and event.lesson_title:
        return str(event.lesson_title)
    return event.track.title if event.track is not None else ""


def xp_rows(page: Page[XPEvent]) -> list[XPRow]:
    """The page's grants in words (from `selectors.xp_history_described`); the template shows
    times on the learner's zone."""
    return [
        XPRow(
            amount=event.amount,
            reason=event.get_reason_display(),
            detail=_xp_detail(event),
            at=event.created_at,
        )
        for event in page.object_list
    ]


# --------------------------------------------------------------------------------------------
# Leaderboards
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    rank: int
    name: str
    xp: int
    avatar: AvatarBrief | None
    is_me: bool

    @property
    def initial(self) -> str:
        return (self.name[:1] or "?").upper()


@dataclass(frozen=True)
class PeriodTab:
    period: str
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class TrackChoice:
    pk: int
    title: str
    selected: bool


@dataclass(frozen=True)
class LeaderboardView:
    period: str
    period_label: str
    starts_on: date | None
    tabs: list[PeriodTab]
    track_id: int | None
    track_title: str
    tracks: list[TrackChoice]
    top: list[BoardRow]
    me: BoardRow | None
    around_me: list[BoardRow]
    opted_out: bool

    @property
    def me_in_top(self) -> bool:
        return any(row.is_me for row in self.top)

    @property
    def board_name(self) -> str:
        return f"{self.period_label}, {self.track_title or 'overall'}"


def _board_rows(rows: list[Row], me: int, avatars: dict[int, AvatarBrief]) -> list[BoardRow]:
    return [
        BoardRow(row.rank, row.username, row.xp, avatars.get(row.user_id), row.user_id == me)
        for row in rows
    ]


def leaderboard_view(
    *,
    board: Board,
    viewer: User,
    tracks: list[tuple[int, str]],
    avatars: dict[int, AvatarBrief],
    opted_out: bool,
) -> LeaderboardView:
    titles = dict(tracks)
    top = _board_rows(board.top, viewer.pk, avatars)
    around = _board_rows(board.around_me, viewer.pk, avatars)
    me = next((row for row in [*around, *top] if row.is_me), None)
    return LeaderboardView(
        period=board.period,
        period_label=PERIOD_LABELS[board.period],
        starts_on=board.starts_on,
        tabs=[
            PeriodTab(
                period,
                PERIOD_LABELS[period],
                leaderboard_url(period=period, track_id=board.track_id),
                period == board.period,
            )
            for period in PERIODS
        ],
        track_id=board.track_id,
        track_title=titles.get(board.track_id, "") if board.track_id is not None else "",
        tracks=[TrackChoice(pk, title, pk == board.track_id) for pk, title in tracks],
        top=top,
        me=me,
        around_me=around,
        opted_out=opted_out,
    )

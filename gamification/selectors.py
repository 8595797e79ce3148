"""Reads on motivation: a learner's standing, XP history, achievements and avatars.

Each read costs a fixed number of queries, whatever the learner's history or the number of
achievements: the API tests count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils import timezone

from accounts.models import User
from curriculum.models import Lesson, Status

from . import providers
from .levels import progress_in_level
from .models import (
    MAX_STREAK_FREEZES,
    Achievement,
    Avatar,
    Standing,
    StreakDay,
    UserAchievement,
    UserAvatar,
    XPEvent,
)
from .streaks import current_on, days_missed, local_date

Criteria = Achievement.Criteria

HIDDEN_NAME = "Hidden achievement"

COUNTERS = (
    "correct_answers",
    "lessons_completed",
    "quizzes_completed",
    "perfect_quizzes",
    "high_score_quizzes",
    "facts_mastered",
)

# Which standing counter each criterion is judged on (track criteria: `TrackProgress`).
CRITERIA_COUNTER = {
    Criteria.CORRECT_ANSWERS: "correct_answers",
    Criteria.LESSONS_COMPLETED: "lessons_completed",
    Criteria.QUIZ_COMPLETED: "quizzes_completed",
    Criteria.PERFECT_QUIZ: "perfect_quizzes",
    Criteria.HIGH_SCORE_QUIZ: "high_score_quizzes",
    Criteria.FACTS_MASTERED: "facts_mastered",
    Criteria.STUDY_STREAK: "current_streak",
    Criteria.LEVEL_REACHED: "level",
}


def standing_for(*, user: User) -> Standing:
    """The learner's standing with her avatar; a fresh, unsaved one if she has none yet."""
    standing = Standing.objects.select_related("selected_avatar").filter(user=user).first()
    return standing or Standing(user=user)


def streak_today(*, standing: Standing, user: User, now: datetime | None = None) -> int:
    """The learner's streak as it stands today on her own calendar (0 once it has lapsed)."""
    if standing.last_active_date is None:
        return 0
    now = now or timezone.now()
    missed = days_missed(
        last_active_date=standing.last_active_date,
        last_active_at=standing.last_active_at,
        last_active_timezone=standing.last_active_timezone,
        now=now,
        time_zone=user.timezone,
    )
    return current_on(
        current=standing.current_streak,
        last_active_date=standing.last_active_date,
        freezes=standing.streak_freezes,
        today=local_date(now, user.timezone),
        missed=missed,
    )


@dataclass(frozen=True)
class AvatarBrief:
    code: str
    name: str
    rarity: str
    image_url: str


def avatar_brief(avatar: Avatar | None) -> AvatarBrief | None:
    if avatar is None:
        return None
    return AvatarBrief(avatar.code, avatar.name, avatar.rarity, avatar_image_url(avatar))


@dataclass(frozen=True)
class StandingSummary:
    learner: int
    xp: int
    level: int
    xp_in_level: int
    level_span: int
    xp_to_next_level: int
    current_streak: int
    best_streak: int
    practised_today: bool
    last_active_date: date | None
    streak_freezes: int
    max_streak_freezes: int
    selected_avatar: AvatarBrief | None
    leaderboard_opt_out: bool
    counters: dict[str, int]


def standing_summary(*, user: User, now: datetime | None = None) -> StandingSummary:
    """XP, level progress, today's streak, freezes, avatar: one query."""
    now = now or timezone.now()
    standing = standing_for(user=user)
    into_level, span = progress_in_level(standing.xp)
    today = local_date(now, user.timezone)
    return StandingSummary(
        learner=user.pk,
        xp=standing.xp,
        level=standing.level,
        xp_in_level=into_level,
        level_span=span,
        xp_to_next_level=span - into_level,
        current_streak=streak_today(standing=standing, user=user, now=now),
        best_streak=standing.best_streak,
        practised_today=standing.last_active_date is not None
        and standing.last_active_date >= today,
        last_active_date=standing.last_active_date,
        streak_freezes=standing.streak_freezes,
        max_streak_freezes=MAX_STREAK_FREEZES,
        selected_avatar=avatar_brief(standing.selected_avatar),
        leaderboard_opt_out=standing.leaderboard_opt_out,
        counters={name: getattr(standing, name) for name in COUNTERS},
    )


def xp_history(*, user: User) -> QuerySet[XPEvent]:
    """The learner's XP ledger, newest first."""
    return XPEvent.objects.filter(user=user).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class AchievementView:
    """One achievement as this learner may see it: a hidden one she lacks is masked."""

    code: str
    name: str
    description: str
    category: str
    category_label: str
    icon: str
    hidden: bool
    earned: bool
    earned_at: datetime | None
    xp_reward: int
    grants_streak_freeze: bool
    unlocks_avatar: str | None
    progress: int | None
    threshold: int | None


def _achievement_view(
    achievement: Any, standing: Standing, track_lessons: dict[int, int]
) -> AchievementView:
    earned = achievement.earned_at is not None
    category_label = Achievement.Category(achievement.category).label
    if achievement.hidden and not earned:
        return AchievementView(
            code=f"hidden-{achievement.pk}",
            name=HIDDEN_NAME,
            description="",
            category=achievement.category,
            category_label=category_label,
            icon="",
            hidden=True,
            earned=False,
            earned_at=None,
            xp_reward=achievement.xp_reward,
            grants_streak_freeze=False,
            unlocks_avatar=None,
            progress=None,
            threshold=None,
        )
    if achievement.criteria == Criteria.TRACK_COMPLETED:
        value = track_lessons.get(achievement.track_id, 0)
    else:
        value = int(getattr(standing, CRITERIA_COUNTER.get(achievement.criteria, "xp"), 0))
    return AchievementView(
        code=achievement.code,
        name=achievement.name,
        description=achievement.description,
        category=achievement.category,
        category_label=category_label,
        icon=achievement.icon,
        hidden=achievement.hidden,
        earned=earned,
        earned_at=achievement.earned_at,
        xp_reward=achievement.xp_reward,
        grants_streak_freeze=achievement.grants_streak_freeze,
        unlocks_avatar=achievement.avatar_code,
        progress=min(value, achievement.threshold),
        threshold=achievement.threshold,
    )


def achievements_for(*, user: User) -> list[AchievementView]:
    """Every achievement, earned or not, in display order: three queries."""
    earned = UserAchievement.objects.filter(user=user, achievement=OuterRef("pk"))
    rows = list(
        Achievement.objects.annotate(
            earned_at=Subquery(earned.values("earned_at")[:1]),
            avatar_code=Subquery(
                Avatar.objects.filter(pk=OuterRef("unlocks_avatar")).values("code")[:1]
            ),
        )
        # A draft or archived track's achievement is nobody's to aim at: shown only once earned.
        .filter(
            Q(track__isnull=True) | Q(track__status=Status.PUBLISHED) | Q(earned_at__isnull=False)
        )
        .order_by("display_order", "pk")
    )
    standing = Standing.objects.filter(user=user).first() or Standing(user=user)
    track_ids = {row.track_id for row in rows if row.track_id is not None}
    track_lessons = providers.track_lessons(user_id=user.pk, track_ids=track_ids)
    return [_achievement_view(row, standing, track_lessons) for row in rows]


@dataclass(frozen=True)
class AvatarView:
    code: str
    name: str
    description: str
    rarity: str
    image_url: str
    is_default: bool
    owned: bool
    selected: bool
    unlocked_at: datetime | None
    unlocked_by: str | None


def avatar_image_url(avatar: Avatar) -> str:
    return static(avatar.image)


def avatars_for(*, user: User) -> list[AvatarView]:
    """Every avatar, owned or locked, with what unlocks it: two queries."""
    owned = UserAvatar.objects.filter(user=user, avatar=OuterRef("pk"))
    unlocker = Achievement.objects.filter(unlocks_avatar=OuterRef("pk")).order_by(
        "display_order", "pk"
    )
    rows = Avatar.objects.annotate(
        unlocked_at=Subquery(owned.values("unlocked_at")[:1]),
        unlocker_name=Subquery(unlocker.values("name")[:1]),
        unlocker_hidden=Subquery(unlocker.values("hidden")[:1]),
    ).order_by("display_order", "pk")
    selected_id = (
        Standing.objects.filter(user=user).values_list("selected_avatar_id", flat=True).first()
    )
    views = []
    for avatar in rows:
        owned_it = avatar.is_default or avatar.unlocked_at is not None
        unlocked_by = avatar.unlocker_name
        if avatar.unlocker_hidden and not owned_it:
            unlocked_by = HIDDEN_NAME  # earning it unlocks the avatar: still a secret
        views.append(
            AvatarView(
                code=avatar.code,
                name=avatar.name,
                description=avatar.description,
                rarity=avatar.rarity,
                image_url=avatar_image_url(avatar),
                is_default=avatar.is_default,
                owned=owned_it,
                selected=avatar.pk == selected_id,
                unlocked_at=avatar.unlocked_at,
                unlocked_by=unlocked_by,
            )
        )
    return views


def avatar_by_code(*, code: str) -> Avatar:
    """An avatar by its code; 404 when there is none."""
    return get_object_or_404(Avatar, code=code)


@dataclass(frozen=True)
class StreakDays:
    """What the ledger says about a span of the learner's calendar.

    `counted` are the local dates whose daily goal was met (each pays the daily-goal XP once,
    on the date the learner saw then); `milestones` are the dates a streak reached a
    milestone, with the streak's length that day.
    """

    counted: frozenset[date]
    milestones: dict[date, int]


def _day_id(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


def _day_of(day_id: int) -> date | None:
    try:
        return datetime.strptime(str(day_id), "%Y%m%d").date()
    except ValueError:
        return None


def streak_days(*, user: User, since: date, until: date) -> StreakDays:
    """The days counted for the streak between two local dates (inclusive): two queries.

    The days are those the streak itself recorded (`StreakDay`, written with its update); the
    milestones come from the XP ledger, whose milestone grants carry the local date.
    """
    counted = frozenset(
        StreakDay.objects.filter(user=user, date__range=(since, until)).values_list(
            "date", flat=True
        )
    )
    rows = XPEvent.objects.filter(
        user=user,
        reason=XPEvent.Reason.STREAK_MILESTONE,
        source_id__gte=_day_id(since),
        source_id__lte=_day_id(until),
    ).values_list("source_type", "source_id")
    milestones: dict[date, int] = {}
    for source_type, source_id in rows:
        day = _day_of(source_id)
        if day is not None and source_type.removeprefix("streak").isdigit():
            milestones[day] = int(source_type.removeprefix("streak"))
    return StreakDays(counted, milestones)


def avatars_of(*, user_ids: list[int]) -> dict[int, AvatarBrief]:
    """The avatar each of these learners wears (those who wear none are left out): one query."""
    if not user_ids:
        return {}
    rows = Standing.objects.filter(
        user_id__in=user_ids, selected_avatar__isnull=False
    ).select_related("selected_avatar")
    briefs: dict[int, AvatarBrief] = {}
    for standing in rows:
        brief = avatar_brief(standing.selected_avatar)
        if brief is not None:
            briefs[standing.user_id] = brief
    return briefs


def xp_history_described(*, user: User) -> QuerySet[XPEvent]:
    """The learner's XP ledger, newest first, with what each grant was for: one query a page.

    Each row carries its track, and `achievement_name` / `lesson_title` when its source is an
    achievement or a lesson (matched on the source's id: read them only for those reasons).
    """
    return (
        xp_history(user=user)
        .select_related("track")
        .annotate(
            achievement_name=Subquery(
                Achievement.objects.filter(pk=OuterRef("source_id")).values("name")[:1]
            ),
            lesson_title=Subquery(
                Lesson.objects.filter(pk=OuterRef("source_id")).values("title")[:1]
            ),
        )
    )

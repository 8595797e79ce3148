"""Writes on motivation: XP, levels, streaks, achievements, avatars.

Called by `practice` inside the answer and session transactions. Totals move with `F()` (the
standing row is only locked where a read-modify-write is unavoidable: the streak), every grant
is a ledger row that can pay only once, and leaderboards are bumped after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from analytics import services as analytics
from calcuingo.exceptions import ApplicationError

from . import leaderboards
from .levels import level_for
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
from .streaks import advance, days_missed, local_date

Reason = XPEvent.Reason
Criteria = Achievement.Criteria

DAILY_GOAL_XP = 10
PERFECT_LESSON_XP = 5
HIGH_SCORE_PERCENT = 90
STREAK_MILESTONE_XP = {3: 15, 7: 30, 14: 50, 30: 100, 50: 150, 100: 300, 200: 500, 365: 1000}


@dataclass
class Outcome:
    """What an event changed, for the response (the site celebrates level-ups)."""

    xp: int = 0
    level_before: int = 1
    level: int = 1
    achievements: list[Achievement] = field(default_factory=list)
    streak: int | None = None
    streak_extended: bool = False
    freezes_used: int = 0

    @property
    def leveled_up(self) -> bool:
        return self.level > self.level_before

    def merge(self, other: Outcome) -> None:
        self.xp += other.xp
        self.level = max(self.level, other.level)
        self.achievements += other.achievements
        if other.streak is not None:
            self.streak = other.streak
            self.streak_extended = self.streak_extended or other.streak_extended
            self.freezes_used += other.freezes_used


def standing_ensure(*, user: User) -> Standing:
    standing, _ = Standing.objects.get_or_create(user=user)
    return standing


def xp_award(
    *,
    user: User,
    amount: int,
    reason: str,
    source_type: str,
    source_id: int,
    track_id: int | None = None,
    at: datetime | None = None,
) -> Outcome:
    """Grant XP once for this source: a ledger row, the standing's total, the level.

    A second call for the same (reason, source) pays nothing, so retries are harmless.
    """
    standing = standing_ensure(user=user)
    outcome = Outcome(level_before=standing.level, level=standing.level)
    if amount <= 0:
        return outcome
    when = at or timezone.now()
    try:
        with transaction.atomic():
            XPEvent.objects.create(
                user=user,
                amount=amount,
                reason=reason,
                source_type=source_type,
                source_id=source_id,
                track_id=track_id,
                created_at=when,
            )
    except IntegrityError:
        return outcome
    Standing.objects.filter(pk=standing.pk).update(xp=F("xp") + amount)
    xp, stored_level = Standing.objects.values_list("xp", "level").get(pk=standing.pk)
    level = level_for(xp)
    if level > stored_level:
        # Monotonic: a concurrent award may already have moved the level further.
        Standing.objects.filter(pk=standing.pk, level__lt=level).update(level=level)
    outcome.xp, outcome.level = amount, max(level, stored_level, standing.level)
    opted_out = standing.leaderboard_opt_out
    if not opted_out:
        transaction.on_commit(
            lambda: leaderboards.bump(
                user_id=user.pk,
                amount=amount,
                track_id=track_id,
                at=when,
                username=user.username,
            )
        )
    if outcome.leveled_up:
        outcome.merge(achievements_check(user=user, criteria={Criteria.LEVEL_REACHED}))
    return outcome


def answer_recorded(
    *,
    user: User,
    attempt_id: int,
    xp: int,
    correct: bool,
    fact_mastered: bool,
    track_id: int,
) -> Outcome:
    """An answer was recorded: its XP, and the achievements an answer can move."""
    outcome = xp_award(
        user=user,
        amount=xp,
        reason=Reason.ANSWER,
        source_type="attempt",
        source_id=attempt_id,
        track_id=track_id,
    )
    counters: dict[str, Any] = {}
    if correct:
        counters["correct_answers"] = F("correct_answers") + 1
    if fact_mastered:
        counters["facts_mastered"] = F("facts_mastered") + 1
    if counters:
        Standing.objects.filter(user=user).update(**counters)
        criteria: set[str] = {Criteria.CORRECT_ANSWERS} if correct else set()
        if fact_mastered:
            criteria.add(Criteria.FACTS_MASTERED)
        outcome.merge(achievements_check(user=user, criteria=criteria))
    return outcome


def session_completed(
    *,
    user: User,
    session_id: int,
    mode: str,
    accuracy: float | None,
    lesson_id: int | None,
    lesson_xp: int,
    first_completion: bool,
    track_id: int | None,
    at: datetime | None = None,
) -> Outcome:
    """A session ran to its end: lesson XP, the streak day, achievements.

    The daily goal is not paid here: it is met by minutes of practice, at the answer that adds
    the last one (`daily_goal_reached`).
    """
    when = at or timezone.now()
    outcome = Outcome()
    criteria: set[str] = set()
    standing = Standing.objects.select_for_update().get(pk=standing_ensure(user=user).pk)
    outcome.level_before = outcome.level = standing.level
    # The streak first, from the row just locked: an achievement earned below may grant a
    # freeze, which must add to the freezes the day has used rather than be overwritten.
    outcome.merge(_day_counted(user=user, standing=standing, at=when))
    counters: dict[str, Any] = {}
    if mode == "lesson" and lesson_id is not None:
        if first_completion:
            outcome.merge(
                xp_award(
                    user=user,
                    amount=lesson_xp,
                    reason=Reason.LESSON_COMPLETE,
                    source_type="lesson",
                    source_id=lesson_id,
                    track_id=track_id,
                    at=when,
                )
            )
            counters["lessons_completed"] = F("lessons_completed") + 1
            criteria |= {Criteria.LESSONS_COMPLETED, Criteria.TRACK_COMPLETED}
        if accuracy == 1.0:
            outcome.merge(
                xp_award(
                    user=user,
                    amount=PERFECT_LESSON_XP,
                    reason=Reason.PERFECT_LESSON,
                    source_type="session",
                    source_id=session_id,
                    track_id=track_id,
                    at=when,
                )
            )
    if mode == "quiz":
        percent = 100 * (accuracy or 0.0)
        counters["quizzes_completed"] = F("quizzes_completed") + 1
        criteria.add(Criteria.QUIZ_COMPLETED)
        if percent >= HIGH_SCORE_PERCENT:
            counters["high_score_quizzes"] = F("high_score_quizzes") + 1
            criteria.add(Criteria.HIGH_SCORE_QUIZ)
        if percent >= 100:
            counters["perfect_quizzes"] = F("perfect_quizzes") + 1
            criteria.add(Criteria.PERFECT_QUIZ)
    if counters:
        Standing.objects.filter(pk=standing.pk).update(**counters)
    if outcome.streak_extended:
        criteria.add(Criteria.STUDY_STREAK)
    if criteria:
        outcome.merge(achievements_check(user=user, criteria=criteria, track_id=track_id))
    return outcome


def _day_counted(*, user: User, standing: Standing, at: datetime) -> Outcome:
    """A completed session counts the learner's local day for the streak, once.

    The caller holds the standing row locked (read-modify-write of the streak). A milestone
    reached pays its XP, recorded against the local date (the profile's streak calendar reads
    these dates).
    """
    today = local_date(at, user.timezone)
    missed = None
    if standing.last_active_date is not None:
        missed = days_missed(
            last_active_date=standing.last_active_date,
            last_active_at=standing.last_active_at,
            last_active_timezone=standing.last_active_timezone,
            now=at,
            time_zone=user.timezone,
        )
    streak = advance(
        current=standing.current_streak,
        best=standing.best_streak,
        last_active_date=standing.last_active_date,
        freezes=standing.streak_freezes,
        today=today,
        missed=missed,
    )
    outcome = Outcome(level_before=standing.level, level=standing.level, streak=streak.current)
    if not streak.counted_today:
        return outcome
    Standing.objects.filter(pk=standing.pk).update(
        current_streak=streak.current,
        best_streak=streak.best,
        last_active_date=streak.last_active_date,
        last_active_at=at,
        last_active_timezone=user.timezone,
        streak_freezes=streak.freezes,
    )
    StreakDay.objects.bulk_create([StreakDay(user=user, date=today)], ignore_conflicts=True)
    outcome.streak_extended, outcome.freezes_used = True, streak.freezes_used
    if streak.milestone:
        outcome.merge(
            xp_award(
                user=user,
                amount=STREAK_MILESTONE_XP[streak.milestone],
                reason=Reason.STREAK_MILESTONE,
                source_type=f"streak{streak.milestone}",
                source_id=day_id_of(today),
                at=at,
            )
        )
    return outcome


def day_id_of(day: date) -> int:
    """A local date as the ledger's source id of a day (20261201)."""
    return int(day.strftime("%Y%m%d"))


def daily_goal_reached(*, user: User, day: date, at: datetime | None = None) -> Outcome:
    """The day's practice time reached the learner's goal: its XP, once per local day.

    Called in the transaction of the answer that added the goal's last minute
    (`analytics.services.answer_recorded` tells which one); a second call for the same day
    pays nothing.
    """
    return xp_award(
        user=user,
        amount=DAILY_GOAL_XP,
        reason=Reason.DAILY_GOAL,
        source_type="day",
        source_id=day_id_of(day),
        at=at,
    )


def _value_for(achievement: Achievement, standing: Standing, track_lessons: dict[int, int]) -> int:
    values: dict[str, int] = {
        Criteria.CORRECT_ANSWERS: standing.correct_answers,
        Criteria.LESSONS_COMPLETED: standing.lessons_completed,
        Criteria.QUIZ_COMPLETED: standing.quizzes_completed,
        Criteria.PERFECT_QUIZ: standing.perfect_quizzes,
        Criteria.HIGH_SCORE_QUIZ: standing.high_score_quizzes,
        Criteria.FACTS_MASTERED: standing.facts_mastered,
        Criteria.STUDY_STREAK: standing.current_streak,
        Criteria.LEVEL_REACHED: standing.level,
    }
    if achievement.criteria == Criteria.TRACK_COMPLETED:
        return track_lessons.get(achievement.track_id or 0, 0)
    return int(values.get(achievement.criteria, 0))


def achievements_check(*, user: User, criteria: set[str], track_id: int | None = None) -> Outcome:
    """Award the not-yet-earned achievements of these criteria whose threshold is now met.

    Only the criteria the event can move are looked at — never a scan of all achievements.
    """
    candidates = list(
        Achievement.objects.filter(criteria__in=criteria)
        .exclude(earned__user=user)
        .select_related("unlocks_avatar")
    )
    if track_id is None:
        candidates = [a for a in candidates if a.criteria != Criteria.TRACK_COMPLETED]
    else:
        candidates = [
            a
            for a in candidates
            if a.criteria != Criteria.TRACK_COMPLETED or a.track_id == track_id
        ]
    outcome = Outcome()
    if not candidates:
        return outcome
    standing = standing_ensure(user=user)
    outcome.level_before = outcome.level = standing.level
    track_lessons: dict[int, int] = {}
    if track_id is not None and any(a.criteria == Criteria.TRACK_COMPLETED for a in candidates):
        from practice.models import TrackProgress

        track_lessons = dict(
            TrackProgress.objects.filter(user=user, track_id=track_id).values_list(
                "track_id", "lessons_completed"
            )
        )
    for achievement in candidates:
        if _value_for(achievement, standing, track_lessons) < achievement.threshold:
            continue
        try:
            with transaction.atomic():
                UserAchievement.objects.create(user=user, achievement=achievement)
        except IntegrityError:
            continue
        outcome.achievements.append(achievement)
        analytics.achievement_earned(
            user=user, achievement_id=achievement.pk, code=achievement.code
        )
        if achievement.unlocks_avatar is not None:
            UserAvatar.objects.get_or_create(user=user, avatar=achievement.unlocks_avatar)
        if achievement.grants_streak_freeze:
            Standing.objects.filter(user=user, streak_freezes__lt=MAX_STREAK_FREEZES).update(
                streak_freezes=F("streak_freezes") + 1
            )
        if achievement.xp_reward:
            outcome.merge(
                xp_award(
                    user=user,
                    amount=achievement.xp_reward,
                    reason=Reason.ACHIEVEMENT,
                    source_type="achievement",
                    source_id=achievement.pk,
                )
            )
    return outcome


@transaction.atomic
def avatar_select(*, user: User, avatar: Avatar) -> Standing:
    """Wear an avatar: a default one or one the learner has unlocked (else 403)."""
    owned = avatar.is_default or UserAvatar.objects.filter(user=user, avatar=avatar).exists()
    if not owned:
        raise ApplicationError(
            "This avatar is still locked: earn its achievement first.", status=403, code="locked"
        )
    standing = standing_ensure(user=user)
    Standing.objects.filter(pk=standing.pk).update(selected_avatar=avatar)
    standing.selected_avatar = avatar
    return standing


@transaction.atomic
def leaderboard_opt_set(*, user: User, opt_out: bool) -> Standing:
    standing = standing_ensure(user=user)
    Standing.objects.filter(pk=standing.pk).update(leaderboard_opt_out=opt_out)
    standing.leaderboard_opt_out = opt_out
    transaction.on_commit(
        lambda: leaderboards.member_visibility(user_id=user.pk, visible=not opt_out)
    )
    return standing


@dataclass
class XPDifference:
    user_id: int
    standing_xp: int
    ledger_xp: int


def xp_verify(*, fix: bool = False) -> list[XPDifference]:
    """Every standing whose XP differs from the sum of its ledger; with `fix`, repair them."""
    ledger = dict(
        XPEvent.objects.values("user_id")
        .annotate(total=Sum("amount"))
        .values_list("user_id", "total")
    )
    standings = dict(Standing.objects.values_list("user_id", "xp"))
    differences = [
        XPDifference(user_id, standings.get(user_id, 0), ledger.get(user_id, 0))
        for user_id in sorted(set(standings) | set(ledger))
        if standings.get(user_id, 0) != ledger.get(user_id, 0)
    ]
    if fix:
        with transaction.atomic():
            for diff in differences:
                Standing.objects.update_or_create(
                    user_id=diff.user_id,
                    defaults={"xp": diff.ledger_xp, "level": level_for(diff.ledger_xp)},
                )
    return differences

"""Writes on motivation: XP, levels, streaks, achievements, avatars.

Called by `practice` inside the answer and session transactions. Totals move with `F()` (the
standing row is only locked where a read-modify-write is unavoidable: the streak), every grant
is a ledger row that can pay only once, and leaderboards are bumped after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery, Sum
from django.utils import timezone

from accounts.models import User
from calcuingo.exceptions import ApplicationError

from . import leaderboards, providers
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


def standing_lock(*, user: User) -> Standing:
    """The learner's standing, locked for this transaction (created on her first reward)."""
    standing = Standing.objects.select_for_update().filter(user=user).first()
    if standing is None:
        standing_ensure(user=user)
        standing = Standing.objects.select_for_update().get(user=user)
    return standing


# The criteria an answer can move, each with the smallest threshold she has not earned yet; the
# answer's lock reads them with the standing (`next_thresholds`), so that an answer that reaches
# no threshold costs no query for achievements.
ANSWER_CRITERIA = (Criteria.CORRECT_ANSWERS, Criteria.FACTS_MASTERED, Criteria.LEVEL_REACHED)


def next_thresholds(*, user_field: str) -> dict[str, Subquery]:
    """Annotations: for each of `ANSWER_CRITERIA`, the smallest unearned threshold (or NULL).

    `user_field` names the learner's id in the annotated query.
    """
    annotations = {}
    for criteria in ANSWER_CRITERIA:
        earned = UserAchievement.objects.filter(
            user_id=OuterRef(OuterRef(user_field)), achievement_id=OuterRef("pk")
        )
        annotations[f"next_{criteria}"] = Subquery(
            Achievement.objects.filter(criteria=criteria)
            .exclude(Exists(earned))
            .order_by("threshold")
            .values("threshold")[:1]
        )
    return annotations


@dataclass
class Grant:
    amount: int
    reason: str
    source_type: str
    source_id: int
    track_id: int | None
    at: datetime
    # The caller knows its source is new (an attempt just inserted): no savepoint is needed.
    fresh: bool = False


@dataclass
class Purse:
    """One event's XP and standing changes, written once at the end (`purse_settle`).

    Made from the learner's standing locked by the caller: every change is computed from the
    row as read, then the ledger gets one insert and the standing one update, whatever the
    event paid (an answer, its daily goal, the lesson it completed, achievements, a streak).
    """

    user: User
    standing: Standing
    # Smallest unearned threshold per criteria, when the caller read them (else: a query).
    thresholds: dict[str, int | None] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    sets: dict[str, Any] = field(default_factory=dict)
    criteria: set[str] = field(default_factory=set)
    track_id: int | None = None
    outcome: Outcome = field(default_factory=Outcome)
    # Write the standing's stamp even when nothing else changes (an answer always does).
    touch: bool = False

    def __post_init__(self) -> None:
        self.outcome.level_before = self.outcome.level = self.standing.level

    @property
    def total(self) -> int:
        return sum(grant.amount for grant in self.grants)

    def grant(
        self,
        *,
        amount: int,
        reason: str,
        source_type: str,
        source_id: int,
        track_id: int | None = None,
        at: datetime | None = None,
        fresh: bool = False,
    ) -> int:
        """Add XP to pay (nothing for 0); returns the amount."""
        if amount <= 0:
            return 0
        when = at or timezone.now()
        self.grants.append(
            Grant(amount, reason, source_type, source_id, track_id, when, fresh=fresh)
        )
        return amount

    def count(self, name: str, amount: int = 1) -> None:
        if amount:
            self.counters[name] = self.counters.get(name, 0) + amount

    def value(self, name: str) -> Any:
        """A standing field as this event leaves it."""
        if name in self.sets:
            return self.sets[name]
        return getattr(self.standing, name) + self.counters.get(name, 0)

    def level(self) -> int:
        return max(self.standing.level, level_for(self.standing.xp + self.total))


def purse_open(*, user: User, standing: Standing | None = None, **thresholds: Any) -> Purse:
    """A purse on the learner's standing (locked here unless the caller holds it locked)."""
    purse = Purse(user=user, standing=standing or standing_lock(user=user))
    purse.thresholds = {
        criteria: thresholds[f"next_{criteria}"]
        for criteria in ANSWER_CRITERIA
        if f"next_{criteria}" in thresholds
    }
    return purse


def _value_for(achievement: Achievement, purse: Purse, track_lessons: dict[int, int]) -> int:
    if achievement.criteria == Criteria.TRACK_COMPLETED:
        return track_lessons.get(achievement.track_id or 0, 0)
    if achievement.criteria == Criteria.LEVEL_REACHED:
        return purse.level()
    column = CRITERIA_COLUMNS.get(achievement.criteria)
    return int(purse.value(column)) if column else 0


CRITERIA_COLUMNS: dict[str, str] = {
    Criteria.CORRECT_ANSWERS: "correct_answers",
    Criteria.LESSONS_COMPLETED: "lessons_completed",
    Criteria.QUIZ_COMPLETED: "quizzes_completed",
    Criteria.PERFECT_QUIZ: "perfect_quizzes",
    Criteria.HIGH_SCORE_QUIZ: "high_score_quizzes",
    Criteria.FACTS_MASTERED: "facts_mastered",
    Criteria.STUDY_STREAK: "current_streak",
}


def _needs_query(purse: Purse, criteria: str) -> bool:
    """Whether an achievement of these criteria may be due (unknown thresholds: maybe)."""
    if criteria not in purse.thresholds:
        return True
    threshold = purse.thresholds[criteria]
    if threshold is None:
        return False
    if criteria == Criteria.LEVEL_REACHED:
        return purse.level() >= threshold
    return int(purse.value(CRITERIA_COLUMNS[criteria])) >= threshold


def purse_check(purse: Purse) -> None:
    """Award the achievements whose threshold this event reached (their XP joins the purse).

    Only the criteria the event moved are looked at, and only those whose next threshold (when
    known) is reached cost a query. An achievement's XP may raise the level: checked again.
    """
    checked_level = purse.standing.level
    while True:
        criteria = {c for c in purse.criteria if _needs_query(purse, c)}
        level = purse.level()
        if level > checked_level:
            checked_level = level
            if _needs_query(purse, Criteria.LEVEL_REACHED):
                criteria.add(Criteria.LEVEL_REACHED)
        purse.criteria.clear()
        if not criteria:
            return
        _achievements_award(purse, criteria)
        if purse.level() <= checked_level and not purse.criteria:
            return


def _achievements_award(purse: Purse, criteria: set[str]) -> None:
    user, track_id = purse.user, purse.track_id
    candidates = list(
        Achievement.objects.filter(criteria__in=criteria)
        .exclude(earned__user=user)
        .select_related("unlocks_avatar")
    )
    candidates = [
        a
        for a in candidates
        if a.criteria != Criteria.TRACK_COMPLETED or (track_id and a.track_id == track_id)
    ]
    track_lessons: dict[int, int] = {}
    if track_id is not None and any(a.criteria == Criteria.TRACK_COMPLETED for a in candidates):
        track_lessons = providers.track_lessons(user_id=user.pk, track_ids=[track_id])
    for achievement in candidates:
        if _value_for(achievement, purse, track_lessons) < achievement.threshold:
            continue
        try:
            with transaction.atomic():
                UserAchievement.objects.create(user=user, achievement=achievement)
        except IntegrityError:
            continue
        purse.outcome.achievements.append(achievement)
        providers.achievement_earned(
            user=user, achievement_id=achievement.pk, code=achievement.code
        )
        if achievement.unlocks_avatar is not None:
            UserAvatar.objects.get_or_create(user=user, avatar=achievement.unlocks_avatar)
        if achievement.grants_streak_freeze:
            freezes = purse.value("streak_freezes")
            if freezes < MAX_STREAK_FREEZES:
                purse.sets["streak_freezes"] = freezes + 1
        purse.grant(
            amount=achievement.xp_reward,
            reason=Reason.ACHIEVEMENT,
            source_type="achievement",
            source_id=achievement.pk,
        )
    # What was just looked at is known now: nothing more of these is due in this event.
    for each in criteria:
        if each == Criteria.LEVEL_REACHED:
            purse.thresholds.pop(each, None)  # a higher level may reach another: ask again
        elif each in ANSWER_CRITERIA:
            purse.thresholds[each] = None


def _ledger_insert(purse: Purse) -> list[Grant]:
    """The grants in one INSERT; those whose source already paid are dropped (retries)."""
    rows = [
        XPEvent(
            user=purse.user,
            amount=grant.amount,
            reason=grant.reason,
            source_type=grant.source_type,
            source_id=grant.source_id,
            track_id=grant.track_id,
            created_at=grant.at,
        )
        for grant in purse.grants
    ]
    if not rows:
        return []
    if all(grant.fresh for grant in purse.grants):
        XPEvent.objects.bulk_create(rows)
        return purse.grants
    try:
        with transaction.atomic():
            XPEvent.objects.bulk_create(rows)
        return purse.grants
    except IntegrityError:
        pass
    paid = []
    for grant, row in zip(purse.grants, rows, strict=True):
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        paid.append(grant)
    return paid


def purse_settle(purse: Purse) -> Outcome:
    """Write the event: achievements due, one ledger insert, one standing update, boards.

    The standing's new level follows the XP actually paid (a grant whose source already paid,
    a retry, pays nothing).
    """
    purse_check(purse)
    paid = _ledger_insert(purse)
    xp = sum(grant.amount for grant in paid)
    level = max(purse.standing.level, level_for(purse.standing.xp + xp))
    changes: dict[str, Any] = {
        name: F(name) + amount for name, amount in purse.counters.items() if amount
    }
    changes.update(purse.sets)
    if xp:
        changes["xp"] = F("xp") + xp
    if level != purse.standing.level:
        changes["level"] = level
    standing = Standing.objects.filter(pk=purse.standing.pk)
    if changes or purse.touch:
        # Its stamp moves with every event, even one that pays nothing (see
        # `practice.services.sessions.session_lock`: how a stale read is told).
        changes["updated_at"] = purse.standing.updated_at = timezone.now()
    if paid:
        # Her rows on the boards move in the same transaction (hidden if she opted out), in the
        # standing's own statement where the database allows; Redis gets their new keys once
        # the transaction has committed.
        scores = leaderboards.scores_add(
            user_id=purse.user.pk,
            grants=[(grant.amount, grant.track_id, grant.at) for grant in paid],
            hidden=purse.standing.leaderboard_opt_out,
            then_update=(standing, changes),
        )
        if not purse.standing.leaderboard_opt_out:
            transaction.on_commit(
                partial(
                    leaderboards.bump,
                    user_id=purse.user.pk,
                    username=purse.user.username,
                    scores=scores,
                )
            )
    elif changes:
        standing.update(**changes)
    purse.outcome.xp += xp
    purse.outcome.level = max(purse.outcome.level, level)
    # Settled: the purse starts again from what was written (a caller may reuse it).
    for grant in paid:
        purse.standing.xp += grant.amount
    purse.standing.level = level
    for name, amount in purse.counters.items():
        setattr(purse.standing, name, getattr(purse.standing, name) + amount)
    for name, value in purse.sets.items():
        setattr(purse.standing, name, value)
    purse.grants, purse.counters, purse.sets = [], {}, {}
    return purse.outcome


@transaction.atomic
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
    purse = purse_open(user=user)
    purse.grant(
        amount=amount,
        reason=reason,
        source_type=source_type,
        source_id=source_id,
        track_id=track_id,
        at=at,
    )
    return purse_settle(purse)


def answer_counted(
    purse: Purse,
    *,
    attempt_id: int,
    xp: int,
    correct: bool,
    fact_mastered: bool,
    track_id: int,
    at: datetime,
) -> None:
    """An answer was recorded: its XP (its attempt is new), the counters it moves."""
    purse.touch = True
    purse.grant(
        amount=xp,
        reason=Reason.ANSWER,
        source_type="attempt",
        source_id=attempt_id,
        track_id=track_id,
        at=at,
        fresh=True,
    )
    if correct:
        purse.count("correct_answers")
        purse.criteria.add(Criteria.CORRECT_ANSWERS)
    if fact_mastered:
        purse.count("facts_mastered")
        purse.criteria.add(Criteria.FACTS_MASTERED)


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
    purse: Purse | None = None,
) -> Outcome:
    """A session ran to its end: lesson XP, the streak day, achievements.

    The daily goal is not paid here: it is met by minutes of practice, at the answer that adds
    the last one (`daily_goal_reached`). Given the answer's `purse`, the session's rewards join
    it (written with the answer's, and the returned outcome is the session's part only);
    otherwise they are written here.
    """
    if purse is None:
        with transaction.atomic():
            return _session_completed(
                user=user,
                session_id=session_id,
                mode=mode,
                accuracy=accuracy,
                lesson_id=lesson_id,
                lesson_xp=lesson_xp,
                first_completion=first_completion,
                track_id=track_id,
                at=at,
                purse=purse_open(user=user),
                own=True,
            )
    return _session_completed(
        user=user,
        session_id=session_id,
        mode=mode,
        accuracy=accuracy,
        lesson_id=lesson_id,
        lesson_xp=lesson_xp,
        first_completion=first_completion,
        track_id=track_id,
        at=at,
        purse=purse,
        own=False,
    )


def _session_completed(
    *,
    user: User,
    session_id: int,
    mode: str,
    accuracy: float | None,
    lesson_id: int | None,
    lesson_xp: int,
    first_completion: bool,
    track_id: int | None,
    at: datetime | None,
    purse: Purse,
    own: bool,
) -> Outcome:
    when = at or timezone.now()
    before = len(purse.grants), len(purse.outcome.achievements)
    outcome = Outcome(level_before=purse.standing.level, level=purse.standing.level)
    # The streak first: an achievement earned below may grant a freeze, which must add to the
    # freezes the day has used rather than be overwritten.
    outcome.merge(_day_counted(purse, at=when))
    if mode == "lesson" and lesson_id is not None:
        if first_completion:
            purse.grant(
                amount=lesson_xp,
                reason=Reason.LESSON_COMPLETE,
                source_type="lesson",
                source_id=lesson_id,
                track_id=track_id,
                at=when,
            )
            purse.count("lessons_completed")
            purse.criteria |= {Criteria.LESSONS_COMPLETED, Criteria.TRACK_COMPLETED}
        if accuracy == 1.0:
            purse.grant(
                amount=PERFECT_LESSON_XP,
                reason=Reason.PERFECT_LESSON,
                source_type="session",
                source_id=session_id,
                track_id=track_id,
                at=when,
            )
    if mode == "quiz":
        percent = 100 * (accuracy or 0.0)
        purse.count("quizzes_completed")
        purse.criteria.add(Criteria.QUIZ_COMPLETED)
        if percent >= HIGH_SCORE_PERCENT:
            purse.count("high_score_quizzes")
            purse.criteria.add(Criteria.HIGH_SCORE_QUIZ)
        if percent >= 100:
            purse.count("perfect_quizzes")
            purse.criteria.add(Criteria.PERFECT_QUIZ)
    if outcome.streak_extended:
        purse.criteria.add(Criteria.STUDY_STREAK)
    purse.track_id = track_id
    if own:
        settled = purse_settle(purse)
        settled.streak, settled.streak_extended = outcome.streak, outcome.streak_extended
        settled.freezes_used = outcome.freezes_used
        return settled
    purse_check(purse)
    outcome.xp = sum(grant.amount for grant in purse.grants[before[0] :])
    outcome.achievements = purse.outcome.achievements[before[1] :]
    outcome.level = purse.level()
    return outcome


def _day_counted(purse: Purse, *, at: datetime) -> Outcome:
    """A completed session counts the learner's local day for the streak, once.

    The caller holds the standing row locked (read-modify-write of the streak). A milestone
    reached pays its XP, recorded against the local date (the profile's streak calendar reads
    these dates).
    """
    user, standing = purse.user, purse.standing
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
        freezes=purse.value("streak_freezes"),
        today=today,
        missed=missed,
    )
    outcome = Outcome(level_before=standing.level, level=standing.level, streak=streak.current)
    if not streak.counted_today:
        return outcome
    purse.sets.update(
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
        purse.grant(
            amount=STREAK_MILESTONE_XP[streak.milestone],
            reason=Reason.STREAK_MILESTONE,
            source_type=f"streak{streak.milestone}",
            source_id=day_id_of(today),
            at=at,
        )
    return outcome


def day_id_of(day: date) -> int:
    """A local date as the ledger's source id of a day (20261201)."""
    return int(day.strftime("%Y%m%d"))


def daily_goal_reached(
    *, user: User, day: date, at: datetime | None = None, purse: Purse | None = None
) -> Outcome:
    """The day's practice time reached the learner's goal: its XP, once per local day.

    Called in the transaction of the answer that added the goal's last minute
    (`analytics.services.answer_recorded` tells which one); a second call for the same day
    pays nothing. Given the answer's `purse`, the XP joins it (the outcome says how much).
    """
    if purse is None:
        return xp_award(
            user=user,
            amount=DAILY_GOAL_XP,
            reason=Reason.DAILY_GOAL,
            source_type="day",
            source_id=day_id_of(day),
            at=at,
        )
    xp = purse.grant(
        amount=DAILY_GOAL_XP,
        reason=Reason.DAILY_GOAL,
        source_type="day",
        source_id=day_id_of(day),
        at=at,
    )
    return Outcome(xp=xp, level_before=purse.standing.level, level=purse.level())


@transaction.atomic
def achievements_check(*, user: User, criteria: set[str], track_id: int | None = None) -> Outcome:
    """Award the not-yet-earned achievements of these criteria whose threshold is now met.

    Only the criteria the event can move are looked at — never a scan of all achievements.
    """
    purse = purse_open(user=user)
    purse.criteria |= set(criteria)
    purse.track_id = track_id
    return purse_settle(purse)


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
    leaderboards.visibility_set(user_id=user.pk, hidden=opt_out)
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


def xp_verify(*, fix: bool = False, batch: int = 5_000) -> list[XPDifference]:
    """Every standing whose XP differs from the sum of its ledger; with `fix`, repair them.

    Learners are taken `batch` at a time by id range, so memory stays the same whatever their
    number; only the differences are kept.
    """
    differences: list[XPDifference] = []
    after = 0
    while True:
        ids = list(
            User.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return differences
        span = {"user_id__gte": ids[0], "user_id__lte": ids[-1]}
        ledger = dict(
            XPEvent.objects.filter(**span)
            .values("user_id")
            .annotate(total=Sum("amount"))
            .values_list("user_id", "total")
            .order_by()
        )
        standings = dict(Standing.objects.filter(**span).values_list("user_id", "xp"))
        found = [
            XPDifference(user_id, standings.get(user_id, 0), ledger.get(user_id, 0))
            for user_id in sorted(set(standings) | set(ledger))
            if standings.get(user_id, 0) != ledger.get(user_id, 0)
        ]
        if fix:
            with transaction.atomic():
                for diff in found:
                    Standing.objects.update_or_create(
                        user_id=diff.user_id,
                        defaults={"xp": diff.ledger_xp, "level": level_for(diff.ledger_xp)},
                    )
        differences += found
        after = ids[-1]

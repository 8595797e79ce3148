"""Motivation: the XP ledger and standings, achievements, avatars, archived leaderboards."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_STREAK_FREEZES = 2


class XPEvent(models.Model):
    """One grant of XP. Append-only: a standing's XP is always the sum of its ledger."""

    class Reason(models.TextChoices):
        ANSWER = "answer", "Right answer"
        LESSON_COMPLETE = "lesson_complete", "Lesson complete"
        PERFECT_LESSON = "perfect_lesson", "Perfect lesson"
        DAILY_GOAL = "daily_goal", "Daily goal met"
        STREAK_MILESTONE = "streak_milestone", "Streak milestone"
        ACHIEVEMENT = "achievement", "Achievement"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xp_events"
    )
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # What earned it, e.g. ("attempt", 42), ("lesson", 7), ("day", 20261122), ("achievement", 3).
    source_type = models.CharField(max_length=20)
    source_id = models.BigIntegerField()
    # PROTECT: the ledger is history; a track that paid XP has been answered and is archived,
    # never deleted.
    track = models.ForeignKey(
        "curriculum.Track", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            # The same thing never pays twice, whatever retries or races happen.
            models.UniqueConstraint(
                fields=["user", "reason", "source_type", "source_id"], name="xp_event_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="xp_event_amount_positive"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"+{self.amount} XP to {self.user_id} ({self.reason})"


class StreakDay(models.Model):
    """A local date the learner's streak counted (she completed a session that day).

    Written with the streak's own update, once per date; the profile's calendar reads it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="streak_days"
    )
    date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="streak_day_once")]

    def __str__(self) -> str:
        return f"{self.user_id} practised on {self.date}"


class Standing(models.Model):
    """A learner's running totals: XP, level, streak, freezes, chosen avatar."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="standing",
    )
    xp = models.PositiveIntegerField(default=0)
    level = models.PositiveIntegerField(default=1)
    current_streak = models.PositiveIntegerField(default=0)
    best_streak = models.PositiveIntegerField(default=0)
    last_active_date = models.DateField(
        null=True, blank=True, help_text="The learner's local date of the last day that counted."
    )
    # Where and when that day was counted: a learner who changes time zone keeps the calendar
    # she lived (see `streaks.days_missed`).
    last_active_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last day that counted was counted."
    )
    last_active_timezone = models.CharField(
        max_length=64, blank=True, help_text="The time zone whose calendar last_active_date is on."
    )
    streak_freezes = models.PositiveSmallIntegerField(default=0)
    selected_avatar = models.ForeignKey(
        "Avatar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leaderboard_opt_out = models.BooleanField(default=False)
    # Counters achievements are judged on, kept with F() so that no check scans history.
    correct_answers = models.PositiveIntegerField(default=0)
    lessons_completed = models.PositiveIntegerField(default=0)
    quizzes_completed = models.PositiveIntegerField(default=0)
    perfect_quizzes = models.PositiveIntegerField(default=0)
    high_score_quizzes = models.PositiveIntegerField(default=0)
    facts_mastered = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(streak_freezes__lte=MAX_STREAK_FREEZES), name="standing_freezes_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.xp} XP, level {self.level}"


class Avatar(models.Model):
    class Rarity(models.TextChoices):
        COMMON = "common", "Common"
        RARE = "rare", "Rare"
        EPIC = "epic", "Epic"
        LEGENDARY = "legendary", "Legendary"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=200, blank=True)
    image = models.CharField(max_length=200, help_text="Static path, e.g. avatars/pi-owl.svg.")
    rarity = models.CharField(max_length=10, choices=Rarity.choices, default=Rarity.COMMON)
    is_default = models.BooleanField(default=False, help_text="Available to everyone.")
    display_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "pk"]

    def __str__(self) -> str:
        return self.name


class Achievement(models.Model):
    class Category(models.TextChoices):
        GETTING_STARTED = "getting_started", "Getting started"
        ACCURACY = "accuracy", "Accuracy"
        QUESTION_MILESTONES = "question_milestones", "Question milestones"
        STUDY_STREAKS = "study_streaks", "Study streaks"
        ARITHMETIC = "arithmetic", "Arithmetic facts"
        FRACTIONS = "fractions", "Fractions"
        LIMITS = "limits", "Limits"
        CALCULUS = "calculus", "Calculus"
        LEVELS = "levels", "Levels"
        TRACKS = "tracks", "Tracks"

    class Criteria(models.TextChoices):
        QUIZ_COMPLETED = "quiz_completed", "Quizzes completed"
        PERFECT_QUIZ = "perfect_quiz", "Perfect quizzes"
        HIGH_SCORE_QUIZ = "high_score_quiz", "Quizzes with 90 % or more"
        CORRECT_ANSWERS = "correct_answers", "Right answers"
        STUDY_STREAK = "study_streak", "Days in a row"
        LEVEL_REACHED = "level_reached", "Level reached"
        TRACK_COMPLETED = "track_completed", "Lessons completed in a track"
        LESSONS_COMPLETED = "lessons_completed", "Lessons completed"
        FACTS_MASTERED = "facts_mastered", "Facts mastered"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=24, choices=Category.choices)
    criteria = models.CharField(max_length=24, choices=Criteria.choices, db_index=True)
    threshold = models.PositiveIntegerField()
    # CASCADE: a draft track's unearned achievement goes with it; an earned one protects the
    # track (see `UserAchievement.achievement`).
    track = models.ForeignKey(
        "curriculum.Track",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="achievements",
        help_text="For track criteria: which track.",
    )
    share_of_track = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=(
            "For track criteria: the percentage of the track's published lessons to complete "
            "(100: every lesson). The threshold follows the track as lessons are published or "
            "archived. Empty: the threshold is fixed."
        ),
    )
    xp_reward = models.PositiveIntegerField(default=0)
    grants_streak_freeze = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    display_order = models.PositiveIntegerField(default=0)
    icon = models.CharField(max_length=40, blank=True)
    unlocks_avatar = models.ForeignKey(
        Avatar, null=True, blank=True, on_delete=models.SET_NULL, related_name="unlocked_by"
    )

    class Meta:
        ordering = ["display_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gt=0), name="achievement_threshold_gt_0"),
            models.CheckConstraint(
                condition=~Q(criteria="track_completed") | Q(track__isnull=False),
                name="achievement_track_criteria_has_track",
            ),
            models.CheckConstraint(
                condition=Q(share_of_track__isnull=True)
                | Q(share_of_track__gte=1, share_of_track__lte=100),
                name="achievement_share_of_track_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserAchievement(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="achievements"
    )
    # PROTECT: what a learner earned is history; an earned achievement (and its track) stays.
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="earned")
    earned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "earned achievement"
        constraints = [
            models.UniqueConstraint(fields=["user", "achievement"], name="user_achievement_once")
        ]
        indexes = [models.Index(fields=["user", "-earned_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} earned {self.achievement_id}"


class UserAvatar(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="avatars"
    )
    # PROTECT: an avatar a learner unlocked is hers; it is never deleted from under her.
    avatar = models.ForeignKey(Avatar, on_delete=models.PROTECT, related_name="owners")
    unlocked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "avatar"], name="user_avatar_once")]

    def __str__(self) -> str:
        return f"{self.user_id} owns {self.avatar_id}"


class LeaderboardEntry(models.Model):
    """A closed period's final standings, archived when the period ends."""

    class Period(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    period = models.CharField(max_length=10, choices=Period.choices)
    starts_on = models.DateField(help_text="UTC date the period began (a Monday for weeks).")
    scope = models.CharField(max_length=20, default="all", help_text='"all" or "track:<id>".')
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leaderboard_entries"
    )
    rank = models.PositiveIntegerField()
    xp = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "starts_on", "scope", "user"], name="leaderboard_entry_once"
            )
        ]
        indexes = [models.Index(fields=["period", "starts_on", "scope", "rank"])]

    def __str__(self) -> str:
        return f"{self.period} {self.starts_on}: #{self.rank} {self.user_id}"


class BoardScore(models.Model):
    """A learner's XP on one current leaderboard: the boards' source of truth in SQL.

    One row per learner, period (its UTC start; all-time boards start on `ALL_TIME`) and scope
    (a track, or 0 for all tracks), added to by the answer transaction in one upsert
    (`gamification.leaderboards.scores_add`). The SQL fallback reads a board with `ORDER BY
    rank_key LIMIT n` and ranks by counting higher keys on `board_score_order`; a Redis rebuild
    copies the rows in key order. `rank_key` is the board's order in one number, the same in
    Redis and SQL: more XP first, then the earlier to reach it (`tick`), then the lower id.
    """

    period = models.CharField(max_length=10)
    starts_on = models.DateField()
    track = models.PositiveIntegerField(help_text="The track's id; 0 for the board of all tracks.")
    # Indexed by the unique constraint below, which starts with the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    xp = models.PositiveIntegerField()
    # When the total was reached: seconds into the period (minutes since 2020 for all-time).
    tick = models.PositiveIntegerField()
    rank_key = models.BigIntegerField()
    # Opted out of the boards: kept current, shown nowhere, back in place when she opts in.
    hidden = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "starts_on", "track"], name="board_score_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["period", "starts_on", "track", "hidden", "rank_key", "user"],
                name="board_score_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.starts_on} track {self.track}: {self.user_id} {self.xp} XP"


class BoardCount(models.Model):
    """How many visible learners hold each XP total on a current board.

    A rank is 1 + the learners with more XP: the sum of this table's rows above her total, a
    few thousand rows at most (totals are small numbers shared by many), where counting her
    board's rows would read half of a million-row board. Kept by the same statements that move
    `BoardScore` (`gamification.leaderboards`).
    """

    period = models.CharField(max_length=10)
    starts_on = models.DateField()
    track = models.PositiveIntegerField()
    xp = models.PositiveIntegerField()
    learners = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "starts_on", "track", "xp"], name="board_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.starts_on} track {self.track}: {self.learners} on {self.xp}"

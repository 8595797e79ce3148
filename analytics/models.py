"""What happened, summed up: daily summaries, statistics, item analysis, events, the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DailySummary(models.Model):
    """One learner's day, on her own calendar.

    Kept current by each answer (an upsert in the answer transaction) and recomputed from the
    attempts by the nightly rollup, which replaces the row: both use the same definitions, so
    the rollup only corrects what a crash or a retried task may have left behind. Practice time
    is the sum of response times.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_summaries"
    )
    date = models.DateField(help_text="The learner's local date.")
    practised_ms = models.PositiveBigIntegerField(
        default=0, help_text="Sum of response times: the practice time of the day."
    )
    response_ms = models.PositiveBigIntegerField(
        default=0,
        db_default=0,
        help_text="Sum of the answers' raw response times (practice time caps each answer).",
    )
    sessions = models.PositiveIntegerField(default=0, help_text="Sessions completed that day.")
    questions = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    facts_reviewed = models.PositiveIntegerField(default=0, help_text="Fact answers seen before.")
    new_facts = models.PositiveIntegerField(default=0, help_text="Facts answered the first time.")
    facts_mastered = models.PositiveIntegerField(default=0)
    lesson_ms = models.PositiveBigIntegerField(default=0)
    review_ms = models.PositiveBigIntegerField(default=0)
    drill_ms = models.PositiveBigIntegerField(default=0)
    quiz_ms = models.PositiveBigIntegerField(default=0)
    xp = models.PositiveIntegerField(default=0)
    daily_goal_met = models.BooleanField(default=False)
    streak = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="daily_summary_once"),
            models.CheckConstraint(
                condition=Q(correct__lte=models.F("questions")), name="daily_correct_lte_questions"
            ),
        ]
        indexes = [
            models.Index(fields=["date"]),
            # The statistics refresh finds the rows the rollup rewrote since its last run. The
            # answer's UPDATE leaves `updated_at` alone, so this index costs the answer nothing.
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.date}"

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.questions if self.questions else None

    @property
    def average_response_ms(self) -> int | None:
        return round(self.practised_ms / self.questions) if self.questions else None

    @property
    def minutes_practised(self) -> float:
        return round(self.practised_ms / 60000, 1)


class UserStatistics(models.Model):
    """A learner's totals, refreshed by a task and on demand."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    questions = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    average_response_ms = models.PositiveIntegerField(null=True, blank=True)
    facts_by_fluency = models.JSONField(default=dict)
    by_operation = models.JSONField(default=dict, help_text='{"×": {"questions", "correct"}, …}')
    seconds_today = models.PositiveIntegerField(default=0)
    seconds_this_week = models.PositiveIntegerField(default=0)
    seconds_this_month = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)
    stale_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When a period total changes with no answer (a local midnight, Monday, the 1st).",
    )

    def __str__(self) -> str:
        return f"Statistics of {self.user_id}"

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.questions if self.questions else None


class StatisticsMark(models.Model):
    """How far the hourly statistics refresh has read: one row.

    The next run refreshes the learners who answered (or whose summaries were rewritten) from
    `until` on, and the users created after `last_user_id`.
    """

    ONE = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONE)
    until = models.DateTimeField()
    last_user_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Statistics refreshed until {self.until:%Y-%m-%d %H:%M}"


class ExerciseStats(models.Model):
    """Item analysis for authors: is this question too hard, too easy, or broken?"""

    exercise = models.OneToOneField(
        "curriculum.Exercise", on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    attempts = models.PositiveIntegerField(default=0)
    learners = models.PositiveIntegerField(default=0)
    share_correct = models.FloatField(null=True, blank=True)
    average_response_ms = models.PositiveIntegerField(null=True, blank=True)
    average_hints = models.FloatField(null=True, blank=True)
    discrimination = models.FloatField(
        null=True,
        blank=True,
        help_text="Share right among the strongest learners minus among the weakest (−1…1).",
    )
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Statistics of exercise {self.exercise_id}"


class LearningEvent(models.Model):
    """Something a learner did. Append-only; kept for a retention period, then aggregated."""

    class Type(models.TextChoices):
        SESSION_STARTED = "session_started", "Session started"
        ANSWER = "answer", "Answer"
        HINT = "hint", "Hint"
        SESSION_COMPLETED = "session_completed", "Session completed"
        LESSON_COMPLETED = "lesson_completed", "Lesson completed"
        ACHIEVEMENT = "achievement", "Achievement"

    type = models.CharField(max_length=24, choices=Type.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="learning_events",
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)
    device = models.JSONField(default=dict, help_text="User agent, input method, app version.")

    class Meta:
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["user", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.type} by {self.user_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class EventDailyCount(models.Model):
    """What remains of learning events past their retention: counts per day and type."""

    date = models.DateField()
    type = models.CharField(max_length=24)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "type"], name="event_daily_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.type}: {self.count}"

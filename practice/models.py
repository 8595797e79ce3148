"""Doing exercises: sessions, attempts, and what the learner knows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q, Sum, Value
from django.db.models.functions import Least
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from curriculum.models import Exercise, Lesson, Track, Unit

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Active time, defined once: an answer counts its response time, up to five minutes (a question
# left on screen while the learner is away is not practice). The day's practice time, the daily
# goal, the session's active time and the nightly rollup all add up exactly this.
ACTIVE_MS_PER_ANSWER_MAX = 5 * 60_000


def answer_active_ms(response_ms: int) -> int:
    """The active time one answer adds to its session and to the learner's day."""
    return max(0, min(int(response_ms), ACTIVE_MS_PER_ANSWER_MAX))


def active_ms_sum(*, filter: Q | None = None) -> Sum:
    """`answer_active_ms` summed over attempts in SQL (the rollup's definition of the same)."""
    return Sum(Least("response_ms", Value(ACTIVE_MS_PER_ANSWER_MAX)), filter=filter, default=0)


class FluencyLevel(models.TextChoices):
    """The math-facts ladder: accurate first, then fast, then automatic."""

    NOT_STARTED = "not_started", "Not started"
    LEARNING = "learning", "Learning"
    ACCURACY = "accuracy", "Accurate"
    FLUENCY_6S = "fluency_6s", "Fluent (6 s)"
    FLUENCY_3S = "fluency_3s", "Fluent (3 s)"
    MASTERED = "mastered", "Mastered"


class InputMethod(models.TextChoices):
    KEYBOARD = "keyboard", "Keyboard"
    KEYPAD = "keypad", "On-screen keypad"
    CHOICE = "choice", "Choice"


class PracticeSession(models.Model):
    class Mode(models.TextChoices):
        LESSON = "lesson", "Lesson"
        REVIEW = "review", "Review"
        DRILL = "drill", "Drill"
        QUIZ = "quiz", "Quiz"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        ABANDONED = "abandoned", "Abandoned"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL)
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL)
    config = models.JSONField(default=dict, blank=True)
    # The plan, fixed at the start: [{"exercise": id, "seed": "...", "requeued": bool}, ...].
    # Wrong answers in a lesson append their exercise again; a reload resumes at `position`.
    plan = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    answered = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    total_response_ms = models.PositiveBigIntegerField(default=0)
    active_ms = models.PositiveBigIntegerField(
        default=0, help_text="Active time: the answers' `answer_active_ms`, summed."
    )
    hints_used = models.PositiveIntegerField(default=0)
    xp_earned = models.PositiveIntegerField(default=0)
    mastery_gained = models.FloatField(default=0.0)
    facts_mastered = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["user", "status", "-started_at"]),
            # The nightly rollup counts a day's completed sessions: a range scan of this.
            models.Index(fields=["ended_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(correct__lte=models.F("answered")), name="session_correct_lte_answered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} session {self.pk} of {self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.PAUSED)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def average_response_ms(self) -> int | None:
        return round(self.total_response_ms / self.answered) if self.answered else None

    def current_item(self) -> dict[str, Any] | None:
        return self.plan[self.position] if self.position < len(self.plan) else None

    def active_seconds(self, *, now: Any = None) -> int:
        """Time spent in the session, pauses excluded."""
        end = self.ended_at or self.paused_at or now or timezone.now()
        return max(0, int((end - self.started_at).total_seconds()) - self.paused_seconds)


SESSION_STATUSES = PracticeSession.Status.choices
SESSION_MODES = PracticeSession.Mode.choices


class Attempt(models.Model):
    """One answer, as given and as judged. Append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="attempts")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="attempts")
    plan_index = models.PositiveIntegerField()
    response = models.TextField()
    interpreted_as = models.TextField(blank=True)
    is_correct = models.BooleanField()
    score = models.FloatField()
    feedback = models.TextField(blank=True)
    response_ms = models.PositiveIntegerField()
    input_method = models.CharField(
        max_length=10, choices=InputMethod.choices, default=InputMethod.KEYBOARD
    )
    attempt_number = models.PositiveIntegerField(help_text="This learner's nth try of it.")
    hints_used = models.PositiveSmallIntegerField(default=0)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    xp = models.PositiveIntegerField(default=0)
    newly_mastered = models.BooleanField(
        default=False, help_text="This answer brought the fact to mastered."
    )
    # NULL, not "": unique only among answers that carry a key.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["exercise", "created_at"]),
            models.Index(fields=["session", "plan_index"]),
            # The nightly rollup reads one day of answers, and the statistics refresh finds who
            # answered since its last run: both range scans of this.
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="attempt_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="attempt_score_range"
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=5),
                name="attempt_confidence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.pk}: {'right' if self.is_correct else 'wrong'}"


class ExerciseProgress(models.Model):
    """What one learner knows of one exercise; locked and updated by each of her answers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_progress"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="progress")
    attempts = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    current_streak = models.PositiveIntegerField(default=0)
    best_streak = models.PositiveIntegerField(default=0)
    average_response_ms = models.PositiveIntegerField(null=True, blank=True)
    best_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    # The last five attempts, newest last: [{"correct": bool, "ms": int}, ...].
    recent = models.JSONField(default=list)
    hints_used = models.PositiveIntegerField(default=0)
    mastery = models.FloatField(default=0.0)
    fluency_level = models.CharField(
        max_length=12, choices=FluencyLevel.choices, default=FluencyLevel.NOT_STARTED
    )
    card = models.JSONField(default=dict, help_text="The FSRS card (py-fsrs Card.to_dict()).")
    due_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # A fact is newly mastered once per learner: slipping and mastering it again counts nothing.
    first_mastered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "exercise"], name="progress_unique"),
            models.CheckConstraint(
                condition=Q(correct__lte=models.F("attempts")), name="progress_correct_lte_attempts"
            ),
        ]
        # "What is due now" for a learner is one range scan of this index.
        indexes = [models.Index(fields=["user", "due_at"], name="progress_due_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} × exercise {self.exercise_id}: {self.mastery:.2f}"

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="progress")
    unlocked_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    times_completed = models.PositiveIntegerField(default=0)
    best_accuracy = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} × lesson {self.lesson_id}"


class UnitProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_progress"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="progress")
    attempts = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    # Sum of the learner's mastery over the unit's exercises, kept by adding each answer's change.
    mastery_sum = models.FloatField(default=0.0)
    unlocked_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unit_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} × unit {self.unit_id}"

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


class TrackProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_progress"
    )
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="progress")
    attempts = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    xp = models.PositiveIntegerField(default=0)
    lessons_completed = models.PositiveIntegerField(default=0)
    units_completed = models.PositiveIntegerField(default=0)
    unlocked_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "track"], name="track_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} × track {self.track_id}"


class SkillRating(models.Model):
    """Elo-style ability of a learner on a track (adaptive selection)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_ratings"
    )
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="skill_ratings")
    rating = models.FloatField(default=1000.0)
    answers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "track"], name="skill_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} on track {self.track_id}: {self.rating:.0f}"


# --- Question content: the cache's stamp of an exercise ---------------------------------------
# A question's content (and the exercise an answer is graded against) is cached under a key
# holding the exercise's `updated_at`. That stamp is itself kept in the cache, so that showing or
# grading a question costs no query for it; saving an exercise, its lesson or its unit forgets
# the stamps concerned, now and again after commit (a reader between the two may have stored the
# old one), and the entries under the new stamp, which a reader inside the saving transaction
# may have filled before commit.

QUESTION_STAMP_TTL = 24 * 60 * 60


def question_stamp_key(exercise_id: int) -> str:
    return f"practice:question-stamp:{exercise_id}"


def question_stamp(exercise_id: int) -> Any:
    """The exercise's `updated_at`, from the cache (one query when it is not there).

    Raises `Exercise.DoesNotExist` for an exercise that is not there.
    """
    key = question_stamp_key(exercise_id)
    try:
        stamp = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - a cache outage is a miss, never an error
        logger.warning("cache read failed: %s", exc)
        stamp = None
    if stamp is None:
        stamp = Exercise.objects.values_list("updated_at", flat=True).get(pk=exercise_id)
        try:
            cache.set(key, stamp, QUESTION_STAMP_TTL)
        except Exception as exc:  # noqa: BLE001
            logger.warning("cache write failed: %s", exc)
    return stamp


def content_cached(key: str, load: Callable[[], T]) -> T:
    """Read-through of the author's content, inside a transaction too (the learner's
    transaction never writes it); a cache outage is a miss, never an error."""
    try:
        hit = cache.get(key)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache read failed: %s", exc)
        hit = None
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    value = load()
    try:
        cache.set(key, value, QUESTION_STAMP_TTL)
    except Exception as exc:  # noqa: BLE001
        logger.warning("cache write failed: %s", exc)
    return value


def question_stamps_forget(exercises: list[tuple[int, Any]]) -> None:
    """Forget the stamps of these (exercise id, new `updated_at`), now and after commit."""
    from calcuingo.cache import question_key

    if not exercises:
        return
    keys = [question_stamp_key(pk) for pk, _ in exercises]

    def forget(*, after_commit: bool) -> None:
        doomed = list(keys)
        if after_commit:
            doomed += [
                question_key(pk, at, variant) for pk, at in exercises for variant in ("", "grading")
            ]
        try:
            cache.delete_many(doomed)
        except Exception as exc:  # noqa: BLE001 - the entries expire with their TTL
            logger.warning("cache invalidation of questions failed: %s", exc)

    forget(after_commit=False)
    transaction.on_commit(lambda: forget(after_commit=True))


@receiver(post_save, sender=Exercise)
def _exercise_saved(sender: Any, instance: Exercise, **kwargs: Any) -> None:
    question_stamps_forget([(instance.pk, instance.updated_at)])


@receiver(post_save, sender=Lesson)
@receiver(post_save, sender=Unit)
def _container_saved(sender: Any, instance: Lesson | Unit, **kwargs: Any) -> None:
    # Moved between units or tracks: the graded exercise carries its lesson's unit and track.
    exercises = (
        Exercise.objects.filter(lesson=instance)
        if isinstance(instance, Lesson)
        else Exercise.objects.filter(lesson__unit=instance)
    )
    question_stamps_forget(list(exercises.values_list("pk", "updated_at")))


CODE_SOURCE_MAX_BYTES = 64 * 1024  # the runner's own cap (`coderunner.Limits.source_kb`)


class CodeSubmission(models.Model):
    """Learner code sent to a code question, recorded before it is run.

    A `run` tries the sample tests only and is never graded; a `submit` is graded on every test
    and, once judged, records its answer (`attempt`) through the answer path like any other.
    A submission is queued, then running, then finished with the runner's status; a finished one
    never changes again (a retried task, or a run the sweeper gave up on, leaves it alone).
    """

    class Kind(models.TextChoices):
        RUN = "run", "Run the sample tests"
        SUBMIT = "submit", "Submit for grading"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        PARTIAL = "partial", "Partly passed"
        TIMEOUT = "timeout", "Timed out"
        ERROR = "error", "Error"

    PENDING = (Status.QUEUED, Status.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="code_submissions"
    )
    session = models.ForeignKey(
        PracticeSession, on_delete=models.CASCADE, related_name="code_submissions"
    )
    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, related_name="code_submissions"
    )
    plan_index = models.PositiveIntegerField()
    source = models.TextField()
    kind = models.CharField(max_length=6, choices=Kind.choices)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    score = models.FloatField(null=True, blank=True)
    time_ms = models.FloatField(null=True, blank=True)
    peak_memory_kb = models.PositiveIntegerField(null=True, blank=True)
    # The runner's TestResults as it gave them (hidden tests: name, passed and verdict only).
    tests = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    response_ms = models.PositiveIntegerField(default=0)
    hints_used = models.PositiveSmallIntegerField(default=0)
    # NULL, not "": unique only among submissions that carry a key.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True)
    attempt = models.OneToOneField(
        Attempt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="code_submission",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker started running it."
    )

    class Meta:
        indexes = [
            # The sweeper: pending submissions by how long they have been at it.
            models.Index(fields=["status", "started_at"], name="code_submission_sweep_idx"),
            models.Index(
                fields=["user", "exercise", "-created_at"], name="code_submission_mine_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="code_submission_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="code_submission_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Code {self.kind} {self.pk} of {self.user_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status not in self.PENDING

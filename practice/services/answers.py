"""One answer, from the learner's response to every row it changes, in one transaction.

Read top to bottom, this is the answer hot path of ARCHITECTURE.md. Lock order is fixed —
session, then the learner's exercise progress — and the shared counters (unit, track) move with
`F()`, so concurrent answers of one learner never lose an update. The number of queries does not
depend on the learner's history.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Power
from django.utils import timezone

from accounts.models import User
from analytics import services as analytics
from calcuingo import cache as analytics_cache
from calcuingo.db import counters_add
from calcuingo.exceptions import ApplicationError
from curriculum import grading
from curriculum.models import Exercise, Hint
from gamification import services as gamification

from ..mastery import assess, push_recent
from ..models import (
    Attempt,
    ExerciseProgress,
    PracticeSession,
    SkillRating,
    TrackProgress,
    answer_active_ms,
    content_cached,
    question_stamp,
)
from ..scheduling import rating_for, review
from .adaptive import DEFAULT_RATING
from .progress import unit_answer_add
from .sessions import (
    MAX_REQUEUES_PER_EXERCISE,
    SessionLock,
    drill_time_left,
    finish_locked,
    requeue_item,
    session_lock,
)

logger = logging.getLogger(__name__)

BASE_XP = 10
XP_PER_DIFFICULTY = 2
HINT_XP_PENALTY = 3
MIN_XP_WITH_HINTS = 2
ELO_K = 24.0


SKIPPED_MESSAGE = "This question is being fixed — it won't count. On to the next one."
CODE_ANSWER_MESSAGE = (
    "This is a code question: send your code to POST /api/v1/sessions/{id}/code instead."
)


@dataclass
class AnswerResult:
    """What an answer did, for the response: nothing is read again after the service."""

    attempt: Attempt | None
    session: PracticeSession
    progress: ExerciseProgress | None
    replayed: bool = False
    mastery_before: float = 0.0
    newly_mastered: bool = False
    unit_completed: bool = False
    explanation: str = ""
    option_explanation: str = ""
    reward: gamification.Outcome | None = None
    unlocked: list[Any] = field(default_factory=list)
    # The placement this answer ended, if it ended one (what it placed).
    placed: Any = None
    # A question whose spec is broken is skipped: nothing recorded, the session moves on.
    skipped: bool = False
    message: str = ""


AnswerLock = SessionLock


def answer_lock(*, user: User, session_id: int, exercise_id: int | None = None) -> SessionLock:
    """Lock the learner's session and standing for an answer, with her progress on the
    exercise answered (`sessions.session_lock`): one statement."""
    lock = session_lock(user=user, session_id=session_id, exercise_id=exercise_id)
    lock.session.user = user
    return lock


def fingerprint(**body: Any) -> str:
    """A digest of what was sent, to tell a retry from a different answer under the same key."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def answer_xp(*, correct: bool, score: float, difficulty: int, hints_used: int) -> int:
    """XP for one answer: more for harder exercises, less for each hint used."""
    if not correct:
        return 0
    xp = round((BASE_XP + XP_PER_DIFFICULTY * (difficulty - 1)) * score)
    if hints_used:
        xp = max(MIN_XP_WITH_HINTS, xp - HINT_XP_PENALTY * hints_used)
    return xp


def variant_values(exercise: Exercise, seed: str) -> dict[str, int]:
    return grading.variant_for(exercise.parameters, seed) if exercise.parameters else {}


def _replay(*, user: User, key: str, print_: str) -> AnswerResult | None:
    previous = (
        Attempt.objects.select_related("session", "exercise")
        .filter(user=user, idempotency_key=key)
        .first()
    )
    if previous is None:
        return None
    if previous.request_fingerprint != print_:
        raise ApplicationError(
            "This idempotency key was already used for a different answer.",
            status=409,
            code="idempotency_conflict",
        )
    progress = ExerciseProgress.objects.filter(user=user, exercise=previous.exercise_id).first()
    plan = previous.session.plan
    seed = plan[previous.plan_index]["seed"] if previous.plan_index < len(plan) else ""
    values = variant_values(previous.exercise, seed)
    explanation = previous.exercise.explanation
    return AnswerResult(
        attempt=previous,
        session=previous.session,
        progress=progress,
        replayed=True,
        explanation=grading.render_variant(explanation, values),
    )


def _check_current(session: PracticeSession, exercise_id: int) -> dict[str, Any]:
    if not session.is_open:
        raise ApplicationError("This session is finished.", code="finished", status=409)
    if session.status == PracticeSession.Status.PAUSED:
        # A state conflict like "finished", not malformed input: 409, as the API documents.
        raise ApplicationError(
            "This session is paused: resume it first.", code="paused", status=409
        )
    item = session.current_item()
    if item is None:
        raise ApplicationError("This session has no question left.", code="finished", status=409)
    if item["exercise"] != exercise_id:
        in_plan = any(entry["exercise"] == exercise_id for entry in session.plan)
        raise ApplicationError(
            "This is not the current question of the session."
            if in_plan
            else "This exercise is not part of this session.",
            field="exercise",
            code="not_current" if in_plan else "not_in_session",
        )
    left = drill_time_left(session)
    if left is not None and left <= 0:
        raise ApplicationError("Time is up for this drill.", code="time_up", status=409)
    return item


@transaction.atomic
def answer_submit(
    *,
    user: User,
    session: PracticeSession,
    exercise_id: int,
    response: str,
    response_ms: int,
    input_method: str = "keyboard",
    confidence: int | None = None,
    idempotency_key: str | None = None,
) -> AnswerResult:
    """Judge the learner's answer to the session's current question and record everything."""
    return answer_record(
        user=user,
        lock=answer_lock(user=user, session_id=session.pk, exercise_id=exercise_id),
        exercise_id=exercise_id,
        response=response,
        response_ms=response_ms,
        input_method=input_method,
        confidence=confidence,
        idempotency_key=idempotency_key,
    )


def exercise_for_grading(exercise_id: int) -> Exercise:
    """The exercise with its lesson and unit, from the cache under its stamp (see
    `practice.models.question_stamp`): an answer to a cached question costs no query for it."""
    key = analytics_cache.question_key(exercise_id, question_stamp(exercise_id), "grading")
    return content_cached(
        key, lambda: Exercise.objects.select_related("lesson__unit").get(pk=exercise_id)
    )


def answer_record(
    *,
    user: User,
    lock: AnswerLock,
    exercise_id: int,
    response: str,
    response_ms: int,
    input_method: str = "keyboard",
    confidence: int | None = None,
    idempotency_key: str | None = None,
    verdict: grading.Verdict | None = None,
) -> AnswerResult:
    """`answer_submit` in the caller's transaction, on the rows `answer_lock` locked.

    Each row is read or locked once and written once: the session and standing (locked
    together), the exercise (cached), her progress on it, then one write each of the attempt,
    the progress, the session, the unit, track and skill counters, the XP ledger and the
    standing, the day's summary and the learning event.

    `verdict` is a judgement made elsewhere, used instead of grading `response`: a code
    answer is judged by its tests in the sandbox, outside any transaction
    (`practice.services.code`), and only then recorded here. A code question answered
    without one is refused: its answers go through `code_submit`.
    """
    assert transaction.get_connection().in_atomic_block, "answer_record needs a transaction"
    session = lock.session
    print_ = fingerprint(
        session=session.pk,
        exercise=exercise_id,
        response=response,
        response_ms=response_ms,
        input_method=input_method,
        confidence=confidence,
    )
    if idempotency_key:
        # Under the standing's lock every earlier answer of hers is committed and seen here.
        replay = _replay(user=user, key=idempotency_key, print_=print_)
        if replay is not None:
            return replay
    item = _check_current(session, exercise_id)
    exercise = exercise_for_grading(exercise_id)
    now = timezone.now()

    # 1. Her progress on this exercise, read with the lock (the standing's lock serialises
    # her answers: nobody else writes it meanwhile).
    if lock.progress_for == exercise.pk:
        progress = lock.progress
    else:
        progress = ExerciseProgress.objects.filter(user=user, exercise=exercise).first()
    if progress is None:
        progress = ExerciseProgress(user=user, exercise=exercise)
    attempt_number = progress.attempts + 1

    # 2. Judge: pure code, bounded in time, no queries; sample points seeded by the attempt, so
    # that a regrade of the stored attempt reproduces the verdict.
    values = variant_values(exercise, item["seed"])
    if verdict is None:
        if exercise.kind == Exercise.Kind.CODE:
            raise ApplicationError(CODE_ANSWER_MESSAGE, field="exercise", code="code_question")
        try:
            verdict = grading.grade(
                exercise.kind,
                exercise.grading_spec(),
                response,
                values=values,
                seed=f"{user.pk}:{exercise.pk}:{attempt_number}",
            )
        except grading.SpecError as error:
            return _skip_broken(user=user, lock=lock, exercise=exercise, error=error, at=now)
    limit_s = session.config.get("per_question_seconds")
    if limit_s and response_ms > int(limit_s) * 1000:
        # A quiz question answered after its time is up counts as missed, like on an exam.
        verdict = replace(
            verdict,
            correct=False,
            score=0.0,
            feedback=f"Time ran out: each question has {limit_s} seconds.",
        )
    hints_used = int(item.get("hints", 0))
    timed = exercise.kind == Exercise.Kind.FACT
    mastery_before = progress.mastery
    # Judged before the attempt is written, so that the row says whether it mastered the fact.
    # Once per learner and fact: mastering it again after a slip is not newly mastering it.
    assessed = assess(
        push_recent(progress.recent, correct=verdict.correct, ms=response_ms), timed=timed
    )
    newly_mastered = (
        timed and progress.first_mastered_at is None and assessed.fluency_level == "mastered"
    )
    if newly_mastered:
        progress.first_mastered_at = now  # saved with the rest of the row below
    active_ms = answer_active_ms(response_ms)
    xp = answer_xp(
        correct=verdict.correct,
        score=verdict.score,
        difficulty=exercise.difficulty,
        hints_used=hints_used,
    )
    # No savepoint: a key seen before was replayed above, under the lock.
    attempt = Attempt.objects.create(
        user=user,
        session=session,
        exercise=exercise,
        plan_index=session.position,
        response=response,
        interpreted_as=verdict.interpreted_as,
        is_correct=verdict.correct,
        score=verdict.score,
        feedback=verdict.feedback,
        response_ms=response_ms,
        input_method=input_method,
        attempt_number=attempt_number,
        hints_used=hints_used,
        confidence=confidence,
        xp=xp,
        newly_mastered=newly_mastered,
        idempotency_key=idempotency_key or None,
        request_fingerprint=print_,
        created_at=now,
    )
    _progress_record(
        progress,
        correct=verdict.correct,
        response_ms=response_ms,
        hints_used=hints_used,
        timed=timed,
        now=now,
    )
    mastery_delta = progress.mastery - mastery_before

    # 3. Session: counters, and in a lesson a wrong answer comes back at the end.
    session.answered += 1
    session.correct += int(verdict.correct)
    session.total_response_ms += response_ms
    session.active_ms += active_ms
    session.hints_used += hints_used
    session.xp_earned += xp
    session.mastery_gained += mastery_delta
    session.facts_mastered += int(newly_mastered)
    session.position += 1
    if (
        not verdict.correct
        and session.mode == PracticeSession.Mode.LESSON
        and sum(1 for entry in session.plan if entry["exercise"] == exercise.pk)
        <= MAX_REQUEUES_PER_EXERCISE
    ):
        session.plan = [*session.plan, requeue_item(item)]
    finishing = session.position >= len(session.plan)
    if not finishing:
        session.save(update_fields=SESSION_ANSWER_FIELDS)  # else saved once, with its end

    # 4. Unit, track and skill (one row each, added to with F()); only a right answer can
    # raise the unit's mastery or accuracy to its thresholds.
    unit_id, track_id = exercise.lesson.unit_id, exercise.lesson.unit.track_id
    counters_add(
        TrackProgress,
        lookup={"user": user, "track_id": track_id},
        attempts=1,
        correct=int(verdict.correct),
        xp=xp,
    )
    unit_completed = unit_answer_add(
        user=user,
        unit_id=unit_id,
        correct=verdict.correct,
        mastery_delta=mastery_delta,
    )
    _skill_update(user=user, track_id=track_id, exercise=exercise, score=verdict.score)

    # 5. Motivation: her XP and counters join one purse, written once at the end.
    purse = gamification.purse_open(user=user, standing=lock.standing, **_next(lock))
    gamification.answer_counted(
        purse,
        attempt_id=attempt.pk,
        xp=xp,
        correct=verdict.correct,
        fact_mastered=newly_mastered,
        track_id=track_id,
        at=now,
    )
    gamification.purse_check(purse)
    # 6. What happened: the day's summary and a learning event; the daily goal, when this
    # answer adds its last minute (read from the summary row the answer updates anyway).
    day = analytics.answer_recorded(
        user=user,
        attempt_id=attempt.pk,
        exercise_id=exercise.pk,
        mode=session.mode,
        correct=verdict.correct,
        response_ms=response_ms,
        active_ms=active_ms,
        is_fact=timed,
        first_try_of_exercise=attempt_number == 1,
        newly_mastered=newly_mastered,
        xp=purse.total,
        input_method=input_method,
        at=now,
    )
    if day.goal_reached:
        goal = gamification.daily_goal_reached(user=user, day=day.day, at=now, purse=purse)
        analytics.goal_xp_add(user=user, day=day.day, xp=goal.xp)

    unlocked: list[Any] = []
    placed = None
    session_reward = None
    if finishing:
        if session.lesson_id == exercise.lesson_id:
            session.lesson = exercise.lesson  # with its unit: no query for either
        end = finish_locked(
            session, purse=purse, also_save=SESSION_ANSWER_FIELDS, unit_checked=True
        )
        unlocked, placed, session_reward = end.unlocked, end.placed, end.reward
    reward = gamification.purse_settle(purse)
    if session_reward is not None and session_reward.streak is not None:
        reward.streak = session_reward.streak
        reward.streak_extended = session_reward.streak_extended
        reward.freezes_used = session_reward.freezes_used

    transaction.on_commit(lambda: analytics_cache.learner_cache_invalidate(user.pk))
    return AnswerResult(
        attempt=attempt,
        session=session,
        progress=progress,
        mastery_before=mastery_before,
        newly_mastered=newly_mastered,
        unit_completed=unit_completed,
        explanation=grading.render_variant(exercise.explanation, values),
        option_explanation=getattr(verdict, "explanation", "") or "",
        reward=reward,
        unlocked=list(unlocked),
        placed=placed,
    )


SESSION_ANSWER_FIELDS = [
    "answered",
    "correct",
    "total_response_ms",
    "active_ms",
    "hints_used",
    "xp_earned",
    "mastery_gained",
    "facts_mastered",
    "position",
    "plan",
]


def _next(lock: AnswerLock) -> dict[str, int | None]:
    return {f"next_{criteria}": value for criteria, value in lock.thresholds.items()}


def _skip_broken(
    *,
    user: User,
    lock: AnswerLock,
    exercise: Exercise,
    error: grading.SpecError,
    at: Any,
) -> AnswerResult:
    """A question whose answer spec cannot be graded: an error for the authors, nothing
    recorded for the learner (no attempt, no XP), and the session moves past it."""
    logger.error("Exercise %s has a malformed answer spec and was skipped: %s", exercise.pk, error)
    session = lock.session
    session.position += 1
    session.save(update_fields=["position"])
    result = AnswerResult(
        attempt=None, session=session, progress=None, skipped=True, message=SKIPPED_MESSAGE
    )
    if session.position >= len(session.plan):
        purse = gamification.purse_open(user=user, standing=lock.standing, **_next(lock))
        end = finish_locked(session, purse=purse)
        result.reward = gamification.purse_settle(purse)
        result.unlocked, result.placed = list(end.unlocked), end.placed
    transaction.on_commit(lambda: analytics_cache.learner_cache_invalidate(user.pk))
    return result


def _progress_record(
    progress: ExerciseProgress,
    *,
    correct: bool,
    response_ms: int,
    hints_used: int,
    timed: bool,
    now: Any,
) -> None:
    """Counts, streaks, times, mastery, fluency and the FSRS review, on the locked row."""
    previous_total = (progress.average_response_ms or 0) * progress.attempts
    progress.attempts += 1
    progress.correct += int(correct)
    progress.current_streak = progress.current_streak + 1 if correct else 0
    progress.best_streak = max(progress.best_streak, progress.current_streak)
    progress.average_response_ms = round((previous_total + response_ms) / progress.attempts)
    if correct:
        progress.best_response_ms = min(progress.best_response_ms or response_ms, response_ms)
    progress.last_response_ms = response_ms
    progress.hints_used += hints_used
    progress.recent = push_recent(progress.recent, correct=correct, ms=response_ms)
    assessed = assess(progress.recent, timed=timed)
    progress.mastery = assessed.value
    progress.fluency_level = assessed.fluency_level
    rating = rating_for(
        correct=correct, hints_used=hints_used, response_ms=response_ms, timed=timed
    )
    # A new card is numbered by its exercise, as `cards_seed` numbers the cards it makes.
    progress.card, progress.due_at = review(
        progress.card, rating=rating, at=now, card_id=progress.pk or progress.exercise_id
    )
    progress.last_attempt_at = now
    progress.save()


def _skill_update(*, user: User, track_id: int, exercise: Exercise, score: float) -> None:
    """Move the learner's Elo ability towards what this answer shows.

    Only the learner's own row changes; the exercise's difficulty is recalibrated in batch
    (`practice.services.adaptive.difficulty_calibrate`), never by locking a shared row here.
    """
    rating = F("rating")
    expected = 1.0 / (
        1.0 + Power(10.0, (Value(float(exercise.difficulty_rating)) - rating) / 400.0)
    )
    moved = SkillRating.objects.filter(user=user, track_id=track_id).update(
        rating=rating + ELO_K * (Value(float(score)) - expected), answers=F("answers") + 1
    )
    if not moved:
        # Her first answer in the track (the standing's lock keeps a twin out).
        start = DEFAULT_RATING
        first = 1.0 / (1.0 + 10 ** ((exercise.difficulty_rating - start) / 400.0))
        SkillRating.objects.create(
            user=user, track_id=track_id, rating=start + ELO_K * (score - first), answers=1
        )


@transaction.atomic
def hint_request(*, session: PracticeSession, exercise_id: int) -> Hint:
    """The next hint of the current question; each one used lowers the answer's XP."""
    session = PracticeSession.objects.select_for_update().get(pk=session.pk)
    item = _check_current(session, exercise_id)
    used = int(item.get("hints", 0))
    wrong_so_far = (
        ExerciseProgress.objects.filter(user_id=session.user_id, exercise_id=exercise_id)
        .values_list(F("attempts") - F("correct"), flat=True)
        .first()
        or 0
    )
    hints = list(Hint.objects.filter(exercise_id=exercise_id).order_by("order"))
    if used >= len(hints):
        raise ApplicationError("There are no more hints for this question.", code="no_more_hints")
    hint = hints[used]
    if hint.unlock_after_attempts > wrong_so_far:
        raise ApplicationError(
            "Try once more before asking for the next hint.", code="hint_locked", status=403
        )
    plan = list(session.plan)
    plan[session.position] = {**item, "hints": used + 1}
    session.plan = plan
    session.save(update_fields=["plan"])
    analytics.hint_requested(
        user_id=session.user_id,
        session_id=session.pk,
        exercise_id=exercise_id,
        hint_number=used + 1,
        at=timezone.now(),
    )
    return hint

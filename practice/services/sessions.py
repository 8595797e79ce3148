"""Starting, pausing, resuming and finishing practice sessions; the plan is fixed at the start."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import LearnerProfile, User
from analytics import cache as analytics_cache
from analytics import services as analytics
from calcuingo.exceptions import ApplicationError
from curriculum.models import Exercise, Lesson, Status, Track, Unit
from curriculum.selectors import published_exercises
from gamification import services as gamification

from .. import selectors
from ..models import ExerciseProgress, PracticeSession
from .progress import lesson_complete, placement_apply

Mode = PracticeSession.Mode

DEFAULT_REVIEW_SIZE = 20
DEFAULT_QUIZ_SIZE = 10
DEFAULT_DRILL_SECONDS = 60
DRILL_PLAN_SIZE = 200
MAX_REQUEUES_PER_EXERCISE = 2


class PlanItem(TypedDict, total=False):
    exercise: int
    seed: str
    requeued: bool
    hints: int


def _item(exercise_id: int) -> PlanItem:
    # The seed picks a parametrised exercise's variant; stored, so a reload shows the same numbers.
    return {"exercise": exercise_id, "seed": secrets.token_hex(6), "hints": 0}


def _lesson_plan(lesson: Lesson) -> list[PlanItem]:
    ids = published_exercises(Exercise.objects.filter(lesson=lesson)).order_by("order")
    return [_item(pk) for pk in ids.values_list("pk", flat=True)]


def _review_plan(user: User, size: int, *, spaced_repetition: bool) -> list[PlanItem]:
    progress = ExerciseProgress.objects.filter(user=user).filter(exercise__in=published_exercises())
    if spaced_repetition:
        due = progress.filter(due_at__lte=timezone.now()).order_by("due_at")
    else:
        # Without spaced repetition, review what is weakest instead of what is due.
        due = progress.filter(attempts__gt=0).order_by("mastery", "last_attempt_at")
    return [_item(pk) for pk in due.values_list("exercise_id", flat=True)[:size]]


def _drill_plan(user: User, track: Track) -> list[PlanItem]:
    """Weakest and due facts first, then unseen ones; repeated to fill a timed drill."""
    facts = published_exercises(Exercise.objects.filter(lesson__unit__track=track, kind="fact"))
    ranked = selectors.exercises_by_need(user=user, exercises=facts).ordered
    if not ranked:
        return []
    ids = (ranked * (DRILL_PLAN_SIZE // len(ranked) + 1))[:DRILL_PLAN_SIZE]
    return [_item(pk) for pk in ids]


def _quiz_plan(exercises: Any, size: int, rng: random.Random) -> list[PlanItem]:
    ids = list(published_exercises(exercises).values_list("pk", flat=True))
    rng.shuffle(ids)
    return [_item(pk) for pk in ids[:size]]


def _assert_track_open(user: User, track: Track) -> None:
    if not selectors.track_is_unlocked(user=user, track=track):
        raise ApplicationError(
            "This track is still locked: finish the tracks before it and earn its XP first.",
            status=403,
            code="locked",
        )


@transaction.atomic
def session_start(
    *,
    user: User,
    mode: str,
    lesson: Lesson | None = None,
    unit: Unit | None = None,
    track: Track | None = None,
    size: int | None = None,
    seconds: int | None = None,
    per_question_seconds: int | None = None,
    placement: bool = False,
) -> PracticeSession:
    """Open a session with its plan; the caller has checked the learner may see the content."""
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    config: dict[str, Any] = {}
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - question order, not a secret
    if mode == Mode.LESSON:
        if lesson is None:
            raise ApplicationError("A lesson session needs a lesson.", field="lesson")
        selectors.lesson_assert_unlocked(user=user, lesson=lesson)
        unit, track = lesson.unit, lesson.unit.track
        plan = _lesson_plan(lesson)
    elif mode == Mode.REVIEW:
        plan = _review_plan(
            user, size or DEFAULT_REVIEW_SIZE, spaced_repetition=profile.spaced_repetition
        )
        if not plan:
            raise ApplicationError(
                "Nothing is due for review right now.", code="nothing_due", field="mode"
            )
    elif mode == Mode.DRILL:
        if track is None:
            raise ApplicationError("A drill needs a track of math facts.", field="track")
        _assert_track_open(user, track)
        plan = _drill_plan(user, track)
        config["seconds"] = seconds or DEFAULT_DRILL_SECONDS
    elif mode == Mode.QUIZ:
        if unit is not None:
            track = unit.track
            _assert_track_open(user, track)
            pool = Exercise.objects.filter(lesson__unit=unit)
        elif track is not None:
            _assert_track_open(user, track)
            pool = Exercise.objects.filter(lesson__unit__track=track)
        else:
            raise ApplicationError("A quiz needs a track or a unit.", field="track")
        if placement:
            # A placement quiz samples every unit of the track, so each can be placed.
            plan = []
            for each in Unit.objects.filter(track=track, status=Status.PUBLISHED).order_by("order"):
                plan += _quiz_plan(pool.filter(lesson__unit=each), size or 3, rng)
            config["placement"] = True
        else:
            plan = _quiz_plan(pool, size or DEFAULT_QUIZ_SIZE, rng)
        if per_question_seconds:
            config["per_question_seconds"] = per_question_seconds
    else:
        raise ApplicationError(f"Unknown mode {mode!r}.", field="mode")
    if not plan:
        raise ApplicationError(
            "There are no exercises to practise here yet.", code="empty", field="mode"
        )
    return PracticeSession.objects.create(
        user=user,
        mode=mode,
        lesson=lesson,
        unit=unit,
        track=track,
        config=config,
        plan=plan,
    )


def _lock(session: PracticeSession) -> PracticeSession:
    return PracticeSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def session_pause(*, session: PracticeSession) -> PracticeSession:
    session = _lock(session)
    if session.status != PracticeSession.Status.ACTIVE:
        raise ApplicationError("Only an active session can be paused.", code="not_active")
    session.status = PracticeSession.Status.PAUSED
    session.paused_at = timezone.now()
    session.save(update_fields=["status", "paused_at"])
    return session


@transaction.atomic
def session_resume(*, session: PracticeSession) -> PracticeSession:
    session = _lock(session)
    if session.status != PracticeSession.Status.PAUSED:
        raise ApplicationError("Only a paused session can be resumed.", code="not_paused")
    assert session.paused_at is not None
    paused = int((timezone.now() - session.paused_at).total_seconds())
    session.status = PracticeSession.Status.ACTIVE
    session.paused_seconds = F("paused_seconds") + paused
    session.paused_at = None
    session.save(update_fields=["status", "paused_seconds", "paused_at"])
    session.refresh_from_db()
    return session


def drill_time_left(session: PracticeSession) -> int | None:
    seconds = session.config.get("seconds")
    if session.mode != Mode.DRILL or not seconds:
        return None
    return max(0, int(seconds) - session.active_seconds())


def finish_locked(session: PracticeSession, *, abandoned: bool = False) -> PracticeSession:
    """Close a session whose row the caller holds locked; complete its lesson if it was one."""
    now = timezone.now()
    questions_left = session.position < len(session.plan)
    if not abandoned and (
        (session.mode == Mode.LESSON and questions_left) or session.answered == 0
    ):
        # Stopping a lesson midway, or any session before a single answer, is not completing
        # it: no lesson progress, no day counted towards the streak.
        abandoned = True
    if session.status == PracticeSession.Status.PAUSED and session.paused_at:
        session.paused_seconds += int((now - session.paused_at).total_seconds())
        session.paused_at = None
    session.status = (
        PracticeSession.Status.ABANDONED if abandoned else PracticeSession.Status.COMPLETED
    )
    session.ended_at = now
    session.save(update_fields=["status", "ended_at", "paused_seconds", "paused_at"])
    transaction.on_commit(lambda: analytics_cache.learner_cache_invalidate(session.user_id))
    if abandoned:
        return session
    first_completion, unlocked = False, list[Lesson]()
    if session.mode == Mode.LESSON and session.lesson_id:
        first_completion, unlocked = lesson_complete(session=session)
    if session.mode == Mode.QUIZ and session.config.get("placement"):
        placement_apply(session=session)
    session.unlocked = unlocked  # type: ignore[attr-defined]
    session.reward = gamification.session_completed(  # type: ignore[attr-defined]
        user=session.user,
        session_id=session.pk,
        mode=session.mode,
        accuracy=session.accuracy,
        lesson_id=session.lesson_id,
        lesson_xp=session.lesson.xp_reward if session.lesson else 0,
        first_completion=first_completion,
        track_id=session.track_id,
        at=now,
    )
    analytics.session_completed(
        user=session.user,
        session_id=session.pk,
        mode=session.mode,
        xp_bonus=session.reward.xp,  # type: ignore[attr-defined]
        streak=session.reward.streak,  # type: ignore[attr-defined]
        lesson_id=session.lesson_id,
        at=now,
    )
    return session


@transaction.atomic
def session_finish(*, session: PracticeSession, abandon: bool = False) -> PracticeSession:
    session = _lock(session)
    if not session.is_open:
        raise ApplicationError("This session is already finished.", code="finished", status=409)
    return finish_locked(session, abandoned=abandon)


def session_expire_stale(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Abandon sessions left open for long (a Celery task runs this)."""
    cutoff = timezone.now() - older_than
    return PracticeSession.objects.filter(
        Q(status=PracticeSession.Status.ACTIVE) | Q(status=PracticeSession.Status.PAUSED),
        started_at__lt=cutoff,
    ).update(status=PracticeSession.Status.ABANDONED, ended_at=timezone.now())

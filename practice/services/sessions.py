"""Starting, pausing, resuming and finishing practice sessions; the plan is fixed at the start.

What a session asks is chosen here, once: a lesson in its authored order; a review of what is
due, or (nothing being due) of her mistakes and weak skills; a drill and a quiz of the track.
With the learner's adaptive learning on (the default), reviews, drills and quizzes prefer what
she answers right about four times in five (`adaptive.TARGET_SUCCESS`), due reviews first,
and a lesson asks a wrong answer again as an easier or a harder variant. Off, the plans are
the fixed ones. Every plan costs the same few queries, however much there is to choose from.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import LearnerProfile, User
from analytics import services as analytics
from calcuingo import cache as analytics_cache
from calcuingo.exceptions import ApplicationError
from curriculum.models import Exercise, Lesson, Status, Track, Unit
from curriculum.selectors import published_exercises
from gamification import services as gamification
from gamification.models import Standing

from .. import selectors
from ..models import Attempt, ExerciseProgress, PracticeSession
from . import adaptive
from .progress import Placement, lesson_complete, placement_apply

Mode = PracticeSession.Mode

DEFAULT_REVIEW_SIZE = 20
DEFAULT_MISTAKES_SIZE = 10
# "Recent" wrong answers, for practising mistakes.
MISTAKES_LOOKBACK = timedelta(days=30)
DEFAULT_QUIZ_SIZE = 10
# At most this share of an adaptive quiz is due reviews; the rest is near the target.
QUIZ_DUE_SHARE = 0.5
PLACEMENT_PER_UNIT = 3
TEST_OUT_SIZE = 5
DEFAULT_DRILL_SECONDS = 60
DRILL_PLAN_SIZE = 200
MAX_REQUEUES_PER_EXERCISE = 2

FOCUS_DUE = "due"
FOCUS_MISTAKES = "mistakes"


class PlanItem(TypedDict, total=False):
    exercise: int
    seed: str
    requeued: bool
    hints: int
    # A lesson's easier or harder variant for asking it again after a wrong answer.
    retry_seed: str


def _item(exercise_id: int) -> PlanItem:
    # The seed picks a parametrised exercise's variant; stored, so a reload shows the same numbers.
    return {"exercise": exercise_id, "seed": secrets.token_hex(6), "hints": 0}


def requeue_item(item: PlanItem | dict[str, Any]) -> PlanItem:
    """A lesson's question asked again at its end after a wrong answer.

    The same variant, or the easier or harder one the plan chose for it (`retry_seed`).
    """
    again: dict[str, Any] = {**item, "requeued": True, "hints": 0}
    retry = again.pop("retry_seed", None)
    if retry:
        again["seed"] = retry
    return again  # type: ignore[return-value]


def _lesson_plan(lesson: Lesson, *, user: User, adaptive_on: bool) -> list[PlanItem]:
    exercises = published_exercises(Exercise.objects.filter(lesson=lesson)).order_by("order")
    if not adaptive_on:
        return [_item(pk) for pk in exercises.values_list("pk", flat=True)]
    ability = adaptive.abilities_of(user=user, track_ids=[lesson.unit.track_id]).get(
        lesson.unit.track_id, adaptive.DEFAULT_RATING
    )
    plan = []
    for pk, parameters, rating, authored in exercises.values_list(
        "pk", "parameters", "difficulty_rating", "difficulty"
    ):
        item = _item(pk)
        retry = adaptive.retry_seed(
            parameters=parameters,
            seed=item["seed"],
            ability=ability,
            difficulty=adaptive.exercise_difficulty(rating=rating, authored=authored),
        )
        if retry:
            item["retry_seed"] = retry
        plan.append(item)
    return plan


def _review_plan(
    user: User, size: int, *, spaced_repetition: bool, adaptive_on: bool
) -> list[PlanItem]:
    """What is due, the longest overdue first (without spaced repetition: the weakest).

    Adaptive: when more is due than fits, the due exercises nearest the target (still asked
    the longest overdue first). A review asks only what is due, as many as the review page says.
    """
    progress = ExerciseProgress.objects.filter(user=user).filter(exercise__in=published_exercises())
    if not adaptive_on:
        if spaced_repetition:
            due = progress.filter(due_at__lte=timezone.now()).order_by("due_at")
        else:
            # Without spaced repetition, review what is weakest instead of what is due.
            due = progress.filter(attempts__gt=0).order_by("mastery", "last_attempt_at")
        return [_item(pk) for pk in due.values_list("exercise_id", flat=True)[:size]]
    if not spaced_repetition:
        return []  # nothing is ever due: the mistakes and weak skills plan takes over
    now = timezone.now()
    candidates = adaptive.candidates_for(
        user=user, exercises=Exercise.objects.filter(progress__user=user, progress__due_at__lte=now)
    )
    overdue = sorted(
        (c for c in candidates if adaptive.is_due(c, now=now)), key=lambda c: c.due_at or now
    )
    abilities = adaptive.abilities_of(user=user)
    if len(overdue) > size:
        keep = {c.exercise for c in adaptive.rank_by_target(overdue, abilities=abilities)[:size]}
        overdue = [c for c in overdue if c.exercise in keep]
    return [_item(c.exercise) for c in overdue]


def _mistakes_plan(user: User, size: int) -> list[PlanItem]:
    """Her recent wrong answers (the latest first), then her lowest-mastery exercises."""
    published = published_exercises()
    wrong = (
        Attempt.objects.filter(
            user=user,
            is_correct=False,
            created_at__gte=timezone.now() - MISTAKES_LOOKBACK,
            exercise__in=published,
        )
        .values("exercise_id")
        .annotate(latest=Max("created_at"))
        .order_by("-latest", "exercise_id")
        .values_list("exercise_id", flat=True)[:size]
    )
    weakest = (
        ExerciseProgress.objects.filter(user=user, attempts__gt=0, exercise__in=published)
        .order_by("mastery", "last_attempt_at", "exercise_id")
        .values_list("exercise_id", flat=True)[:size]
    )
    chosen = list(dict.fromkeys([*wrong, *weakest]))[:size]
    return [_item(pk) for pk in chosen]


def _drill_plan(user: User, track: Track, *, adaptive_on: bool) -> list[PlanItem]:
    """Weakest and due facts first, then unseen ones; repeated to fill a timed drill.

    Adaptive: due facts first, then the others nearest the target (ties in that same order).
    """
    facts = published_exercises(Exercise.objects.filter(lesson__unit__track=track, kind="fact"))
    if adaptive_on:
        candidates = adaptive.candidates_for(user=user, exercises=facts)
        need = {pk: n for n, pk in enumerate(_by_need(candidates))}
        candidates.sort(key=lambda c: need[c.exercise])
        now = timezone.now()
        due = [c.exercise for c in candidates if c.attempts and adaptive.is_due(c, now=now)]
        rest = [c for c in candidates if not (c.attempts and adaptive.is_due(c, now=now))]
        abilities = adaptive.abilities_of(user=user, track_ids=[track.pk])
        ranked = due + [c.exercise for c in adaptive.rank_by_target(rest, abilities=abilities)]
    else:
        ranked = selectors.exercises_by_need(user=user, exercises=facts).ordered
    if not ranked:
        return []
    ids = (ranked * (DRILL_PLAN_SIZE // len(ranked) + 1))[:DRILL_PLAN_SIZE]
    return [_item(pk) for pk in ids]


def _by_need(candidates: list[adaptive.Candidate]) -> list[int]:
    """`selectors.exercises_by_need`'s order (due, weakest, unseen) of rows already loaded."""
    now = timezone.now()
    due, weak, unseen = [], [], []
    for c in candidates:
        if not c.attempts:
            unseen.append(c.exercise)
        elif adaptive.is_due(c, now=now):
            due.append((c.due_at, c.exercise))
        else:
            weak.append((c.mastery, c.exercise))
    return [pk for _, pk in sorted(due)] + [pk for _, pk in sorted(weak)] + sorted(unseen)


def _quiz_plan(exercises: Any, size: int, rng: random.Random) -> list[PlanItem]:
    ids = list(published_exercises(exercises).values_list("pk", flat=True))
    rng.shuffle(ids)
    return [_item(pk) for pk in ids[:size]]


def _adaptive_quiz_plan(
    user: User, exercises: Any, size: int, rng: random.Random
) -> list[PlanItem]:
    """Due reviews of the quiz's content first (up to half), then questions near the target."""
    candidates = adaptive.candidates_for(user=user, exercises=exercises)
    now = timezone.now()
    due = sorted(
        (c for c in candidates if c.attempts and adaptive.is_due(c, now=now)),
        key=lambda c: c.due_at or now,
    )[: int(size * QUIZ_DUE_SHARE)]
    taken = {c.exercise for c in due}
    rest = [c for c in candidates if c.exercise not in taken]
    abilities = adaptive.abilities_of(user=user, track_ids={c.track for c in candidates})
    near = adaptive.sample_near_target(rest, abilities=abilities, count=size - len(due), rng=rng)
    return [_item(c.exercise) for c in [*due, *near]]


def _placement_plan(
    pool: Any, units: list[Unit], per_unit: int, rng: random.Random
) -> list[PlanItem]:
    """Questions from each unit in turn, drawn across its lessons, so that each can be placed."""
    rows = list(
        published_exercises(pool)
        .filter(lesson__unit__in=units)
        .values_list("pk", "lesson__unit_id", "lesson_id")
    )
    plan: list[PlanItem] = []
    for unit in units:
        by_lesson: dict[int, list[int]] = {}
        for pk, unit_id, lesson_id in rows:
            if unit_id == unit.pk:
                by_lesson.setdefault(lesson_id, []).append(pk)
        for ids in by_lesson.values():
            rng.shuffle(ids)
        lessons = list(by_lesson)
        rng.shuffle(lessons)
        # Round robin over the unit's lessons: a test-out covers all of them, not just one.
        drawn: list[int] = []
        while len(drawn) < per_unit and any(by_lesson.values()):
            for lesson_id in lessons:
                if by_lesson[lesson_id] and len(drawn) < per_unit:
                    drawn.append(by_lesson[lesson_id].pop())
        plan += [_item(pk) for pk in drawn]
    return plan


def _assert_track_open(user: User, track: Track) -> None:
    if not selectors.track_is_unlocked(user=user, track=track):
        raise ApplicationError(
            "This track is still locked: finish the tracks before it and earn its XP first.",
            status=403,
            code="locked",
        )


NOTHING_TO_REVIEW = (
    "Nothing to review yet: finish a lesson first, then come back here to practise what you "
    "got wrong and your weakest skills."
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
    """Open a session with its plan; the caller has checked the learner may see the content.

    A placement quiz (`placement=True`) may be taken on any track, locked or not, and with a
    `unit` it is that unit's test-out; passing applies at the end (`progress.placement_apply`).
    The session's `config` says how the plan was made: `adaptive` (bool), for a review its
    `focus` ("due", or "mistakes" when nothing was due), for a placement `placement` (True)
    and its `scope` ("track" or "unit").
    """
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    adaptive_on = bool(profile.adaptive_learning)
    config: dict[str, Any] = {}
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - question order, not a secret
    if mode == Mode.LESSON:
        if lesson is None:
            raise ApplicationError("A lesson session needs a lesson.", field="lesson")
        selectors.lesson_assert_unlocked(user=user, lesson=lesson)
        unit, track = lesson.unit, lesson.unit.track
        plan = _lesson_plan(lesson, user=user, adaptive_on=adaptive_on)
    elif mode == Mode.REVIEW:
        plan = _review_plan(
            user,
            size or DEFAULT_REVIEW_SIZE,
            spaced_repetition=profile.spaced_repetition,
            adaptive_on=adaptive_on,
        )
        config["focus"] = FOCUS_DUE
        if not plan:
            plan = _mistakes_plan(user, size or DEFAULT_MISTAKES_SIZE)
            config["focus"] = FOCUS_MISTAKES
        if not plan:
            raise ApplicationError(NOTHING_TO_REVIEW, code="nothing_due", field="mode")
    elif mode == Mode.DRILL:
        if track is None:
            raise ApplicationError("A drill needs a track of math facts.", field="track")
        _assert_track_open(user, track)
        plan = _drill_plan(user, track, adaptive_on=adaptive_on)
        config["seconds"] = seconds or DEFAULT_DRILL_SECONDS
    elif mode == Mode.QUIZ:
        if unit is not None:
            track = unit.track
            pool = Exercise.objects.filter(lesson__unit=unit)
        elif track is not None:
            pool = Exercise.objects.filter(lesson__unit__track=track)
        else:
            raise ApplicationError("A quiz needs a track or a unit.", field="track")
        if placement:
            # Any track, locked or not: placing into it is the way past its lock.
            if unit is not None:
                units, per_unit, scope = [unit], size or TEST_OUT_SIZE, "unit"
            else:
                units = list(
                    Unit.objects.filter(track=track, status=Status.PUBLISHED).order_by("order")
                )
                per_unit, scope = size or PLACEMENT_PER_UNIT, "track"
            plan = _placement_plan(pool, units, per_unit, rng)
            config["placement"] = True
            config["scope"] = scope
        else:
            _assert_track_open(user, track)
            if adaptive_on:
                plan = _adaptive_quiz_plan(user, pool, size or DEFAULT_QUIZ_SIZE, rng)
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
    if not config.get("placement"):
        config["adaptive"] = adaptive_on
    session = PracticeSession.objects.create(
        user=user,
        mode=mode,
        lesson=lesson,
        unit=unit,
        track=track,
        config=config,
        plan=plan,
    )
    analytics.event_record(
        type="session_started",
        user=user,
        payload={
            "session": session.pk,
            "mode": mode,
            "track": track.pk if track else None,
            "unit": unit.pk if unit else None,
            "lesson": lesson.pk if lesson else None,
            "questions": len(plan),
            **config,
        },
    )
    return session


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


@dataclass
class SessionEnd:
    """What closing a session did (the caller shows it; nothing is read again)."""

    session: PracticeSession
    reward: gamification.Outcome | None = None
    unlocked: list[Lesson] = field(default_factory=list)
    placed: Placement | None = None


def finish_locked(
    session: PracticeSession,
    *,
    abandoned: bool = False,
    purse: gamification.Purse | None = None,
    also_save: Sequence[str] = (),
    unit_checked: bool = False,
) -> SessionEnd:
    """Close a session whose row (and her standing) the caller holds locked; complete its
    lesson if it was one. Its rewards join `purse`, written by the caller (`purse_settle`)."""
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
    fields = ["status", "ended_at", "paused_seconds", "paused_at", *also_save]
    transaction.on_commit(lambda: analytics_cache.learner_cache_invalidate(session.user_id))
    end = SessionEnd(session=session)
    if abandoned:
        session.save(update_fields=fields)
        return end
    purse = purse or gamification.purse_open(user=session.user)
    first_completion = False
    lesson = session.lesson
    if session.mode == Mode.LESSON and lesson is not None:
        first_completion, end.unlocked = lesson_complete(session=session, unit_checked=unit_checked)
        fields.append("xp_earned")
    if session.mode == Mode.QUIZ and session.config.get("placement"):
        end.placed = placement_apply(session=session, purse=purse)
        end.unlocked = end.placed.unlocked
    # One write of the session: its end, its lesson's XP, and the answer that ended it.
    session.save(update_fields=list(dict.fromkeys(fields)))
    reward = gamification.session_completed(
        user=session.user,
        session_id=session.pk,
        mode=session.mode,
        accuracy=session.accuracy,
        lesson_id=session.lesson_id,
        lesson_xp=lesson.xp_reward if lesson is not None else 0,
        first_completion=first_completion,
        track_id=session.track_id,
        at=now,
        purse=purse,
    )
    if end.placed is not None:
        reward.xp += end.placed.xp
    end.reward = reward
    # Kept on the instance too, for callers that hold only the session.
    session.unlocked = end.unlocked  # type: ignore[attr-defined]
    session.placed = end.placed  # type: ignore[attr-defined]
    session.reward = reward  # type: ignore[attr-defined]
    analytics.session_completed(
        user=session.user,
        session_id=session.pk,
        mode=session.mode,
        xp_bonus=reward.xp,
        streak=reward.streak,
        lesson_id=session.lesson_id,
        at=now,
    )
    return end


@transaction.atomic
def session_finish(*, session: PracticeSession, abandon: bool = False) -> PracticeSession:
    lock = session_lock(user=session.user, session_id=session.pk)
    session = lock.session
    if not session.is_open:
        raise ApplicationError("This session is already finished.", code="finished", status=409)
    purse = gamification.purse_open(user=session.user, standing=lock.standing)
    end = finish_locked(session, abandoned=abandon, purse=purse)
    if end.reward is not None:
        session_part = end.reward
        settled = gamification.purse_settle(purse)
        settled.streak, settled.streak_extended = session_part.streak, session_part.streak_extended
        settled.freezes_used = session_part.freezes_used
        session.reward = settled  # type: ignore[attr-defined]
    return session


@dataclass
class SessionLock:
    """The rows an answer or a session's end locks, read in one statement."""

    session: PracticeSession
    standing: Standing
    thresholds: dict[str, int | None]
    # Her progress on the exercise `progress_for` (None: she has no row for it yet).
    progress: ExerciseProgress | None = None
    progress_for: int | None = None


PROGRESS_FIELDS = [
    f.name for f in ExerciseProgress._meta.concrete_fields if f.name not in ("user", "exercise")
]


def session_lock(*, user: User, session_id: int, exercise_id: int | None = None) -> SessionLock:
    """Lock the learner's session and standing (in this order, in one statement); 404 if the
    session is not hers.

    The standing's lock serialises everything that changes one learner's practice rows (her
    answers, whatever the session, and the ends of her sessions), so that each row can be read
    once and written once: her progress on `exercise_id` comes along in the same statement
    (one indexed lookup per column), with the next unearned threshold of each criterion an
    answer can move (`gamification.next_thresholds`).
    """
    annotations: dict[str, Any] = gamification.next_thresholds(user_field="user_id")
    # The standing as the statement's snapshot saw it. A transaction that committed while this
    # one waited for the lock is seen in the locked rows (PostgreSQL re-reads them) but not in
    # the subqueries: then the standing's stamp differs, and what they read is read again.
    annotations["standing_seen"] = Subquery(
        Standing.objects.filter(user_id=OuterRef("user_id")).values("updated_at")[:1]
    )
    if exercise_id is not None:
        mine = ExerciseProgress.objects.filter(user_id=OuterRef("user_id"), exercise_id=exercise_id)
        annotations |= {
            f"progress_{name}": Subquery(mine.values(name)[:1]) for name in PROGRESS_FIELDS
        }
    rows = (
        PracticeSession.objects.filter(pk=session_id, user=user, user__standing__isnull=False)
        .select_related("user__standing")
        .select_for_update(of=("self", "user__standing"))
        .annotate(**annotations)
    )
    session = rows.first()
    if session is None:
        if not PracticeSession.objects.filter(pk=session_id, user=user).exists():
            raise Http404("No such session.")
        gamification.standing_ensure(user=user)  # her first reward: once
        session = rows.get()
    lock = SessionLock(
        session=session,
        standing=session.user.standing,
        thresholds={
            criteria: getattr(session, f"next_{criteria}")
            for criteria in gamification.ANSWER_CRITERIA
        },
    )
    if getattr(session, "standing_seen", None) != lock.standing.updated_at:
        # Stale subqueries (see above): thresholds unknown, her progress read on its own.
        lock.thresholds = {}
        return lock
    lock.progress_for = exercise_id
    if exercise_id is not None and getattr(session, "progress_id", None) is not None:
        values = {name: getattr(session, f"progress_{name}") for name in PROGRESS_FIELDS}
        progress = ExerciseProgress(user_id=session.user_id, exercise_id=exercise_id, **values)
        progress._state.adding = False
        progress._state.db = session._state.db
        lock.progress = progress
    return lock


def session_expire_stale(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Abandon sessions left open for long (a Celery task runs this)."""
    cutoff = timezone.now() - older_than
    return PracticeSession.objects.filter(
        Q(status=PracticeSession.Status.ACTIVE) | Q(status=PracticeSession.Status.PAUSED),
        started_at__lt=cutoff,
    ).update(status=PracticeSession.Status.ABANDONED, ended_at=timezone.now())

"""The demo's past: weeks of practice played through the real services, on a backdated clock.

`load()` runs last in `settings.DEMO_LOADERS`, after the curriculum, the achievements and the
accounts. Each demo learner without a history gets one: ada five weeks of evening practice
(addition and multiplication finished, fractions, limits and derivatives behind her, so both
calculus tracks are open), five others the last few days, so leaderboards have neighbours.
The account itself (`accounts.demo`) is backdated to the start of its history.

Nothing is written around the services: every answer goes through `answer_submit`, every
session through `session_start` / `session_finish`, so the XP ledger, streaks, achievements,
daily summaries and learning events are exactly what a learner would have left behind
(`manage.py xp_verify` agrees). The only liberties are the clock — `django.utils.timezone.now`
answers the simulated instant while a learner plays — and the dice: one seeded generator decides
every answer and time, and the session plans' variant seeds and quiz order come from it too, so
two loads give the same history. Answering is what takes the time (about 20 ms an answer on
SQLite), so the histories are a few hundred answers: placement quizzes stand in for weeks of
fact drills, and a unit is mastered by its placement quiz rather than by many reviews. At the
end the periodic work of the beat schedule runs once (daily rollups, learner statistics, item
analysis, difficulty calibration).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_update
from analytics import rollups, statistics
from curriculum.grading import arithmetic_value, fact_answer, render_spec, variant_for
from curriculum.models import Exercise, Hint, Lesson, Status, Track
from gamification import services as gamification
from gamification.models import Avatar, UserAvatar
from practice import selectors
from practice.models import Attempt, LessonProgress, PracticeSession, TrackProgress
from practice.services import (
    answer_submit,
    difficulty_calibrate,
    hint_request,
    session_finish,
    session_start,
)
from practice.services import sessions as session_services

KIND = Exercise.Kind
Mode = PracticeSession.Mode
FACT_TRACKS = ("addition-subtraction-facts", "multiplication-division-facts")
SEED = 1815  # Ada Lovelace's birth year
RARITIES = [value for value, _ in Avatar.Rarity.choices]  # commonest first


@dataclass(frozen=True)
class LearnerPlan:
    """How one demo learner practised: over which days, how much, how well."""

    username: str
    days: int  # how far back her history starts (the day before today is her last day)
    skipped: tuple[int, ...]  # days (counted back from today, 1 = yesterday) she did not practise
    pace: float  # lessons (or placement quizzes) a day, on average
    slip: float  # the chance of a wrong answer to an exercise she has not seen before
    evening: int  # the local hour her practice usually starts
    drills: bool = True
    review_every: int = 3  # a review (when enough is due) every this many practice days
    quiz_every: int = 5  # a quiz every this many practice days (0: never)
    fact_lessons: int = 3  # lessons of a fact track before its placement quiz
    last_track: str = "antiderivatives"  # she goes no further than this track
    daily_goal_minutes: int = 3  # a goal her evenings of a few minutes meet on most days


# ada: five weeks, a gap now and then, and the last ten days without one (her streak).
ADA = LearnerPlan(
    username="ada", days=35, skipped=(33, 27, 26, 20, 16, 11), pace=1.3, slip=0.1, evening=17
)


def _neighbour(
    username: str, days: int, skipped: tuple[int, ...], slip: float, last: str
) -> LearnerPlan:
    """A newer learner: a lesson an evening, a placement quiz after two fact lessons."""
    return LearnerPlan(
        username=username,
        days=days,
        skipped=skipped,
        pace=1,
        slip=slip,
        evening=18,
        drills=False,
        review_every=0,
        quiz_every=0,
        fact_lessons=2,
        last_track=last,
    )


# Smaller histories, all in the last days, so this week's leaderboard has neighbours too.
ADDITION, MULTIPLICATION = FACT_TRACKS
NEIGHBOURS = (
    _neighbour("emmy", 7, (4,), 0.08, MULTIPLICATION),
    _neighbour("sofia", 6, (3,), 0.12, MULTIPLICATION),
    _neighbour("alan", 5, (2,), 0.1, ADDITION),
    _neighbour("katherine", 4, (), 0.06, ADDITION),
    _neighbour("srinivasa", 3, (), 0.15, ADDITION),
)
PLANS = (ADA, *NEIGHBOURS)


def load() -> list[str]:
    """Give each demo learner without a history her history; returns who got one.

    A learner who has answered anything already keeps what she has, so a second run writes
    nothing; the batch analytics run only when some history was added.
    """
    created: list[str] = []
    catalogue = Catalogue.load()
    if not catalogue.tracks:
        return created
    for plan in PLANS:
        user = User.objects.filter(username=plan.username).first()
        if user is None or Attempt.objects.filter(user=user).exists():
            continue
        rng = random.Random(f"{SEED}:{plan.username}")  # noqa: S311 - a demo's dice
        Learner(user=user, plan=plan, catalogue=catalogue, rng=rng).play()
        created.append(plan.username)
    if created:
        longest = max(plan.days for plan in PLANS)
        batch_work(first_day=timezone.now().date() - timedelta(days=longest + 1))
    return created


def batch_work(*, first_day: date) -> None:
    """The beat schedule's work, once: what a nightly run would have left by now."""
    day = first_day
    while day <= timezone.now().date():
        rollups.rollup_day(day=day)
        day += timedelta(days=1)
    statistics.statistics_refresh()
    statistics.exercise_stats_compute()
    difficulty_calibrate()


# --------------------------------------------------------------------------------------------
# The clock and the dice
# --------------------------------------------------------------------------------------------


class Clock:
    """The simulated instant; while `running`, what every `timezone.now()` answers.

    Model fields declared with `default=timezone.now` hold the original function, so their
    defaults are pointed at the clock too (a session's start, an achievement's date).
    """

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at.astimezone(UTC)  # as Django's own clock does, whatever zone it was set in

    def advance(self, *, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)

    @contextmanager
    def running(self) -> Iterator[Clock]:
        original = timezone.now
        with ExitStack() as stack:
            stack.enter_context(mock.patch("django.utils.timezone.now", self.now))
            for model in apps.get_models():
                for field in model._meta.concrete_fields:
                    if field.default is original:
                        stack.enter_context(mock.patch.object(field, "_get_default", self.now))
            yield self


class Dice:
    """Stands in for `secrets` in the session service: plan seeds and quiz order, seeded."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def token_hex(self, nbytes: int = 32) -> str:
        return self.rng.randbytes(nbytes).hex()

    def randbits(self, k: int) -> int:
        return self.rng.getrandbits(k)


# --------------------------------------------------------------------------------------------
# What there is to practise
# --------------------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """The published demo content, read once: tracks in path order, exercises and hint counts."""

    tracks: list[Track]
    lessons: dict[int, list[Lesson]]  # by track id, in path order
    exercises: dict[int, Exercise]
    hints: Counter[int]

    @classmethod
    def load(cls) -> Catalogue:
        tracks = list(Track.objects.filter(status=Status.PUBLISHED).order_by("order", "pk"))
        lessons: dict[int, list[Lesson]] = {track.pk: [] for track in tracks}
        for lesson in (
            Lesson.objects.filter(
                unit__track__in=tracks, status=Status.PUBLISHED, unit__status=Status.PUBLISHED
            )
            .select_related("unit__track")
            .order_by("unit__order", "order")
        ):
            lessons[lesson.unit.track_id].append(lesson)
        exercises = {
            exercise.pk: exercise
            for exercise in Exercise.objects.filter(lesson__unit__track__in=tracks)
        }
        hints = Counter(
            Hint.objects.filter(exercise__in=exercises).values_list("exercise_id", flat=True)
        )
        return cls(tracks=tracks, lessons=lessons, exercises=exercises, hints=hints)

    def track(self, slug: str) -> Track | None:
        return next((track for track in self.tracks if track.slug == slug), None)


def correct_response(exercise: Exercise, values: dict[str, int] | None) -> str:
    """What a learner who knows the answer types."""
    spec = _rendered_spec(exercise, values)
    if exercise.kind == KIND.MULTIPLE_CHOICE:
        return str(exercise.correct_option)
    if exercise.kind in (KIND.FACT, KIND.NUMERIC):
        return str(_expected_number(exercise, spec))
    if exercise.kind == KIND.TEXT:
        return str(spec["accepted"][0])
    answer = str(spec["answer"])
    return f"{answer} + C" if spec.get("up_to_constant") else answer


def wrong_response(exercise: Exercise, values: dict[str, int] | None, rng: random.Random) -> str:
    """A plausible mistake: another option, off by one, a doubled derivative, a lost constant."""
    spec = _rendered_spec(exercise, values)
    if exercise.kind == KIND.MULTIPLE_CHOICE:
        others = [i for i in range(len(exercise.options)) if i != exercise.correct_option]
        return str(rng.choice(others))
    if exercise.kind in (KIND.FACT, KIND.NUMERIC):
        return str(_expected_number(exercise, spec) + rng.choice((1, -1)))
    if exercise.kind == KIND.TEXT:
        return "I am not sure"
    answer = str(spec["answer"])
    return answer if spec.get("up_to_constant") else f"2*({answer})"


def _rendered_spec(exercise: Exercise, values: dict[str, int] | None) -> dict[str, Any]:
    spec = {key: value for key, value in exercise.grading_spec().items() if key != "params"}
    return render_spec(spec, values) if values else spec


def _expected_number(exercise: Exercise, spec: dict[str, Any]) -> Fraction:
    if exercise.kind == KIND.FACT:
        return fact_answer(
            [Fraction(exercise.operand1 or 0), Fraction(exercise.operand2 or 0)],
            [exercise.operation],
        )
    value = spec["value"]
    return Fraction(value) if isinstance(value, int) else arithmetic_value(str(value))


# --------------------------------------------------------------------------------------------
# A learner's days
# --------------------------------------------------------------------------------------------


class Learner:
    """Plays one learner's plan, day by day, through the practice services."""

    def __init__(
        self, *, user: User, plan: LearnerPlan, catalogue: Catalogue, rng: random.Random
    ) -> None:
        self.user, self.plan, self.catalogue, self.rng = user, plan, catalogue, rng
        self.seen: Counter[int] = Counter()
        self.clock = Clock(timezone.now())
        self.practice_days = 0
        self.placed: set[int] = set()
        self.completed_today = 0
        last = catalogue.track(plan.last_track)
        self.tracks = [t for t in catalogue.tracks if last is None or t.order <= last.order]

    def play(self) -> None:
        """Her days, up to yesterday on her own calendar (today is still hers to practise)."""
        zone = ZoneInfo(self.user.timezone)
        today = timezone.now().astimezone(zone).date()
        first = today - timedelta(days=self.plan.days)
        dice = Dice(self.rng)
        with (
            self.clock.running(),
            mock.patch.object(session_services, "secrets", dice),
            transaction.atomic(),
        ):
            start = datetime.combine(first, time(self.plan.evening), tzinfo=zone)
            User.objects.filter(pk=self.user.pk).update(date_joined=start - timedelta(hours=1))
            user_update(
                user=self.user,
                user_fields={},
                profile_fields={"daily_goal_minutes": self.plan.daily_goal_minutes},
            )
            for back in range(self.plan.days, 0, -1):
                if back in self.plan.skipped:
                    continue
                day = today - timedelta(days=back)
                minutes = self.rng.randrange(0, 120)
                self.clock.at = datetime.combine(
                    day, time(self.plan.evening), tzinfo=zone
                ) + timedelta(minutes=minutes)
                self.day()
            self.avatar_choose()

    def day(self) -> None:
        """One evening: due reviews, a fact drill, the next lessons, now and then a quiz.

        Every practice day completes at least one session, so that it counts for the streak.
        """
        self.practice_days += 1
        self.completed_today = 0
        plan = self.plan
        if (
            plan.review_every
            and self.practice_days % plan.review_every == 0
            and selectors.review_due_count(user=self.user) >= 8
        ):
            self.session(mode=Mode.REVIEW, size=8)
        focus = self.focus()
        if plan.drills and focus is not None and focus.slug in FACT_TRACKS:
            self.drill(focus)
        steps = int(self.practice_days * plan.pace) - int((self.practice_days - 1) * plan.pace)
        for _ in range(steps):
            focus = self.focus()
            if focus is None:
                break
            self.step(focus)
        if (plan.quiz_every and self.practice_days % plan.quiz_every == 0) or (
            not self.completed_today
        ):
            opened = [
                t for t in self.tracks if selectors.track_is_unlocked(user=self.user, track=t)
            ]
            if opened:
                self.session(mode=Mode.QUIZ, track=opened[-1], size=8)

    def focus(self) -> Track | None:
        """The first track of her way that is not complete yet."""
        done = set(
            TrackProgress.objects.filter(
                user=self.user, completed_at__isnull=False, track__in=self.tracks
            ).values_list("track_id", flat=True)
        )
        for track in self.tracks:
            if track.pk not in done:
                return track if selectors.track_is_unlocked(user=self.user, track=track) else None
        return None

    def fact_track_in_progress(self) -> Track | None:
        focus = self.focus()
        if focus is not None and focus.slug in FACT_TRACKS:
            return focus
        return None

    def step(self, track: Track) -> None:
        """The next lesson of the track, or its placement quiz.

        A fact track she already knows gets its placement quiz after a few lessons; any other
        track gets one once its lessons are done, to prove she has mastered every unit (a unit
        completes at 80-90 % mastery, which one pass through its lessons does not give).
        """
        completed = set(
            LessonProgress.objects.filter(
                user=self.user, completed_at__isnull=False, lesson__unit__track=track
            ).values_list("lesson_id", flat=True)
        )
        lessons = self.catalogue.lessons[track.pk]
        following = next((lesson for lesson in lessons if lesson.pk not in completed), None)
        if track.slug in FACT_TRACKS:
            placement_due = len(completed) >= self.plan.fact_lessons
        else:
            # The last track of her way is where she is now: no testing out of it.
            placement_due = following is None and track.slug != self.plan.last_track
        if placement_due and track.pk not in self.placed:
            self.placed.add(track.pk)
            self.session(mode=Mode.QUIZ, track=track, size=3, placement=True, sure=True)
        elif following is not None:
            self.session(mode=Mode.LESSON, lesson=following)

    def drill(self, track: Track) -> None:
        session = session_start(user=self.user, mode=Mode.DRILL, track=track, seconds=60)
        self.answer_all(session, stop_after_seconds=55)

    def session(
        self,
        *,
        mode: str,
        lesson: Lesson | None = None,
        track: Track | None = None,
        size: int | None = None,
        placement: bool = False,
        sure: bool = False,
    ) -> None:
        session = session_start(
            user=self.user,
            mode=mode,
            lesson=lesson,
            track=track,
            size=size,
            placement=placement,
        )
        self.answer_all(session, sure=sure)

    def answer_all(
        self, session: PracticeSession, *, sure: bool = False, stop_after_seconds: int = 0
    ) -> None:
        started = self.clock.at
        while session.is_open and (item := session.current_item()) is not None:
            exercise = self.catalogue.exercises[item["exercise"]]
            ms = self.response_ms(exercise)
            if stop_after_seconds and (
                (self.clock.at - started).total_seconds() + ms / 1000 > stop_after_seconds
            ):
                break
            values = variant_for(exercise.parameters, item["seed"]) if exercise.parameters else None
            right = sure or self.rng.random() >= self.slip(exercise)
            if not right and self.catalogue.hints[exercise.pk] and self.rng.random() < 0.3:
                # Unsure, she asks for a hint first; the hint helps more often than not.
                hint_request(session=session, exercise_id=exercise.pk)
                self.clock.advance(seconds=self.rng.uniform(8, 20))
                right = self.rng.random() < 0.7
            self.clock.advance(seconds=ms / 1000)
            response = (
                correct_response(exercise, values)
                if right
                else wrong_response(exercise, values, self.rng)
            )
            result = answer_submit(
                user=self.user,
                session=session,
                exercise_id=exercise.pk,
                response=response,
                response_ms=ms,
                input_method="keyboard" if exercise.kind != KIND.MULTIPLE_CHOICE else "tap",
            )
            self.seen[exercise.pk] += 1
            session = result.session
            self.clock.advance(seconds=self.rng.uniform(1.5, 4))
        if session.is_open:
            session = session_finish(session=session)
        if session.status == PracticeSession.Status.COMPLETED:
            self.completed_today += 1
        self.clock.advance(seconds=self.rng.uniform(40, 180))

    def slip(self, exercise: Exercise) -> float:
        """Mistakes are likelier on what is new and what is hard, and fade with practice."""
        seen = self.seen[exercise.pk]
        base = self.plan.slip * (0.6 + 0.2 * exercise.difficulty)
        return base / (1 + 1.5 * seen)

    def response_ms(self, exercise: Exercise) -> int:
        seen = self.seen[exercise.pk]
        if exercise.kind == KIND.FACT:
            # Facts get faster with practice, towards recall in a second or two.
            typical = max(1100.0, 4200.0 - 500.0 * seen)
        elif exercise.kind == KIND.MULTIPLE_CHOICE:
            typical = max(4000.0, 11000.0 - 1500.0 * seen)
        else:
            typical = max(7000.0, (9000.0 + 4000.0 * exercise.difficulty) - 2500.0 * seen)
        return round(typical * self.rng.uniform(0.7, 1.35))

    def avatar_choose(self) -> None:
        """She wears the rarest avatar she has unlocked (or the first default one)."""
        owned = [
            row.avatar for row in UserAvatar.objects.filter(user=self.user).select_related("avatar")
        ]
        if not owned:
            owned = list(Avatar.objects.filter(is_default=True).order_by("pk")[:1])
        if owned:
            chosen = max(owned, key=lambda avatar: (RARITIES.index(avatar.rarity), avatar.pk))
            gamification.avatar_select(user=self.user, avatar=chosen)

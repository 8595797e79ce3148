"""Adaptive selection (due first, then new exercises near 80 % success) and calibration."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.services import user_update
from curriculum import grading
from curriculum.models import Exercise, Track
from practice import selectors
from practice.models import Attempt, ExerciseProgress, PracticeSession, SkillRating
from practice.services import answer_submit, difficulty_calibrate, next_exercises, session_start
from practice.services import sessions as session_services
from practice.services.adaptive import (
    exercise_difficulty,
    predicted_success,
    variant_size,
)
from practice.services.sessions import requeue_item
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import ExerciseFactory, LessonFactory

from .builders import fact_track, facts_of, numeric_exercises, numeric_lesson

pytestmark = pytest.mark.django_db

Start = Callable[..., dict[str, Any]]
Answer = Callable[..., Any]


def _rated(track: Track, ratings: list[float]) -> list[Exercise]:
    """New exercises in a lesson of the track, one per difficulty rating, in path order."""
    lesson = LessonFactory(unit=track.units.get())
    exercises = numeric_exercises(lesson, len(ratings))
    for exercise, rating in zip(exercises, ratings, strict=True):
        exercise.difficulty_rating = rating
        exercise.save()
    return exercises


def _seen(user: User, exercise: Exercise, *, due_in: timedelta) -> None:
    ExerciseProgress.objects.create(
        user=user,
        exercise=exercise,
        attempts=2,
        correct=1,
        mastery=0.2,
        due_at=timezone.now() + due_in,
    )


def test_due_reviews_come_first_then_new_exercises_nearest_80_percent_success(
    learner: User,
) -> None:
    lesson = numeric_lesson(exercises=3)
    track = lesson.unit.track
    later_due, overdue, not_due = lesson.exercises.order_by("order")
    _seen(learner, later_due, due_in=-timedelta(hours=1))
    _seen(learner, overdue, due_in=-timedelta(days=2))
    _seen(learner, not_due, due_in=timedelta(days=5))
    hardest, easiest, just_right, even = _rated(track, [1400, 600, 760, 1000])

    chosen = next_exercises(user=learner, track=track)

    # At the default ability of 1000: 760 predicts 80 %, 600 91 %, 1000 50 %, 1400 9 %.
    assert chosen == [overdue.pk, later_due.pk, just_right.pk, easiest.pk, even.pk, hardest.pk]
    assert not_due.pk not in chosen


def test_a_stronger_learner_is_offered_harder_new_exercises(learner: User) -> None:
    track = numeric_lesson(exercises=0).unit.track
    _, _, middle, even = _rated(track, [1400, 600, 760, 1000])
    SkillRating.objects.create(user=learner, track=track, rating=1400)

    chosen = next_exercises(user=learner, track=track, count=2)

    # At 1400: 1000 predicts 91 %, 760 98 %, 600 99 %, 1400 50 %.
    assert chosen == [even.pk, middle.pk]


def test_without_adaptive_learning_new_exercises_come_in_path_order(learner: User) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"adaptive_learning": False})
    track = numeric_lesson(exercises=0).unit.track
    exercises = _rated(track, [1400, 600, 760, 1000])

    assert next_exercises(user=learner, track=track) == [e.pk for e in exercises]


def test_without_spaced_repetition_nothing_is_offered_as_due(learner: User) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"spaced_repetition": False})
    lesson = numeric_lesson(exercises=2)
    due, fresh = lesson.exercises.order_by("order")
    _seen(learner, due, due_in=-timedelta(days=1))

    assert next_exercises(user=learner, track=lesson.unit.track) == [fresh.pk]


def test_next_exercises_leaves_out_drafts_and_stops_at_the_count(learner: User) -> None:
    lesson = numeric_lesson(exercises=5)
    draft = lesson.exercises.order_by("order").first()
    assert draft is not None
    draft.status = "draft"
    draft.save()

    chosen = next_exercises(user=learner, track=lesson.unit.track, count=3)

    assert len(chosen) == 3
    assert draft.pk not in chosen


def test_a_right_answer_raises_the_learners_ability_and_a_wrong_one_lowers_it(
    learner: User, start: Start, answer: Answer
) -> None:
    lesson = numeric_lesson(exercises=2)
    session = start(mode="lesson", lesson=lesson.pk)

    answer(session["id"])
    after_right = SkillRating.objects.get(user=learner).rating
    answer(session["id"], right=False)
    after_wrong = SkillRating.objects.get(user=learner).rating

    assert after_right > 1000.0
    assert after_wrong < after_right
    assert SkillRating.objects.get(user=learner).answers == 2


# --- Calibration ----------------------------------------------------------------------------


def _answers(exercise: Exercise, *, right: int, wrong: int) -> None:
    """Answers to the exercise from a crowd of five learners, taking turns."""
    crowd = list(User.objects.filter(username__startswith="crowd-"))
    for n in range(5 - len(crowd)):
        crowd.append(UserFactory(username=f"crowd-{n}"))
    sessions = [
        PracticeSession.objects.create(
            user=user, mode="quiz", plan=[{"exercise": exercise.pk, "seed": "s"}], position=1
        )
        for user in crowd
    ]
    Attempt.objects.bulk_create(
        Attempt(
            user=sessions[n % 5].user,
            session=sessions[n % 5],
            exercise=exercise,
            plan_index=0,
            response="x",
            is_correct=n < right,
            score=1.0 if n < right else 0.0,
            response_ms=3000,
            attempt_number=n // 5 + 1,
        )
        for n in range(right + wrong)
    )


def _ratings(*exercises: Exercise) -> list[float]:
    return [Exercise.objects.get(pk=e.pk).difficulty_rating for e in exercises]


def test_calibration_raises_what_most_get_wrong_and_lowers_what_everyone_gets_right() -> None:
    hard, easy, rare = numeric_lesson(exercises=3).exercises.order_by("order")
    _answers(hard, right=2, wrong=18)
    _answers(easy, right=20, wrong=0)
    _answers(rare, right=0, wrong=3)  # too few answers to judge

    changed = difficulty_calibrate()

    assert changed == 2
    hard_rating, easy_rating, rare_rating = _ratings(hard, easy, rare)
    assert hard_rating > 1200
    assert easy_rating < 800
    assert rare_rating == 1000.0


def test_calibrating_again_without_new_answers_changes_nothing() -> None:
    hard, easy = numeric_lesson(exercises=2).exercises.order_by("order")
    _answers(hard, right=3, wrong=17)
    _answers(easy, right=19, wrong=1)
    difficulty_calibrate()
    first = _ratings(hard, easy)

    changed = difficulty_calibrate()

    assert changed == 0
    assert _ratings(hard, easy) == first


def test_more_answers_move_the_calibrated_rating_further() -> None:
    (hard,) = numeric_lesson(exercises=1).exercises.all()
    _answers(hard, right=1, wrong=9)
    difficulty_calibrate()
    (after_ten,) = _ratings(hard)

    _answers(hard, right=0, wrong=20)
    difficulty_calibrate()
    (after_thirty,) = _ratings(hard)

    assert 1000.0 < after_ten < after_thirty


# --- Adaptive plans ---------------------------------------------------------------------------


class Dice:
    """Stands in for `secrets` in the session service, seeded: a plan that can be predicted."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def token_hex(self, nbytes: int = 32) -> str:
        return self.rng.randbytes(nbytes).hex()

    def randbits(self, k: int) -> int:
        return self.rng.getrandbits(k)


def _pool(ratings: list[float]) -> tuple[Track, list[Exercise]]:
    """A track of one lesson, an exercise per calibrated difficulty, in path order."""
    lesson = numeric_lesson(exercises=0)
    return lesson.unit.track, _rated(lesson.unit.track, ratings)


def _difficulties(session: PracticeSession) -> list[float]:
    by_id = dict(Exercise.objects.values_list("pk", "difficulty_rating"))
    return [by_id[item["exercise"]] for item in session.plan]


def _able(username: str, track: Track, rating: float) -> User:
    user = UserFactory(username=username)
    SkillRating.objects.create(user=user, track=track, rating=rating)
    return user


SPREAD = [400.0 + 40 * n for n in range(31)]  # 400, 440, ..., 1600


def test_a_stronger_learner_gets_a_harder_quiz_than_a_weaker_one_from_the_same_pool() -> None:
    track, _ = _pool(SPREAD)
    strong = _able("strong", track, 1400)
    weak = _able("weak", track, 700)

    hard = session_start(user=strong, mode="quiz", track=track, size=5)
    easy = session_start(user=weak, mode="quiz", track=track, size=5)

    assert max(_difficulties(easy)) < min(_difficulties(hard))
    for ability, session in ((1400, hard), (700, easy)):
        # Drawn from the ten nearest 80 %: 80 % is a difficulty of ability - 241.
        nearest = sorted(
            SPREAD, key=lambda d: abs(predicted_success(ability=ability, difficulty=d) - 0.8)
        )
        assert set(_difficulties(session)) <= set(nearest[:10])
    assert hard.config == {"adaptive": True}


def test_an_adaptive_quiz_asks_what_is_due_first_then_what_is_near_the_target(
    learner: User,
) -> None:
    track, exercises = _pool(SPREAD)
    overdue, due = exercises[-1], exercises[0]  # the hardest and the easiest: far from 80 %
    _seen(learner, overdue, due_in=-timedelta(days=3))
    _seen(learner, due, due_in=-timedelta(hours=1))

    session = session_start(user=learner, mode="quiz", track=track, size=6)

    plan = [item["exercise"] for item in session.plan]
    assert plan[:2] == [overdue.pk, due.pk]
    assert all(abs(d - 760) <= 200 for d in _difficulties(session)[2:])


def test_without_adaptive_learning_a_quiz_is_the_shuffled_pool_as_before(
    learner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"adaptive_learning": False})
    track, _ = _pool(SPREAD)
    SkillRating.objects.create(user=learner, track=track, rating=1400)
    monkeypatch.setattr(session_services, "secrets", Dice(7))

    session = session_start(user=learner, mode="quiz", track=track, size=5)

    expected = list(Exercise.objects.filter(lesson__unit__track=track).values_list("pk", flat=True))
    random.Random(random.Random(7).getrandbits(64)).shuffle(expected)
    assert [item["exercise"] for item in session.plan] == expected[:5]
    assert session.config == {"adaptive": False}


def test_an_adaptive_drill_asks_due_facts_first_then_the_others_nearest_the_target(
    learner: User,
) -> None:
    track = fact_track([(2, 3), (2, 4), (2, 5), (2, 6), (2, 7)])
    f1, f2, f3, f4, f5 = facts_of(track)
    for fact, rating in ((f1, 1400), (f2, 600), (f3, 760), (f4, 1000), (f5, 1200)):
        Exercise.objects.filter(pk=fact.pk).update(difficulty_rating=rating)
    ExerciseProgress.objects.create(
        user=learner, exercise=f5, attempts=2, correct=1, due_at=timezone.now() - timedelta(days=1)
    )

    session = session_start(user=learner, mode="drill", track=track)

    # Due first (f5); then at ability 1000: 760 is 80 %, 600 91 %, 1000 50 %, 1400 9 %.
    assert [item["exercise"] for item in session.plan[:5]] == [f5.pk, f3.pk, f2.pk, f4.pk, f1.pk]


def test_without_adaptive_learning_a_drill_goes_by_need_as_before(learner: User) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"adaptive_learning": False})
    track = fact_track([(2, 3), (2, 4), (2, 5)])
    f1, f2, f3 = facts_of(track)
    Exercise.objects.filter(pk=f3.pk).update(difficulty_rating=760)

    session = session_start(user=learner, mode="drill", track=track)

    ranked = selectors.exercises_by_need(user=learner, exercises=Exercise.objects.all()).ordered
    assert ranked == [f1.pk, f2.pk, f3.pk]
    assert [item["exercise"] for item in session.plan[:3]] == ranked


def test_an_adaptive_review_with_more_due_than_fits_keeps_those_nearest_the_target(
    learner: User,
) -> None:
    _, exercises = _pool([1400, 600, 760, 1000, 900])
    _, easiest, just_right, _, near = exercises
    for n, exercise in enumerate(exercises):
        _seen(learner, exercise, due_in=-timedelta(hours=10 - n))

    session = session_start(user=learner, mode="review", size=3)

    # Nearest 80 % at 1000: 760 (80 %), 900 (64 %), 600 (91 %); asked the longest overdue first.
    assert [item["exercise"] for item in session.plan] == [easiest.pk, just_right.pk, near.pk]
    assert session.config == {"focus": "due", "adaptive": True}


def test_without_adaptive_learning_a_review_takes_the_longest_overdue_as_before(
    learner: User,
) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"adaptive_learning": False})
    _, exercises = _pool([1400, 600, 760, 1000, 900])
    for n, exercise in enumerate(exercises):
        _seen(learner, exercise, due_in=-timedelta(hours=10 - n))

    session = session_start(user=learner, mode="review", size=3)

    assert [item["exercise"] for item in session.plan] == [e.pk for e in exercises[:3]]


def _parametrised_lesson(rating: float) -> Exercise:
    exercise = ExerciseFactory(
        parametrised=True, parameters={"a": [1, 40], "b": [1, 40]}, difficulty_rating=1000
    )
    SkillRating.objects.create(
        user=UserFactory(username=f"able-{rating:.0f}"),
        track=exercise.lesson.unit.track,
        rating=rating,
    )
    return exercise


def _variant(exercise: Exercise, seed: str) -> dict[str, int]:
    return grading.variant_for(exercise.parameters, seed)


@pytest.mark.parametrize(("rating", "easier"), [(700, True), (1500, False)])
def test_a_lesson_asks_a_wrong_answer_again_as_an_easier_or_a_harder_variant(
    rating: float, easier: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    exercise = _parametrised_lesson(rating)
    user = User.objects.get(username=f"able-{rating:.0f}")
    for seed in range(5):
        monkeypatch.setattr(session_services, "secrets", Dice(seed))
        session = session_start(user=user, mode="lesson", lesson=exercise.lesson)
        (item,) = session.plan
        again = requeue_item(item)
        first, retry = _variant(exercise, item["seed"]), _variant(exercise, again["seed"])

        if "retry_seed" not in item:  # no smaller (or larger) variant exists: the same again
            assert again["seed"] == item["seed"]
            continue
        assert again["seed"] == item["retry_seed"] != item["seed"]
        assert retry != first
        if easier:
            assert variant_size(retry) <= variant_size(first)
        else:
            assert variant_size(retry) >= variant_size(first)
        assert (again["requeued"], again["hints"], "retry_seed" in again) == (True, 0, False)


def test_without_adaptive_learning_a_lesson_asks_the_same_variant_again(learner: User) -> None:
    user_update(user=learner, user_fields={}, profile_fields={"adaptive_learning": False})
    exercise = ExerciseFactory(parametrised=True)

    session = session_start(user=learner, mode="lesson", lesson=exercise.lesson)

    (item,) = session.plan
    assert set(item) == {"exercise", "seed", "hints"}
    assert requeue_item(item)["seed"] == item["seed"]


def test_an_exercise_without_a_calibrated_rating_counts_at_its_authors_difficulty() -> None:
    assert exercise_difficulty(rating=1000.0, authored=1) == 850.0
    assert exercise_difficulty(rating=1000.0, authored=2) == 1000.0
    assert exercise_difficulty(rating=1000.0, authored=5) == 1450.0
    assert exercise_difficulty(rating=1234.5, authored=5) == 1234.5


# The savepoint (2), her profile, the plan's one read of the exercises with her progress, her
# abilities, the session and its session_started event; a quiz and a drill check that the track
# is open (1), a lesson that the lesson is (6).
PLAN_QUERIES = {"quiz": 8, "drill": 8, "review": 7, "lesson": 13}


@pytest.mark.parametrize("mode", ["quiz", "drill", "review", "lesson"])
def test_an_adaptive_plan_costs_the_same_queries_whatever_the_pool(
    mode: str, learner: User, django_assert_num_queries: Any
) -> None:
    counts = []
    for size in (5, 40):
        track = fact_track([(3, n) for n in range(1, size + 1)])
        facts = facts_of(track)
        for fact in facts:
            _seen(learner, fact, due_in=-timedelta(hours=1))
        SkillRating.objects.update_or_create(user=learner, track=track, defaults={"rating": 900})
        kwargs: dict[str, Any] = {"review": {}, "lesson": {"lesson": facts[0].lesson}}.get(
            mode, {"track": track}
        )
        with CaptureQueriesContext(connection) as captured:
            session_start(user=learner, mode=mode, size=size, **kwargs)
        counts.append(len(captured))
    assert counts == [PLAN_QUERIES[mode]] * 2, counts


def test_a_wrong_answer_in_a_lesson_comes_back_as_the_variant_the_plan_chose() -> None:
    exercise = _parametrised_lesson(700)
    user = User.objects.get(username="able-700")
    for _ in range(10):  # until a plan offers another variant (most do)
        session = session_start(user=user, mode="lesson", lesson=exercise.lesson)
        (item,) = session.plan
        if "retry_seed" in item:
            break
        session_services.session_finish(session=session, abandon=True)
    assert "retry_seed" in item

    answer_submit(
        user=user,
        session=session,
        exercise_id=exercise.pk,
        response="not the answer",
        response_ms=3000,
    )

    session.refresh_from_db()
    asked_again = session.plan[-1]
    assert asked_again["requeued"] is True
    assert asked_again["seed"] == item["retry_seed"]

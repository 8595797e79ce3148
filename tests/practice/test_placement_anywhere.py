"""Placement anywhere: a placement quiz on any track, locked or not, and a test-out of any unit.

Passing opens the track (even before its prerequisites), completes the covered lessons, unlocks
what follows, seeds spaced-repetition cards for what was shown known and pays a small XP once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from analytics.models import LearningEvent
from calcuingo.exceptions import ApplicationError
from curriculum import demo
from curriculum.models import Exercise, Lesson, Track, Unit
from gamification.models import Standing, XPEvent
from practice import selectors
from practice.models import ExerciseProgress, LessonProgress, PracticeSession, TrackProgress
from practice.services import session_start
from practice.services.progress import PLACEMENT_XP, TEST_OUT_XP
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import TrackFactory, UnitFactory

from .builders import answer_current, current, numeric_lesson

pytestmark = pytest.mark.django_db


def _derivatives() -> tuple[Track, list[Lesson]]:
    """Derivatives after Limits (not done) and 1100 XP: two units of two lessons of two."""
    limits = TrackFactory(title="Limits")
    track = TrackFactory(title="Derivatives", xp_to_unlock=1100)
    track.prerequisites.add(limits)
    lessons = []
    for order in (1, 2):
        unit = UnitFactory(track=track, order=order)
        lessons += [numeric_lesson(unit=unit, exercises=2), numeric_lesson(unit=unit, exercises=2)]
    return track, lessons


def _play(
    user: User, session: PracticeSession, *, wrong_in: frozenset[int] | set[int] = frozenset()
) -> Any:
    """Answer every question: right, except the first question of each unit in `wrong_in`."""
    missed: set[int] = set()
    result = None
    while session.is_open:
        exercise, _ = current(session)
        unit_id = exercise.lesson.unit_id
        right = unit_id not in wrong_in or unit_id in missed
        missed.add(unit_id)
        result = answer_current(user, session, right=right)
        session = result.session
    return result


def _completed(user: User) -> set[int]:
    return set(
        LessonProgress.objects.filter(user=user, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )


def test_a_new_learner_places_into_a_locked_track_and_can_start_its_lessons(
    learner: User,
) -> None:
    track, (l1, l2, l3, l4) = _derivatives()
    assert not selectors.track_is_unlocked(user=learner, track=track)
    with pytest.raises(ApplicationError) as refused:
        session_start(user=learner, mode="lesson", lesson=l1)
    assert refused.value.status == 403

    placement = session_start(user=learner, mode="quiz", track=track, placement=True)
    assert placement.config == {"placement": True, "scope": "track"}
    assert len(placement.plan) == 3 + 3
    result = _play(learner, placement, wrong_in={l3.unit_id})

    assert [unit.pk for unit in result.session.placed.units] == [l1.unit_id]
    assert result.session.placed.track_opened is True
    assert _completed(learner) == {l1.pk, l2.pk}
    assert selectors.track_is_unlocked(user=learner, track=track)
    assert session_start(user=learner, mode="lesson", lesson=l1).lesson == l1
    assert session_start(user=learner, mode="lesson", lesson=l3).lesson == l3
    with pytest.raises(ApplicationError):
        session_start(user=learner, mode="lesson", lesson=l4)  # the lesson before it comes first
    row = TrackProgress.objects.get(user=learner, track=track)
    assert (row.units_completed, row.lessons_completed, row.completed_at) == (1, 2, None)


def test_a_placement_with_a_mistake_in_every_unit_leaves_a_locked_track_locked(
    learner: User,
) -> None:
    track, lessons = _derivatives()
    placement = session_start(user=learner, mode="quiz", track=track, placement=True)

    result = _play(learner, placement, wrong_in={lesson.unit_id for lesson in lessons})

    assert result.session.placed.units == []
    assert not selectors.track_is_unlocked(user=learner, track=track)
    assert not XPEvent.objects.filter(user=learner, source_type="placement").exists()
    with pytest.raises(ApplicationError) as refused:
        session_start(user=learner, mode="lesson", lesson=lessons[0])
    assert refused.value.status == 403


def test_a_quiz_that_is_not_a_placement_is_still_refused_on_a_locked_track(
    learner: User,
) -> None:
    track, _ = _derivatives()

    with pytest.raises(ApplicationError) as refused:
        session_start(user=learner, mode="quiz", track=track)

    assert (refused.value.status, refused.value.code) == (403, "locked")


def test_a_placement_pays_its_small_xp_once_however_often_it_is_passed(learner: User) -> None:
    track, _ = _derivatives()
    for _ in range(2):
        _play(learner, session_start(user=learner, mode="quiz", track=track, placement=True))

    paid = XPEvent.objects.filter(user=learner, source_type="placement")
    assert list(paid.values_list("amount", "source_id", "track_id")) == [
        (PLACEMENT_XP, track.pk, track.pk)
    ]
    right_answers = 2 * 6 * 10  # two quizzes of six questions, 10 XP each
    assert XPEvent.objects.filter(user=learner, reason="lesson_complete").count() == 1
    assert Standing.objects.get(user=learner).xp >= right_answers + PLACEMENT_XP
    assert TrackProgress.objects.get(user=learner, track=track).completed_at is not None


def test_a_lesson_placed_out_of_pays_no_lesson_xp_when_played_afterwards(learner: User) -> None:
    track, (l1, *_) = _derivatives()
    _play(learner, session_start(user=learner, mode="quiz", track=track, placement=True))

    _play(learner, session_start(user=learner, mode="lesson", lesson=l1))

    assert not XPEvent.objects.filter(
        user=learner, reason="lesson_complete", source_type="lesson"
    ).exists()


def test_a_unit_test_out_completes_that_unit_opens_the_track_and_what_follows(
    learner: User,
) -> None:
    track, (l1, l2, l3, l4) = _derivatives()
    unit2 = Unit.objects.get(pk=l3.unit_id)
    later = numeric_lesson(unit=UnitFactory(track=track, order=3), exercises=2)

    test_out = session_start(user=learner, mode="quiz", unit=unit2, placement=True)
    assert test_out.config == {"placement": True, "scope": "unit"}
    assert (test_out.unit, test_out.track) == (unit2, track)
    assert len(test_out.plan) == 4, "a test-out asks up to five, across the unit's lessons"
    assert {Exercise.objects.get(pk=i["exercise"]).lesson_id for i in test_out.plan} == {
        l3.pk,
        l4.pk,
    }
    result = _play(learner, test_out)

    assert [unit.pk for unit in result.session.placed.units] == [unit2.pk]
    assert _completed(learner) == {l3.pk, l4.pk}
    assert later in result.session.placed.unlocked
    assert session_start(user=learner, mode="lesson", lesson=later).lesson == later
    assert session_start(user=learner, mode="lesson", lesson=l1).lesson == l1
    with pytest.raises(ApplicationError):
        session_start(user=learner, mode="lesson", lesson=l2)
    assert list(
        XPEvent.objects.filter(user=learner, source_type="test_out").values_list(
            "amount", "source_id"
        )
    ) == [(TEST_OUT_XP, unit2.pk)]


def test_what_a_placement_showed_known_gets_cards_due_in_one_to_two_weeks(
    learner: User,
) -> None:
    track, (l1, _, l3, _) = _derivatives()
    numeric_lesson(unit=l1.unit, exercises=3)  # five lessons' worth: more than a quiz asks
    placement = session_start(user=learner, mode="quiz", track=track, placement=True)
    asked = {item["exercise"] for item in placement.plan}
    _play(learner, placement, wrong_in={l3.unit_id})

    unit1 = set(Exercise.objects.filter(lesson__unit=l1.unit).values_list("pk", flat=True))
    seeded = ExerciseProgress.objects.filter(user=learner, attempts=0)
    assert set(seeded.values_list("exercise_id", flat=True)) == unit1 - asked
    now = timezone.now()
    for progress in seeded:
        assert progress.due_at is not None
        assert now + timedelta(days=7) < progress.due_at < now + timedelta(days=15)
        assert progress.card["state"] == 2, "a review card, not a new one"
    assert selectors.review_due_count(user=learner) == 0
    assert not ExerciseProgress.objects.filter(
        user=learner, exercise__lesson__unit=l3.unit, attempts=0
    ).exists(), "nothing is seeded for a unit not placed"


def test_starting_any_session_records_a_session_started_event(learner: User) -> None:
    track, _ = _derivatives()

    placement = session_start(user=learner, mode="quiz", track=track, placement=True)

    event = LearningEvent.objects.get(user=learner, type="session_started")
    assert event.payload == {
        "session": placement.pk,
        "mode": "quiz",
        "track": track.pk,
        "unit": None,
        "lesson": None,
        "questions": 6,
        "placement": True,
        "scope": "track",
    }


def test_a_refused_session_records_no_event(learner: User) -> None:
    _, (l1, *_) = _derivatives()

    with pytest.raises(ApplicationError):
        session_start(user=learner, mode="lesson", lesson=l1)

    assert not LearningEvent.objects.filter(type="session_started").exists()


# --- The acceptance test, on the real demo curriculum -----------------------------------------


@pytest.fixture(scope="module")
def curriculum(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo curriculum, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.load()
        yield
        transaction.set_rollback(True)


def test_a_new_learner_places_into_derivatives_with_one_quiz_and_starts_a_derivatives_lesson(
    curriculum: None,
) -> None:
    newcomer = UserFactory(username="newton")
    derivatives = Track.objects.get(slug="derivatives")
    first = selectors.first_lesson(track=derivatives)
    assert first is not None
    assert not selectors.track_is_unlocked(user=newcomer, track=derivatives)

    placement = session_start(user=newcomer, mode="quiz", track=derivatives, placement=True)
    _play(newcomer, placement)

    assert selectors.track_is_unlocked(user=newcomer, track=derivatives)
    lesson = session_start(user=newcomer, mode="lesson", lesson=first)
    assert (lesson.mode, lesson.lesson, lesson.status) == ("lesson", first, "active")
    row = TrackProgress.objects.get(user=newcomer, track=derivatives)
    assert row.completed_at is not None, "every unit answered right: the track is complete"
    assert not selectors.track_is_unlocked(user=newcomer, track=Track.objects.get(slug="limits")), (
        "placing into derivatives does not open the tracks before it"
    )

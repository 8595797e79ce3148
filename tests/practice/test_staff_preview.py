"""Staff and authors preview any track and lesson in the player; learners still meet the locks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Lesson, Track
from practice import selectors
from practice.models import PracticeSession
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import LessonFactory, TrackFactory, UnitFactory

from .builders import numeric_exercises

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_track() -> Track:
    """A calculus track behind a prerequisite track and 1000 XP, with two lessons."""
    before = TrackFactory(title="Facts")
    track = TrackFactory(title="Derivatives", xp_to_unlock=1000)
    track.prerequisites.add(before)
    unit = UnitFactory(track=track)
    for _ in range(2):
        numeric_exercises(LessonFactory(unit=unit), 2)
    return track


def lessons_of(track: Track) -> list[Lesson]:
    return list(Lesson.objects.filter(unit__track=track).order_by("unit__order", "order"))


def start_lesson(client: Client, user: User, lesson: Lesson) -> PracticeSession | None:
    client.force_login(user)
    response = client.post("/learn/start/", {"mode": "lesson", "lesson": lesson.pk})
    assert response.status_code == 302
    return PracticeSession.objects.filter(user=user, lesson=lesson).first()


def test_a_learner_cannot_open_a_locked_track_or_skip_a_lesson(
    client: Client, learner: User, locked_track: Track
) -> None:
    first, second = lessons_of(locked_track)

    assert not selectors.track_is_unlocked(user=learner, track=locked_track)
    assert not selectors.lesson_is_unlocked(user=learner, lesson=second)
    assert start_lesson(client, learner, first) is None
    assert start_lesson(client, learner, second) is None


@pytest.mark.parametrize(
    "who",
    [
        pytest.param({"role": User.Role.AUTHOR}, id="an author"),
        pytest.param({"role": User.Role.STAFF}, id="staff"),
    ],
)
def test_staff_and_authors_open_any_lesson_of_a_locked_track_in_the_player(
    client: Client, locked_track: Track, who: dict[str, str]
) -> None:
    person = UserFactory(**who)
    _, second = lessons_of(locked_track)

    session = start_lesson(client, person, second)

    assert selectors.track_is_unlocked(user=person, track=locked_track)
    assert session is not None
    assert client.get(f"/learn/sessions/{session.pk}/").status_code == 200


def test_a_user_with_admin_access_previews_whatever_her_role(locked_track: Track) -> None:
    reviewer = UserFactory()
    User.objects.filter(pk=reviewer.pk).update(is_staff=True)
    reviewer.refresh_from_db()
    _, second = lessons_of(locked_track)

    assert selectors.lesson_is_unlocked(user=reviewer, lesson=second)


def test_a_learner_api_client_is_refused_the_locked_lesson_but_an_author_is_not(
    client_for: Callable[[User], APIClient], learner: User, author: User, locked_track: Track
) -> None:
    _, second = lessons_of(locked_track)
    body = {"mode": "lesson", "lesson": second.pk}

    assert client_for(learner).post("/api/v1/sessions", body).status_code == 403
    assert client_for(author).post("/api/v1/sessions", body).status_code == 201

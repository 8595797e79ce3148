"""Without a broker (`make run`), the admin's per-exercise statistics follow the answers.

No worker and no beat run the nightly item analysis then: opening the exercise list runs it
in-process when answers came in since, at most once a minute.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from analytics.models import ExerciseStats
from analytics.tasks import IN_PROCESS_REFRESH_KEY, item_analysis_refresh_if_stale
from curriculum.models import Exercise
from practice.models import PracticeSession
from practice.services import session_start
from tests.practice.builders import answer_current, numeric_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_broker(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def author_client(client: Client, author: User) -> Client:
    client.force_login(author)
    return client


@pytest.fixture
def exercises() -> list[Exercise]:
    lesson = numeric_lesson(exercises=3)
    return list(Exercise.objects.filter(lesson=lesson).order_by("order"))


def lesson_session(learner: User, exercises: list[Exercise]) -> PracticeSession:
    return session_start(user=learner, mode="lesson", lesson=exercises[0].lesson)


def stats_row(page: Any, exercise: Exercise) -> dict[str, str]:
    """The exercise's statistics columns as the list shows them."""
    changelist = page.context["cl"]
    admin = changelist.model_admin
    row = next(e for e in changelist.result_list if e.pk == exercise.pk)
    return {
        "attempts": admin.stats_attempts(row),
        "right": admin.stats_share_correct(row),
        "time": admin.stats_average_time(row),
    }


def test_an_answered_exercise_shows_its_statistics_in_the_admin_without_a_command(
    no_broker: None, author_client: Client, learner: User, exercises: list[Exercise]
) -> None:
    session = lesson_session(learner, exercises)
    answer_current(learner, session, right=True, response_ms=4000)

    page = author_client.get(reverse("admin:curriculum_exercise_changelist"))

    assert page.status_code == 200
    assert stats_row(page, exercises[0]) == {"attempts": "1", "right": "100%", "time": "4.0 s"}
    assert stats_row(page, exercises[1])["attempts"] == "–"


def test_it_runs_again_only_after_new_answers_and_at_most_once_a_minute(
    no_broker: None, learner: User, exercises: list[Exercise]
) -> None:
    session = lesson_session(learner, exercises)

    assert item_analysis_refresh_if_stale() is False  # nothing answered yet
    answer_current(learner, session)
    assert item_analysis_refresh_if_stale() is True
    assert item_analysis_refresh_if_stale() is False  # nothing new since
    answer_current(learner, session, right=False)
    assert item_analysis_refresh_if_stale() is False  # new, but within the minute
    assert not ExerciseStats.objects.filter(exercise=exercises[1]).exists()

    cache.delete(IN_PROCESS_REFRESH_KEY)  # the minute has passed

    assert item_analysis_refresh_if_stale() is True
    assert ExerciseStats.objects.get(exercise=exercises[1]).share_correct == 0.0


def test_with_a_broker_the_beat_does_the_work_and_the_page_does_not(
    settings: Any, author_client: Client, learner: User, exercises: list[Exercise]
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    answer_current(learner, lesson_session(learner, exercises))

    page = author_client.get(reverse("admin:curriculum_exercise_changelist"))

    assert page.status_code == 200
    assert not ExerciseStats.objects.exists()

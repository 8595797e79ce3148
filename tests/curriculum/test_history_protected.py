"""History is never lost: content that learners have answered is archived, never deleted.

An author (euler) tries every way the admin has to delete — the delete page, the list's bulk
delete, an inline's Delete box — on content a learner (ada) has answered; each is refused with
the reason and a pointer to Archive, never an error page. Archiving hides the content from ada
everywhere and keeps every attempt; unanswered drafts can still be deleted.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from analytics.models import ExerciseStats
from analytics.statistics import exercise_stats_compute
from curriculum.models import Exercise, Lesson, Status, Track, Unit
from curriculum.selectors import (
    exercises_visible_to,
    lessons_visible_to,
    tracks_visible_to,
    units_visible_to,
)
from curriculum.services import content_history
from gamification.models import Achievement, UserAchievement
from gamification.seeds import track_achievement_create
from practice.models import Attempt
from tests.curriculum.test_admin_authoring import form_data, inline_prefix
from tests.practice.builders import answer_current, numeric_lesson, quiz_over

pytestmark = pytest.mark.django_db

REFUSED = "cannot be deleted: learners have answered it"
ARCHIVE = "Archive it instead"


@pytest.fixture
def author_client(client: Any, author: User) -> Any:
    client.force_login(author)
    return client


@pytest.fixture
def answered(learner: User) -> Lesson:
    """A published lesson whose first exercise ada has answered (once, right)."""
    lesson = numeric_lesson(exercises=2)
    answer_current(learner, quiz_over(learner, list(lesson.exercises.order_by("order")[:1])))
    return lesson


def _page(response: Any) -> str:
    return " ".join(response.content.decode().split())


def _delete_page(client: Any, obj: Any, **data: Any) -> Any:
    name = f"admin:curriculum_{obj._meta.model_name}_delete"
    url = reverse(name, args=[obj.pk])
    return client.post(url, data) if data else client.get(url)


# --- Refused, in words ---------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["exercise", "lesson", "unit", "track"])
def test_the_delete_page_of_answered_content_refuses_and_points_to_archive(
    author_client: Any, answered: Lesson, level: str
) -> None:
    exercise = answered.exercises.order_by("order").first()
    obj = {
        "exercise": exercise,
        "lesson": answered,
        "unit": answered.unit,
        "track": answered.unit.track,
    }[level]

    page = _delete_page(author_client, obj)
    confirmed = _delete_page(author_client, obj, post="yes")

    assert page.status_code == confirmed.status_code == 200
    text = _page(page)
    assert REFUSED in text
    assert ARCHIVE in text
    assert "1 attempt," in text
    assert "Yes, I’m sure" not in text
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert Attempt.objects.count() == 1


def test_the_lists_bulk_delete_refuses_the_answered_lessons_and_deletes_nothing(
    author_client: Any, answered: Lesson
) -> None:
    draft = Lesson.objects.create(unit=answered.unit, title="Unfinished", order=9)
    url = reverse("admin:curriculum_lesson_changelist")
    selected = [str(answered.pk), str(draft.pk)]

    asked = author_client.post(url, {"action": "delete_selected", "_selected_action": selected})
    confirmed = author_client.post(
        url, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )

    assert asked.status_code == confirmed.status_code == 200
    text = _page(confirmed)
    assert f"The lesson “{answered.title}” {REFUSED}" in text
    assert ARCHIVE in text
    assert Lesson.objects.filter(pk__in=[answered.pk, draft.pk]).count() == 2


def test_an_inline_delete_box_on_the_units_lessons_is_refused_above_the_lessons(
    author_client: Any, answered: Lesson
) -> None:
    unit = answered.unit
    page = author_client.get(reverse("admin:curriculum_unit_change", args=[unit.pk]))
    prefix = inline_prefix(page, Lesson)

    response = author_client.post(
        page.wsgi_request.path, form_data(page, **{f"{prefix}-0-DELETE": "on"})
    )

    assert response.status_code == 200
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Lesson
    ]
    (error,) = formset.non_form_errors()
    assert f"The lesson “{answered.title}” {REFUSED} (1 attempt," in error
    assert "Status “Archived”" in error
    assert error.endswith("Untick its Delete box.")
    assert Lesson.objects.filter(pk=answered.pk).exists()


def test_an_inline_delete_box_on_the_tracks_units_is_refused_too(
    author_client: Any, answered: Lesson
) -> None:
    track = answered.unit.track
    page = author_client.get(reverse("admin:curriculum_track_change", args=[track.pk]))
    prefix = inline_prefix(page, Unit)

    response = author_client.post(
        page.wsgi_request.path, form_data(page, **{f"{prefix}-0-DELETE": "on"})
    )

    assert response.status_code == 200
    assert REFUSED in _page(response)
    assert Unit.objects.filter(pk=answered.unit_id).exists()


def test_a_track_whose_achievement_was_earned_is_refused_even_without_answers(
    author_client: Any, learner: User
) -> None:
    track = numeric_lesson().unit.track
    UserAchievement.objects.create(user=learner, achievement=track_achievement_create(track=track))

    text = _page(_delete_page(author_client, track, post="yes"))

    assert REFUSED in text
    assert "1 earned achievement" in text
    assert Track.objects.filter(pk=track.pk).exists()
    assert UserAchievement.objects.filter(user=learner).count() == 1


def test_the_database_refuses_too_whatever_path_the_delete_takes(answered: Lesson) -> None:
    with pytest.raises(ProtectedError):
        answered.unit.track.delete()
    with pytest.raises(ProtectedError):
        Exercise.objects.filter(lesson=answered).delete()


# --- Unanswered content can go --------------------------------------------------------------------


def test_an_unanswered_draft_is_deleted_from_its_delete_page(author_client: Any) -> None:
    track = numeric_lesson(track__status=Status.DRAFT).unit.track
    track_achievement_create(track=track)  # unearned: it goes with its track

    response = _delete_page(author_client, track, post="yes")

    assert response.status_code == 302
    assert not Track.objects.filter(pk=track.pk).exists()
    assert not Achievement.objects.filter(track_id=track.pk).exists()


def test_an_unanswered_lesson_is_deleted_with_its_inline_box_beside_an_answered_one(
    author_client: Any, answered: Lesson
) -> None:
    draft = Lesson.objects.create(unit=answered.unit, title="Unfinished", order=2)
    page = author_client.get(reverse("admin:curriculum_unit_change", args=[answered.unit_id]))
    prefix = inline_prefix(page, Lesson)
    rows = [form.instance.pk for form in page.context["inline_admin_formsets"][0].formset.forms]

    response = author_client.post(
        page.wsgi_request.path,
        form_data(page, **{f"{prefix}-{rows.index(draft.pk)}-DELETE": "on"}),
    )

    assert response.status_code == 302
    assert list(Lesson.objects.filter(unit=answered.unit)) == [answered]


# --- Archive instead ----------------------------------------------------------------------------


def test_archiving_hides_the_lesson_from_the_learner_everywhere_and_keeps_every_attempt(
    author_client: Any, answered: Lesson, learner: User, client_for: Any
) -> None:
    exercise = answered.exercises.order_by("order").first()
    assert exercise is not None
    url = reverse("admin:curriculum_lesson_changelist")

    response = author_client.post(
        url, {"action": "archive", "_selected_action": [str(answered.pk)]}, follow=True
    )

    assert "Archived 1 of 1 selected. Learners no longer see them" in _page(response)
    answered.refresh_from_db()
    assert answered.status == Status.ARCHIVED
    assert not lessons_visible_to(user=learner).filter(pk=answered.pk).exists()
    assert not exercises_visible_to(user=learner).filter(pk=exercise.pk).exists()
    started = client_for(learner).post(
        "/api/v1/sessions", {"mode": "lesson", "lesson": answered.pk}
    )
    assert started.status_code in {400, 404}
    assert Attempt.objects.filter(exercise=exercise, user=learner).count() == 1
    exercise_stats_compute()
    assert ExerciseStats.objects.get(exercise=exercise).attempts == 1


def test_an_archived_track_leaves_the_learners_path_and_api_but_not_the_authors(
    author_client: Any, answered: Lesson, learner: User, author: User
) -> None:
    track = answered.unit.track
    author_client.post(
        reverse("admin:curriculum_track_changelist"),
        {"action": "archive", "_selected_action": [str(track.pk)]},
    )

    assert not tracks_visible_to(user=learner).filter(pk=track.pk).exists()
    assert not units_visible_to(user=learner).filter(track=track).exists()
    assert tracks_visible_to(user=author).filter(pk=track.pk).exists()


def test_publishing_an_archived_exercise_brings_it_back(
    author_client: Any, answered: Lesson, learner: User
) -> None:
    url = reverse("admin:curriculum_exercise_changelist")
    exercise = answered.exercises.order_by("order").first()
    assert exercise is not None
    selected = [str(exercise.pk)]

    author_client.post(url, {"action": "archive", "_selected_action": selected})
    assert not exercises_visible_to(user=learner).filter(pk=exercise.pk).exists()
    author_client.post(url, {"action": "publish", "_selected_action": selected})

    assert exercises_visible_to(user=learner).filter(pk=exercise.pk).exists()


def test_asking_for_the_history_takes_the_same_queries_for_one_track_or_many(
    learner: User,
) -> None:
    one = numeric_lesson()
    answer_current(learner, quiz_over(learner, list(one.exercises.all()[:1])))
    with CaptureQueriesContext(connection) as few:
        content_history(objects=[one.unit.track])
    many = [numeric_lesson() for _ in range(4)]
    for lesson in many:
        answer_current(learner, quiz_over(learner, list(lesson.exercises.all())[:2]))

    with CaptureQueriesContext(connection) as more:
        histories = content_history(objects=[lesson.unit.track for lesson in [one, *many]])

    assert len(more) == len(few)
    assert len(histories) == 5

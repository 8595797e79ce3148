"""Track achievements for every track: an author's new track can be completed for its achievement.

The author (euler) writes a track in the admin and publishes it: it gets its completion
achievement, whose reward she chooses on the track's page; a learner (ada) who completes the
track earns it, and the avatar it unlocks. Thresholds follow the track's published lessons.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from curriculum.models import Lesson, Status, Track
from gamification.models import Achievement, Avatar, UserAchievement, UserAvatar
from gamification.seeds import TRACK_AVATARS, seed, track_achievement_create
from tests.curriculum.factories import LessonFactory, TrackFactory, UnitFactory
from tests.curriculum.test_admin_authoring import form_data, inline_prefix
from tests.practice.builders import numeric_exercises

from .helpers import finish_lesson

pytestmark = pytest.mark.django_db

Criteria = Achievement.Criteria


@pytest.fixture
def author_client(client: Any, author: User) -> Any:
    client.force_login(author)
    return client


def _page(response: Any) -> str:
    return " ".join(response.content.decode().split())


def _track_page(client: Any, track: Track) -> Any:
    return client.get(reverse("admin:curriculum_track_change", args=[track.pk]))


def _author_writes_a_track(client: Any, *, lessons: int = 2, **fields: str) -> Track:
    """A draft track added on the admin's page, with one unit of `lessons` published lessons."""
    page = client.get(reverse("admin:curriculum_track_add"))
    units = inline_prefix(page, Track.units.rel.related_model)
    data = {
        "title": "Algebra basics",
        "slug": "algebra-basics",
        "subject": "algebra",
        "status": "draft",
        f"{units}-TOTAL_FORMS": "1",
        f"{units}-0-order": "1",
        f"{units}-0-title": "Equations",
        f"{units}-0-status": "published",
        f"{units}-0-mastery_required": "0.8",
        f"{units}-0-min_accuracy": "70",
        **fields,
    }
    assert client.post(page.wsgi_request.path, form_data(page, **data)).status_code == 302
    track = Track.objects.get(slug=data["slug"])
    for _ in range(lessons):
        numeric_exercises(LessonFactory(unit=track.units.get()), 2)
    return track


def _publish(client: Any, model: str, *objects: Any) -> Any:
    return client.post(
        reverse(f"admin:curriculum_{model}_changelist"),
        {"action": "publish", "_selected_action": [str(o.pk) for o in objects]},
        follow=True,
    )


# --- A new track gets its achievement ------------------------------------------------------


def test_a_learner_completing_an_authors_new_track_earns_its_achievement_and_chosen_avatar(
    author_client: Any, learner: User, client_for: Any
) -> None:
    track = _author_writes_a_track(author_client)

    published = _publish(author_client, "track", track)

    (achievement,) = Achievement.objects.filter(track=track)
    assert (achievement.name, achievement.criteria) == (
        "Algebra basics complete",
        "track_completed",
    )
    assert (achievement.category, achievement.threshold, achievement.share_of_track) == (
        "tracks",
        2,
        100,
    )
    assert "now has its completion achievement “Algebra basics complete” (50 XP)" in _page(
        published
    )
    # She chooses its reward on the track's page.
    page = _track_page(author_client, track)
    prefix = inline_prefix(page, Achievement)
    tiger = Avatar.objects.get(code="table-tiger")
    saved = author_client.post(
        page.wsgi_request.path,
        form_data(
            page, **{f"{prefix}-0-unlocks_avatar": str(tiger.pk), f"{prefix}-0-xp_reward": "80"}
        ),
    )
    assert saved.status_code == 302

    ada = client_for(learner)
    first, second = track.units.get().lessons.order_by("order")
    finish_lesson(ada, first)
    assert not UserAchievement.objects.filter(user=learner, achievement=achievement).exists()
    # Her shelf shows how far she is: lessons completed in the track, of its published lessons.
    shelf = ada.get("/api/v1/me/achievements").json()["achievements"]
    row = next(item for item in shelf if item["name"] == "Algebra basics complete")
    assert (row["progress"], row["threshold"]) == (1, 2)
    replies = finish_lesson(ada, second)

    assert UserAchievement.objects.filter(user=learner, achievement=achievement).exists()
    assert UserAvatar.objects.filter(user=learner, avatar=tiger).exists()
    assert "Algebra basics complete" in str(replies[-1])


def test_a_track_saved_as_published_on_its_page_gets_its_achievement_too(
    author_client: Any,
) -> None:
    track = _author_writes_a_track(author_client, lessons=0)
    page = _track_page(author_client, track)

    response = author_client.post(page.wsgi_request.path, form_data(page, status="published"))

    assert response.status_code == 302
    assert Achievement.objects.filter(track=track, criteria=Criteria.TRACK_COMPLETED).count() == 1


def test_publishing_again_does_not_add_a_second_achievement(author_client: Any) -> None:
    track = _author_writes_a_track(author_client)

    _publish(author_client, "track", track)
    _publish(author_client, "track", track)

    assert Achievement.objects.filter(track=track).count() == 1


def test_an_author_adds_a_halfway_achievement_on_the_tracks_page(author_client: Any) -> None:
    track = _author_writes_a_track(author_client, lessons=3)
    page = _track_page(author_client, track)
    prefix = inline_prefix(page, Achievement)

    response = author_client.post(
        page.wsgi_request.path,
        form_data(
            page,
            **{
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-0-name": "Half an equation",
                f"{prefix}-0-description": "Complete half of Algebra basics.",
                f"{prefix}-0-share_of_track": "50",
                f"{prefix}-0-xp_reward": "20",
            },
        ),
    )

    assert response.status_code == 302
    halfway = Achievement.objects.get(track=track)
    assert (halfway.code, halfway.criteria, halfway.category) == (
        "complete-half-an-equation",
        "track_completed",
        "tracks",
    )
    assert (halfway.share_of_track, halfway.threshold) == (50, 2)  # half of 3, rounded up


def test_the_threshold_follows_the_lessons_published_and_archived(author_client: Any) -> None:
    track = _author_writes_a_track(author_client, lessons=2)
    _publish(author_client, "track", track)
    extra = LessonFactory(unit=track.units.get(), draft=True)
    achievement = Achievement.objects.get(track=track)
    assert achievement.threshold == 2

    _publish(author_client, "lesson", extra)
    achievement.refresh_from_db()
    assert achievement.threshold == 3

    author_client.post(
        reverse("admin:curriculum_lesson_changelist"),
        {"action": "archive", "_selected_action": [str(extra.pk)]},
    )
    achievement.refresh_from_db()
    assert achievement.threshold == 2


# --- Earned achievements stay ------------------------------------------------------------------


def test_an_earned_achievement_cannot_be_deleted_from_the_tracks_page(
    author_client: Any, learner: User
) -> None:
    track = _author_writes_a_track(author_client)
    achievement = track_achievement_create(track=track)
    UserAchievement.objects.create(user=learner, achievement=achievement)
    page = _track_page(author_client, track)
    prefix = inline_prefix(page, Achievement)

    response = author_client.post(
        page.wsgi_request.path, form_data(page, **{f"{prefix}-0-DELETE": "on"})
    )

    assert response.status_code == 200
    assert "has been earned by 1 learner(s)" in _page(response)
    assert Achievement.objects.filter(pk=achievement.pk).exists()


def test_an_earned_achievement_cannot_be_deleted_from_its_own_delete_page(
    author_client: Any, learner: User
) -> None:
    achievement = Achievement.objects.get(code="first-steps")
    UserAchievement.objects.create(user=learner, achievement=achievement)
    url = reverse("admin:gamification_achievement_delete", args=[achievement.pk])

    response = author_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "“First steps” has been earned by 1 learner(s)" in _page(response)
    assert Achievement.objects.filter(pk=achievement.pk).exists()


def test_an_unearned_achievement_can_be_deleted(author_client: Any) -> None:
    achievement = Achievement.objects.get(code="first-steps")
    url = reverse("admin:gamification_achievement_delete", args=[achievement.pk])

    assert author_client.post(url, {"post": "yes"}).status_code == 302
    assert not Achievement.objects.filter(pk=achievement.pk).exists()


# --- Every avatar can be earned on a real install ------------------------------------------------


def test_the_six_track_avatars_are_offered_to_new_tracks_of_their_subjects() -> None:
    subjects = ["arithmetic", "arithmetic", "fractions", "limits", "derivatives", "integrals"]
    tracks = [TrackFactory(subject=subject) for subject in subjects]
    for track in tracks:
        LessonFactory(unit=UnitFactory(track=track))

    made = [track_achievement_create(track=track) for track in tracks]
    one_more = track_achievement_create(track=TrackFactory(subject="arithmetic"))

    assert sorted(a.unlocks_avatar.code for a in made if a.unlocks_avatar) == sorted(TRACK_AVATARS)
    assert one_more.unlocks_avatar is None  # each avatar is unlocked by one achievement
    unlockable = set(
        Achievement.objects.filter(unlocks_avatar__isnull=False).values_list(
            "unlocks_avatar__code", flat=True
        )
    )
    assert unlockable == set(Avatar.objects.filter(is_default=False).values_list("code", flat=True))


def test_the_seeded_track_achievements_follow_their_tracks_as_the_authors_do() -> None:
    track = TrackFactory(slug="fractions", subject="fractions")
    unit = UnitFactory(track=track)
    for _ in range(4):
        LessonFactory(unit=unit)
    seed()

    halfway, whole = (Achievement.objects.get(code=c) for c in ("halfway-there", "whole-again"))
    assert (halfway.share_of_track, halfway.threshold) == (50, 2)
    assert (whole.share_of_track, whole.threshold) == (100, 4)
    assert Lesson.objects.filter(unit=unit, status=Status.PUBLISHED).count() == 4


def test_an_avatar_a_learner_unlocked_cannot_be_deleted(author_client: Any, learner: User) -> None:
    avatar = Avatar.objects.get(code="sum-squid")
    UserAvatar.objects.create(user=learner, avatar=avatar)
    url = reverse("admin:gamification_avatar_delete", args=[avatar.pk])

    response = author_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "“Sum Squid” has been unlocked by 1 learner(s)" in _page(response)
    assert UserAvatar.objects.filter(user=learner, avatar=avatar).exists()


def test_a_draft_tracks_achievement_is_not_shown_until_its_track_is_published(
    learner: User, client_for: Any
) -> None:
    track = TrackFactory(title="Secret draft", status=Status.DRAFT)
    achievement = track_achievement_create(track=track)
    api = client_for(learner)

    def listed() -> list[str]:
        return [row["name"] for row in api.get("/api/v1/me/achievements").json()["achievements"]]

    assert achievement.name not in listed()
    Track.objects.filter(pk=track.pk).update(status=Status.PUBLISHED)
    assert achievement.name in listed()

"""Mastery per track, 0–100: each unit's mastery weighted by its number of exercises, computed by
one selector and shown alike in the progress API, on the learning path (hers and a parent's
view of it) and on the parent dashboard, in a constant number of queries."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Exercise, Status, Track, Unit
from practice import selectors
from practice.models import TrackProgress, UnitProgress
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import ExerciseFactory, LessonFactory, TrackFactory, UnitFactory

from .builders import link_parent, numeric_exercises

pytestmark = pytest.mark.django_db


def track_of(*sizes: int, title: str = "Calculus") -> tuple[Track, list[Unit]]:
    """A published track with a unit of `size` numeric exercises per size given."""
    track = TrackFactory(title=title)
    units = []
    for size in sizes:
        unit = UnitFactory(track=track)
        numeric_exercises(LessonFactory(unit=unit), size)
        units.append(unit)
    return track, units


def mastered(learner: User, unit: Unit, mastery_sum: float) -> None:
    """Her mastery of the unit's exercises sums to `mastery_sum` (as her answers keep it)."""
    UnitProgress.objects.update_or_create(
        user=learner, unit=unit, defaults={"mastery_sum": mastery_sum, "attempts": 4, "correct": 3}
    )
    TrackProgress.objects.update_or_create(
        user=learner, track=unit.track, defaults={"attempts": 4, "correct": 3}
    )


def mastery_of(learner: User, track: Track) -> int:
    return selectors.track_mastery(user_ids=[learner.pk], track_ids=[track.pk]).get(
        (learner.pk, track.pk), 0
    )


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The selector ---------------------------------------------------------------------------


def test_each_unit_weighs_as_many_exercises_as_it_has(learner: User) -> None:
    track, (small, large, _untouched) = track_of(2, 8, 10)
    mastered(learner, small, 2.0)  # all of a 2-exercise unit
    mastered(learner, large, 2.0)  # a quarter of an 8-exercise unit

    # (2 + 2 + 0) of 20 exercises: the unit she has not begun counts, as 0.
    assert mastery_of(learner, track) == 20


def test_a_track_not_begun_has_no_mastery_and_a_mastered_one_all_of_it(learner: User) -> None:
    track, units = track_of(3, 3)
    assert mastery_of(learner, track) == 0

    for unit in units:
        mastered(learner, unit, 3.0)

    assert mastery_of(learner, track) == 100


def test_a_unit_counts_at_most_as_mastered_and_drafts_count_for_nothing(learner: User) -> None:
    track, (first, second) = track_of(2, 2)
    numeric_exercises(LessonFactory(unit=second), 4, status=Status.DRAFT)
    draft_unit = UnitFactory(track=track, status=Status.DRAFT)
    numeric_exercises(LessonFactory(unit=draft_unit), 6)
    # More than the unit holds: answers to an exercise since archived still sit in the sum.
    mastered(learner, first, 3.5)
    mastered(learner, draft_unit, 6.0)

    assert mastery_of(learner, track) == 50


def test_one_query_for_every_learner_and_track(
    learner: User, django_assert_num_queries: Any
) -> None:
    tracks = []
    others = [UserFactory(username=f"learner{n}") for n in range(3)]
    for n in range(4):
        track, (unit, *_) = track_of(2, 2, title=f"Track {n}")
        tracks.append(track)
        for who in [learner, *others]:
            mastered(who, unit, 1.0)

    with django_assert_num_queries(1):
        found = selectors.track_mastery(
            user_ids=[who.pk for who in [learner, *others]], track_ids=[t.pk for t in tracks]
        )

    assert len(found) == 16
    assert set(found.values()) == {25}


# --- The progress API -----------------------------------------------------------------------


def test_the_progress_api_gives_each_tracks_mastery(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    track, (small, large, _) = track_of(2, 8, 10)
    untouched, _ = track_of(1, title="Geometry")
    mastered(learner, small, 2.0)
    mastered(learner, large, 2.0)
    ada = client_for(learner)

    listing = {row["track"]: row for row in ada.get("/api/v1/progress/tracks").json()}
    detail = ada.get(f"/api/v1/progress/tracks/{track.pk}").json()

    assert listing[track.pk]["mastery"] == 20
    assert listing[untouched.pk]["mastery"] == 0
    assert detail["mastery"] == 20
    assert [unit["mastery"] for unit in detail["units"]] == [1.0, 0.25, 0.0]


def test_a_parent_reads_her_childs_mastery_and_no_one_elses(
    learner: User, parent: User, client_for: Callable[[User], APIClient]
) -> None:
    link_parent(parent=parent, learner=learner)
    stranger = UserFactory(username="stranger")
    track, (unit,) = track_of(4)
    mastered(learner, unit, 3.0)
    grace = client_for(parent)

    listing = grace.get("/api/v1/progress/tracks", {"learner": learner.pk}).json()
    detail = grace.get(f"/api/v1/progress/tracks/{track.pk}", {"learner": learner.pk}).json()

    assert [row["mastery"] for row in listing if row["track"] == track.pk] == [75]
    assert detail["mastery"] == 75
    assert grace.get("/api/v1/progress/tracks", {"learner": stranger.pk}).status_code == 404


@pytest.mark.parametrize("tracks", [2, 8])
def test_the_progress_list_costs_the_same_queries_whatever_the_tracks(
    learner: User,
    client_for: Callable[[User], APIClient],
    django_assert_num_queries: Any,
    tracks: int,
) -> None:
    for n in range(tracks):
        _, (unit, _) = track_of(2, 3, title=f"Track {n}")
        mastered(learner, unit, 1.0)
    ada = client_for(learner)

    # The token with its user (one query); her track rows, her XP; the tracks and their
    # prerequisites; her mastery of every track.
    with django_assert_num_queries(6):
        rows = ada.get("/api/v1/progress/tracks").json()

    assert [row["mastery"] for row in rows] == [20] * tracks


def test_mastery_is_documented_in_the_schema(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    mastery = schema["components"]["schemas"]["TrackProgress"]["properties"]["mastery"]

    assert (mastery["type"], mastery["minimum"], mastery["maximum"]) == ("integer", 0, 100)
    assert "weighted" in mastery["description"]


# --- The path and the parent's views ---------------------------------------------------------


def track_card(page: str, title: str) -> str:
    for card in re.findall(r'<article class="track card.*?</article>', page, re.DOTALL):
        if f"{title}</h3>" in card:
            return card
    raise AssertionError(f"no track card {title!r}")


def test_each_track_card_on_the_path_shows_its_mastery(learner: User) -> None:
    track, (small, large, _) = track_of(2, 8, 10)
    mastered(learner, small, 2.0)
    mastered(learner, large, 2.0)

    page = signed_in(learner).get(reverse("practice:path")).content.decode()

    card = track_card(page, track.title)
    assert "Mastery 20 % 20 %" in text_of(card)
    assert f'<label for="track-{track.pk}-mastery">Mastery</label>' in card
    assert f'<progress id="track-{track.pk}-mastery" value="20" max="100">' in card


def test_a_parent_sees_the_same_mastery_on_her_childs_path_and_her_dashboard(
    learner: User, parent: User, client_for: Callable[[User], APIClient]
) -> None:
    link_parent(parent=parent, learner=learner)
    track, (small, large, _) = track_of(2, 8, 10)
    mastered(learner, small, 2.0)
    mastered(learner, large, 2.0)
    grace = signed_in(parent)
    from_api = client_for(parent).get(
        f"/api/v1/progress/tracks/{track.pk}", {"learner": learner.pk}
    )

    child_path = grace.get(reverse("practice:child", args=[learner.pk])).content.decode()
    dashboard = text_of(grace.get(reverse("analytics:children")).content.decode())

    assert from_api.json()["mastery"] == 20
    assert "Mastery 20 % 20 %" in text_of(track_card(child_path, track.title))
    # Track, answers, accuracy, mastery.
    assert f"{track.title} 4 75 % 20 %" in dashboard


def test_exercises_of_other_kinds_weigh_the_same(learner: User) -> None:
    track, (unit,) = track_of(1)
    ExerciseFactory(lesson=unit.lessons.get(), kind=Exercise.Kind.MULTIPLE_CHOICE)
    mastered(learner, unit, 1.0)

    assert mastery_of(learner, track) == 50

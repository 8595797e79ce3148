"""The learning path as a learner and her parent see it: Continue on the next lesson, today's
goal, the streak, why a track is locked, and a fixed number of queries for the path, review,
grid and child pages whatever the size of the curriculum or of the learner's history."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import LearnerProfile, User
from analytics.models import DailySummary
from curriculum.models import Exercise, Lesson, Track
from gamification.models import Standing
from practice import path, selectors
from practice.models import ExerciseProgress, LessonProgress, TrackProgress, UnitProgress
from tests.curriculum.factories import LessonFactory, TrackFactory, UnitFactory

from .builders import fact_exercise, link_parent, numeric_exercises

pytestmark = pytest.mark.django_db

PATH = reverse("practice:path")


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, css_class: str) -> str:
    match = re.search(rf'<section class="card {css_class}.*?</section>', page, re.DOTALL)
    assert match, f"no {css_class!r} section on the page"
    return match.group(0)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_track(title: str, *, units: int = 2, lessons: int = 2, **fields: Any) -> Track:
    """A published track of `units` × `lessons` lessons, each of two numeric exercises."""
    track = TrackFactory(title=title, **fields)
    for _ in range(units):
        unit = UnitFactory(track=track)
        for _ in range(lessons):
            numeric_exercises(LessonFactory(unit=unit), 2)
    return track


def lessons_of(track: Track) -> list[Lesson]:
    return list(
        Lesson.objects.filter(unit__track=track).order_by("unit__order", "order").select_related()
    )


def complete(learner: User, *lessons: Lesson, at: Any = None) -> None:
    for lesson in lessons:
        LessonProgress.objects.update_or_create(
            user=learner,
            lesson=lesson,
            defaults={"completed_at": at or timezone.now(), "best_accuracy": 0.8},
        )


def give_xp(learner: User, xp: int) -> None:
    Standing.objects.update_or_create(user=learner, defaults={"xp": xp})


def practised_today(learner: User, minutes: float) -> None:
    DailySummary.objects.update_or_create(
        user=learner,
        date=learner.local_now().date(),
        defaults={"practised_ms": int(minutes * 60_000), "questions": 5, "correct": 4},
    )


def curriculum_with_history(learner: User, tracks: int) -> list[Track]:
    """`tracks` tracks in a chain (each needs the one before and some XP), a fact track among
    them, and a learner who finished the first, started the second, has reviews due and
    practised today: every row the path reads, and more of them with more tracks."""
    made = []
    for n in range(tracks):
        track = make_track(f"Track {n + 1}", xp_to_unlock=50 * n, description=f"About {n + 1}.")
        if made:
            track.prerequisites.add(made[-1])
        made.append(track)
    fact_exercise(lessons_of(made[0])[0], 3, 4)
    give_xp(learner, 50 * (tracks - 1))
    for track in made[:-1]:
        complete(learner, *lessons_of(track))
        TrackProgress.objects.create(
            user=learner, track=track, attempts=10, correct=8, completed_at=timezone.now()
        )
        for unit in track.units.all():
            UnitProgress.objects.create(
                user=learner, unit=unit, attempts=5, correct=4, completed_at=timezone.now()
            )
    complete(learner, lessons_of(made[-1])[0])
    for lesson in lessons_of(made[0]):
        for exercise in lesson.exercises.all():
            ExerciseProgress.objects.create(
                user=learner, exercise=exercise, attempts=2, correct=2, due_at=timezone.now()
            )
    practised_today(learner, 4)
    return made


# --- Continue, today's goal, the streak -------------------------------------------------------


def test_the_path_offers_continue_on_the_next_lesson(learner: User) -> None:
    track = make_track("Counting")
    first, second, *_ = lessons_of(track)
    complete(learner, first)

    page = signed_in(learner).get(PATH).content.decode()

    up_next = section(page, "up-next")
    assert f"Counting {second.title}" in text_of(up_next)
    assert f'name="lesson" value="{second.pk}"' in up_next
    assert re.search(r"<button type=\"submit\"[^>]*>Continue</button>", up_next)


def test_continue_goes_on_with_the_track_practised_last(learner: User) -> None:
    earlier, later = make_track("Sums"), make_track("Shapes")
    complete(learner, lessons_of(earlier)[0], at=timezone.now() - timedelta(days=2))
    complete(learner, lessons_of(later)[0], at=timezone.now() - timedelta(hours=1))

    view = path.path_of(learner=learner, viewer=learner)

    assert view.next_step is not None
    assert view.next_step.track.track == later
    assert view.next_step.lesson.id == lessons_of(later)[1].pk


def test_a_new_learner_continues_with_the_first_lesson_of_the_path(learner: User) -> None:
    track = make_track("First steps")

    view = path.path_of(learner=learner, viewer=learner)

    assert view.next_step is not None
    assert view.next_step.lesson.id == lessons_of(track)[0].pk


def test_the_path_shows_todays_minutes_against_the_daily_goal_and_the_streak(
    learner: User,
) -> None:
    make_track("Counting")
    LearnerProfile.objects.filter(user=learner).update(daily_goal_minutes=15)
    practised_today(learner, 6.5)
    Standing.objects.create(
        user=learner, xp=40, current_streak=3, last_active_date=learner.local_now().date()
    )

    goal = text_of(section(signed_in(learner).get(PATH).content.decode(), "daily-goal"))

    assert "6 of 15 minutes practised today" in goal
    assert "9 minutes to go" in goal
    assert "3-day streak" in goal


def test_the_daily_goal_counts_the_learners_own_date(learner: User) -> None:
    learner.timezone = "Pacific/Kiritimati"  # UTC+14: her today is often the UTC tomorrow
    learner.save()
    DailySummary.objects.create(
        user=learner, date=timezone.now().date() - timedelta(days=1), practised_ms=20 * 60_000
    )
    practised_today(learner, 15)

    goal = path.daily_goal_of(learner)

    assert (goal.day, goal.minutes, goal.met) == (learner.local_now().date(), 15, True)


# --- Tracks: descriptions and locks -----------------------------------------------------------


def test_a_locked_track_says_what_opens_it_and_offers_nothing_to_start(learner: User) -> None:
    basics = make_track("Basics", description="Where it all begins.")
    calculus = make_track("Calculus", xp_to_unlock=300, description="Rates of change.")
    calculus.prerequisites.add(basics)
    give_xp(learner, 120)
    client = signed_in(learner)

    cards = text_of(client.get(PATH).content.decode())
    assert "Where it all begins." in cards
    assert "Rates of change." in cards
    assert "To unlock: complete Basics and reach 300 XP (180 XP to go)." in cards

    complete(learner, *lessons_of(basics))
    TrackProgress.objects.create(user=learner, track=basics, completed_at=timezone.now())
    page = client.get(PATH).content.decode()
    assert "To unlock: reach 300 XP (180 XP to go)." in text_of(page)
    assert f'name="lesson" value="{lessons_of(calculus)[0].pk}"' not in page


@pytest.mark.parametrize("who", ["learner", "author"])
def test_what_the_path_opens_agrees_with_the_rule_that_guards_starting_a_lesson(
    who: str, request: pytest.FixtureRequest
) -> None:
    """For a learner, and for an author, who previews every track and lesson."""
    learner: User = request.getfixturevalue(who)
    tracks = curriculum_with_history(learner, 3)
    extra = LessonFactory(unit=UnitFactory(track=tracks[1]))
    extra.prerequisites.add(lessons_of(tracks[2])[1])  # a prerequisite on another track

    view = path.path_of(learner=learner, viewer=learner)

    shown = {lesson.id: lesson.unlocked for row in view.tracks for lesson in row.lessons}
    assert shown == {
        lesson.pk: selectors.lesson_is_unlocked(user=learner, lesson=lesson)
        for lesson in Lesson.objects.filter(unit__track__in=tracks).select_related("unit__track")
    }
    assert [row.unlocked for row in view.tracks] == [
        selectors.track_is_unlocked(user=learner, track=track) for track in tracks
    ]


def test_an_author_previews_every_track_from_her_path(author: User) -> None:
    basics = make_track("Basics")
    calculus = make_track("Calculus", xp_to_unlock=1000)
    calculus.prerequisites.add(basics)

    page = signed_in(author).get(PATH).content.decode()

    assert "To unlock" not in page
    assert f'name="lesson" value="{lessons_of(calculus)[-1].pk}"' in page


# --- A parent's read-only view ----------------------------------------------------------------


def test_a_parent_sees_her_childs_path_and_day_read_only(learner: User, parent: User) -> None:
    curriculum_with_history(learner, 2)
    link_parent(parent=parent, learner=learner)

    page = signed_in(parent).get(reverse("practice:child", args=[learner.pk])).content.decode()

    assert "ada's learning path" in text_of(page)
    assert "4 of 15 minutes practised today" in text_of(page)
    assert 'name="mode"' not in page
    assert "up-next" not in page


# --- Queries: a constant number, whatever the curriculum and the history ----------------------


PAGES = {
    # The session, the user, her profile + standing + avatar, tracks (2), today's summary,
    # lessons (2), lesson/unit/track progress (3), mastery per track, reviews due and practised,
    # the open session.
    "path": 14,
    # The session, the user, her profile + standing + avatar, today's summary, reviews due and
    # practised.
    "review": 5,
    # The session, the user, the track, its operations, the cells, the profile for the chrome.
    "grid": 6,
    # The parent's session and user, the link check, the child's profile + standing, tracks (2),
    # today's summary, lessons (2), progress (3), mastery per track, reviews due, the parent's
    # profile for the chrome.
    "child": 15,
}


@pytest.mark.parametrize("tracks", [2, 6])
@pytest.mark.parametrize("page", list(PAGES))
def test_each_path_page_takes_the_same_number_of_queries_whatever_the_curriculum(
    learner: User, parent: User, django_assert_num_queries: Any, tracks: int, page: str
) -> None:
    made = curriculum_with_history(learner, tracks)
    link_parent(parent=parent, learner=learner)
    url, viewer = {
        "path": (PATH, learner),
        "review": (reverse("practice:review"), learner),
        "grid": (reverse("practice:grid", args=[made[0].pk]), learner),
        "child": (reverse("practice:child", args=[learner.pk]), parent),
    }[page]
    client = signed_in(viewer)

    with django_assert_num_queries(PAGES[page]):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("practised", [0, 30])
def test_the_review_page_takes_the_same_queries_when_nothing_is_due(
    learner: User, django_assert_num_queries: Any, practised: int
) -> None:
    """Nothing due: a new learner is told why, one with answers offered her mistakes."""
    track = make_track("Basics", units=3, lessons=5)  # 30 exercises
    for exercise in list(Exercise.objects.filter(lesson__unit__track=track))[:practised]:
        ExerciseProgress.objects.create(
            user=learner, exercise=exercise, attempts=2, correct=1, due_at=None
        )
    client = signed_in(learner)

    # The session, the user, her profile + standing + avatar, today's summary, reviews due and
    # practised.
    with django_assert_num_queries(5):
        response = client.get(reverse("practice:review"))

    page = text_of(response.content.decode())
    assert ("Practise mistakes and weak skills" in page) == bool(practised)
    assert ("you have not answered any questions" in page) == (not practised)


def test_the_path_offers_practising_mistakes_when_nothing_is_due(learner: User) -> None:
    track = make_track("Basics")
    exercise = Exercise.objects.filter(lesson__unit__track=track).first()
    client = signed_in(learner)
    assert "Practise mistakes" not in text_of(section(client.get(PATH).content.decode(), "review"))

    ExerciseProgress.objects.create(user=learner, exercise=exercise, attempts=1, correct=0)

    review = text_of(section(client.get(PATH).content.decode(), "review"))
    assert "Nothing is due for review right now." in review
    assert "Practise mistakes and weak skills" in review


def test_a_track_placed_into_is_open_on_the_path_as_the_rule_says(learner: User) -> None:
    basics = make_track("Basics")
    calculus = make_track("Calculus", xp_to_unlock=300)
    calculus.prerequisites.add(basics)
    TrackProgress.objects.create(user=learner, track=calculus, unlocked_at=timezone.now())

    view = path.path_of(learner=learner, viewer=learner)

    rows = {row.track.title: row for row in view.tracks}
    assert rows["Calculus"].unlocked is selectors.track_is_unlocked(user=learner, track=calculus)
    assert rows["Calculus"].unlocked
    assert rows["Calculus"].lessons[0].unlocked
    page = text_of(signed_in(learner).get(PATH).content.decode())
    assert "To unlock" not in page
    api = APIClient()
    api.force_authenticate(learner)
    listed = {row["title"]: row["unlocked"] for row in api.get("/api/v1/progress/tracks").json()}
    assert listed == {"Basics": True, "Calculus": True}

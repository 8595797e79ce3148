"""Achievements and avatars: the seeded set, earning them by practising, and what they give."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from curriculum.models import Lesson, Status
from gamification.models import (
    MAX_STREAK_FREEZES,
    Achievement,
    Avatar,
    Standing,
    UserAchievement,
    UserAvatar,
)
from gamification.seeds import ACHIEVEMENTS, seed
from gamification.services import achievements_check, session_completed, xp_award
from practice.models import PracticeSession
from practice.services import answer_submit, session_start
from tests.curriculum.factories import LessonFactory, TrackFactory, UnitFactory
from tests.practice.builders import current, numeric_exercises, numeric_lesson, right_answer

from .helpers import answer, finish_lesson, start_lesson

pytestmark = pytest.mark.django_db

Criteria = Achievement.Criteria
TRACK_SLUGS = sorted({spec.track for spec in ACHIEVEMENTS if spec.track})


def achievement(code: str) -> Achievement:
    return Achievement.objects.get(code=code)


def tracks_named_like_the_demo() -> None:
    """The demo's track slugs, with a lesson each: quicker than the demo itself."""
    for slug in TRACK_SLUGS:
        LessonFactory(unit=UnitFactory(track=TrackFactory(title=slug.title(), slug=slug)))


# --- The seeded set ---------------------------------------------------------------------------


def test_the_migration_seeds_the_avatars_and_every_achievement_that_needs_no_track() -> None:
    assert Avatar.objects.count() == 18
    assert Achievement.objects.filter(track__isnull=True).count() == 19
    assert not Achievement.objects.filter(criteria=Criteria.TRACK_COMPLETED).exists()


def test_load_demo_with_the_seed_after_the_curriculum_gives_27_achievements_in_9_categories(
    settings: Any,
) -> None:
    settings.DEMO_LOADERS = ["curriculum.demo.load", "gamification.seeds.seed"]
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert "gamification.seeds: 8 created" in out.getvalue()  # the track achievements

    by_category = Counter(Achievement.objects.values_list("category", flat=True))
    assert by_category == {
        "getting_started": 3,
        "accuracy": 4,
        "question_milestones": 4,
        "study_streaks": 4,
        "levels": 4,
        "arithmetic": 2,
        "fractions": 2,
        "limits": 2,
        "calculus": 2,
    }
    # "Tracks" is the category of authors' tracks in subjects the seed has none for.
    assert set(by_category) == set(Achievement.Category.values) - {"tracks"}
    assert Achievement.objects.count() == 27
    # Every demo track has its own completion achievement: its threshold is the track's number
    # of published lessons (half of it, rounded up, for the two "halfway" ones).
    for slug in TRACK_SLUGS:
        lessons = Lesson.objects.filter(
            unit__track__slug=slug, status=Status.PUBLISHED, unit__status=Status.PUBLISHED
        ).count()
        thresholds = sorted(
            Achievement.objects.filter(track__slug=slug).values_list("threshold", flat=True)
        )
        assert thresholds[-1] == lessons > 0, slug
        if len(thresholds) == 2:
            assert thresholds[0] == math.ceil(lessons / 2), slug
    assert Achievement.objects.filter(criteria=Criteria.TRACK_COMPLETED).count() == 8


def test_seeding_again_changes_nothing() -> None:
    tracks_named_like_the_demo()
    seed()
    before = list(Achievement.objects.order_by("code").values())

    with CaptureQueriesContext(connection) as queries:
        again = seed()

    assert again == []
    assert list(Achievement.objects.order_by("code").values()) == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPD"))]
    assert writes == []


def test_there_are_18_avatars_3_common_defaults_3_rare_7_epic_5_legendary() -> None:
    avatars = list(Avatar.objects.all())

    assert Counter(a.rarity for a in avatars) == {"common": 3, "rare": 3, "epic": 7, "legendary": 5}
    assert {a.code for a in avatars if a.is_default} == {
        a.code for a in avatars if a.rarity == "common"
    }
    assert len({a.name for a in avatars}) == 18


def test_every_avatar_image_is_a_small_svg_among_the_static_files() -> None:
    for avatar in Avatar.objects.all():
        found = finders.find(avatar.image)
        assert found, f"{avatar.image} is not a static file"
        svg = Path(str(found)).read_text(encoding="utf-8")
        assert svg.startswith("<svg"), avatar.code
        assert 'viewBox="0 0 128 128"' in svg, avatar.code
        assert len(svg.encode()) < 3 * 1024, avatar.code
        assert f'<title id="title">{avatar.name}' in svg


def test_every_avatar_but_the_defaults_is_unlocked_by_exactly_one_achievement() -> None:
    tracks_named_like_the_demo()
    seed()

    unlocked = Counter(
        Achievement.objects.exclude(unlocks_avatar=None).values_list(
            "unlocks_avatar__code", flat=True
        )
    )

    locked = set(Avatar.objects.filter(is_default=False).values_list("code", flat=True))
    assert len(locked) == 15
    assert set(unlocked) == locked
    assert set(unlocked.values()) == {1}


def test_every_study_streak_achievement_grants_a_freeze() -> None:
    streaks = Achievement.objects.filter(category=Achievement.Category.STUDY_STREAKS)

    assert sorted(streaks.values_list("threshold", flat=True)) == [3, 7, 14, 30]
    assert all(a.grants_streak_freeze and a.criteria == Criteria.STUDY_STREAK for a in streaks)
    assert Achievement.objects.filter(hidden=True).exists()


# --- Earning them -----------------------------------------------------------------------------


def test_the_first_right_answer_earns_first_steps(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)
    session_id = start_lesson(ada, numeric_lesson(exercises=3))

    wrong = answer(ada, session_id, right=False)
    first_right = answer(ada, session_id)
    second_right = answer(ada, session_id)

    assert wrong["reward"]["achievements"] == []
    assert first_right["reward"]["achievements"] == [
        {"code": "first-steps", "name": "First steps", "xp_reward": 5}
    ]
    # 12 XP for the answer, 5 for the achievement.
    assert first_right["reward"]["xp"] == 12 + 5
    assert second_right["reward"]["achievements"] == []
    assert UserAchievement.objects.filter(user=learner).count() == 1


def _answer_counting_queries(user: User, session: PracticeSession) -> int:
    exercise, seed_ = current(session)
    with CaptureQueriesContext(connection) as queries:
        answer_submit(
            user=user,
            session=session,
            exercise_id=exercise.pk,
            response=right_answer(exercise, seed_),
            response_ms=1800,
        )
    return len(queries)


def test_an_answer_costs_as_many_queries_with_a_hundred_more_achievements(
    learner: User, django_assert_max_num_queries: Any
) -> None:
    lesson = numeric_lesson(exercises=4)
    session = session_start(user=learner, mode="lesson", lesson=lesson)
    _answer_counting_queries(learner, session)  # her first: rows made, "First steps" earned
    with_27 = _answer_counting_queries(learner, session)
    # A hundred more, most of criteria an answer cannot move, some it can but not yet met.
    criteria = [c for c in Criteria.values if c != Criteria.TRACK_COMPLETED]
    Achievement.objects.bulk_create(
        Achievement(
            code=f"extra-{n}",
            name=f"Extra {n}",
            description="One more.",
            category=Achievement.Category.ACCURACY,
            criteria=criteria[n % len(criteria)],
            threshold=10_000 + n,
        )
        for n in range(100)
    )
    exercise, seed_ = current(session)

    with django_assert_max_num_queries(with_27):
        answer_submit(
            user=learner,
            session=session,
            exercise_id=exercise.pk,
            response=right_answer(exercise, seed_),
            response_ms=1800,
        )


def test_an_answer_looks_only_at_the_achievements_of_the_criteria_it_can_move(
    learner: User,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        achievements_check(user=learner, criteria={Criteria.CORRECT_ANSWERS})

    (lookup,) = [q["sql"] for q in queries if 'FROM "gamification_achievement"' in q["sql"]]
    assert "IN ('correct_answers')" in lookup


def test_a_hidden_achievement_is_masked_until_it_is_earned(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)

    def perfectionist_row() -> dict[str, Any]:
        body = ada.get("/api/v1/me/achievements").json()
        secret = achievement("perfectionist")
        (row,) = [
            a for a in body["achievements"] if a["code"] in {"perfectionist", f"hidden-{secret.pk}"}
        ]
        return row

    masked = perfectionist_row()
    Standing.objects.create(user=learner, perfect_quizzes=10)
    achievements_check(user=learner, criteria={Criteria.PERFECT_QUIZ})
    revealed = perfectionist_row()

    assert masked["name"] == "Hidden achievement"
    assert (masked["description"], masked["icon"], masked["progress"]) == ("", "", None)
    assert masked["earned"] is False
    assert (revealed["name"], revealed["earned"]) == ("Perfectionist", True)
    assert revealed["description"] == "Get every question right in ten quizzes."


def test_completing_a_first_lesson_unlocks_an_avatar_she_can_then_wear(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)

    before = ada.post("/api/v1/me/avatar", {"avatar": "times-turtle"})
    replies = finish_lesson(ada, numeric_lesson(exercises=2))
    after = ada.post("/api/v1/me/avatar", {"avatar": "times-turtle"})

    assert before.status_code == 403
    assert before.json()["errors"][0]["code"] == "locked"
    earned = [a["code"] for a in replies[-1]["reward"]["achievements"]]
    assert "lesson-learned" in earned
    assert UserAvatar.objects.filter(user=learner, avatar__code="times-turtle").exists()
    assert after.status_code == 200
    assert after.json()["selected_avatar"]["code"] == "times-turtle"
    assert after.json()["selected_avatar"]["image_url"] == "/static/avatars/times-turtle.svg"


def test_a_default_avatar_is_always_hers_and_an_unknown_one_is_a_404(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)

    default = ada.post("/api/v1/me/avatar", {"avatar": "pi-owl"})
    locked = ada.post("/api/v1/me/avatar", {"avatar": "mobius-wizard"})
    unknown = ada.post("/api/v1/me/avatar", {"avatar": "no-such-avatar"})

    assert (default.status_code, locked.status_code, unknown.status_code) == (200, 403, 404)
    assert Standing.objects.get(user=learner).selected_avatar.code == "pi-owl"


def test_the_avatar_list_says_what_she_owns_and_what_unlocks_the_rest(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)
    ada.post("/api/v1/me/avatar", {"avatar": "plus-pup"})

    avatars = {a["code"]: a for a in ada.get("/api/v1/me/avatars").json()}

    assert len(avatars) == 18
    assert [c for c, a in avatars.items() if a["owned"]] == ["pi-owl", "plus-pup", "hexagon-robot"]
    assert avatars["plus-pup"]["selected"] is True
    assert avatars["sigma-fox"]["unlocked_by"] == "On a roll"
    assert avatars["euler-phoenix"]["unlocked_by"] == "Hidden achievement"  # "Unstoppable"
    assert avatars["sigma-fox"]["image_url"] == "/static/avatars/sigma-fox.svg"


def _freeze_granting(n: int) -> list[Achievement]:
    return [
        Achievement.objects.create(
            code=f"freeze-{k}",
            name=f"Freeze {k}",
            description="A gift.",
            category=Achievement.Category.ACCURACY,
            criteria=Criteria.CORRECT_ANSWERS,
            threshold=1,
            grants_streak_freeze=True,
        )
        for k in range(n)
    ]


def test_streak_freezes_granted_by_achievements_stop_at_two(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    _freeze_granting(3)
    ada = client_for(learner)

    reply = answer(ada, start_lesson(ada, numeric_lesson(exercises=2)))

    earned = {a["code"] for a in reply["reward"]["achievements"]}
    assert {"freeze-0", "freeze-1", "freeze-2"} <= earned
    assert Standing.objects.get(user=learner).streak_freezes == MAX_STREAK_FREEZES == 2


def test_a_freeze_earned_on_the_day_a_lesson_counts_is_kept(learner: User) -> None:
    # Level 2 grants a freeze; the lesson's XP takes her there, in the same completion that
    # moves her streak on. The streak is written first, then the freeze is added to it.
    Achievement.objects.create(
        code="level-two",
        name="Level two",
        description="Reach level 2.",
        category=Achievement.Category.LEVELS,
        criteria=Criteria.LEVEL_REACHED,
        threshold=2,
        grants_streak_freeze=True,
    )
    xp_award(user=learner, amount=95, reason="answer", source_type="test", source_id=1)

    outcome = session_completed(
        user=learner,
        session_id=1,
        mode="lesson",
        accuracy=1.0,
        lesson_id=1,
        lesson_xp=10,
        first_completion=True,
        track_id=None,
    )

    standing = Standing.objects.get(user=learner)
    assert "level-two" in {a.code for a in outcome.achievements}
    assert (standing.level, standing.current_streak, standing.streak_freezes) == (2, 1, 1)


def test_completing_a_track_earns_its_achievements_and_its_avatar(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    # A small track under the demo's "fractions" slug: its achievements need 1 and 2 lessons.
    unit = UnitFactory(track=TrackFactory(title="Fractions", slug="fractions"))
    lessons = [LessonFactory(unit=unit, xp_reward=20) for _ in range(2)]
    for lesson in lessons:
        numeric_exercises(lesson, 1)
    seed()
    assert achievement("halfway-there").threshold == 1
    assert achievement("whole-again").threshold == 2
    ada = client_for(learner)

    after_first = finish_lesson(ada, lessons[0])[-1]["reward"]["achievements"]
    after_second = finish_lesson(ada, lessons[1])[-1]["reward"]["achievements"]

    assert "halfway-there" in {a["code"] for a in after_first}
    assert "whole-again" in {a["code"] for a in after_second}
    assert UserAvatar.objects.filter(user=learner, avatar__code="fraction-frog").exists()


@pytest.mark.django_db(transaction=True)
def test_the_seeded_achievements_survive_a_database_flush() -> None:
    from django.core.management import call_command

    from gamification.models import Achievement, Avatar

    call_command("flush", verbosity=0, interactive=False)

    assert Avatar.objects.count() == 18
    assert Achievement.objects.filter(track__isnull=True).count() == 19

"""The avatars and achievements every Calcuingo has: 18 avatars, 27 achievements in 9 categories.

`seed()` writes them, matched by `code`, and is safe to run again (a second run writes nothing).
It runs from the data migration — with the historical models, so it only sets fields that exist
at `gamification.0002` — and from `manage.py load_demo` after the demo curriculum
(`settings.DEMO_LOADERS`). Track achievements name their track by slug and are made only when
that track exists; their threshold is the track's published lesson count, so reloading a grown
track moves it along.

Any other track gets its completion achievement from `track_achievement_create` (the admin calls
it when an author publishes a track), and `track_achievements_recount` keeps the thresholds of
every track achievement with a `share_of_track` in step with its track's published lessons (the
admin calls it after each change of the curriculum).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Count, Q
from django.utils.text import slugify

from curriculum.models import Status, Track

from .models import Achievement, Avatar

COMMON, RARE, EPIC, LEGENDARY = "common", "rare", "epic", "legendary"


@dataclass(frozen=True)
class AvatarSpec:
    code: str
    name: str
    description: str
    rarity: str
    is_default: bool = False

    @property
    def image(self) -> str:
        return f"avatars/{self.code}.svg"


@dataclass(frozen=True)
class AchievementSpec:
    code: str
    name: str
    description: str
    category: str
    criteria: str
    threshold: int = 0  # for track criteria: 0 means every published lesson of the track
    xp_reward: int = 0
    icon: str = ""
    hidden: bool = False
    grants_streak_freeze: bool = False
    unlocks: str = ""  # an avatar code
    track: str = ""  # a track slug, for track criteria
    share_of_track: float = 1.0  # for track criteria without a threshold: this part of it


AVATARS: tuple[AvatarSpec, ...] = (
    # Common: everyone has them from the start.
    AvatarSpec("pi-owl", "π Owl", "A wise owl who knows a few digits of π.", COMMON, True),
    AvatarSpec("plus-pup", "Plus Pup", "A cheerful pup with a plus on its collar.", COMMON, True),
    AvatarSpec("hexagon-robot", "Hexagon Robot", "Six sides, zero bugs.", COMMON, True),
    # Rare: the first steps.
    AvatarSpec("times-turtle", "Times Turtle", "Slow and steady multiplies the race.", RARE),
    AvatarSpec("root-tree", "√ Tree", "A tree whose roots are square.", RARE),
    AvatarSpec("sigma-fox", "Σ Fox", "A fox that adds up every day.", RARE),
    # Epic: real practice.
    AvatarSpec("golden-snail", "Golden Snail", "Its shell follows the golden ratio.", EPIC),
    AvatarSpec("abacus-bear", "Abacus Bear", "Counts on every bead.", EPIC),
    AvatarSpec("delta-bird", "Δ Bird", "A bird of change, for a week of practice.", EPIC),
    AvatarSpec("prime-bee", "Prime Bee", "Buzzes only on prime numbers.", EPIC),
    AvatarSpec("sum-squid", "Sum Squid", "Eight arms, every sum.", EPIC),
    AvatarSpec("table-tiger", "Table Tiger", "Stripes in the shape of ×.", EPIC),
    AvatarSpec("fraction-frog", "Fraction Frog", "Half on the lily pad, half in the pond.", EPIC),
    # Legendary: the summits.
    AvatarSpec("infinity-snake", "∞ Snake", "It never reaches its tail.", LEGENDARY),
    AvatarSpec("tangent-hawk", "Tangent Hawk", "Flies along the slope.", LEGENDARY),
    AvatarSpec("integral-swan", "∫ Swan", "Its neck is an integral sign.", LEGENDARY),
    AvatarSpec("euler-phoenix", "e Phoenix", "Grows back, exponentially.", LEGENDARY),
    AvatarSpec("mobius-wizard", "Möbius Wizard", "A cloak with only one side.", LEGENDARY),
)

# fmt: off
ACHIEVEMENTS: tuple[AchievementSpec, ...] = (
    # Getting started
    AchievementSpec(
        "first-steps", "First steps", "Answer your first question right.",
        "getting_started", "correct_answers", 1, xp_reward=5, icon="👣",
    ),
    AchievementSpec(
        "lesson-learned", "Lesson learned", "Complete your first lesson.",
        "getting_started", "lessons_completed", 1, xp_reward=10, icon="📘", unlocks="times-turtle",
    ),
    AchievementSpec(
        "quiz-taker", "Quiz taker", "Complete your first quiz.",
        "getting_started", "quiz_completed", 1, xp_reward=10, icon="📝",
    ),
    # Accuracy
    AchievementSpec(
        "sharp-shooter", "Sharp shooter", "Score 90 % or more in a quiz.",
        "accuracy", "high_score_quiz", 1, xp_reward=15, icon="🎯", unlocks="root-tree",
    ),
    AchievementSpec(
        "flawless", "Flawless", "Get every question of a quiz right.",
        "accuracy", "perfect_quiz", 1, xp_reward=25, icon="💎", unlocks="golden-snail",
    ),
    AchievementSpec(
        "precision", "Precision", "Score 90 % or more in ten quizzes.",
        "accuracy", "high_score_quiz", 10, xp_reward=50, icon="🔬",
    ),
    AchievementSpec(
        "perfectionist", "Perfectionist", "Get every question right in ten quizzes.",
        "accuracy", "perfect_quiz", 10, xp_reward=100, icon="🏅", hidden=True,
    ),
    # Question milestones
    AchievementSpec(
        "century", "Century", "Answer 100 questions right.",
        "question_milestones", "correct_answers", 100, xp_reward=25, icon="💯",
    ),
    AchievementSpec(
        "thousand-answers", "A thousand answers", "Answer 1,000 questions right.",
        "question_milestones", "correct_answers", 1000, xp_reward=100, icon="🧮", hidden=True,
    ),
    AchievementSpec(
        "bookworm", "Bookworm", "Complete 25 lessons.",
        "question_milestones", "lessons_completed", 25, xp_reward=50, icon="📚",
    ),
    AchievementSpec(
        "fact-finder", "Fact finder", "Master 50 number facts.",
        "question_milestones", "facts_mastered", 50, xp_reward=50, icon="⚡",
        unlocks="abacus-bear",
    ),
    # Study streaks: each one is also a streak freeze.
    AchievementSpec(
        "on-a-roll", "On a roll", "Practise three days in a row.",
        "study_streaks", "study_streak", 3, xp_reward=10, icon="🔥",
        grants_streak_freeze=True, unlocks="sigma-fox",
    ),
    AchievementSpec(
        "week-warrior", "Week warrior", "Practise seven days in a row.",
        "study_streaks", "study_streak", 7, xp_reward=25, icon="📅",
        grants_streak_freeze=True, unlocks="delta-bird",
    ),
    AchievementSpec(
        "fortnight", "Fortnight", "Practise fourteen days in a row.",
        "study_streaks", "study_streak", 14, xp_reward=50, icon="🌗",
        grants_streak_freeze=True,
    ),
    AchievementSpec(
        "unstoppable", "Unstoppable", "Practise thirty days in a row.",
        "study_streaks", "study_streak", 30, xp_reward=100, icon="🚀",
        grants_streak_freeze=True, hidden=True, unlocks="euler-phoenix",
    ),
    # Levels
    AchievementSpec(
        "rising-star", "Rising star", "Reach level 3.",
        "levels", "level_reached", 3, xp_reward=10, icon="⭐",
    ),
    AchievementSpec(
        "high-five", "High five", "Reach level 5.",
        "levels", "level_reached", 5, xp_reward=25, icon="🖐️",
    ),
    AchievementSpec(
        "double-digits", "Double digits", "Reach level 10.",
        "levels", "level_reached", 10, xp_reward=50, icon="🔟", unlocks="prime-bee",
    ),
    AchievementSpec(
        "mathemagician", "Mathemagician", "Reach level 20.",
        "levels", "level_reached", 20, xp_reward=100, icon="🧙", hidden=True,
        unlocks="mobius-wizard",
    ),
    # Tracks: arithmetic facts
    AchievementSpec(
        "sum-master", "Sum master", "Complete every lesson of Addition & subtraction facts.",
        "arithmetic", "track_completed", xp_reward=50, icon="➕",
        track="addition-subtraction-facts", unlocks="sum-squid",
    ),
    AchievementSpec(
        "times-tables-tamed", "Times tables tamed",
        "Complete every lesson of Multiplication & division facts.",
        "arithmetic", "track_completed", xp_reward=50, icon="✖️",
        track="multiplication-division-facts", unlocks="table-tiger",
    ),
    # Tracks: fractions
    AchievementSpec(
        "halfway-there", "Halfway there", "Complete half the lessons of Fractions.",
        "fractions", "track_completed", xp_reward=20, icon="🍕",
        track="fractions", share_of_track=0.5,
    ),
    AchievementSpec(
        "whole-again", "Whole again", "Complete every lesson of Fractions.",
        "fractions", "track_completed", xp_reward=50, icon="🥧",
        track="fractions", unlocks="fraction-frog",
    ),
    # Tracks: limits
    AchievementSpec(
        "getting-closer", "Getting closer", "Complete half the lessons of Limits.",
        "limits", "track_completed", xp_reward=20, icon="🔭",
        track="limits", share_of_track=0.5,
    ),
    AchievementSpec(
        "limitless", "Limitless", "Complete every lesson of Limits.",
        "limits", "track_completed", xp_reward=75, icon="♾️",
        track="limits", unlocks="infinity-snake",
    ),
    # Tracks: calculus
    AchievementSpec(
        "rate-of-change", "Rate of change", "Complete every lesson of Derivatives.",
        "calculus", "track_completed", xp_reward=100, icon="📈",
        track="derivatives", unlocks="tangent-hawk",
    ),
    AchievementSpec(
        "integral-part", "Integral part", "Complete every lesson of Antiderivatives.",
        "calculus", "track_completed", xp_reward=100, icon="∫",
        track="antiderivatives", hidden=True, unlocks="integral-swan",
    ),
)
# fmt: on


def _upsert(model: Any, code: str, values: dict[str, Any]) -> bool:
    """Create the row with this code, or update the fields that differ; True if created."""
    row = model.objects.filter(code=code).first()
    if row is None:
        model.objects.create(code=code, **values)
        return True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
    return False


def _track_thresholds(apps: Any) -> dict[str, tuple[Any, int]]:
    """Each existing track a seed names, with its number of published lessons."""
    track_model = apps.get_model("curriculum", "Track")
    lesson_model = apps.get_model("curriculum", "Lesson")
    slugs = {spec.track for spec in ACHIEVEMENTS if spec.track}
    found = {}
    for track in track_model.objects.filter(slug__in=slugs):
        lessons = lesson_model.objects.filter(
            unit__track=track, status="published", unit__status="published"
        ).count()
        found[track.slug] = (track, lessons)
    return found


@transaction.atomic
def seed(apps: Any = None) -> list[str]:
    """Write the avatars and achievements (upsert by code); returns the codes created.

    `apps` is a migration's historical registry; by default the current models.
    """
    if apps is None:
        from django.apps import apps as current_apps

        apps = current_apps
    avatar_model = apps.get_model("gamification", "Avatar")
    achievement_model = apps.get_model("gamification", "Achievement")
    created: list[str] = []
    for order, avatar in enumerate(AVATARS, start=1):
        values = {
            "name": avatar.name,
            "description": avatar.description,
            "image": avatar.image,
            "rarity": avatar.rarity,
            "is_default": avatar.is_default,
            "display_order": order * 10,
        }
        if _upsert(avatar_model, avatar.code, values):
            created.append(f"avatar {avatar.code}")
    avatars = dict(avatar_model.objects.values_list("code", "pk"))
    tracks = _track_thresholds(apps)
    for order, spec in enumerate(ACHIEVEMENTS, start=1):
        track, threshold = None, spec.threshold
        share = None
        if spec.track:
            if spec.track not in tracks or tracks[spec.track][1] == 0:
                continue  # made by `load_demo` once the track is there
            track, lessons = tracks[spec.track]
            threshold = spec.threshold or max(1, math.ceil(lessons * spec.share_of_track))
            share = None if spec.threshold else round(100 * spec.share_of_track)
        values = {
            "name": spec.name,
            "description": spec.description,
            "category": spec.category,
            "criteria": spec.criteria,
            "threshold": threshold,
            "track_id": track.pk if track else None,
            "xp_reward": spec.xp_reward,
            "grants_streak_freeze": spec.grants_streak_freeze,
            "hidden": spec.hidden,
            "display_order": order * 10,
            "icon": spec.icon,
            "unlocks_avatar_id": avatars[spec.unlocks] if spec.unlocks else None,
        }
        if _has_field(achievement_model, "share_of_track"):  # from gamification.0004
            values["share_of_track"] = share
        if _upsert(achievement_model, spec.code, values):
            created.append(f"achievement {spec.code}")
    return created


def _has_field(model: Any, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


# --- Completion achievements of any track --------------------------------------------------------

TRACK_XP_REWARD = 50
DEFAULT_TRACK_ICON = "🏁"
# The achievement category of a track's subject.
SUBJECT_CATEGORIES = {
    "arithmetic": "arithmetic",
    "fractions": "fractions",
    "limits": "limits",
    "derivatives": "calculus",
    "integrals": "calculus",
}
# The avatars made to be earned by finishing a track, offered by subject to a new track's
# achievement while no other achievement unlocks them.
SUBJECT_AVATARS = {
    "arithmetic": ("sum-squid", "table-tiger"),
    "fractions": ("fraction-frog",),
    "limits": ("infinity-snake",),
    "derivatives": ("tangent-hawk",),
    "integrals": ("integral-swan",),
}
TRACK_AVATARS = tuple(code for codes in SUBJECT_AVATARS.values() for code in codes)


def category_for_subject(subject: str) -> str:
    return SUBJECT_CATEGORIES.get(subject, "tracks")


def _published_lessons(track_ids: set[int]) -> dict[int, int]:
    """Each track's number of published lessons in published units: one query."""
    published = Status.PUBLISHED
    return dict(
        Track.objects.filter(pk__in=track_ids)
        .annotate(
            lessons=Count(
                "units__lessons",
                filter=Q(units__status=published, units__lessons__status=published),
            )
        )
        .values_list("pk", "lessons")
    )


def threshold_for(*, lessons: int, share_of_track: int) -> int:
    """Lessons to complete for `share_of_track` percent of a track of `lessons` lessons."""
    return max(1, math.ceil(lessons * share_of_track / 100))


def unused_value(model: Any, field: str, wanted: str, limit: int) -> str:
    """`wanted`, or `wanted (2)`, `wanted (3)`, … : the first value of `field` not yet taken."""
    candidate, number = wanted[:limit], 1
    while model.objects.filter(**{field: candidate}).exists():
        number += 1
        suffix = f"-{number}" if field == "code" else f" ({number})"
        candidate = wanted[: limit - len(suffix)] + suffix
    return candidate


@transaction.atomic
def track_achievement_create(*, track: Track) -> Achievement:
    """Give a track its completion achievement (every published lesson); returns it.

    Named after the track, in the category of its subject, 50 XP, and, while no other
    achievement unlocks it, the avatar made for tracks of that subject.
    """
    taken = set(
        Achievement.objects.filter(unlocks_avatar__code__in=TRACK_AVATARS).values_list(
            "unlocks_avatar__code", flat=True
        )
    )
    free = [code for code in SUBJECT_AVATARS.get(track.subject, ()) if code not in taken]
    avatar = Avatar.objects.filter(code__in=free[:1]).first()
    lessons = _published_lessons({track.pk}).get(track.pk, 0)
    top = Achievement.objects.order_by("-display_order").values_list("display_order", flat=True)
    return Achievement.objects.create(
        code=unused_value(Achievement, "code", slugify(f"complete-{track.slug}"), 60),
        name=unused_value(Achievement, "name", f"{track.title} complete", 80),
        description=f"Complete every lesson of {track.title}."[:200],
        category=category_for_subject(track.subject),
        criteria=Achievement.Criteria.TRACK_COMPLETED,
        track=track,
        share_of_track=100,
        threshold=threshold_for(lessons=lessons, share_of_track=100),
        xp_reward=TRACK_XP_REWARD,
        icon=track.icon or DEFAULT_TRACK_ICON,
        unlocks_avatar=avatar,
        display_order=(top.first() or 0) + 10,
    )


@transaction.atomic
def track_achievements_recount() -> int:
    """Move each following track achievement's threshold to its track's published lessons.

    Two queries when nothing changed; returns how many thresholds moved.
    """
    following = list(
        Achievement.objects.filter(
            criteria=Achievement.Criteria.TRACK_COMPLETED,
            share_of_track__isnull=False,
            track__isnull=False,
        ).only("pk", "track_id", "share_of_track", "threshold")
    )
    if not following:
        return 0
    lessons = _published_lessons({a.track_id for a in following if a.track_id})
    moved = []
    for achievement in following:
        threshold = threshold_for(
            lessons=lessons.get(achievement.track_id or 0, 0),
            share_of_track=achievement.share_of_track or 100,
        )
        if threshold != achievement.threshold:
            achievement.threshold = threshold
            moved.append(achievement)
    Achievement.objects.bulk_update(moved, ["threshold"])
    return len(moved)

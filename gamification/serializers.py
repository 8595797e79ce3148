"""Shapes of motivation data on the API; validation only."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import Achievement, Avatar, XPEvent

MAX_TOP = 100
DEFAULT_TOP = 50


class LearnerQuerySerializer(serializers.Serializer[Any]):
    learner = serializers.IntegerField(
        required=False, min_value=1, help_text="A linked learner's id (parents); default: me."
    )


class AvatarBriefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    rarity = serializers.ChoiceField(choices=Avatar.Rarity.choices)
    image_url = serializers.CharField()


class CountersSerializer(serializers.Serializer[Any]):
    correct_answers = serializers.IntegerField()
    lessons_completed = serializers.IntegerField()
    quizzes_completed = serializers.IntegerField()
    perfect_quizzes = serializers.IntegerField()
    high_score_quizzes = serializers.IntegerField()
    facts_mastered = serializers.IntegerField()


class StandingSerializer(serializers.Serializer[Any]):
    learner = serializers.IntegerField()
    xp = serializers.IntegerField()
    level = serializers.IntegerField()
    xp_in_level = serializers.IntegerField(help_text="XP earned since this level began.")
    level_span = serializers.IntegerField(help_text="XP from this level to the next.")
    xp_to_next_level = serializers.IntegerField()
    current_streak = serializers.IntegerField(
        help_text="Days in a row as of today on the learner's calendar; 0 once it has lapsed."
    )
    best_streak = serializers.IntegerField()
    practised_today = serializers.BooleanField(help_text="Today already counts for the streak.")
    last_active_date = serializers.DateField(allow_null=True)
    streak_freezes = serializers.IntegerField(help_text="Each covers one missed day.")
    max_streak_freezes = serializers.IntegerField()
    selected_avatar = AvatarBriefSerializer(allow_null=True)
    leaderboard_opt_out = serializers.BooleanField()
    counters = CountersSerializer()


class XPEventSerializer(serializers.ModelSerializer[XPEvent]):
    reason_label = serializers.CharField(source="get_reason_display")

    class Meta:
        model = XPEvent
        fields = [
            "id",
            "amount",
            "reason",
            "reason_label",
            "source_type",
            "source_id",
            "track",
            "created_at",
        ]
        read_only_fields = fields


class AchievementSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text='"hidden-<id>" for a hidden one not yet earned.')
    name = serializers.CharField()
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=Achievement.Category.choices)
    category_label = serializers.CharField()
    icon = serializers.CharField()
    hidden = serializers.BooleanField()
    earned = serializers.BooleanField()
    earned_at = serializers.DateTimeField(allow_null=True)
    xp_reward = serializers.IntegerField()
    grants_streak_freeze = serializers.BooleanField()
    unlocks_avatar = serializers.CharField(allow_null=True, help_text="An avatar code.")
    progress = serializers.IntegerField(allow_null=True, help_text="Up to the threshold.")
    threshold = serializers.IntegerField(allow_null=True)


class AchievementListSerializer(serializers.Serializer[Any]):
    earned = serializers.IntegerField()
    total = serializers.IntegerField()
    achievements = AchievementSerializer(many=True)


class AvatarSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    rarity = serializers.ChoiceField(choices=Avatar.Rarity.choices)
    image_url = serializers.CharField()
    is_default = serializers.BooleanField()
    owned = serializers.BooleanField()
    selected = serializers.BooleanField()
    unlocked_at = serializers.DateTimeField(allow_null=True)
    unlocked_by = serializers.CharField(
        allow_null=True, help_text="The achievement that unlocks it (masked while hidden)."
    )


class AvatarSelectSerializer(serializers.Serializer[Any]):
    avatar = serializers.SlugField(max_length=40, help_text="The avatar's code.")


class LeaderboardOptSerializer(serializers.Serializer[Any]):
    opt_out = serializers.BooleanField(help_text="True: appear on no leaderboard.")


class LeaderboardQuerySerializer(serializers.Serializer[Any]):
    track = serializers.IntegerField(
        required=False, min_value=1, help_text="A track's board instead of the overall one."
    )
    top = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_TOP,
        help_text=f"How many leaders (default {DEFAULT_TOP}).",
    )


class LeaderboardRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField(help_text="Equal XP, equal rank.")
    learner = serializers.IntegerField()
    username = serializers.CharField()
    xp = serializers.IntegerField()
    is_me = serializers.BooleanField()


class LeaderboardSerializer(serializers.Serializer[Any]):
    period = serializers.ChoiceField(choices=["daily", "weekly", "all_time"])
    starts_on = serializers.DateField(
        allow_null=True, help_text="UTC date the period began (weeks begin on Monday)."
    )
    track = serializers.IntegerField(allow_null=True)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["redis", "sql"], help_text="sql: Redis was unavailable, read from the ledger."
    )
    top = LeaderboardRowSerializer(many=True)
    me = LeaderboardRowSerializer(allow_null=True)
    around_me = LeaderboardRowSerializer(many=True, help_text="My neighbours on the board.")

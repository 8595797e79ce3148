"""Shapes of the dashboards on the API; validation of their query, nothing more."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rest_framework import serializers

DEFAULT_RANGE_DAYS = 30
MAX_RANGE_DAYS = 366


class RangeQuerySerializer(serializers.Serializer[Any]):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`, the learner's local dates, inclusive.

    Defaults to the last 30 days ending today (`context["today"]`, her local date). `from` is a
    Python keyword, hence the fields are declared in `get_fields`.
    """

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            "from": serializers.DateField(required=False, input_formats=["iso-8601"]),
            "to": serializers.DateField(required=False, input_formats=["iso-8601"]),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today: date = self.context["today"]
        end: date = attrs.get("to") or today
        start: date = attrs.get("from") or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        if start > end:
            raise serializers.ValidationError(
                {"to": ["The end of the range comes before its start."]}, code="invalid_range"
            )
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"from": [f"A range spans at most {MAX_RANGE_DAYS} days."]}, code="range_too_long"
            )
        return {"from": start, "to": end}


class DaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    questions = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    minutes = serializers.FloatField()
    xp = serializers.IntegerField()
    sessions = serializers.IntegerField()
    facts_mastered = serializers.IntegerField()
    goal_met = serializers.BooleanField()


class TotalsSerializer(serializers.Serializer[Any]):
    questions = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    minutes = serializers.FloatField()
    xp = serializers.IntegerField()
    sessions = serializers.IntegerField()
    facts_mastered = serializers.IntegerField()
    days_active = serializers.IntegerField()


class LearnerStatsSerializer(serializers.Serializer[Any]):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            "from": serializers.DateField(source="start"),
            "to": serializers.DateField(source="end"),
            "days": DaySerializer(many=True),
            "totals": TotalsSerializer(),
        }


class ChildSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    timezone = serializers.CharField()


class StreakSerializer(serializers.Serializer[Any]):
    current = serializers.IntegerField()
    best = serializers.IntegerField()


class TrackLineSerializer(serializers.Serializer[Any]):
    track = serializers.IntegerField()
    title = serializers.CharField()
    attempts = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    completed = serializers.BooleanField()


class SessionLineSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    mode = serializers.CharField()
    status = serializers.CharField()
    track = serializers.IntegerField(allow_null=True)
    track_title = serializers.CharField(allow_null=True)
    lesson = serializers.IntegerField(allow_null=True)
    lesson_title = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    xp = serializers.IntegerField()


class ChildSummarySerializer(serializers.Serializer[Any]):
    learner = ChildSerializer()
    today = DaySerializer()
    this_week = TotalsSerializer()
    week_starts_on = serializers.DateField(help_text="Monday of this week, the learner's date.")
    streak = StreakSerializer()
    tracks = TrackLineSerializer(many=True, help_text="Accuracy by track.")
    recent_sessions = SessionLineSerializer(many=True)


class LessonLineSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    unit = serializers.IntegerField()
    unit_title = serializers.CharField()
    status = serializers.CharField()
    completed_by = serializers.IntegerField(help_text="Learners who completed the lesson.")


class HardExerciseSerializer(serializers.Serializer[Any]):
    exercise = serializers.IntegerField()
    prompt = serializers.CharField()
    attempts = serializers.IntegerField()
    learners = serializers.IntegerField()
    share_correct = serializers.FloatField(allow_null=True)
    average_response_ms = serializers.IntegerField(allow_null=True)
    average_hints = serializers.FloatField(allow_null=True)
    discrimination = serializers.FloatField(allow_null=True)


class TrackStatisticsSerializer(serializers.Serializer[Any]):
    track = serializers.IntegerField()
    title = serializers.CharField()
    learners = serializers.IntegerField()
    attempts = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    lessons = LessonLineSerializer(many=True)
    hardest = HardExerciseSerializer(many=True, help_text="Lowest share correct first.")

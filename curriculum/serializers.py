"""Shapes of curriculum content on the API. Answers are never part of any of them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from . import grading
from .models import Exercise, Lesson, Track, Unit


class TrackSerializer(serializers.ModelSerializer[Track]):
    prerequisites: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Track
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "subject",
            "grade_level",
            "difficulty",
            "estimated_hours",
            "colour",
            "icon",
            "order",
            "prerequisites",
            "xp_to_unlock",
            "status",
            "unit_count",
        ]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer[Unit]):
    lesson_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "track",
            "order",
            "title",
            "description",
            "mastery_required",
            "min_accuracy",
            "status",
            "lesson_count",
        ]
        read_only_fields = fields


class LessonSerializer(serializers.ModelSerializer[Lesson]):
    track = serializers.IntegerField(source="unit.track_id", read_only=True)
    prerequisites: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    exercise_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "track",
            "unit",
            "order",
            "title",
            "description",
            "xp_reward",
            "prerequisites",
            "status",
            "exercise_count",
        ]
        read_only_fields = fields


class OptionSerializer(serializers.Serializer[Any]):
    """A multiple-choice option as a learner sees it: its text only (explanations come after)."""

    index = serializers.IntegerField()
    text = serializers.CharField()


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    """An exercise as the learner sees it, with parameters filled in for her own variant."""

    prompt = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()
    unit = serializers.IntegerField(source="lesson.unit_id", read_only=True)
    hint_count = serializers.IntegerField(read_only=True)
    # Declared so the schema says what a fact-less or image-less exercise answers: "" and null.
    image = serializers.ImageField(read_only=True, allow_null=True)
    operation = serializers.ChoiceField(
        Exercise.Operation.choices, read_only=True, allow_blank=True
    )
    operation2 = serializers.ChoiceField(
        Exercise.Operation.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "unit",
            "lesson",
            "order",
            "kind",
            "prompt",
            "options",
            "answer_unit",
            "difficulty",
            "tags",
            "image",
            "operand1",
            "operation",
            "operand2",
            "operation2",
            "operand3",
            "hint_count",
            # Code exercises ("" and the defaults otherwise); never the reference solution.
            "starter_code",
            "entry_point",
            "time_limit_seconds",
            "memory_limit_mb",
        ]
        read_only_fields = fields

    def _values(self, exercise: Exercise) -> dict[str, int]:
        if not exercise.parameters:
            return {}
        seed = f"{self.context.get('seed_prefix', 'anonymous')}:{exercise.pk}"
        return grading.variant_for(exercise.parameters, seed)

    def get_prompt(self, exercise: Exercise) -> str:
        values = self._values(exercise)
        return grading.render_variant(exercise.prompt, values)

    def get_options(self, exercise: Exercise) -> list[dict[str, Any]]:
        values = self._values(exercise)
        shown = []
        for index, option in enumerate(exercise.options or []):
            text = option.get("text", "") if isinstance(option, dict) else str(option)
            shown.append({"index": index, "text": grading.render_variant(text, values)})
        return shown


class MathPreviewInputSerializer(serializers.Serializer[Any]):
    input = serializers.CharField(
        max_length=grading.mathparse.MAX_INPUT_LENGTH, trim_whitespace=False, allow_blank=True
    )
    variables = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z][A-Za-z0-9_]{0,15}$"),
        required=False,
        max_length=10,
        help_text="Multi-letter variable names, e.g. theta (single letters are always variables).",
    )


class MathPreviewOutputSerializer(serializers.Serializer[Any]):
    valid = serializers.BooleanField()
    latex = serializers.CharField(allow_null=True, help_text="What the input was read as.")
    error = serializers.CharField(allow_null=True)
    position = serializers.IntegerField(
        allow_null=True, help_text="0-based character offset where reading failed."
    )

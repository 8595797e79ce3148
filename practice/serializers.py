"""Shapes of practice data on the API; validation only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from curriculum import grading
from curriculum.grading.numbers import NumberFormatError, read_bare_number, read_numeric
from curriculum.models import Exercise

from .models import (
    CODE_SOURCE_MAX_BYTES,
    CodeSubmission,
    FluencyLevel,
    InputMethod,
    PracticeSession,
)

MAX_RESPONSE_LENGTH = 500
# An hour: anything longer is a tab left open, not a response time.
MAX_RESPONSE_MS = 60 * 60 * 1000


class SessionStartSerializer(serializers.Serializer[Any]):
    mode = serializers.ChoiceField(choices=PracticeSession.Mode.choices)
    lesson = serializers.IntegerField(required=False, min_value=1)
    unit = serializers.IntegerField(required=False, min_value=1)
    track = serializers.IntegerField(required=False, min_value=1)
    size = serializers.IntegerField(required=False, min_value=1, max_value=100)
    seconds = serializers.IntegerField(
        required=False, min_value=10, max_value=3600, help_text="Drill length."
    )
    per_question_seconds = serializers.IntegerField(required=False, min_value=5, max_value=3600)
    placement = serializers.BooleanField(
        default=False,
        help_text="A quiz that places the learner, on any published track, locked or not: with a "
        "`track`, a placement quiz over its units; with a `unit`, that unit's test-out. Each unit "
        "answered without a mistake (two questions at least) is marked complete, what follows "
        "opens, and the placement pays a small fixed XP once.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        needs = {"lesson": ["lesson"], "drill": ["track"], "quiz": ["track", "unit"]}
        wanted = needs.get(attrs["mode"], [])
        if wanted and not any(attrs.get(name) for name in wanted):
            raise serializers.ValidationError(
                {wanted[0]: [f"A {attrs['mode']} session needs a {' or a '.join(wanted)}."]}
            )
        if attrs.get("placement") and attrs["mode"] != PracticeSession.Mode.QUIZ:
            raise serializers.ValidationError({"placement": ["Only a quiz can place you."]})
        return attrs


def answer_format_error(response: str, *, kind: str, variables: list[str]) -> str:
    """Why this answer cannot be read as the question asks ("" when it can).

    An expression goes through the same parser and variables as the preview the learner sees
    while typing; a number through the same reader as the grader. What cannot be read is refused,
    and costs nothing, instead of being graded wrong.
    """
    if not response.strip():
        return ""
    if kind == Exercise.Kind.EXPRESSION:
        result = grading.preview(response, variables or None)
        if result.ok:
            return ""
        return f"{result.error} (at character {(result.position or 0) + 1})."
    reader = NUMBER_READERS.get(kind)
    if reader is None:
        return ""
    try:
        reader(response)
    except NumberFormatError as error:
        return str(error)
    return ""


NUMBER_READERS: dict[str, Callable[[str], object]] = {
    Exercise.Kind.FACT: read_bare_number,
    Exercise.Kind.NUMERIC: read_numeric,
}


class OptionSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(help_text="The option's own index: send it as the response.")
    key = serializers.IntegerField(help_text="Its place in this learner's shuffled order, from 1.")
    text = serializers.CharField()


class PlainExerciseSerializer(serializers.Serializer[Any]):
    """The question as the learner sees it: never the answer."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Exercise.Kind.choices)
    prompt = serializers.CharField()
    options = OptionSerializer(
        many=True, help_text="Shuffled per variant (the same order on every reload)."
    )
    answer_unit = serializers.CharField()
    operand1 = serializers.IntegerField(allow_null=True)
    operation = serializers.CharField()
    operand2 = serializers.IntegerField(allow_null=True)
    operation2 = serializers.CharField()
    operand3 = serializers.IntegerField(allow_null=True)
    image = serializers.CharField(allow_null=True, help_text="URL of the exercise's picture.")
    variables = serializers.ListField(
        child=serializers.CharField(),
        help_text="Multi-letter variable names to pass to the math preview (e.g. theta).",
    )
    hint_count = serializers.IntegerField()
    hints_used = serializers.IntegerField()
    requeued = serializers.BooleanField(help_text="Asked again after a wrong answer.")


class SummarySerializer(serializers.Serializer[Any]):
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    score_percent = serializers.FloatField(allow_null=True)
    average_response_ms = serializers.IntegerField(allow_null=True)
    xp = serializers.IntegerField()
    mastery_gained = serializers.FloatField()
    facts_mastered = serializers.IntegerField()
    active_seconds = serializers.IntegerField(
        help_text="Time in the session by its clock, pauses excluded (a drill's time)."
    )
    practice_seconds = serializers.IntegerField(
        help_text="Active practice time: each answer's time, up to 5 minutes; what the daily "
        "goal and the daily summaries count."
    )


class SessionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=PracticeSession.Mode.choices)
    status = serializers.ChoiceField(choices=PracticeSession.Status.choices)
    track = serializers.IntegerField(allow_null=True)
    unit = serializers.IntegerField(allow_null=True)
    lesson = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField(help_text="Questions answered so far in this plan.")
    total = serializers.IntegerField(help_text="Questions in the plan (grows when re-asked).")
    time_left_seconds = serializers.IntegerField(allow_null=True, help_text="Drills only.")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    current = PlainExerciseSerializer(allow_null=True)
    summary = SummarySerializer()


class SessionHistorySerializer(serializers.Serializer[Any]):
    """A session in her history: the session's shape without its current question."""

    id = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=PracticeSession.Mode.choices)
    status = serializers.ChoiceField(choices=PracticeSession.Status.choices)
    placement = serializers.BooleanField(
        help_text="A placement quiz or a unit test-out: passing it marks lessons complete."
    )
    focus = serializers.ChoiceField(
        choices=[("due", "due"), ("mistakes", "mistakes")],
        allow_null=True,
        help_text="Reviews only: what was due, or (nothing being due) her mistakes and weak "
        "skills.",
    )
    track = serializers.IntegerField(allow_null=True)
    unit = serializers.IntegerField(allow_null=True)
    lesson = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField(help_text="Questions answered so far in this plan.")
    total = serializers.IntegerField(help_text="Questions in the plan (grows when re-asked).")
    time_left_seconds = serializers.IntegerField(allow_null=True, help_text="Drills only.")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    summary = SummarySerializer()


class SessionFinishSerializer(serializers.Serializer[Any]):
    abandon = serializers.BooleanField(default=False)


class AnswerInputSerializer(serializers.Serializer[Any]):
    exercise = serializers.IntegerField(min_value=1)
    response = serializers.CharField(
        max_length=MAX_RESPONSE_LENGTH, allow_blank=True, trim_whitespace=False
    )
    response_ms = serializers.IntegerField(min_value=1, max_value=MAX_RESPONSE_MS)
    input_method = serializers.ChoiceField(
        choices=InputMethod.choices, default=InputMethod.KEYBOARD
    )
    confidence = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """An answer that cannot be read is refused at the field (context: the current question)."""
        question = self.context.get("question")
        if question is not None and question.id == attrs["exercise"]:
            error = answer_format_error(
                attrs["response"], kind=question.kind, variables=question.variables
            )
            if error:
                raise serializers.ValidationError({"response": [error]})
        return attrs


class AchievementBriefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    xp_reward = serializers.IntegerField()


class RewardSerializer(serializers.Serializer[Any]):
    """What this event earned: the site celebrates a level-up or a new achievement."""

    xp = serializers.IntegerField(help_text="XP earned by this event, bonuses included.")
    level = serializers.IntegerField()
    leveled_up = serializers.BooleanField()
    achievements = AchievementBriefSerializer(many=True)
    streak = serializers.IntegerField(allow_null=True)


class AnswerOutputSerializer(serializers.Serializer[Any]):
    attempt = serializers.IntegerField(
        allow_null=True, help_text="The recorded attempt; null when the question was skipped."
    )
    correct = serializers.BooleanField()
    score = serializers.FloatField()
    interpreted_as = serializers.CharField(help_text="What the response was read as.")
    feedback = serializers.CharField()
    explanation = serializers.CharField()
    option_explanation = serializers.CharField(help_text="The chosen option's explanation.")
    xp = serializers.IntegerField()
    hints_used = serializers.IntegerField()
    mastery = serializers.FloatField(allow_null=True)
    fluency_level = serializers.ChoiceField(choices=FluencyLevel.choices, allow_null=True)
    next_review_at = serializers.DateTimeField(allow_null=True)
    unit_completed = serializers.BooleanField()
    replayed = serializers.BooleanField(help_text="True when this is a retried request's result.")
    reward = RewardSerializer(allow_null=True, help_text="Null for a replayed request.")
    unlocked_lessons = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.BooleanField(
        help_text="True when the question could not be graded (its answer spec is being "
        "fixed): nothing was recorded or earned, and the session moved on to the next question.",
    )
    message = serializers.CharField(
        allow_blank=True,
        help_text="For a skipped question, what to tell the learner; otherwise empty.",
    )
    session = SessionSerializer()


class HintInputSerializer(serializers.Serializer[Any]):
    exercise = serializers.IntegerField(min_value=1)


class HintOutputSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    text = serializers.CharField()
    hints_used = serializers.IntegerField()
    hints_left = serializers.IntegerField()


class LearnerQuerySerializer(serializers.Serializer[Any]):
    learner = serializers.IntegerField(
        required=False, min_value=1, help_text="A linked learner's id (parents); default: me."
    )


OPERATION_ALIASES = {"+": "+", "-": "−", "−": "−", "*": "×", "x": "×", "×": "×", "/": "÷", "÷": "÷"}


class GridQuerySerializer(LearnerQuerySerializer):
    operation = serializers.CharField(default="×", help_text="+ − × ÷ (or + - * /)")

    def validate_operation(self, value: str) -> str:
        operation = OPERATION_ALIASES.get(value.strip())
        if operation is None:
            raise serializers.ValidationError("Use one of + − × ÷.")
        return operation


class GridCellSerializer(serializers.Serializer[Any]):
    exercise = serializers.IntegerField()
    operand1 = serializers.IntegerField()
    operand2 = serializers.IntegerField()
    mastery = serializers.FloatField()
    fluency_level = serializers.ChoiceField(choices=FluencyLevel.choices)
    attempts = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    last_response_ms = serializers.IntegerField(allow_null=True)


class GridSerializer(serializers.Serializer[Any]):
    track = serializers.IntegerField()
    operation = serializers.CharField()
    cells = GridCellSerializer(many=True)


class LessonStateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    unlocked = serializers.BooleanField()
    completed = serializers.BooleanField()
    best_accuracy = serializers.FloatField(allow_null=True)


class UnitStateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    mastery = serializers.FloatField()
    accuracy = serializers.FloatField(allow_null=True)
    completed = serializers.BooleanField()
    lessons = LessonStateSerializer(many=True)


class TrackProgressSerializer(serializers.Serializer[Any]):
    track = serializers.IntegerField()
    title = serializers.CharField()
    unlocked = serializers.BooleanField()
    completed = serializers.BooleanField()
    attempts = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True)
    xp = serializers.IntegerField()
    lessons_completed = serializers.IntegerField()
    units_completed = serializers.IntegerField()
    mastery = serializers.IntegerField(
        min_value=0,
        max_value=100,
        help_text="How much of the track she has mastered, 0–100: each unit's mastery weighted "
        "by its number of published exercises (units not begun count as 0).",
    )
    units = UnitStateSerializer(many=True, required=False)


class ReviewCountSerializer(serializers.Serializer[Any]):
    due = serializers.IntegerField()


class XPItemSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]
    amount = serializers.IntegerField()


class SkillSerializer(serializers.Serializer[Any]):
    prompt = serializers.CharField()
    stars = serializers.IntegerField(help_text="0 (new) to 5 (mastered).")
    label = serializers.CharField()  # type: ignore[assignment]
    stronger = serializers.BooleanField(help_text="Its mastery grew in this session.")


class EndScreenSerializer(serializers.Serializer[Any]):
    """The session's end screen, as the site shows it."""

    xp = serializers.IntegerField(help_text="What the session added to the XP ledger.")
    xp_items = XPItemSerializer(many=True, help_text="Where the XP came from; sums to `xp`.")
    level_before = serializers.IntegerField()
    level = serializers.IntegerField()
    leveled_up = serializers.BooleanField()
    achievements = AchievementBriefSerializer(many=True)
    facts_mastered = serializers.IntegerField()
    skills_stronger = serializers.IntegerField()
    skills = SkillSerializer(many=True)


class SessionFinishedSerializer(SessionSerializer):
    reward = RewardSerializer(allow_null=True)
    unlocked_lessons = serializers.ListField(child=serializers.IntegerField())
    end_screen = EndScreenSerializer()


CODE_KINDS = CodeSubmission.Kind.values


# Inline in the schema (inside `allOf`, where enums are not made components): a component named
# after the field would collide with the exercise's `kind` and rename its KindEnum. An
# ENUM_NAME_OVERRIDES entry for this choice set would let it be a component of its own.
@extend_schema_field({"allOf": [{"type": "string", "enum": CODE_KINDS}]})
class CodeKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=CodeSubmission.Kind.choices, **kwargs)


class CodeSubmitInputSerializer(serializers.Serializer[Any]):
    exercise = serializers.IntegerField(min_value=1, help_text="The session's current question.")
    source = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.source
        trim_whitespace=False,
        help_text=f"The learner's Python code, at most {CODE_SOURCE_MAX_BYTES // 1024} KB (UTF-8).",
    )
    kind = CodeKindField(
        help_text="`run`: the sample tests only, not graded (rate-limited); `submit`: every test, "
        "graded and counted as the answer.",
    )
    response_ms = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=MAX_RESPONSE_MS,
        help_text="Time spent on the question so far (counts towards practice time, as an "
        "answer's does).",
    )

    def validate_source(self, source: str) -> str:
        try:
            size = len(source.encode("utf-8"))
        except UnicodeEncodeError:
            raise serializers.ValidationError("The code is not valid text.") from None
        if size > CODE_SOURCE_MAX_BYTES:
            raise serializers.ValidationError(
                f"The code is too long: at most {CODE_SOURCE_MAX_BYTES // 1024} KB."
            )
        return source


class CodeTestResultSerializer(serializers.Serializer[Any]):
    """One test's outcome. A hidden test shows only its name, weight, passed and verdict."""

    index = serializers.IntegerField()
    name = serializers.CharField()
    hidden = serializers.BooleanField()
    weight = serializers.FloatField()
    passed = serializers.BooleanField()
    verdict = serializers.ChoiceField(
        choices=["passed", "wrong", "error", "timeout", "not_run"],
        help_text="wrong: another result; error: it raised (or printed too much, or ran out of "
        "memory); timeout: time ran out while it ran; not_run: time ran out before it.",
    )
    output = serializers.CharField(allow_null=True, help_text="What the code returned (JSON) "
                                   "or printed.")  # fmt: skip
    expected = serializers.CharField(allow_null=True)
    diff = serializers.CharField(allow_null=True)
    stdout = serializers.CharField(allow_null=True, help_text="What a function printed.")
    error = serializers.CharField(
        allow_null=True, help_text="The exception, learner's frames only."
    )
    time_ms = serializers.FloatField(allow_null=True)


class CodeSubmissionSerializer(serializers.Serializer[Any]):
    """A submission as it stands: poll it until `finished`."""

    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    exercise = serializers.IntegerField(source="exercise_id")
    kind = CodeKindField(help_text="`run` (sample tests, not graded) or `submit` (graded).")
    status = serializers.ChoiceField(
        choices=CodeSubmission.Status.choices,
        help_text="queued, running, then passed (every test), failed (none), partial (some), "
        "timeout or error (the code could not run, or the run could not finish: `error` says).",
    )
    finished = serializers.BooleanField(source="is_finished")
    source = serializers.CharField()  # type: ignore[assignment]
    score = serializers.FloatField(
        allow_null=True, help_text="Passed weight / total weight, 0 to 1; null until finished."
    )
    time_ms = serializers.FloatField(allow_null=True, help_text="Her code's time, all tests.")
    peak_memory_kb = serializers.IntegerField(allow_null=True)
    tests = CodeTestResultSerializer(many=True)
    error = serializers.CharField(allow_blank=True)
    hints_used = serializers.IntegerField()
    attempt = serializers.IntegerField(
        source="attempt_id",
        allow_null=True,
        help_text="The answer a graded submit recorded (null for a run, or until graded).",
    )
    correct = serializers.BooleanField(source="attempt.is_correct", allow_null=True)
    xp = serializers.IntegerField(source="attempt.xp", allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

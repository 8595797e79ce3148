"""What the learner site's pages need besides services and selectors: forms, a few small reads,
and the view models the templates render (the path, the player's states, the grid).

Questions come from `practice.apis.present_session`, so the site shows exactly what the API
shows (the learner's variant, never the answer); Markdown goes through `render_markdown`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django_htmx.middleware import HtmxDetails

from accounts.models import LearnerProfile, User
from curriculum import grading
from curriculum.admin_views import INPUT_KINDS, render_markdown
from curriculum.grading.kinds import CORRECT, NOT_QUITE
from curriculum.models import Exercise, Hint, Lesson, Status, Track
from gamification.models import Achievement
from gamification.services import Outcome

from . import selectors
from .apis import present_session
from .models import Attempt, FluencyLevel, InputMethod, PracticeSession
from .serializers import MAX_RESPONSE_LENGTH, MAX_RESPONSE_MS, OPERATION_ALIASES
from .services import AnswerResult
from .services.answers import variant_values

Mode = PracticeSession.Mode

# Faster than anyone reads a question and types: a double click or a clock glitch, not a time.
MIN_RESPONSE_MS = 300
SHOWN_AT_SALT = "practice.site.question-shown"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# The on-screen keypad: (what is typed, what the key shows, its accessible name).
NUMBER_KEYS = [
    *((digit, digit, digit) for digit in "789456123"),
    ("0", "0", "0"),
    (".", ".", "decimal point"),
    ("-", "−", "minus"),
    ("/", "/", "fraction bar"),
]
EXPRESSION_KEYS = [
    ("x", "x", "x"),
    ("+", "+", "plus"),
    ("*", "×", "times"),
    ("^", "^", "to the power of"),
    ("(", "(", "open bracket"),
    (")", ")", "close bracket"),
]


class LearnerRequest(HttpRequest):
    """What `login_required` views receive: a signed-in user, and htmx details."""

    user: User
    htmx: HtmxDetails


# --------------------------------------------------------------------------------------------
# Forms (all validation of what the pages post happens here)
# --------------------------------------------------------------------------------------------


class StartForm(forms.Form):
    mode = forms.ChoiceField(choices=PracticeSession.Mode.choices)
    lesson = forms.IntegerField(required=False, min_value=1)
    unit = forms.IntegerField(required=False, min_value=1)
    track = forms.IntegerField(required=False, min_value=1)

    NEEDS = {Mode.LESSON: ("lesson",), Mode.DRILL: ("track",), Mode.QUIZ: ("track", "unit")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = self.NEEDS.get(data.get("mode", ""), ())
        if wanted and not any(data.get(name) for name in wanted):
            raise forms.ValidationError(f"Choose a {' or a '.join(wanted)} to practise.")
        return data

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return "That cannot be started."


class AnswerForm(forms.Form):
    exercise = forms.IntegerField(min_value=1)
    response = forms.CharField(
        max_length=MAX_RESPONSE_LENGTH,
        strip=False,
        error_messages={"required": "Type an answer first."},
    )
    # Measured by player.js; without JavaScript, the server measures from `shown_at`.
    response_ms = forms.IntegerField(required=False, min_value=1, max_value=MAX_RESPONSE_MS)
    input_method = forms.ChoiceField(choices=InputMethod.choices, required=False)
    idempotency_key = forms.RegexField(KEY_PATTERN)
    shown_at = forms.CharField(required=False, max_length=200)

    def clean_response(self) -> str:
        response: str = self.cleaned_data["response"]
        if not response.strip():
            raise forms.ValidationError("Type an answer first.")
        return response

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("response_ms") is None and shown_at_ms(data.get("shown_at", "")) is None:
            raise forms.ValidationError("This question's page was out of date: answer again.")
        return data

    def measured_response_ms(self) -> int:
        """The response time, clamped to what a person can take: [MIN_RESPONSE_MS, an hour]."""
        measured = self.cleaned_data.get("response_ms")
        if measured is None:
            shown = shown_at_ms(self.cleaned_data.get("shown_at", ""))
            measured = now_ms() - (shown or 0)
        return min(max(int(measured), MIN_RESPONSE_MS), MAX_RESPONSE_MS)


class HintForm(forms.Form):
    exercise = forms.IntegerField(min_value=1)


class GridForm(forms.Form):
    operation = forms.CharField(required=False, max_length=2)
    learner = forms.IntegerField(required=False, min_value=1)

    def clean_operation(self) -> str:
        return OPERATION_ALIASES.get(self.cleaned_data.get("operation", "").strip(), "")


def now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)


def shown_at_ms(value: str) -> int | None:
    """When the question was shown, from the signed stamp in its form; None if not ours.

    A stamp older than the longest response time still counts: it is clamped later.
    """
    if not value:
        return None
    try:
        shown = signing.loads(value, salt=SHOWN_AT_SALT)
    except signing.BadSignature:
        return None
    return shown if isinstance(shown, int) else None


@dataclass(frozen=True)
class QuestionStamp:
    """One rendering of a question: its idempotency key (a resubmit answers once) and when."""

    idempotency_key: str
    shown_at: str

    @classmethod
    def new(cls) -> QuestionStamp:
        return cls(secrets.token_urlsafe(18), signing.dumps(now_ms(), salt=SHOWN_AT_SALT))

    @classmethod
    def from_form(cls, form: forms.Form | None, *, user: User) -> QuestionStamp:
        """The posted stamp, so that a form sent back keeps its key and its clock; a new one
        if it is malformed or its key already answered something (it would replay that)."""
        if form is None:
            return cls.new()
        key = str(form.data.get("idempotency_key", ""))
        shown_at = str(form.data.get("shown_at", ""))
        if not KEY_PATTERN.match(key) or shown_at_ms(shown_at) is None:
            return cls.new()
        if Attempt.objects.filter(user=user, idempotency_key=key).exists():
            return cls.new()
        return cls(key, shown_at)


# --------------------------------------------------------------------------------------------
# Small reads
# --------------------------------------------------------------------------------------------


def profile_of(user: User) -> LearnerProfile:
    """The learner's settings; the defaults (unsaved) for someone who has none yet."""
    return LearnerProfile.objects.filter(user=user).first() or LearnerProfile(user=user)


def fact_operations(*, track: Track) -> list[str]:
    """The operations of the track's two-operand facts, in + − × ÷ order."""
    present = set(
        Exercise.objects.filter(
            kind=Exercise.Kind.FACT,
            status=Status.PUBLISHED,
            lesson__unit__track=track,
            operation2="",
        )
        .values_list("operation", flat=True)
        .distinct()
        .order_by()
    )
    return [operation for operation, _ in Exercise.Operation.choices if operation in present]


def attempt_for_key(*, user: User, session: PracticeSession, key: str) -> Attempt | None:
    """The answer this session already took under this idempotency key, if any."""
    return (
        Attempt.objects.select_related("exercise")
        .filter(user=user, session=session, idempotency_key=key)
        .first()
    )


def lessons_with_track(ids: list[int]) -> list[Lesson]:
    if not ids:
        return []
    found = Lesson.objects.select_related("unit__track").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# --------------------------------------------------------------------------------------------
# The lesson player
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionView:
    index: int
    text: SafeString


@dataclass
class QuestionView:
    exercise_id: int
    kind: str
    input_kind: str  # "choice", "number", "text" or "expression"
    prompt: SafeString
    options: list[OptionView]
    answer_unit: str
    requeued: bool
    hint_count: int
    hints: list[SafeString]
    keys: list[tuple[str, str, str]]
    input_method: str
    stamp: QuestionStamp

    @property
    def hints_left(self) -> int:
        return max(0, self.hint_count - len(self.hints))


def hints_shown(*, exercise_id: int, seed: str, used: int) -> list[SafeString]:
    """The hints the learner already asked for on this question, for her variant."""
    if not used:
        return []
    hints = Hint.objects.filter(exercise_id=exercise_id).select_related("exercise")
    shown = []
    for hint in hints.order_by("order")[:used]:
        values = variant_values(hint.exercise, seed)
        text = grading.render_variant(hint.text, values)
        shown.append(render_markdown(text))
    return shown


def question_of(
    *, session: PracticeSession, current: dict[str, Any], user: User, stamp: QuestionStamp
) -> QuestionView:
    item = session.current_item() or {}
    profile = profile_of(user)
    input_kind = INPUT_KINDS.get(current["kind"], "text")
    keypad = input_kind in ("number", "expression") and (
        profile.input_method == LearnerProfile.InputMethod.KEYPAD
    )
    keys = [*NUMBER_KEYS, *(EXPRESSION_KEYS if input_kind == "expression" else [])]
    return QuestionView(
        exercise_id=current["id"],
        kind=current["kind"],
        input_kind=input_kind,
        prompt=render_markdown(current["prompt"]),
        options=[
            OptionView(option["index"], render_markdown(option["text"], inline=True))
            for option in current["options"]
        ],
        answer_unit=current["answer_unit"],
        requeued=current["requeued"],
        hint_count=current["hint_count"] if profile.show_hints else 0,
        hints=hints_shown(
            exercise_id=current["id"], seed=item.get("seed", ""), used=current["hints_used"]
        ),
        keys=keys if keypad else [],
        input_method=InputMethod.CHOICE if input_kind == "choice" else InputMethod.KEYBOARD,
        stamp=stamp,
    )


@dataclass
class SummaryView:
    mode: str
    answered: int
    correct: int
    accuracy_percent: int | None
    score_percent: float | None
    average_seconds: float | None
    xp: int
    mastery_gained: float
    facts_mastered: int
    active_seconds: int
    completed: bool
    unlocked: list[Lesson] = field(default_factory=list)
    up_next: Lesson | None = None
    reward: Outcome | None = None

    @property
    def mastery_change(self) -> str:
        """Signed, two decimals ("+1.20", "-0.10"): wrong answers can lower mastery."""
        return f"{self.mastery_gained:+.2f}"


def summary_of(
    session: PracticeSession,
    presented: dict[str, Any],
    *,
    user: User,
    unlocked: list[Lesson] | None = None,
    reward: Outcome | None = None,
) -> SummaryView:
    summary = presented["summary"]
    accuracy, average = summary["accuracy"], summary["average_response_ms"]
    up_next = None
    completed = session.status == PracticeSession.Status.COMPLETED
    if completed and session.mode == Mode.LESSON and session.lesson is not None and not unlocked:
        following = selectors.next_lesson_in_path(lesson=session.lesson)
        if following and selectors.lesson_is_unlocked(user=user, lesson=following):
            up_next = following
    return SummaryView(
        mode=session.mode,
        answered=summary["answered"],
        correct=summary["correct"],
        accuracy_percent=round(100 * accuracy) if accuracy is not None else None,
        score_percent=summary["score_percent"],
        average_seconds=round(average / 1000, 1) if average is not None else None,
        xp=summary["xp"],
        mastery_gained=summary["mastery_gained"],
        facts_mastered=summary["facts_mastered"],
        active_seconds=summary["active_seconds"],
        completed=completed,
        unlocked=list(unlocked or []),
        up_next=up_next,
        reward=reward,
    )


def player_of(
    *,
    session: PracticeSession,
    user: User,
    form: forms.Form | None = None,
    notice: str = "",
    unlocked: list[Lesson] | None = None,
    reward: Outcome | None = None,
) -> dict[str, Any]:
    """The player's context in the session's present state: a question, paused, time up, or
    the summary. `form` is an answer form sent back with its errors (same key, same clock)."""
    presented = present_session(session)
    context: dict[str, Any] = {
        "session": session,
        "presented": presented,
        "number": min(presented["position"] + 1, presented["total"]),
        "notice": notice,
        "form": form,
    }
    if not session.is_open:
        state = "summary"
        context["summary"] = summary_of(
            session, presented, user=user, unlocked=unlocked, reward=reward
        )
    elif session.status == PracticeSession.Status.PAUSED:
        state = "paused"
    elif presented["time_left_seconds"] == 0:
        state = "time_up"
    elif presented["current"] is None:
        state = "finish"
    else:
        state = "question"
        context["question"] = question_of(
            session=session,
            current=presented["current"],
            user=user,
            stamp=QuestionStamp.from_form(form, user=user),
        )
    context["state"] = state
    return context


@dataclass
class FeedbackView:
    correct: bool
    prompt: SafeString
    response: SafeString
    interpreted_as: str
    interpreted_is_latex: bool
    message: str
    explanation: SafeString
    option_explanation: SafeString
    xp: int
    hints_used: int
    asked_again: bool
    replayed: bool
    newly_mastered: bool = False
    unit_completed: bool = False
    reward: Outcome | None = None

    @property
    def achievements(self) -> list[Achievement]:
        return self.reward.achievements if self.reward else []


def feedback_of(
    *, session: PracticeSession, attempt: Attempt, result: AnswerResult | None = None
) -> FeedbackView:
    """What the learner sees after answering: the verdict, why, and what it earned.

    From the service's result, or from the stored attempt alone when a resubmitted form
    is shown its first answer again (then without the rewards, which were shown then).
    """
    exercise = attempt.exercise
    plan = session.plan
    item = plan[attempt.plan_index] if attempt.plan_index < len(plan) else {}
    values = variant_values(exercise, item.get("seed", ""))

    def text(template: str) -> str:
        return grading.render_variant(template, values)

    chosen: dict[str, Any] = {}
    response: SafeString = escape(attempt.response)
    if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE:
        try:
            option = (exercise.options or [])[int(attempt.response)]
        except (ValueError, IndexError):
            option = {}
        chosen = option if isinstance(option, dict) else {"text": str(option)}
        response = render_markdown(text(str(chosen.get("text", attempt.response))), inline=True)
    fresh = result if result is not None and not result.replayed else None
    # A replayed result carries the raw explanation: render it for the learner's variant here.
    explanation = fresh.explanation if fresh else text(exercise.explanation)
    option_explanation = fresh.option_explanation if fresh else str(chosen.get("explanation", ""))
    is_expression = exercise.kind == Exercise.Kind.EXPRESSION
    interpreted_as = attempt.interpreted_as
    if not is_expression and interpreted_as.strip() == attempt.response.strip():
        interpreted_as = ""  # "7" read as "7" tells the learner nothing
    asked_again = not attempt.is_correct and any(
        entry["exercise"] == exercise.pk for entry in plan[attempt.plan_index + 1 :]
    )
    return FeedbackView(
        correct=attempt.is_correct,
        prompt=render_markdown(text(exercise.prompt)),
        response=response,
        interpreted_as=interpreted_as,
        interpreted_is_latex=is_expression,
        # The verdict's own words, unless they only repeat the heading ("Correct!", "Not quite").
        message="" if attempt.feedback in (CORRECT, NOT_QUITE) else attempt.feedback,
        explanation=render_markdown(explanation),
        option_explanation=render_markdown(text(option_explanation), inline=True),
        xp=attempt.xp,
        hints_used=attempt.hints_used,
        asked_again=asked_again,
        replayed=fresh is None,
        newly_mastered=bool(fresh and fresh.newly_mastered),
        unit_completed=bool(fresh and fresh.unit_completed),
        reward=fresh.reward if fresh else None,
    )


# --------------------------------------------------------------------------------------------
# The mastery grid
# --------------------------------------------------------------------------------------------


# Each fluency level with a mark, so that the grid does not speak in colour alone.
FLUENCY_MARKS = {
    FluencyLevel.NOT_STARTED: "",
    FluencyLevel.LEARNING: "·",
    FluencyLevel.ACCURACY: "✓",
    FluencyLevel.FLUENCY_6S: "6s",
    FluencyLevel.FLUENCY_3S: "3s",
    FluencyLevel.MASTERED: "★",
}
FLUENCY_LEGEND = [(level, level.label, FLUENCY_MARKS[level]) for level in FluencyLevel]


@dataclass(frozen=True)
class GridTable:
    columns: list[int]
    rows: list[tuple[int, list[dict[str, Any] | None]]]


def grid_table(cells: list[dict[str, Any]]) -> GridTable:
    """The grid's cells as a table: a row per first operand, a column per second."""
    by_pair = {}
    for cell in cells:
        level = FluencyLevel(cell["fluency_level"])
        by_pair[cell["operand1"], cell["operand2"]] = {
            **cell,
            "label": level.label,
            "mark": FLUENCY_MARKS[level],
            "accuracy_percent": round(100 * cell["accuracy"])
            if cell["accuracy"] is not None
            else None,
        }
    firsts = sorted({a for a, _ in by_pair})
    seconds = sorted({b for _, b in by_pair})
    return GridTable(
        columns=seconds,
        rows=[(a, [by_pair.get((a, b)) for b in seconds]) for a in firsts],
    )

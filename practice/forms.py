"""What the lesson player's pages post, validated: starting, answering, hints, the keypad.

Math that the preview cannot read is refused here, at the answer field, before the service
is called: it records nothing and costs the learner nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone

from accounts.models import LearnerProfile, User

from .models import Attempt, InputMethod, PracticeSession
from .presenters import QuestionPresenter
from .serializers import MAX_RESPONSE_LENGTH, MAX_RESPONSE_MS, answer_format_error

Mode = PracticeSession.Mode

# Faster than anyone reads a question and types: a double click or a clock glitch, not a time.
MIN_RESPONSE_MS = 300
SHOWN_AT_SALT = "practice.site.question-shown"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class StartForm(forms.Form):
    mode = forms.ChoiceField(choices=PracticeSession.Mode.choices)
    lesson = forms.IntegerField(required=False, min_value=1)
    unit = forms.IntegerField(required=False, min_value=1)
    track = forms.IntegerField(required=False, min_value=1)
    # A placement quiz on a track, or a unit's test-out: offered on every track, locked or not.
    placement = forms.BooleanField(required=False)

    NEEDS = {Mode.LESSON: ("lesson",), Mode.DRILL: ("track",), Mode.QUIZ: ("track", "unit")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = self.NEEDS.get(data.get("mode", ""), ())
        if wanted and not any(data.get(name) for name in wanted):
            raise forms.ValidationError(f"Choose a {' or a '.join(wanted)} to practise.")
        if data.get("placement") and data.get("mode") != Mode.QUIZ:
            raise forms.ValidationError("Only a quiz can place you on the path.")
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

    def __init__(self, *args: Any, question: QuestionPresenter | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.question = question

    def clean_response(self) -> str:
        response: str = self.cleaned_data["response"]
        if not response.strip():
            raise forms.ValidationError("Type an answer first.")
        return response

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        question = self.question
        if "response" in data and question is not None and question.id == data.get("exercise"):
            error = answer_format_error(
                data["response"], kind=question.kind, variables=question.variables
            )
            if error:
                self.add_error("response", error)
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


class KeypadForm(forms.Form):
    """The player's keypad switch: saved as the learner's input method."""

    keypad = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])

    def input_method(self) -> str:
        if self.cleaned_data["keypad"] == "on":
            return LearnerProfile.InputMethod.KEYPAD
        return LearnerProfile.InputMethod.KEYBOARD


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

"""Site forms: the sign-up extras, the settings page and the parent's invite code."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.http import HttpRequest

from .models import LearnerProfile, User
from .validators import validate_time_zone

# The settings a learner (or parent) edits on the settings page, in the order they are shown.
PROFILE_FIELDS = (
    "grade_level",
    "daily_goal_minutes",
    "reminder_time",
    "input_method",
    "font_size",
    "colour_scheme",
    "sound_effects",
    "voice_feedback",
    "show_hints",
    "adaptive_learning",
    "spaced_repetition",
)

GRADE_CHOICES = [
    ("", "Not set"),
    (0, "Kindergarten"),
    *((grade, f"Grade {grade}") for grade in range(1, 14)),
]


@cache
def time_zone_names() -> list[str]:
    """The time zones to suggest: UTC and "Region/City" names; legacy aliases are still valid."""
    names = zoneinfo.available_timezones()
    return ["UTC", *sorted(name for name in names if "/" in name and not name.startswith("Etc/"))]


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: who is signing up."""

    role = forms.ChoiceField(
        label="I am",
        choices=[(User.Role.LEARNER, "a learner"), (User.Role.PARENT, "a parent")],
        initial=User.Role.LEARNER,
        widget=forms.RadioSelect,
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        """allauth calls this after saving; the adapter has already set the role."""


class ProfileForm(forms.ModelForm[LearnerProfile]):
    """The user's time zone and her learning settings, edited on one page.

    The time zone belongs to the user, the rest to her profile: `user_update` saves both together,
    so this form validates only and is never `.save()`d.
    """

    timezone = forms.CharField(
        label="Time zone",
        max_length=64,
        validators=[validate_time_zone],
        help_text="Your day starts at midnight here, for streaks and reminders.",
        widget=forms.TextInput(
            attrs={"list": "time-zone-names", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    class Meta:
        model = LearnerProfile
        fields = PROFILE_FIELDS
        labels = {
            "daily_goal_minutes": "Daily goal (minutes)",
            "reminder_time": "Daily reminder",
            "colour_scheme": "Colour scheme",
            "show_hints": "Show hints",
            "adaptive_learning": "Adapt lessons to how I am doing",
            "spaced_repetition": "Bring back what I am about to forget (spaced repetition)",
        }
        help_texts = {
            "grade_level": "",
            "reminder_time": "Leave empty for no reminder.",
            "voice_feedback": "Read feedback aloud.",
        }
        widgets = {
            "grade_level": forms.Select(choices=GRADE_CHOICES),
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The column is only "positive"; the model's validators hold the real range, show it.
        self.fields["daily_goal_minutes"].widget.attrs.update(min=1, max=240)

    def user_fields(self) -> dict[str, Any]:
        return {"timezone": self.cleaned_data["timezone"]}

    def profile_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


class InviteRedeemForm(forms.Form):
    """A parent types the code his child created."""

    code = forms.CharField(
        label="Invite code",
        # Generous: a code read aloud may come back with spaces or dashes, which the service drops.
        max_length=32,
        help_text="The 8-character code your child created on their Family page.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

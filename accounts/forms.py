"""Site forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from .models import User


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

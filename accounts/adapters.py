"""allauth hooks: every account gets a profile, and a confirmed e-mail marks the user verified."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest

from . import services
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        role = getattr(form, "cleaned_data", {}).get("role") or User.Role.LEARNER
        user.role = role if role in (User.Role.LEARNER, User.Role.PARENT) else User.Role.LEARNER
        saved = super().save_user(request, user, form, commit=commit)
        if commit:
            services.profile_ensure(user=saved)
        return saved

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> Any:
        confirmed = super().confirm_email(request, email_address)
        services.user_mark_verified(user_id=email_address.user_id)
        return confirmed


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        services.profile_ensure(user=user)
        # GitHub vouches for addresses it reports as verified; allauth records that on the address.
        if EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
            services.user_mark_verified(user_id=user.pk)
        return user

"""People and their settings: users, learner profiles, parent links and invite codes."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .validators import validate_time_zone

USERNAME_TAKEN = "This username is taken."
USERNAME_TAKEN_CODE = "username_taken"


class User(AbstractUser):
    class Role(models.TextChoices):
        LEARNER = "learner", "Learner"
        PARENT = "parent", "Parent"
        AUTHOR = "author", "Author"
        STAFF = "staff", "Staff"

    email = models.EmailField("e-mail address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.LEARNER)
    timezone = models.CharField(
        "time zone", max_length=64, default="UTC", validators=[validate_time_zone]
    )
    is_verified = models.BooleanField(
        "e-mail verified", default=False, help_text="The user followed the signed link we e-mailed."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            # `Ada` and `ada` are one name: logins, mentions and parents' lists would mix them up.
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_code=USERNAME_TAKEN_CODE,
                violation_error_message=USERNAME_TAKEN,
            ),
        ]
        # The rollup and the statistics group learners by time zone (few distinct values).
        indexes = [models.Index(fields=["timezone"])]

    def __str__(self) -> str:
        return self.username

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_now(self) -> datetime:
        """Now, on the learner's own clock: a learner's "day" is her local day."""
        return timezone.now().astimezone(self.zone)


class LearnerProfile(models.Model):
    class InputMethod(models.TextChoices):
        KEYBOARD = "keyboard", "Keyboard"
        KEYPAD = "keypad", "On-screen keypad"

    class FontSize(models.TextChoices):
        SMALL = "small", "Small"
        MEDIUM = "medium", "Medium"
        LARGE = "large", "Large"
        EXTRA_LARGE = "extra_large", "Extra large"

    class ColourScheme(models.TextChoices):
        DEFAULT = "default", "Default"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"
        HIGH_CONTRAST = "high_contrast", "High contrast"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    grade_level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(13)],
        help_text="School grade, 0 for kindergarten up to 13.",
    )
    daily_goal_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    reminder_time = models.TimeField(
        null=True, blank=True, help_text="Local time of the daily reminder; empty for none."
    )
    input_method = models.CharField(
        max_length=16, choices=InputMethod.choices, default=InputMethod.KEYBOARD
    )
    font_size = models.CharField(max_length=16, choices=FontSize.choices, default=FontSize.MEDIUM)
    colour_scheme = models.CharField(
        max_length=16, choices=ColourScheme.choices, default=ColourScheme.DEFAULT
    )
    sound_effects = models.BooleanField(default=True)
    voice_feedback = models.BooleanField(default=False)
    show_hints = models.BooleanField(default=True)
    adaptive_learning = models.BooleanField(default=True)
    spaced_repetition = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(daily_goal_minutes__gte=1, daily_goal_minutes__lte=240),
                name="accounts_profile_daily_goal_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class ParentLink(models.Model):
    """A parent who may follow a learner's progress (read-only)."""

    parent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="child_links")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="parent_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "learner"], name="accounts_parentlink_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("learner")),
                name="accounts_parentlink_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.learner}"


class ParentInvite(models.Model):
    """A short-lived code a learner hands to a parent; redeeming it creates the link."""

    code = models.CharField(max_length=16, unique=True)
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="parent_invites")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["learner", "-created_at"])]

    def __str__(self) -> str:
        return f"Invite {self.code} from {self.learner}"

    @property
    def is_usable(self) -> bool:
        return self.redeemed_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """A security-relevant action, for staff. Written by the action, in its own transaction."""

    class Action(models.TextChoices):
        LOGIN = "login", "Login"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logout"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset"
        DATA_EXPORTED = "data_exported", "Data exported"
        ACCOUNT_DELETED = "account_deleted", "Account deleted"
        ROLE_CHANGED = "role_changed", "Role changed"
        PARENT_LINKED = "parent_linked", "Parent linked"
        PARENT_UNLINKED = "parent_unlinked", "Parent unlinked"

    action = models.CharField(max_length=24, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, in words that survive the deletion of the account (never a password or a token).
    actor_label = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label or self.actor_id} at {self.created_at}"

"""Shapes of account data on the API; validation only, no domain logic."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .models import USERNAME_TAKEN, USERNAME_TAKEN_CODE, LearnerProfile, ParentLink, User
from .validators import validate_time_zone


class ProfileSerializer(serializers.ModelSerializer[LearnerProfile]):
    class Meta:
        model = LearnerProfile
        fields = [
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
        ]


class UserSerializer(serializers.ModelSerializer[User]):
    profile = ProfileSerializer(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "role",
            "timezone",
            "is_verified",
            "date_joined",
            "profile",
        ]
        read_only_fields = fields


class MeUpdateSerializer(serializers.ModelSerializer[User]):
    """What a user may change about herself; e-mail and role are changed elsewhere."""

    profile = ProfileSerializer(required=False)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "timezone", "profile"]

    def validate_username(self, value: str) -> str:
        """`ADA` is taken when `ada` exists: names are unique whatever their case."""
        others = User.objects.filter(username__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(USERNAME_TAKEN, code=USERNAME_TAKEN_CODE)
        return value


class RegisterSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    role = serializers.ChoiceField(
        choices=[User.Role.LEARNER, User.Role.PARENT], default=User.Role.LEARNER
    )
    timezone = serializers.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    grade_level = serializers.IntegerField(min_value=0, max_value=13, required=False)

    def validate_email(self, value: str) -> str:
        value = value.strip().lower()
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError("An account with this e-mail address already exists.")
        return value

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(USERNAME_TAKEN, code=USERNAME_TAKEN_CODE)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class LoginSerializer(serializers.Serializer[Any]):
    email = serializers.CharField(
        max_length=254, help_text="The e-mail address (or the username) of the account."
    )
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="After this instant the token is refused (401).")
    user = UserSerializer()


class PasswordChangeSerializer(serializers.Serializer[Any]):
    old_password = serializers.CharField(write_only=True)
    new_password = serializers.CharField(write_only=True)

    def validate_old_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("Your current password is not correct.")
        return value

    def validate_new_password(self, value: str) -> str:
        try:
            password_validation.validate_password(value, user=self.context["request"].user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class EmailSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()


class InviteSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Give this code to your parent.")
    expires_at = serializers.DateTimeField()


class RedeemSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=32)


class PersonSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "role"]
        read_only_fields = fields


class ParentLinkSerializer(serializers.ModelSerializer[ParentLink]):
    parent = PersonSerializer(read_only=True)
    learner = PersonSerializer(read_only=True)

    class Meta:
        model = ParentLink
        fields = ["id", "parent", "learner", "created_at"]
        read_only_fields = fields


class LinkedLearnerSerializer(serializers.ModelSerializer[User]):
    """What a parent sees of a linked learner."""

    grade_level = serializers.IntegerField(source="profile.grade_level", allow_null=True)
    daily_goal_minutes = serializers.IntegerField(source="profile.daily_goal_minutes")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "timezone",
            "grade_level",
            "daily_goal_minutes",
            "date_joined",
        ]
        read_only_fields = fields

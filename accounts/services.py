"""Writes on people: registration, profiles, e-mail verification and parent links."""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from calcuingo.exceptions import ApplicationError

from .audit import audit_record
from .models import (
    USERNAME_TAKEN,
    USERNAME_TAKEN_CODE,
    AuditEvent,
    LearnerProfile,
    ParentInvite,
    ParentLink,
    User,
)
from .permissions import AUTHORS_GROUP

# No 0/O or 1/I/L: the code is read aloud and typed by a parent.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 8


@transaction.atomic
def user_create(
    *,
    email: str,
    username: str,
    password: str | None,
    role: str = User.Role.LEARNER,
    time_zone: str = "UTC",
    is_verified: bool = False,
    request: HttpRequest | None = None,
    send_verification: bool = True,
    **profile_fields: Any,
) -> User:
    """Create a user with a profile; e-mail them the signed verification link unless verified.

    Validation of the input (unique e-mail, password strength) is the caller's: this only refuses
    a duplicate that slipped past it (a race) with the same message.
    """
    email = User.objects.normalize_email(email).lower()
    user = User(
        email=email,
        username=username,
        role=role,
        timezone=time_zone,
        is_verified=is_verified,
        is_staff=role in {User.Role.AUTHOR, User.Role.STAFF},
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "An account with this e-mail address or username already exists.", field="email"
        ) from exc
    LearnerProfile.objects.create(user=user, **profile_fields)
    address = EmailAddress.objects.create(
        user=user, email=email, primary=True, verified=is_verified
    )
    if role == User.Role.AUTHOR:
        user.groups.add(Group.objects.get(name=AUTHORS_GROUP))
    if send_verification and not is_verified:
        transaction.on_commit(lambda: address.send_confirmation(request, signup=True))
    return user


def profile_ensure(*, user: User) -> LearnerProfile:
    """The user's profile, created with defaults for accounts made outside `user_create`."""
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    return profile


def _username_taken(error: DjangoValidationError) -> bool:
    """Whether validation failed on the case-insensitive username constraint."""
    general = error.error_dict.get(NON_FIELD_ERRORS, []) if hasattr(error, "error_dict") else []
    return any(item.code == USERNAME_TAKEN_CODE for item in general)


@transaction.atomic
def user_update(*, user: User, user_fields: dict[str, Any], profile_fields: dict[str, Any]) -> User:
    """Update the user and her settings together; both rows change or neither does.

    A new username is refused when another account holds it in any case: by validation, and by
    the database constraint when two renames race past validation together.
    """
    for name, value in user_fields.items():
        setattr(user, name, value)
    if user_fields:
        try:
            user.full_clean(exclude=["password"])
        except DjangoValidationError as error:
            if _username_taken(error):
                # The model reports its constraint for the whole form: it is the name's error.
                raise ApplicationError(
                    USERNAME_TAKEN, field="username", code=USERNAME_TAKEN_CODE
                ) from error
            raise
        try:
            with transaction.atomic():
                user.save(update_fields=[*user_fields.keys()])
        except IntegrityError as error:
            if "username" in user_fields:
                raise ApplicationError(
                    USERNAME_TAKEN, field="username", code=USERNAME_TAKEN_CODE
                ) from error
            raise
    profile = profile_ensure(user=user)
    for name, value in profile_fields.items():
        setattr(profile, name, value)
    if profile_fields:
        profile.full_clean()
        profile.save(update_fields=[*profile_fields.keys(), "updated_at"])
    user.profile = profile
    return user


def user_mark_verified(*, user_id: int) -> None:
    """The user proved she owns her e-mail address (allauth confirmed the signed link)."""
    User.objects.filter(pk=user_id, is_verified=False).update(is_verified=True)


def _new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


@transaction.atomic
def parent_invite_create(*, learner: User) -> ParentInvite:
    """A fresh invite code; the learner's older unused codes stop working."""
    if learner.role != User.Role.LEARNER:
        raise ApplicationError(
            "Only learners can invite a parent.", status=403, code="not_a_learner"
        )
    now = timezone.now()
    ParentInvite.objects.filter(
        learner=learner, redeemed_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    for _ in range(5):
        code = _new_invite_code()
        if not ParentInvite.objects.filter(code=code).exists():
            break
    return ParentInvite.objects.create(
        code=code, learner=learner, created_at=now, expires_at=now + settings.PARENT_INVITE_TTL
    )


def normalise_invite_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@transaction.atomic
def parent_invite_redeem(*, parent: User, code: str) -> ParentLink:
    """Link the parent to the learner who made the code; a code works once."""
    if parent.role != User.Role.PARENT:
        raise ApplicationError(
            "Only parent accounts can redeem an invite code.", status=403, code="not_a_parent"
        )
    invite = (
        ParentInvite.objects.select_for_update()
        .select_related("learner")
        .filter(code=normalise_invite_code(code))
        .first()
    )
    if invite is None:
        raise ApplicationError("This invite code does not exist.", field="code", code="not_found")
    if invite.redeemed_at is not None:
        raise ApplicationError("This invite code was already used.", field="code", code="used")
    if invite.expires_at <= timezone.now():
        raise ApplicationError(
            "This invite code has expired; ask for a new one.", field="code", code="expired"
        )
    if invite.learner_id == parent.pk:
        raise ApplicationError("You cannot link to yourself.", field="code", code="self_link")
    link, created = ParentLink.objects.get_or_create(parent=parent, learner=invite.learner)
    invite.redeemed_at = timezone.now()
    invite.redeemed_by = parent
    invite.save(update_fields=["redeemed_at", "redeemed_by"])
    if created:
        audit_record(action=AuditEvent.Action.PARENT_LINKED, actor=parent, subject=link.learner)
    return link


@transaction.atomic
def parent_link_delete(*, link: ParentLink, by: User) -> None:
    """Either side may end a link."""
    if by.pk not in (link.parent_id, link.learner_id):
        raise ApplicationError("This link is not yours.", status=404, code="not_found")
    parent, learner = link.parent, link.learner
    link.delete()
    # Either side may unlink: the actor is who did, the subject the other side.
    by_parent = by.pk == parent.pk
    audit_record(
        action=AuditEvent.Action.PARENT_UNLINKED,
        actor=by,
        subject=learner if by_parent else parent,
        details={"by": "parent" if by_parent else "learner"},
    )

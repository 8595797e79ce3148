"""Template context shared by every page: the signed-in user's look (theme, font size, sounds,
voice, avatar) and whether GitHub login is offered.

Both are lazy: a page (or an htmx fragment) that never shows them costs no query. The look costs
one query the first time a page reads it, none when the view already loaded the user's profile
and standing (`appearance_load`), and none for an anonymous visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from allauth.socialaccount.adapter import get_adapter
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import LearnerProfile, User

if TYPE_CHECKING:
    from gamification.models import Standing

# The user's reverse one-to-one rows the site chrome shows, loaded together.
_PROFILE = "profile"
_STANDING = "standing"

# `data-theme` and `data-font-size` carry the stored values (`high_contrast`, `extra_large`);
# site.css accepts the hyphenated spellings too.
THEMES = {choice.value for choice in LearnerProfile.ColourScheme}
FONT_SIZES = {choice.value for choice in LearnerProfile.FontSize}


@dataclass(frozen=True)
class Appearance:
    """What `<html>` and `<body>` carry, and the nav's avatar: the learner's own settings."""

    theme: str = LearnerProfile.ColourScheme.DEFAULT.value
    font_size: str = LearnerProfile.FontSize.MEDIUM.value
    sounds: bool = True
    voice: bool = False
    keypad: bool = False
    avatar_image: str = ""
    avatar_name: str = ""

    @property
    def sounds_attr(self) -> str:
        return "on" if self.sounds else "off"

    @property
    def voice_attr(self) -> str:
        return "on" if self.voice else "off"


ANONYMOUS = Appearance()


def _cached(user: User, name: str) -> bool:
    return bool(User._meta.get_field(name).is_cached(user))  # type: ignore[union-attr]


def appearance_load(user: User) -> User:
    """Make sure the user's profile and standing are loaded on this instance: one query at most.

    Views that need the profile (the daily goal) or the standing (XP, streak) call this on
    `request.user` first, so that the page chrome reuses the same rows.
    """
    if _cached(user, _PROFILE) and _cached(user, _STANDING):
        return user
    loaded = (
        User.objects.select_related(_PROFILE, f"{_STANDING}__selected_avatar")
        .filter(pk=user.pk)
        .first()
    )
    for name in (_PROFILE, _STANDING):
        field = User._meta.get_field(name)
        value = field.get_cached_value(loaded, None) if loaded is not None else None  # type: ignore[union-attr]
        field.set_cached_value(user, value)  # type: ignore[union-attr]
    return user


def loaded_profile(user: User) -> LearnerProfile | None:
    """The user's profile, loaded with her standing unless already loaded; None if she has none."""
    appearance_load(user)
    relation = User._meta.get_field(_PROFILE)
    return cast("LearnerProfile | None", relation.get_cached_value(user, None))  # type: ignore[union-attr]


def loaded_standing(user: User) -> Standing | None:
    """The user's standing, loaded with her profile unless already loaded; None before any XP."""
    appearance_load(user)
    relation = User._meta.get_field(_STANDING)
    return cast("Standing | None", relation.get_cached_value(user, None))  # type: ignore[union-attr]


def appearance_of(user: Any) -> Appearance:
    """The look of every page for this user; the defaults for an anonymous visitor."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    profile = loaded_profile(user)
    standing = loaded_standing(user)
    avatar = standing.selected_avatar if standing is not None else None
    image, name = (avatar.image, avatar.name) if avatar is not None else ("", "")
    if profile is None:
        return Appearance(avatar_image=image, avatar_name=name)
    return Appearance(
        theme=profile.colour_scheme if profile.colour_scheme in THEMES else ANONYMOUS.theme,
        font_size=profile.font_size if profile.font_size in FONT_SIZES else ANONYMOUS.font_size,
        sounds=profile.sound_effects,
        voice=profile.voice_feedback,
        keypad=profile.input_method == LearnerProfile.InputMethod.KEYPAD,
        avatar_image=image,
        avatar_name=name,
    )


def site(request: HttpRequest) -> dict[str, Any]:
    @cache
    def github_login_enabled() -> bool:
        # A GitHub app configured by settings or added in the admin both count.
        return bool(get_adapter(request).list_apps(request, provider="github"))

    return {
        "github_login_enabled": github_login_enabled,
        "appearance": SimpleLazyObject(lambda: appearance_of(getattr(request, "user", None))),
    }

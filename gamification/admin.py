"""Motivation in the admin: authors manage achievements and avatars; staff look at XP and standings.

The XP ledger is append-only, so its admin is read-only; a standing's XP and level follow the
ledger and are read-only too (`manage.py xp_verify --fix` repairs them). Opting a learner out of
the leaderboards goes through the service, which also takes her off the boards.

A track's completion achievements are edited on the track's page (`TrackAchievementInline`, used
by `curriculum.admin.TrackAdmin`). An earned achievement is never deleted: it is the learners'
history (its `UserAchievement` rows PROTECT it); the admin says so instead of failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import slugify

from accounts.models import User
from curriculum import admin as curriculum_admin
from curriculum.models import Track

from . import services
from .models import Achievement, Avatar, Standing, UserAchievement, UserAvatar, XPEvent
from .seeds import (
    category_for_subject,
    track_achievement_create,
    track_achievements_recount,
    unused_value,
)

EARNED_KEPT = (
    "{name} has been earned by {count} learner(s): what they earned is their history and is "
    "kept, so it cannot be deleted. Tick “Hidden” to keep it a secret from those who have "
    "not earned it yet."
)


def _earned_counts(achievements: Sequence[Achievement] | QuerySet[Achievement]) -> dict[int, int]:
    pks = [a.pk for a in achievements]
    return dict(
        UserAchievement.objects.filter(achievement_id__in=pks)
        .order_by()
        .values("achievement_id")
        .annotate(count=Count("pk"))
        .values_list("achievement_id", "count")
    )


# --- A track's completion achievements, on the track's page -----------------------------------


class TrackAchievementForm(ModelForm[Achievement]):
    """A completion achievement of the track the page is about: what it asks and what it gives."""

    share_of_track = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=100,
        label="Share of the track (%)",
        help_text=(
            "Percentage of the track's published lessons to complete (100: every lesson). "
            "The number of lessons follows the track as lessons are published or archived."
        ),
    )

    class Meta:
        model = Achievement
        fields = (
            "name",
            "description",
            "icon",
            "share_of_track",
            "xp_reward",
            "unlocks_avatar",
            "hidden",
        )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        achievement = self.instance
        achievement.criteria = Achievement.Criteria.TRACK_COMPLETED
        if achievement.pk is None:
            name = str(cleaned.get("name") or "track")
            achievement.code = unused_value(Achievement, "code", slugify(f"complete-{name}"), 60)
            achievement.threshold = 1  # moved to the track's lessons once saved
        return cleaned

    def save(self, commit: bool = True) -> Achievement:
        track = self.instance.track
        if not self.instance.category and track is not None:
            self.instance.category = category_for_subject(track.subject)
        return super().save(commit)


class TrackAchievementFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Refuses, at the top of the group, to delete an achievement that has been earned."""

    def clean(self) -> None:
        # Before Django's own check (in `super().clean()`), which would collect every
        # protected row to list them.
        doomed = [
            form.instance
            for form in self.forms
            if form.instance.pk is not None
            and getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME)
        ]
        earned = _earned_counts(doomed) if doomed else {}
        problems = [
            EARNED_KEPT.format(name=f"“{a.name}”", count=earned[a.pk]) + " Untick its Delete box."
            for a in doomed
            if a.pk in earned
        ]
        if problems:
            raise ValidationError(problems)
        super().clean()


class TrackAchievementInline(admin.StackedInline[Achievement, Track]):
    """The track's completion achievement(s) and the avatar they unlock."""

    model = Achievement
    fk_name = "track"
    form = TrackAchievementForm
    formset = TrackAchievementFormSet
    extra = 0
    verbose_name = "completion achievement"
    verbose_name_plural = "completion achievements"
    fields = (
        "name",
        "description",
        "icon",
        "share_of_track",
        "threshold",
        "xp_reward",
        "unlocks_avatar",
        "hidden",
    )
    readonly_fields = ("threshold",)
    autocomplete_fields = ("unlocks_avatar",)
    show_change_link = True


@admin.register(Avatar)
class AvatarAdmin(admin.ModelAdmin[Avatar]):
    list_display = ("preview", "name", "code", "rarity", "is_default", "display_order", "owners")
    list_display_links = ("preview", "name")
    list_filter = ("rarity", "is_default")
    list_editable = ("display_order",)
    search_fields = ("code", "name", "description")
    prepopulated_fields = {"code": ("name",)}
    ordering = ("display_order", "pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Avatar]:
        return super().get_queryset(request).annotate(owner_count=Count("owners"))

    @admin.display(description="Image")
    def preview(self, avatar: Avatar) -> str:
        return format_html('<img src="{}" alt="" width="40" height="40">', static(avatar.image))

    @admin.display(description="Owners", ordering="owner_count")
    def owners(self, avatar: Any) -> int:
        return int(avatar.owner_count)

    def get_deleted_objects(
        self, objs: Sequence[Avatar] | QuerySet[Avatar], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        """An avatar learners have unlocked is refused on the "cannot delete" page, in words."""
        owners = dict(
            UserAvatar.objects.filter(avatar_id__in=[a.pk for a in objs])
            .order_by()
            .values("avatar_id")
            .annotate(count=Count("pk"))
            .values_list("avatar_id", "count")
        )
        kept = [
            f"“{a.name}” has been unlocked by {owners[a.pk]} learner(s): it is theirs, so it "
            "cannot be deleted."
            for a in objs
            if a.pk in owners
        ]
        if kept:
            return [], {}, set(), kept
        deleted: tuple[list[str], dict[str, int], set[str], list[str]] = (
            super().get_deleted_objects(objs, request)
        )
        return deleted


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin[Achievement]):
    list_display = (
        "name",
        "code",
        "category",
        "criteria",
        "threshold",
        "track",
        "xp_reward",
        "grants_streak_freeze",
        "hidden",
        "unlocks_avatar",
        "display_order",
        "earned_count",
    )
    list_filter = ("category", "criteria", "hidden", "grants_streak_freeze")
    list_select_related = ("track", "unlocks_avatar")
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("unlocks_avatar",)
    raw_id_fields = ("track",)
    prepopulated_fields = {"code": ("name",)}
    ordering = ("display_order", "pk")
    fieldsets = (
        (None, {"fields": ("name", "code", "description", "icon", "category", "display_order")}),
        ("When it is earned", {"fields": ("criteria", "threshold", "track", "share_of_track")}),
        ("Reward", {"fields": ("xp_reward", "grants_streak_freeze", "unlocks_avatar", "hidden")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Achievement]:
        return super().get_queryset(request).annotate(earned_total=Count("earned"))

    def get_deleted_objects(
        self, objs: Sequence[Achievement] | QuerySet[Achievement], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        """An earned achievement is refused on Django's "cannot delete" page, in words."""
        earned = _earned_counts(objs)
        kept = [
            EARNED_KEPT.format(name=f"“{a.name}”", count=earned[a.pk])
            for a in objs
            if a.pk in earned
        ]
        if kept:
            return [], {}, set(), kept
        deleted: tuple[list[str], dict[str, int], set[str], list[str]] = (
            super().get_deleted_objects(objs, request)
        )
        return deleted

    @admin.display(description="Earned by", ordering="earned_total")
    def earned_count(self, achievement: Any) -> int:
        return int(achievement.earned_total)


@admin.register(XPEvent)
class XPEventAdmin(admin.ModelAdmin[XPEvent]):
    list_display = ("created_at", "user", "amount", "reason", "source_type", "source_id", "track")
    list_filter = ("reason", "source_type")
    list_select_related = ("user", "track")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user", "track")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: XPEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: XPEvent | None = None) -> bool:
        return False


@admin.register(Standing)
class StandingAdmin(admin.ModelAdmin[Standing]):
    list_display = (
        "user",
        "xp",
        "level",
        "current_streak",
        "best_streak",
        "last_active_date",
        "streak_freezes",
        "selected_avatar",
        "leaderboard_opt_out",
    )
    list_filter = ("leaderboard_opt_out", "level")
    list_select_related = ("user", "selected_avatar")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)
    ordering = ("-xp",)
    fields = (
        "user",
        "xp",
        "level",
        "current_streak",
        "best_streak",
        "last_active_date",
        "last_active_timezone",
        "streak_freezes",
        "selected_avatar",
        "leaderboard_opt_out",
        "correct_answers",
        "lessons_completed",
        "quizzes_completed",
        "perfect_quizzes",
        "high_score_quizzes",
        "facts_mastered",
    )
    readonly_fields = tuple(
        name
        for name in fields
        if name not in {"streak_freezes", "selected_avatar", "leaderboard_opt_out"}
    )
    actions = ("verify_xp",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a standing is made by the learner's first XP

    def save_model(
        self, request: HttpRequest, obj: Standing, form: ModelForm[Standing], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if "leaderboard_opt_out" in form.changed_data:
            user = User.objects.get(pk=obj.user_id)
            services.leaderboard_opt_set(user=user, opt_out=obj.leaderboard_opt_out)

    @admin.action(description="Check every standing's XP against the ledger")
    def verify_xp(self, request: HttpRequest, queryset: QuerySet[Standing]) -> None:
        differences = services.xp_verify()
        if not differences:
            self.message_user(request, "0 differences: every standing matches its ledger.")
            return
        self.message_user(
            request,
            f"{len(differences)} standings differ from their ledger: "
            "run `manage.py xp_verify --fix` to repair them.",
            level="warning",
        )


# --------------------------------------------------------------------------------------------
# The curriculum's track page, with its completion achievement
# --------------------------------------------------------------------------------------------


class TrackWithAchievementAdmin(curriculum_admin.TrackAdmin):
    """The curriculum's track admin, with the track's completion achievement inline."""

    inlines = [*curriculum_admin.TrackAdmin.inlines, TrackAchievementInline]


def _completion_achievements_create(
    model_admin: Any, request: HttpRequest, tracks: QuerySet[Track]
) -> None:
    """Tracks just published get their completion achievement if they have none."""
    for track in tracks.filter(achievements__isnull=True):
        achievement = track_achievement_create(track=track)
        reward = (
            f", unlocking the avatar {achievement.unlocks_avatar}"
            if achievement.unlocks_avatar
            else ""
        )
        model_admin.message_user(
            request,
            f"The track “{track}” now has its completion achievement “{achievement}” "
            f"({achievement.xp_reward} XP{reward}); choose its reward on the track's page.",
            messages.SUCCESS,
        )


if admin.site.is_registered(Track):
    admin.site.unregister(Track)
admin.site.register(Track, TrackWithAchievementAdmin)
curriculum_admin.PUBLISH_HOOKS.append(_completion_achievements_create)
curriculum_admin.CHANGE_HOOKS.append(track_achievements_recount)

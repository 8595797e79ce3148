"""Motivation in the admin: authors manage achievements and avatars; staff look at XP and standings.

The XP ledger is append-only, so its admin is read-only; a standing's XP and level follow the
ledger and are read-only too (`manage.py xp_verify --fix` repairs them). Opting a learner out of
the leaderboards goes through the service, which also takes her off the boards.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html

from accounts.models import User

from . import services
from .models import Achievement, Avatar, Standing, XPEvent


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
        ("When it is earned", {"fields": ("criteria", "threshold", "track")}),
        ("Reward", {"fields": ("xp_reward", "grants_streak_freeze", "unlocks_avatar", "hidden")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Achievement]:
        return super().get_queryset(request).annotate(earned_total=Count("earned"))

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

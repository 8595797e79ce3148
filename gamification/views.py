"""The learner's Profile (level, streak calendar, achievements, avatars, XP history) and the
Leaderboards. Every page needs a signed-in learner and shows only her own data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from calcuingo.context_processors import appearance_load
from calcuingo.exceptions import ApplicationError
from curriculum.selectors import tracks_visible_to

from . import leaderboards, pages, selectors, services
from .models import Standing
from .pages import LearnerRequest


def _standing(user: User) -> Standing:
    """Her standing, loaded with her settings in the one query the page chrome needs anyway."""
    appearance_load(user)
    try:
        return user.standing
    except Standing.DoesNotExist:
        return Standing(user=user)


def _profile_context(request: LearnerRequest, **avatar_state: str) -> dict[str, Any]:
    user = request.user
    today = user.local_now().date()
    standing = _standing(user)
    first, last = pages.calendar_span(today)
    days = selectors.streak_days(user=user, since=first, until=last)
    history = Paginator(
        selectors.xp_history_described(user=user), pages.XP_HISTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return {
        "level": pages.level_view(standing),
        "streak": pages.streak_view(standing=standing, user=user, days=days, today=today),
        "achievements": pages.achievement_shelf(selectors.achievements_for(user=user)),
        "avatars": pages.avatar_collection(user=user, **avatar_state),
        "history": history,
        "xp_rows": pages.xp_rows(history),
    }


@login_required
@require_GET
def profile(request: LearnerRequest) -> HttpResponse:
    return render(request, "gamification/profile.html", _profile_context(request))


@login_required
@require_POST
def avatar_pick(request: LearnerRequest) -> HttpResponse:
    """Wear an avatar: a default one or one she has unlocked; a locked one is refused.

    Without JavaScript the page is posted and redirected back; with htmx only the avatar
    section is swapped (errors too, so they answer 200: htmx swaps no error response).
    """
    user = request.user
    form = pages.AvatarPickForm(request.POST)
    error = notice = ""
    if form.is_valid():
        try:
            avatar = selectors.avatar_by_code(code=form.cleaned_data["avatar"])
            services.avatar_select(user=user, avatar=avatar)
            notice = f"You now wear the {avatar.name}."
        except Http404:
            error = "There is no such avatar."
        except ApplicationError as exc:
            error = exc.message
    else:
        error = pages.first_error(form, "Choose an avatar first.")
    if request.htmx:
        collection = pages.avatar_collection(user=user, error=error, notice=notice)
        return render(request, "gamification/_avatar_swap.html", {"avatars": collection})
    if error:
        context = _profile_context(request, error=error)
        return render(request, "gamification/profile.html", context, status=400)
    messages.success(request, notice)
    return HttpResponseRedirect(reverse("gamification:profile") + "#avatars")


def _leaderboard_context(
    request: LearnerRequest, *, period: str, track_id: int | None, error: str = ""
) -> dict[str, Any]:
    user = request.user
    tracks = list(tracks_visible_to(user=user).prefetch_related(None).values_list("pk", "title"))
    if track_id is not None and track_id not in dict(tracks):
        raise Http404("No such track.")
    board = leaderboards.read(
        period=period, user_id=user.pk, track_id=track_id, top=pages.LEADERBOARD_TOP
    )
    shown = {row.user_id for row in [*board.top, *board.around_me]}
    standing = _standing(user)
    return {
        "board": pages.leaderboard_view(
            board=board,
            viewer=user,
            tracks=tracks,
            avatars=selectors.avatars_of(user_ids=sorted(shown)),
            opted_out=standing.leaderboard_opt_out,
        ),
        "visibility_error": error,
    }


@login_required
@require_GET
def leaderboard(request: LearnerRequest) -> HttpResponse:
    form = pages.LeaderboardQueryForm(request.GET)
    form.is_valid()
    if "track" in form.errors:
        raise Http404("No such track.")
    period = form.cleaned_data.get("period") or pages.DEFAULT_PERIOD
    track_id = form.cleaned_data.get("track")
    context = _leaderboard_context(request, period=period, track_id=track_id)
    return render(request, "gamification/leaderboards.html", context)


@login_required
@require_POST
def leaderboard_visibility(request: LearnerRequest) -> HttpResponse:
    """Opt out of every board (or back in); she keeps her XP, only her place is hidden."""
    form = pages.LeaderboardVisibilityForm(request.POST)
    valid = form.is_valid()
    period = form.cleaned_data.get("period") or pages.DEFAULT_PERIOD
    track_id = form.cleaned_data.get("track")
    if not valid:
        error = pages.first_error(form, "Choose whether to be shown or hidden.")
        if "visibility" not in form.errors:
            period, track_id = pages.DEFAULT_PERIOD, None
        context = _leaderboard_context(request, period=period, track_id=track_id, error=error)
        return render(request, "gamification/leaderboards.html", context, status=400)
    services.leaderboard_opt_set(user=request.user, opt_out=form.opt_out)
    messages.success(
        request,
        "You are hidden from the leaderboards."
        if form.opt_out
        else "You are shown on the leaderboards again.",
    )
    return redirect(pages.leaderboard_url(period=period, track_id=track_id))

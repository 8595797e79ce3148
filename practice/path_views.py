"""The learner's pages around the player: the learning path, review, the mastery grid, and a
parent's read-only view of a linked child's path. Every page needs a signed-in user; another
learner's data is a 404. Each page costs a fixed number of queries, whatever the curriculum's
size or the learner's history (see `practice.path`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.selectors import learner_visible_to, linked_learner_get
from calcuingo.context_processors import appearance_load
from curriculum.selectors import tracks_visible_to

from . import path, selectors
from .site import LearnerRequest


@login_required
@require_GET
def learning_path(request: LearnerRequest) -> HttpResponse:
    """Home after login: Continue, today's goal, the streak, reviews due, every track."""
    user = appearance_load(request.user)
    context = {
        "path": path.path_of(learner=user, viewer=user),
        "open_session": path.open_session(user=user),
        "read_only": False,
    }
    return render(request, "practice/path.html", context)


@login_required
@require_GET
def review(request: LearnerRequest) -> HttpResponse:
    """What is due for review; when nothing is, practising her mistakes and weak skills."""
    user = appearance_load(request.user)
    review = selectors.review_state(user=user)
    context = {
        "learner": user,
        "standing": path.standing_of(user),
        "daily_goal": path.daily_goal_of(user),
        "review": review,
        "review_due": review.due,
    }
    return render(request, "practice/review.html", context)


@login_required
@require_GET
def grid(request: LearnerRequest, pk: int) -> HttpResponse:
    """A fact track's mastery grid, coloured by fluency; `?learner=` for a linked child."""
    viewer = request.user
    form = path.GridForm(request.GET)
    if not form.is_valid():
        raise Http404("No such grid.")
    learner_id = form.cleaned_data["learner"]
    learner = (
        viewer if learner_id is None else learner_visible_to(viewer=viewer, learner_id=learner_id)
    )
    track = get_object_or_404(tracks_visible_to(user=viewer).prefetch_related(None), pk=pk)
    operations = path.fact_operations(track=track)
    if not operations:
        raise Http404("This track has no math facts.")
    operation = form.cleaned_data["operation"]
    if operation not in operations:
        operation = operations[0]
    cells = selectors.mastery_grid(user=learner, track=track, operation=operation)
    context = {
        "track": track,
        "learner": learner,
        "is_self": learner.pk == viewer.pk,
        "operations": operations,
        "operation": operation,
        "table": path.grid_table(cells),
        "levels": path.FLUENCY_LEGEND,
    }
    return render(request, "practice/grid.html", context)


@require_GET
def children(request: LearnerRequest) -> HttpResponse:
    """The parent dashboard moved to `analytics:children`; old links and bookmarks follow it."""
    return redirect("analytics:children", permanent=True)


@login_required
@require_GET
def child(request: LearnerRequest, learner_id: int) -> HttpResponse:
    """One linked learner's whole path, read only; anyone else's is a 404."""
    learner = linked_learner_get(parent=request.user, learner_id=learner_id)
    context = {"path": path.path_of(learner=learner, viewer=request.user), "read_only": True}
    return render(request, "practice/path.html", context)

"""The learner's pages around the player: the learning path, review, the mastery grid, and a
parent's view of linked children. Every page needs a signed-in user; another learner's data is
a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.selectors import learner_visible_to, linked_learner_get, linked_learners
from curriculum.selectors import tracks_visible_to

from . import path, selectors, site
from .site import LearnerRequest


@login_required
@require_GET
def learning_path(request: LearnerRequest) -> HttpResponse:
    user = request.user
    context = {
        **path.path_of(learner=user, viewer=user),
        "open_session": path.open_session(user=user),
        "read_only": False,
    }
    return render(request, "practice/path.html", context)


@login_required
@require_GET
def review(request: LearnerRequest) -> HttpResponse:
    user = request.user
    context = {
        "standing": path.standing_of(user),
        "review_due": selectors.review_due_count(user=user),
    }
    return render(request, "practice/review.html", context)


@login_required
@require_GET
def grid(request: LearnerRequest, pk: int) -> HttpResponse:
    """A fact track's mastery grid, coloured by fluency; `?learner=` for a linked child."""
    viewer = request.user
    form = site.GridForm(request.GET)
    if not form.is_valid():
        raise Http404("No such grid.")
    learner_id = form.cleaned_data["learner"]
    learner = (
        viewer if learner_id is None else learner_visible_to(viewer=viewer, learner_id=learner_id)
    )
    track = get_object_or_404(tracks_visible_to(user=viewer), pk=pk)
    operations = site.fact_operations(track=track)
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
        "table": site.grid_table(cells),
        "levels": site.FLUENCY_LEGEND,
    }
    return render(request, "practice/grid.html", context)


@login_required
@require_GET
def children(request: LearnerRequest) -> HttpResponse:
    """A parent's overview of each linked learner: standing and progress on every track."""
    parent = request.user
    tracks = tracks_visible_to(user=parent)
    rows = [
        {
            "learner": learner,
            "standing": path.standing_of(learner),
            "tracks": selectors.track_progress_list(user=learner, tracks=tracks),
        }
        for learner in linked_learners(parent=parent)
    ]
    return render(request, "practice/children.html", {"children": rows})


@login_required
@require_GET
def child(request: LearnerRequest, learner_id: int) -> HttpResponse:
    """One linked learner's whole path, read only; anyone else's is a 404."""
    learner = linked_learner_get(parent=request.user, learner_id=learner_id)
    context = {**path.path_of(learner=learner, viewer=request.user), "read_only": True}
    return render(request, "practice/path.html", context)

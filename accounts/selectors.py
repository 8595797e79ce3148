"""Reads on people, each with its permission rule built in."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import ParentLink, User


def parent_links_for_user(*, user: User) -> QuerySet[ParentLink]:
    """Links where the user is the parent or the learner."""
    return (
        ParentLink.objects.filter(Q(parent=user) | Q(learner=user))
        .select_related("parent", "learner")
        .order_by("-created_at", "-pk")
    )


def linked_learners(*, parent: User) -> QuerySet[User]:
    return (
        User.objects.filter(parent_links__parent=parent, is_active=True)
        .select_related("profile")
        .order_by("username")
    )


def linked_learner_get(*, parent: User, learner_id: int) -> User:
    """A learner the parent is linked to; 404 for anyone else, so existence is not revealed."""
    return get_object_or_404(linked_learners(parent=parent), pk=learner_id)


def learner_visible_to(*, viewer: User, learner_id: int) -> User:
    """The learner herself, or a learner linked to this parent; 404 otherwise."""
    if viewer.pk == learner_id:
        return viewer
    return linked_learner_get(parent=viewer, learner_id=learner_id)

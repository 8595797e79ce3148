"""Dashboard endpoints: my days, my children's progress, an author's view of a track.

Every read goes through `calcuingo.cache` with the TTLs of ARCHITECTURE.md; a learner's entries
are dropped when she answers (a version bump after commit).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse403Serializer,
    ErrorResponse404Serializer,
    ValidationErrorResponseSerializer,
)
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors import linked_learner_get, linked_learners
from calcuingo import cache
from calcuingo.api.auth import current_user
from curriculum.selectors import tracks_visible_to

from . import selectors
from .serializers import (
    ChildSummarySerializer,
    LearnerStatsSerializer,
    RangeQuerySerializer,
    TrackStatisticsSerializer,
)

RANGE_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day (your local date); default: 29 days ago."
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive; default: today."),
]


def _children(learners: list[User]) -> list[selectors.ChildSummary]:
    """Summaries of these learners from the cache, the missing ones computed together."""
    now = timezone.now()
    by_id = {learner.pk: learner for learner in learners}
    today = {learner.pk: selectors.local_today(learner, now) for learner in learners}
    found = cache.cached_many(
        cache.child_summary_keys(list(by_id), today),
        cache.STATS_TTL,
        lambda missing: selectors.children_summaries(
            learners=[by_id[pk] for pk in missing], now=now
        ),
    )
    return [found[learner.pk] for learner in learners]


class MyDashboardApi(APIView):
    @extend_schema(
        tags=["dashboards"],
        summary="My days over a range: a zero-filled daily series for charts, totals, accuracy",
        parameters=RANGE_PARAMETERS,
        responses={200: LearnerStatsSerializer, 400: ValidationErrorResponseSerializer},
    )
    def get(self, request: Request) -> Response:
        user = current_user(request)
        query = RangeQuerySerializer(
            data=request.query_params,
            context={"today": selectors.local_today(user, timezone.now())},
        )
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["from"], query.validated_data["to"]
        stats = cache.cached(
            cache.stats_key(user.pk, start, end),
            cache.STATS_TTL,
            lambda: selectors.learner_stats(user=user, start=start, end=end),
        )
        return Response(LearnerStatsSerializer(stats).data)


class ChildrenDashboardApi(APIView):
    @extend_schema(
        tags=["dashboards"],
        summary="Each of my linked learners: today, this week, streak, tracks, recent sessions",
        description="For parents; anyone else has no linked learners and gets an empty list.",
        responses={200: ChildSummarySerializer(many=True), 403: ErrorResponse403Serializer},
    )
    def get(self, request: Request) -> Response:
        learners = list(linked_learners(parent=current_user(request)))
        return Response(ChildSummarySerializer(_children(learners), many=True).data)


class ChildDashboardApi(APIView):
    @extend_schema(
        tags=["dashboards"],
        summary="One linked learner's dashboard; 404 for a learner not linked to me",
        responses={200: ChildSummarySerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        learner = linked_learner_get(parent=current_user(request), learner_id=pk)
        (summary,) = _children([learner])
        return Response(ChildSummarySerializer(summary).data)


class TrackStatisticsApi(APIView):
    @extend_schema(
        tags=["dashboards"],
        summary="How a track is going for all learners (authors and staff)",
        responses={
            200: TrackStatisticsSerializer,
            403: ErrorResponse403Serializer,
            404: ErrorResponse404Serializer,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        user = current_user(request)
        if not (user.is_staff or user.role in {User.Role.AUTHOR, User.Role.STAFF}):
            raise exceptions.PermissionDenied("Track statistics are for authors and staff.")
        track = generics.get_object_or_404(tracks_visible_to(user=user), pk=pk)
        statistics = cache.cached(
            cache.track_statistics_key(track.pk),
            cache.STATS_TTL,
            lambda: selectors.track_statistics(track=track),
        )
        return Response(TrackStatisticsSerializer(statistics).data)

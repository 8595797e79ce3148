"""Motivation endpoints: my standing, XP history, achievements, avatars, leaderboards.

A parent may read a linked learner's standing and achievements with `?learner=<id>`; every
write is the requesting learner's own.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse403Serializer,
    ErrorResponse404Serializer,
)
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.selectors import learner_visible_to
from calcuingo.api.auth import current_user
from curriculum.selectors import tracks_visible_to

from . import leaderboards, selectors, services
from .models import XPEvent
from .serializers import (
    DEFAULT_TOP,
    AchievementListSerializer,
    AvatarSelectSerializer,
    AvatarSerializer,
    LeaderboardOptSerializer,
    LeaderboardQuerySerializer,
    LeaderboardSerializer,
    LearnerQuerySerializer,
    StandingSerializer,
    XPEventSerializer,
)

TAGS = ["gamification"]
LEARNER_PARAM = OpenApiParameter(
    "learner", int, description="A linked learner's id (parents, read-only); default: me."
)


def _learner(request: Request) -> User:
    """Me, or a learner linked to me as a parent (404 for anyone else)."""
    query = LearnerQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    viewer = current_user(request)
    learner_id = query.validated_data.get("learner")
    if learner_id is None:
        return viewer
    return learner_visible_to(viewer=viewer, learner_id=learner_id)


def _standing_body(user: User) -> dict[str, Any]:
    return asdict(selectors.standing_summary(user=user))


class StandingApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="My XP, level, streak (as of today on my calendar), freezes and avatar",
        parameters=[LEARNER_PARAM],
        responses={200: StandingSerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request) -> Response:
        return Response(StandingSerializer(_standing_body(_learner(request))).data)


class XPHistoryApi(generics.ListAPIView[XPEvent]):
    serializer_class = XPEventSerializer
    queryset = XPEvent.objects.none()  # for the schema; `get_queryset` is the learner's own

    def get_queryset(self) -> Any:
        return selectors.xp_history(user=current_user(self.request))

    @extend_schema(tags=TAGS, summary="My XP history: every grant, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AchievementListApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Achievements, earned and not (hidden ones stay secret until earned)",
        parameters=[LEARNER_PARAM],
        responses={200: AchievementListSerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request) -> Response:
        views = selectors.achievements_for(user=_learner(request))
        body = {
            "earned": sum(view.earned for view in views),
            "total": len(views),
            "achievements": [asdict(view) for view in views],
        }
        return Response(AchievementListSerializer(body).data)


class AvatarListApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Avatars: the ones I own and the ones still locked",
        responses={200: AvatarSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        views = selectors.avatars_for(user=current_user(request))
        return Response(AvatarSerializer([asdict(view) for view in views], many=True).data)


class AvatarSelectApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Wear an avatar (a default one or one I have unlocked)",
        request=AvatarSelectSerializer,
        responses={
            200: StandingSerializer,
            403: ErrorResponse403Serializer,
            404: ErrorResponse404Serializer,
        },
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        serializer = AvatarSelectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        avatar = selectors.avatar_by_code(code=serializer.validated_data["avatar"])
        services.avatar_select(user=user, avatar=avatar)
        return Response(StandingSerializer(_standing_body(user)).data)


class LeaderboardOptApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Appear on the leaderboards, or not",
        request=LeaderboardOptSerializer,
        responses={200: LeaderboardOptSerializer},
    )
    def patch(self, request: Request) -> Response:
        serializer = LeaderboardOptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        standing = services.leaderboard_opt_set(
            user=current_user(request), opt_out=serializer.validated_data["opt_out"]
        )
        return Response(LeaderboardOptSerializer({"opt_out": standing.leaderboard_opt_out}).data)


def _rows(rows: list[leaderboards.Row], me: int) -> list[dict[str, Any]]:
    return [
        {
            "rank": row.rank,
            "learner": row.user_id,
            "username": row.username,
            "xp": row.xp,
            "is_me": row.user_id == me,
        }
        for row in rows
    ]


class LeaderboardApi(APIView):
    """One board: daily and weekly follow UTC (weeks begin on Monday); all-time never resets."""

    period = "weekly"

    @extend_schema(
        tags=TAGS,
        summary="A leaderboard: the top learners, my rank and my neighbours",
        parameters=[LeaderboardQuerySerializer],
        responses={200: LeaderboardSerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request) -> Response:
        user = current_user(request)
        query = LeaderboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        track_id = query.validated_data.get("track")
        if track_id is not None:
            generics.get_object_or_404(tracks_visible_to(user=user), pk=track_id)
        board = leaderboards.read(
            period=self.period,
            user_id=user.pk,
            track_id=track_id,
            top=query.validated_data.get("top", DEFAULT_TOP),
        )
        me = _rows([board.me], user.pk)[0] if board.me else None
        body = {
            "period": board.period,
            "starts_on": board.starts_on,
            "track": board.track_id,
            "source": board.source,
            "top": _rows(board.top, user.pk),
            "me": me,
            "around_me": _rows(board.around_me, user.pk),
        }
        return Response(LeaderboardSerializer(body).data)

"""Read API of the curriculum, and the math input preview ("interpreted as")."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calcuingo.api.auth import current_user

from . import grading, selectors
from .models import Exercise, Lesson, Track, Unit
from .serializers import (
    ExerciseSerializer,
    LessonSerializer,
    MathPreviewInputSerializer,
    MathPreviewOutputSerializer,
    TrackSerializer,
    UnitSerializer,
)


class TrackFilter(django_filters.FilterSet):
    class Meta:
        model = Track
        fields = ["subject", "grade_level", "difficulty"]


class UnitFilter(django_filters.FilterSet):
    subject = django_filters.CharFilter(field_name="track__subject")
    grade_level = django_filters.NumberFilter(field_name="track__grade_level")

    class Meta:
        model = Unit
        fields = ["track", "subject", "grade_level"]


class LessonFilter(django_filters.FilterSet):
    track = django_filters.NumberFilter(field_name="unit__track")
    subject = django_filters.CharFilter(field_name="unit__track__subject")
    grade_level = django_filters.NumberFilter(field_name="unit__track__grade_level")

    class Meta:
        model = Lesson
        fields = ["unit", "track", "subject", "grade_level"]


class ExerciseFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(field_name="lesson__unit")
    track = django_filters.NumberFilter(field_name="lesson__unit__track")
    subject = django_filters.CharFilter(field_name="lesson__unit__track__subject")
    grade_level = django_filters.NumberFilter(field_name="lesson__unit__track__grade_level")

    class Meta:
        model = Exercise
        fields = ["lesson", "unit", "track", "kind", "subject", "grade_level"]


@extend_schema_view(
    list=extend_schema(summary="Tracks of the learning path"),
    retrieve=extend_schema(summary="One track"),
)
@extend_schema(tags=["curriculum"])
class TrackViewSet(viewsets.ReadOnlyModelViewSet[Track]):
    serializer_class = TrackSerializer
    filterset_class = TrackFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Track.objects.none()
        return selectors.tracks_visible_to(user=current_user(self.request))


@extend_schema_view(
    list=extend_schema(summary="Units, in track order"),
    retrieve=extend_schema(summary="One unit"),
)
@extend_schema(tags=["curriculum"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        return selectors.units_visible_to(user=current_user(self.request))


@extend_schema_view(
    list=extend_schema(summary="Lessons, in unit order"),
    retrieve=extend_schema(summary="One lesson"),
)
@extend_schema(tags=["curriculum"])
class LessonViewSet(viewsets.ReadOnlyModelViewSet[Lesson]):
    serializer_class = LessonSerializer
    filterset_class = LessonFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Lesson.objects.none()
        return selectors.lessons_visible_to(user=current_user(self.request))


@extend_schema_view(
    list=extend_schema(summary="Exercises as learners see them (never their answers)"),
    retrieve=extend_schema(summary="One exercise (never its answer)"),
)
@extend_schema(tags=["curriculum"])
class ExerciseViewSet(viewsets.ReadOnlyModelViewSet[Exercise]):
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Exercise.objects.none()
        return selectors.exercises_visible_to(user=current_user(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        # Each learner gets her own reproducible variant of a parametrised exercise.
        context["seed_prefix"] = str(self.request.user.pk)
        return context


class MathPreviewApi(APIView):
    @extend_schema(
        tags=["curriculum"],
        summary="Show how a math input is read (LaTeX), or where it cannot be read",
        request=MathPreviewInputSerializer,
        responses={200: MathPreviewOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = MathPreviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = grading.preview(
            serializer.validated_data["input"], serializer.validated_data.get("variables")
        )
        body = {
            "valid": result.ok,
            "latex": result.latex if result.ok else None,
            "error": None if result.ok else result.error,
            "position": None if result.ok else result.position,
        }
        return Response(MathPreviewOutputSerializer(body).data)

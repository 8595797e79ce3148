from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("tracks", apis.TrackViewSet, basename="track")
router.register("units", apis.UnitViewSet, basename="unit")
router.register("lessons", apis.LessonViewSet, basename="lesson")
router.register("exercises", apis.ExerciseViewSet, basename="exercise")

urlpatterns = [
    path("math/preview", apis.MathPreviewApi.as_view(), name="api-math-preview"),
    *router.urls,
]

"""Site pages of the analytics app: the learner's Stats, a quiz's review, a parent's dashboard."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "analytics"

urlpatterns: list[URLPattern] = [
    path("stats/", views.stats, name="stats"),
    path("stats/quizzes/<int:pk>/", views.quiz, name="quiz"),
    path("children/", views.children, name="children"),
]

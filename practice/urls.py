"""The learner site under /learn/: the path, the lesson player, the grid, children's paths."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import path_views, views

app_name = "practice"

urlpatterns: list[URLPattern] = [
    path("learn/", path_views.learning_path, name="path"),
    path("learn/review/", path_views.review, name="review"),
    path("learn/start/", views.start, name="start"),
    path("learn/sessions/<int:pk>/", views.player, name="session"),
    path("learn/sessions/<int:pk>/answer/", views.answer, name="answer"),
    path("learn/sessions/<int:pk>/hint/", views.hint, name="hint"),
    path("learn/sessions/<int:pk>/pause/", views.pause, name="pause"),
    path("learn/sessions/<int:pk>/resume/", views.resume, name="resume"),
    path("learn/sessions/<int:pk>/quit/", views.leave, name="quit"),
    path("learn/sessions/<int:pk>/finish/", views.finish, name="finish"),
    path("learn/tracks/<int:pk>/grid/", path_views.grid, name="grid"),
    path("learn/children/", path_views.children, name="children"),
    path("learn/children/<int:learner_id>/", path_views.child, name="child"),
]

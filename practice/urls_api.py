from __future__ import annotations

from django.urls import path

from . import apis

urlpatterns = [
    path("sessions", apis.SessionListCreateApi.as_view(), name="api-sessions"),
    path("sessions/<int:pk>", apis.SessionDetailApi.as_view(), name="api-session"),
    path("sessions/<int:pk>/pause", apis.SessionPauseApi.as_view(), name="api-session-pause"),
    path("sessions/<int:pk>/resume", apis.SessionResumeApi.as_view(), name="api-session-resume"),
    path("sessions/<int:pk>/finish", apis.SessionFinishApi.as_view(), name="api-session-finish"),
    path("sessions/<int:pk>/answers", apis.AnswerSubmitApi.as_view(), name="api-answers"),
    path("sessions/<int:pk>/hints", apis.HintRequestApi.as_view(), name="api-hints"),
    path("sessions/<int:pk>/code", apis.CodeSubmitApi.as_view(), name="api-code-submit"),
    path(
        "code-submissions/<int:pk>",
        apis.CodeSubmissionDetailApi.as_view(),
        name="api-code-submission",
    ),
    path(
        "exercises/<int:pk>/code-submissions",
        apis.ExerciseCodeSubmissionListApi.as_view(),
        name="api-exercise-code-submissions",
    ),
    path("progress/tracks", apis.TrackProgressListApi.as_view(), name="api-progress-tracks"),
    path(
        "progress/tracks/<int:pk>", apis.TrackProgressDetailApi.as_view(), name="api-progress-track"
    ),
    path("review/count", apis.ReviewCountApi.as_view(), name="api-review-count"),
    path("tracks/<int:pk>/grid", apis.MasteryGridApi.as_view(), name="api-grid"),
]

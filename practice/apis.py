"""Practice endpoints: sessions, answers, hints, progress, review count, the mastery grid."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import django_filters
from django import forms
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse403Serializer,
    ErrorResponse404Serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import learner_visible_to
from calcuingo import cache as analytics_cache
from calcuingo.api.auth import current_user
from calcuingo.api.tokens import TokenAuthentication
from calcuingo.exceptions import ApplicationError
from curriculum import grading
from curriculum.models import Hint
from curriculum.selectors import (
    exercises_visible_to,
    lessons_visible_to,
    tracks_visible_to,
    units_visible_to,
)

from . import presenters, selectors, services
from .models import CodeSubmission, PracticeSession
from .serializers import (
    AnswerInputSerializer,
    AnswerOutputSerializer,
    CodeSubmissionSerializer,
    CodeSubmitInputSerializer,
    GridQuerySerializer,
    GridSerializer,
    HintInputSerializer,
    HintOutputSerializer,
    LearnerQuerySerializer,
    ReviewCountSerializer,
    SessionFinishedSerializer,
    SessionFinishSerializer,
    SessionHistorySerializer,
    SessionSerializer,
    SessionStartSerializer,
    TrackProgressSerializer,
)
from .services import code as code_services
from .services.answers import variant_values
from .services.sessions import drill_time_left

Mode = PracticeSession.Mode

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Retrying with the same key returns the first result and changes nothing; "
    "the same key with a different body is a 409.",
)


def idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key header (None without one); over 64 characters is a 400."""
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > 64:
        raise ApplicationError(
            "The Idempotency-Key header is at most 64 characters.", field="Idempotency-Key"
        )
    return key


class ConflictErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class Conflict(serializers.Serializer[Any]):
    """A 409: the request conflicts with what already happened (documented shape)."""

    type = serializers.CharField()
    errors = ConflictErrorSerializer(many=True)  # type: ignore[assignment]


class AnswerValidationError(serializers.Serializer[Any]):
    """A 400: `errors[].attr` names the field (`response` for math the preview cannot read)."""

    type = serializers.CharField()
    errors = ConflictErrorSerializer(many=True)  # type: ignore[assignment]


def _shallow(presenter: Any) -> dict[str, Any]:
    """A presenter's fields as a dict, nested presenters kept whole (their properties too)."""
    return {each.name: getattr(presenter, each.name) for each in fields(presenter)}


def _visible(queryset: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ApplicationError(f"There is no such {field}.", field=field, code="not_found")
    return found


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole number from 1 (`1.5` or `abc` is a 400, not a silent match)."""

    field_class = forms.IntegerField


class SessionFilter(django_filters.FilterSet):
    mode = django_filters.ChoiceFilter(
        choices=PracticeSession.Mode.choices, help_text="Only sessions of this mode."
    )
    track = IdFilter(
        field_name="track_id", min_value=1, help_text="Only sessions on this track (its id)."
    )

    class Meta:
        model = PracticeSession
        fields = ["mode", "track"]


def _history_item(session: PracticeSession) -> dict[str, Any]:
    """A session as the history lists it: the session's shape without its current question.

    The question is left to `GET /sessions/{id}`: showing it costs a query per open session,
    and a page of history costs the same queries however many of its sessions are open.
    """
    planned = len(session.plan)
    score = session.correct / planned * 100 if planned else None
    return {
        "id": session.pk,
        "mode": session.mode,
        "status": session.status,
        "placement": bool(session.config.get("placement")),
        "focus": session.config.get("focus", "due") if session.mode == Mode.REVIEW else None,
        "track": session.track_id,
        "unit": session.unit_id,
        "lesson": session.lesson_id,
        "position": session.position,
        "total": planned,
        "time_left_seconds": drill_time_left(session),
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "summary": presenters.SessionCounts(
            answered=session.answered,
            correct=session.correct,
            accuracy=session.accuracy,
            score_percent=round(score, 1)
            if score is not None and session.mode == Mode.QUIZ
            else None,
            average_response_ms=session.average_response_ms,
            xp=session.xp_earned,
            mastery_gained=round(session.mastery_gained, 3),
            facts_mastered=session.facts_mastered,
            active_seconds=session.active_seconds(),
            practice_seconds=session.active_ms // 1000,
        ),
    }


@extend_schema(tags=["practice"])
class SessionListCreateApi(generics.ListAPIView[PracticeSession]):
    serializer_class = SessionHistorySerializer
    filterset_class = SessionFilter
    queryset = PracticeSession.objects.none()  # for the schema; `get_queryset` is her own

    def get_queryset(self) -> QuerySet[PracticeSession]:
        if getattr(self, "swagger_fake_view", False):
            return PracticeSession.objects.none()
        return selectors.sessions_of(user=current_user(self.request))

    @extend_schema(
        summary="My session history, newest first (paginated; filter by mode and track)",
        description="Every session she started, open ones too, 20 a page (`page_size` up to "
        "100). An item has the session's shape without its current question: "
        "`GET /api/v1/sessions/{id}` shows that. A `mode` or `track` that is not one is a 400; "
        "a page past the last is a 404.",
        parameters=[
            OpenApiParameter("track", int, description="Only sessions on this track (its id).")
        ],
        responses={
            200: SessionHistorySerializer(many=True),
            404: ErrorResponse404Serializer,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sessions = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(sessions)
        assert page is not None  # every list of the API is paginated
        items = [_history_item(session) for session in page]
        return self.get_paginated_response(SessionHistorySerializer(items, many=True).data)

    @extend_schema(
        tags=["practice"],
        summary="Start a session: lesson, review, drill or quiz",
        request=SessionStartSerializer,
        responses={201: SessionSerializer, 403: ErrorResponse403Serializer},
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        serializer = SessionStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = services.session_start(
            user=user,
            mode=data["mode"],
            lesson=_visible(lessons_visible_to(user=user), data.get("lesson"), "lesson"),
            unit=_visible(units_visible_to(user=user), data.get("unit"), "unit"),
            track=_visible(tracks_visible_to(user=user), data.get("track"), "track"),
            size=data.get("size"),
            seconds=data.get("seconds"),
            per_question_seconds=data.get("per_question_seconds"),
            placement=data["placement"],
        )
        return Response(SessionSerializer(presenters.session_present(session)).data, status=201)


class SessionDetailApi(APIView):
    @extend_schema(
        tags=["practice"],
        summary="A session: where I am, the current question (never its answer), the summary",
        responses={200: SessionSerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_user(user=current_user(request), session_id=pk)
        return Response(SessionSerializer(presenters.session_present(session)).data)


class SessionPauseApi(APIView):
    @extend_schema(
        tags=["practice"],
        summary="Pause (paused time is not counted)",
        request=None,
        responses={200: SessionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_user(user=current_user(request), session_id=pk)
        return Response(
            SessionSerializer(
                presenters.session_present(services.session_pause(session=session))
            ).data
        )


class SessionResumeApi(APIView):
    @extend_schema(
        tags=["practice"],
        summary="Resume a paused session",
        request=None,
        responses={200: SessionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_user(user=current_user(request), session_id=pk)
        return Response(
            SessionSerializer(
                presenters.session_present(services.session_resume(session=session))
            ).data
        )


class SessionFinishApi(APIView):
    @extend_schema(
        tags=["practice"],
        summary="Finish (or abandon) a session and get its summary",
        request=SessionFinishSerializer,
        responses={200: SessionFinishedSerializer, 409: Conflict},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = current_user(request)
        session = selectors.session_for_user(user=user, session_id=pk)
        serializer = SessionFinishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_finish(
            session=session, abandon=serializer.validated_data["abandon"]
        )
        body = {
            **_shallow(presenters.session_present(session)),
            "reward": presenters.reward_present(getattr(session, "reward", None)),
            "unlocked_lessons": [lesson.pk for lesson in getattr(session, "unlocked", [])],
            "end_screen": presenters.summary_present(session, user=user),
        }
        return Response(SessionFinishedSerializer(body).data)


class AnswerSubmitApi(APIView):
    # The hot path: the token and its user in one statement (`calcuingo.api.tokens`).
    authentication_classes = [TokenAuthentication, SessionAuthentication]

    @extend_schema(
        tags=["practice"],
        summary="Answer the current question",
        parameters=[IDEMPOTENCY_HEADER],
        request=AnswerInputSerializer,
        responses={
            201: AnswerOutputSerializer,
            200: AnswerOutputSerializer,
            400: AnswerValidationError,
            404: ErrorResponse404Serializer,
            409: Conflict,
        },
        description="A response that the math preview cannot read (an expression question) is "
        "refused with a 400 whose error is at the `response` field, in the preview's words; "
        "nothing is recorded and the question stays the current one.\n\n"
        "**200** is a retried request's first result (`replayed: true`), or a question that "
        "cannot be graded because its answer spec is being fixed (`skipped: true`): nothing is "
        "recorded for it (no attempt, `attempt: null`, no XP), `message` says so in the "
        "learner's words, and `session` has moved on to the next question. **201** is a new "
        "answer, recorded.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = current_user(request)
        key = idempotency_key(request)
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # One transaction: her session, standing and progress are read (and locked) once, the
        # answer is checked against the question they show (malformed math is refused at the
        # field before anything is recorded), then recorded on those rows.
        with transaction.atomic():
            lock = services.answer_lock(user=user, session_id=pk, exercise_id=data["exercise"])
            question = presenters.question_present(lock.session)
            AnswerInputSerializer(data=request.data, context={"question": question}).is_valid(
                raise_exception=True
            )
            result = services.answer_record(
                user=user,
                lock=lock,
                exercise_id=data["exercise"],
                response=data["response"],
                response_ms=data["response_ms"],
                input_method=data["input_method"],
                confidence=data.get("confidence"),
                idempotency_key=key,
            )
        session = result.session
        if result.attempt is None:
            body = {**SKIPPED_BODY, "feedback": result.message, "message": result.message}
            body["reward"] = presenters.reward_present(result.reward)
            body["unlocked_lessons"] = [lesson.pk for lesson in result.unlocked]
            body["session"] = presenters.session_present(session)
            return Response(AnswerOutputSerializer(body).data, status=status.HTTP_200_OK)
        feedback = presenters.feedback_present(
            session=session, attempt=result.attempt, result=result
        )
        body = {
            **_shallow(feedback),
            "skipped": False,
            "message": "",
            "session": presenters.session_present(session),
        }
        code = status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        return Response(AnswerOutputSerializer(body).data, status=code)


# The answer to a question skipped because its spec is broken: nothing was judged or earned.
SKIPPED_BODY: dict[str, Any] = {
    "attempt": None,
    "correct": False,
    "score": 0.0,
    "interpreted_as": "",
    "explanation": "",
    "option_explanation": "",
    "xp": 0,
    "hints_used": 0,
    "mastery": None,
    "fluency_level": None,
    "next_review_at": None,
    "unit_completed": False,
    "replayed": False,
    "skipped": True,
}


class HintRequestApi(APIView):
    @extend_schema(
        tags=["practice"],
        summary="The next hint for the current question (lowers this answer's XP)",
        request=HintInputSerializer,
        responses={201: HintOutputSerializer, 403: ErrorResponse403Serializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        session = selectors.session_for_user(user=current_user(request), session_id=pk)
        serializer = HintInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hint = services.hint_request(
            session=session, exercise_id=serializer.validated_data["exercise"]
        )
        session.refresh_from_db()
        item = session.current_item() or {}
        values = variant_values(hint.exercise, item.get("seed", ""))
        total = Hint.objects.filter(exercise_id=hint.exercise_id).count()
        used = int(item.get("hints", 0))
        body = {
            "order": hint.order,
            "text": grading.render_variant(hint.text, values),
            "hints_used": used,
            "hints_left": max(0, total - used),
        }
        return Response(HintOutputSerializer(body).data, status=201)


def _learner(request: Request) -> Any:
    """Me, or a learner linked to me as a parent (read-only views)."""
    query = LearnerQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    viewer = current_user(request)
    learner_id = query.validated_data.get("learner")
    return (
        viewer if learner_id is None else learner_visible_to(viewer=viewer, learner_id=learner_id)
    )


LEARNER_PARAM = OpenApiParameter(
    "learner", int, description="A linked learner's id (parents, read-only); default: me."
)


class TrackProgressListApi(APIView):
    @extend_schema(
        tags=["progress"],
        summary="Progress on every track",
        parameters=[LEARNER_PARAM],
        responses={200: TrackProgressSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        learner = _learner(request)
        tracks = tracks_visible_to(user=current_user(request))
        rows = selectors.track_progress_list(user=learner, tracks=tracks)
        return Response(TrackProgressSerializer(rows, many=True).data)


class TrackProgressDetailApi(APIView):
    @extend_schema(
        tags=["progress"],
        summary="Progress on one track, by unit and lesson (what is unlocked, completed)",
        parameters=[LEARNER_PARAM],
        responses={200: TrackProgressSerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        learner = _learner(request)
        track = generics.get_object_or_404(tracks_visible_to(user=current_user(request)), pk=pk)
        overview = analytics_cache.cached(
            analytics_cache.track_progress_key(learner.pk, track.pk),
            analytics_cache.TRACK_PROGRESS_TTL,
            lambda: selectors.track_overview(user=learner, track=track),
        )
        return Response(TrackProgressSerializer(overview).data)


class ReviewCountApi(APIView):
    @extend_schema(
        tags=["progress"],
        summary="How many exercises are due for review now",
        parameters=[LEARNER_PARAM],
        responses={200: ReviewCountSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response({"due": selectors.review_due_count(user=_learner(request))})


class MasteryGridApi(APIView):
    @extend_schema(
        tags=["progress"],
        summary="The mastery grid of a fact track: operand1 × operand2 cells",
        parameters=[
            LEARNER_PARAM,
            OpenApiParameter("operation", str, enum=["+", "−", "×", "÷"], default="×"),
        ],
        responses={200: GridSerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        query = GridQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        learner = _learner(request)
        track = generics.get_object_or_404(tracks_visible_to(user=current_user(request)), pk=pk)
        operation = query.validated_data["operation"]
        cells = analytics_cache.cached(
            analytics_cache.grid_key(learner.pk, track.pk, operation),
            analytics_cache.GRID_TTL,
            lambda: selectors.mastery_grid(user=learner, track=track, operation=operation),
        )
        return Response(
            GridSerializer({"track": track.pk, "operation": operation, "cells": cells}).data
        )


# --- Code questions ------------------------------------------------------------------------------


class TooManyRuns(Conflict):
    """A 429: too many of her runs are in progress, or too many sample runs this minute."""


class RunnerUnavailable(Conflict):
    """A 503: this server cannot run code (the sandbox is not installed); nothing was recorded."""


def _submission(user: Any, submission_id: int) -> CodeSubmission:
    return code_services.code_submission_for_user(user=user, submission_id=submission_id)


class CodeSubmitApi(APIView):
    @extend_schema(
        tags=["practice"],
        summary="Send code for the current code question: run the sample tests, or submit",
        parameters=[IDEMPOTENCY_HEADER],
        request=CodeSubmitInputSerializer,
        responses={
            202: CodeSubmissionSerializer,
            400: AnswerValidationError,
            404: ErrorResponse404Serializer,
            409: Conflict,
            429: TooManyRuns,
            503: RunnerUnavailable,
        },
        description="The code is recorded, then run in a sandbox by a background worker: poll "
        "`GET /api/v1/code-submissions/{id}` until `finished`. A `run` tries the sample tests "
        "only and counts nothing; a `submit` runs every test (hidden ones say only passed or "
        "failed) and, once graded, is her answer to the question: `attempt`, `correct` and "
        "`xp` are then set and the session has moved on, as after any answer.\n\n"
        "**400**: code over 64 KB, or a question that is not the session's current code "
        "question. **409**: the session is finished or paused, her submit for this question is "
        "still being graded, or the Idempotency-Key was used for different code (a retry with "
        "the same key and body returns the first submission as it now stands). **429**: two of "
        "her runs are already in progress, or too many sample runs this minute. **503**: this "
        "server has no code runner.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = current_user(request)
        key = idempotency_key(request)
        serializer = CodeSubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = code_services.code_submit(
            user=user,
            session_id=pk,
            exercise_id=data["exercise"],
            source=data["source"],
            kind=data["kind"],
            response_ms=data["response_ms"],
            idempotency_key=key,
        )
        # As it stands now: graded already where tasks run eagerly (no broker).
        submission = _submission(user, submission.pk)
        return Response(CodeSubmissionSerializer(submission).data, status=status.HTTP_202_ACCEPTED)


class CodeSubmissionDetailApi(APIView):
    @extend_schema(
        tags=["practice"],
        summary="A code submission of mine, as it stands (poll until `finished`)",
        responses={200: CodeSubmissionSerializer, 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(CodeSubmissionSerializer(_submission(current_user(request), pk)).data)


@extend_schema(tags=["practice"])
class ExerciseCodeSubmissionListApi(generics.ListAPIView[CodeSubmission]):
    serializer_class = CodeSubmissionSerializer
    queryset = CodeSubmission.objects.none()  # for the schema; `get_queryset` is her own

    def get_queryset(self) -> QuerySet[CodeSubmission]:
        if getattr(self, "swagger_fake_view", False):
            return CodeSubmission.objects.none()
        user = current_user(self.request)
        exercise_id = int(self.kwargs["pk"])
        mine = code_services.code_submissions_of(user=user, exercise_id=exercise_id)
        if not exercises_visible_to(user=user).filter(pk=exercise_id).exists() and not (
            mine.exists()
        ):
            raise ApplicationError("There is no such exercise.", status=404, code="not_found")
        return mine

    @extend_schema(
        summary="My code submissions for a question, newest first (paginated)",
        description="Runs and submits alike, 20 a page (`page_size` up to 100). A question she "
        "cannot see (and never sent code to) is a 404, as is a page past the last.",
        responses={200: CodeSubmissionSerializer(many=True), 404: ErrorResponse404Serializer},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

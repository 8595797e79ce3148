"""The learner site: the learning path, the lesson player, the mastery grid, children's paths.

Every page needs a signed-in user, and sessions are found through `session_for_user`, so another
learner's session is a 404. Every form works without JavaScript (answered with a whole page, or
a redirect back to one); posted by htmx, it is answered with the fragment it swaps. Views
validate what is posted (`practice.site` forms) and call the services; a broken domain rule
(`ApplicationError`) is shown to the learner as a message, never as an error page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, retarget

from calcuingo.exceptions import ApplicationError
from curriculum.models import Lesson, Track, Unit
from curriculum.selectors import lessons_visible_to, tracks_visible_to, units_visible_to

from . import selectors, services, site
from .apis import present_session
from .models import PracticeSession
from .site import LearnerRequest

Mode = PracticeSession.Mode
# Hint refusals that concern the hint itself; anything else means the question moved on.
HINT_REFUSALS = {"no_more_hints", "hint_locked"}


# --- Starting a session ---------------------------------------------------------------------


def _visible(queryset: QuerySet[Any], pk: int | None, what: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ApplicationError(f"There is no such {what} to practise.", status=404)
    return found


@login_required
@require_POST
def start(request: LearnerRequest) -> HttpResponse:
    """Start a lesson, a review, a drill or a quiz, and open the player on it."""
    user = request.user
    form = site.StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("practice:path")
    data = form.cleaned_data
    try:
        lesson: Lesson | None = _visible(lessons_visible_to(user=user), data["lesson"], "lesson")
        unit: Unit | None = _visible(units_visible_to(user=user), data["unit"], "unit")
        track: Track | None = _visible(tracks_visible_to(user=user), data["track"], "track")
        # The service opens drills and quizzes on any track (a placement quiz may skip ahead);
        # from the path, only tracks the learner has opened are offered.
        if data["mode"] in (Mode.DRILL, Mode.QUIZ):
            target = track or (unit.track if unit else None)
            if target is not None and not selectors.track_is_unlocked(user=user, track=target):
                raise ApplicationError("This track is still locked.", status=403)
        session = services.session_start(
            user=user, mode=data["mode"], lesson=lesson, unit=unit, track=track
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("practice:review" if data["mode"] == Mode.REVIEW else "practice:path")
    return redirect("practice:session", pk=session.pk)


# --- The player -----------------------------------------------------------------------------


def _player(request: LearnerRequest, context: dict[str, Any]) -> HttpResponse:
    """The player's card alone for htmx, inside the whole page otherwise."""
    template = "practice/_player.html" if request.htmx else "practice/player.html"
    return render(request, template, context)


def _session(request: LearnerRequest, pk: int) -> PracticeSession:
    return selectors.session_for_user(user=request.user, session_id=pk)


@login_required
@require_GET
def player(request: LearnerRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return _player(request, site.player_of(session=session, user=request.user))


@login_required
@require_POST
def answer(request: LearnerRequest, pk: int) -> HttpResponse:
    user = request.user
    session = _session(request, pk)
    form = site.AnswerForm(request.POST)
    if not form.is_valid():
        return _player(request, site.player_of(session=session, user=user, form=form))
    data = form.cleaned_data
    try:
        result = services.answer_submit(
            user=user,
            session=session,
            exercise_id=data["exercise"],
            response=data["response"],
            response_ms=form.measured_response_ms(),
            input_method=data["input_method"] or "keyboard",
            idempotency_key=data["idempotency_key"],
        )
    except ApplicationError as error:
        # The same form sent again, timed anew by the server (no JavaScript): its first answer.
        earlier = None
        if error.code == "idempotency_conflict":
            earlier = site.attempt_for_key(user=user, session=session, key=data["idempotency_key"])
        session.refresh_from_db()
        if earlier is not None:
            return _feedback(request, session, site.feedback_of(session=session, attempt=earlier))
        return _player(request, site.player_of(session=session, user=user, notice=error.message))
    session = _session(request, pk)
    feedback = site.feedback_of(session=session, attempt=result.attempt, result=result)
    unlocked = site.lessons_with_track([lesson.pk for lesson in result.unlocked])
    return _feedback(request, session, feedback, unlocked=unlocked)


def _feedback(
    request: LearnerRequest,
    session: PracticeSession,
    feedback: site.FeedbackView,
    *,
    unlocked: list[Lesson] | None = None,
) -> HttpResponse:
    """The verdict on an answer; when it ended the session, the summary comes with it (the
    rewards of ending it are in the feedback's, merged by the service)."""
    context = {
        "session": session,
        "state": "feedback",
        "feedback": feedback,
        "presented": {"position": session.position, "total": len(session.plan)},
    }
    if not session.is_open:
        context["summary"] = site.summary_of(
            session, present_session(session), user=request.user, unlocked=unlocked
        )
    return _player(request, context)


@login_required
@require_POST
def hint(request: LearnerRequest, pk: int) -> HttpResponse:
    """Reveal the current question's next hint (it lowers the XP this answer earns)."""
    user = request.user
    session = _session(request, pk)
    form = site.HintForm(request.POST)
    notice, code = "", ""
    if not form.is_valid():
        notice, code = "This question's page was out of date.", "invalid"
    else:
        try:
            services.hint_request(session=session, exercise_id=form.cleaned_data["exercise"])
        except ApplicationError as error:
            notice, code = error.message, error.code
    session.refresh_from_db()
    if not request.htmx:
        if notice:
            messages.error(request, notice)
        return redirect("practice:session", pk=pk)
    if notice and code not in HINT_REFUSALS:
        context = site.player_of(session=session, user=user, notice=notice)
        return retarget(render(request, "practice/_player.html", context), "#player")
    context = site.player_of(session=session, user=user)
    context["hint_notice"] = notice
    return render(request, "practice/_hints.html", context)


def _after(request: LearnerRequest, pk: int, notice: str = "") -> HttpResponse:
    """Back to the player after pausing or resuming: the fresh card, or a redirect to it."""
    if request.htmx:
        session = _session(request, pk)
        return _player(request, site.player_of(session=session, user=request.user, notice=notice))
    if notice:
        messages.error(request, notice)
    return redirect("practice:session", pk=pk)


@login_required
@require_POST
def pause(request: LearnerRequest, pk: int) -> HttpResponse:
    try:
        services.session_pause(session=_session(request, pk))
    except ApplicationError as error:
        return _after(request, pk, error.message)
    return _after(request, pk)


@login_required
@require_POST
def resume(request: LearnerRequest, pk: int) -> HttpResponse:
    try:
        services.session_resume(session=_session(request, pk))
    except ApplicationError as error:
        return _after(request, pk, error.message)
    return _after(request, pk)


@login_required
@require_POST
def leave(request: LearnerRequest, pk: int) -> HttpResponse:
    """Leave the session unfinished (abandoned): nothing more is counted for it."""
    try:
        services.session_finish(session=_session(request, pk), abandon=True)
    except ApplicationError as error:
        return _after(request, pk, error.message)
    messages.info(request, "You left the session. Your answers so far are saved.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("practice:path"))
    return redirect("practice:path")


@login_required
@require_POST
def finish(request: LearnerRequest, pk: int) -> HttpResponse:
    """End a session now and see its summary (a drill whose time is up, or ended early)."""
    user = request.user
    session = _session(request, pk)
    if session.mode != Mode.DRILL and session.current_item() is not None:
        # A lesson ended early would count as a finished day without its questions.
        notice = "Answer the remaining questions first, or quit."
        return _player(request, site.player_of(session=session, user=user, notice=notice))
    try:
        session = services.session_finish(session=session)
    except ApplicationError as error:
        session.refresh_from_db()
        return _player(request, site.player_of(session=session, user=user, notice=error.message))
    reward = getattr(session, "reward", None)
    unlocked = site.lessons_with_track([x.pk for x in getattr(session, "unlocked", [])])
    session = _session(request, pk)
    context = site.player_of(session=session, user=user, unlocked=unlocked, reward=reward)
    return _player(request, context)

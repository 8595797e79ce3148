"""The lesson player: start, the player's card, answer, hint, keypad switch, pause, resume,
quit and finish.

Every page needs a signed-in user, and sessions are found through `session_for_user`, so another
learner's session is a 404. Every form works without JavaScript (answered with a whole page, or
a redirect back to one); posted by htmx, it is answered with the fragment it swaps. An answer
goes form (`practice.forms`) → view → service (`practice.services`) → presenter
(`practice.presenters`) → template; a broken domain rule (`ApplicationError`) is shown to the
learner as a message, never as an error page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, retarget

from accounts.models import LearnerProfile, User
from accounts.services import user_update
from calcuingo.context_processors import appearance_load
from calcuingo.exceptions import ApplicationError
from curriculum.models import Lesson, Track, Unit
from curriculum.selectors import lessons_visible_to, tracks_visible_to, units_visible_to

from . import forms, presenters, selectors, services
from .models import PracticeSession
from .presenters import SessionPresenter
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
    form = forms.StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("practice:path")
    data = form.cleaned_data
    try:
        lesson: Lesson | None = _visible(lessons_visible_to(user=user), data["lesson"], "lesson")
        unit: Unit | None = _visible(units_visible_to(user=user), data["unit"], "unit")
        track: Track | None = _visible(tracks_visible_to(user=user), data["track"], "track")
        # A placement quiz or a unit's test-out may skip ahead, so it is offered on every track;
        # other drills and quizzes only on tracks the learner has opened.
        if data["mode"] in (Mode.DRILL, Mode.QUIZ) and not data["placement"]:
            target = track or (unit.track if unit else None)
            if target is not None and not selectors.track_is_unlocked(user=user, track=target):
                raise ApplicationError("This track is still locked.", status=403)
        session = services.session_start(
            user=user,
            mode=data["mode"],
            lesson=lesson,
            unit=unit,
            track=track,
            placement=data["placement"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("practice:review" if data["mode"] == Mode.REVIEW else "practice:path")
    return redirect("practice:session", pk=session.pk)


# --- The player -----------------------------------------------------------------------------


def _profile(user: User) -> LearnerProfile:
    """The learner's settings (the defaults, unsaved, for someone who has none yet).

    Loaded the way the page's layout loads it (`appearance_load`), so that reading the same
    settings for `<body>` costs nothing more.
    """
    appearance_load(user)
    profile: LearnerProfile | None = getattr(user, "profile", None)
    return profile if profile is not None else LearnerProfile(user=user)


def _player_context(
    *,
    session: PracticeSession,
    user: User,
    presented: SessionPresenter | None = None,
    form: forms.AnswerForm | None = None,
    notice: str = "",
    unlocked: list[Lesson] | None = None,
) -> dict[str, Any]:
    """The player in the session's present state: a question, paused, time up, all answered,
    or the summary. `form` is an answer form sent back with its errors (same key, same clock)."""
    presented = presented or presenters.session_present(session)
    context: dict[str, Any] = {
        "session": session,
        "presented": presented,
        "notice": notice,
        "form": form,
    }
    if not session.is_open:
        state = "summary"
        context["summary"] = presenters.summary_present(session, user=user, unlocked=unlocked)
    elif session.status == PracticeSession.Status.PAUSED:
        state = "paused"
    elif presented.time_left_seconds == 0:
        state = "time_up"
    elif presented.current is None:
        state = "finish"
    else:
        state = "question"
        question = presented.current
        profile = _profile(user)
        context.update(
            question=question,
            stamp=forms.QuestionStamp.from_form(form, user=user),
            show_hints=profile.show_hints,
            hints=presenters.hints_shown(question) if profile.show_hints else [],
            keypad=presenters.keypad_present(question),
            keypad_on=profile.input_method == LearnerProfile.InputMethod.KEYPAD,
        )
    context["state"] = state
    return context


def _player(request: LearnerRequest, context: dict[str, Any]) -> HttpResponse:
    """The player's card alone for htmx, inside the whole page otherwise."""
    template = "practice/_player.html" if request.htmx else "practice/player.html"
    return render(request, template, context)


def _session(request: LearnerRequest, pk: int) -> PracticeSession:
    return selectors.session_for_user(user=request.user, session_id=pk)


@login_required
@require_http_methods(["GET", "POST"])
def player(request: LearnerRequest, pk: int) -> HttpResponse:
    """The player; a POST here switches the math keypad on or off (saved in the settings)."""
    session = _session(request, pk)
    if request.method == "POST":
        return _keypad_switch(request, session)
    return _player(request, _player_context(session=session, user=request.user))


def _keypad_switch(request: LearnerRequest, session: PracticeSession) -> HttpResponse:
    form = forms.KeypadForm(request.POST)
    if form.is_valid():
        user_update(
            user=request.user,
            user_fields={},
            profile_fields={"input_method": form.input_method()},
        )
    if request.htmx:
        return _player(request, _player_context(session=session, user=request.user))
    return redirect("practice:session", pk=session.pk)


@login_required
@require_POST
def answer(request: LearnerRequest, pk: int) -> HttpResponse:
    user = request.user
    session = _session(request, pk)
    presented = presenters.session_present(session)
    form = forms.AnswerForm(request.POST, question=presented.current)
    if not form.is_valid():
        # Malformed math, an empty answer: the same question, the message at the field.
        context = _player_context(session=session, user=user, presented=presented, form=form)
        return _player(request, context)
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
            earlier = _attempt_for_key(session=session, user=user, key=data["idempotency_key"])
        session.refresh_from_db()
        if earlier is not None:
            feedback = presenters.feedback_present(session=session, attempt=earlier)
            return _feedback(request, session, feedback)
        return _player(request, _player_context(session=session, user=user, notice=error.message))
    session = result.session
    _tell_placement(request, session, result.placed)
    if result.attempt is None:
        # A question that cannot be graded (its spec is being fixed) was skipped: say so, and
        # show the next question (or the summary when it was the last).
        unlocked = presenters.lessons_with_track([lesson.pk for lesson in result.unlocked])
        context = _player_context(
            session=session, user=user, notice=result.message, unlocked=unlocked
        )
        return _player(request, context)
    feedback = presenters.feedback_present(session=session, attempt=result.attempt, result=result)
    unlocked = presenters.lessons_with_track([lesson.pk for lesson in result.unlocked])
    return _feedback(request, session, feedback, unlocked=unlocked)


def _tell_placement(request: LearnerRequest, session: PracticeSession, placed: Any) -> None:
    """When the answer ended a placement quiz or a test-out: what it placed, in a message that
    the end screen (or, under htmx, the next page) shows; the end screen lists what opened."""
    if placed is None:
        return
    if not placed.units:
        messages.info(
            request,
            "Nothing was placed this time: a unit is placed when every question on it is "
            "answered right. Practise its lessons, or try again later.",
        )
        return
    names = ", ".join(unit.title for unit in placed.units)
    if session.config.get("scope") == "unit":
        done = f"You tested out of {names}: its lessons are complete"
    else:
        track, count = placed.units[0].track.title, len(placed.units)
        units = f"{count} unit{'s' if count != 1 else ''}"
        done = f"You placed into {track}: {units} complete ({names})"
    opened = " and the track is open to you" if placed.track_opened else ""
    paid = f" +{placed.xp} XP." if placed.xp else ""
    messages.success(request, f"{done}{opened}.{paid}")


def _attempt_for_key(*, session: PracticeSession, user: User, key: str) -> Any:
    """The answer this session already took under this idempotency key, if any."""
    return (
        session.attempts.select_related("exercise").filter(user=user, idempotency_key=key).first()
    )


def _feedback(
    request: LearnerRequest,
    session: PracticeSession,
    feedback: presenters.FeedbackPresenter,
    *,
    unlocked: list[Lesson] | None = None,
) -> HttpResponse:
    """The verdict on an answer; when it ended the session, the summary comes with it."""
    context: dict[str, Any] = {
        "session": session,
        "state": "feedback",
        "feedback": feedback,
        "presented": {"position": session.position, "total": len(session.plan)},
    }
    if not session.is_open:
        context["summary"] = presenters.summary_present(
            session, user=request.user, unlocked=unlocked
        )
    return _player(request, context)


@login_required
@require_POST
def hint(request: LearnerRequest, pk: int) -> HttpResponse:
    """Reveal the current question's next hint (it lowers the XP this answer earns)."""
    user = request.user
    session = _session(request, pk)
    form = forms.HintForm(request.POST)
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
        context = _player_context(session=session, user=user, notice=notice)
        return retarget(render(request, "practice/_player.html", context), "#player")
    context = _player_context(session=session, user=user)
    context["hint_notice"] = notice
    return render(request, "practice/_hints.html", context)


def _after(request: LearnerRequest, pk: int, notice: str = "") -> HttpResponse:
    """Back to the player after pausing or resuming: the fresh card, or a redirect to it."""
    if request.htmx:
        session = _session(request, pk)
        context = _player_context(session=session, user=request.user, notice=notice)
        return _player(request, context)
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
        return _player(request, _player_context(session=session, user=user, notice=notice))
    try:
        session = services.session_finish(session=session)
    except ApplicationError as error:
        session.refresh_from_db()
        return _player(request, _player_context(session=session, user=user, notice=error.message))
    _tell_placement(request, session, getattr(session, "placed", None))
    unlocked = presenters.lessons_with_track([x.pk for x in getattr(session, "unlocked", [])])
    session = _session(request, pk)
    return _player(request, _player_context(session=session, user=user, unlocked=unlocked))

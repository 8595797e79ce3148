"""Statements per request for every learner-facing endpoint and page, in-process.

A new learner works through the real API (a drill on the addition and subtraction facts, a
lesson to its end), each answer's statements counted; then every learner-facing GET route of the URL
conf is requested twice, cold (empty cache) and warm, as her. Routes are found by walking the
URL conf, so a new page is counted without editing this file; those that only a parent or
author reaches, that change state on GET, or that need an id this learner lacks are listed
as skipped.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from rest_framework.test import APIClient

SKIP_PREFIXES = ("admin/", "api/schema", "api/docs", "health/", "bench/")
SKIP_WORDS = (
    "logout",
    "delete",
    "export",
    "password",
    "register",
    "login",
    "invite",
    "verification",
    "children",
    "learners",
    "parent",
    "signup",
    "confirm",
    "social",
    "email",
    "reauthenticate",
    "3rdparty",
    "inactive",
)


def routes() -> list[tuple[str, str]]:
    """(route, view module) for every pattern of the URL conf, prefixes joined."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            part = _route_text(pattern.pattern)
            if part is None:
                continue
            text = prefix + part
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern):
                callback = pattern.callback
                module = getattr(callback, "__module__", "") or ""
                found.append((text, module))

    walk(get_resolver().url_patterns, "")
    return found


def _route_text(pattern: Any) -> str | None:
    """A route's text, regular-expression routes (DRF's routers) written as plain routes."""
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text.removeprefix("^").removesuffix("$"))
        if re.search(r"[\\()\[\]?*+$^]", text):  # format suffixes and the like
            return None
    return text


def count(call: Any) -> tuple[int, int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return len(captured), response.status_code, response


def measure() -> list[dict[str, Any]]:
    from knox.models import AuthToken

    from accounts.services import user_create
    from calcuingo.demo import correct_response
    from curriculum.grading import variant_for
    from curriculum.models import Exercise, Lesson, Track
    from practice.models import PracticeSession

    user = user_create(
        email="statements@bench.invalid",
        username="statements",
        password=None,
        time_zone="America/New_York",
        is_verified=True,
    )
    _, token = AuthToken.objects.create(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    track = Track.objects.get(slug="addition-subtraction-facts")
    rows: list[dict[str, Any]] = []

    def record(
        method: str, path: str, what: str, statements: int, status: int, cold: int | None = None
    ) -> None:
        row = {
            "method": method,
            "path": path,
            "what": what,
            "statements": statements,
            "status": status,
        }
        if cold is not None:
            row["cold"] = cold
        rows.append(row)

    def right_for(session_id: int) -> tuple[int, str]:
        session = PracticeSession.objects.get(pk=session_id)
        item = session.current_item()
        assert item is not None
        exercise = Exercise.objects.get(pk=item["exercise"])
        values = variant_for(exercise.parameters, item["seed"]) if exercise.parameters else None
        return exercise.pk, correct_response(exercise, values)

    def answer(session_id: int, right: bool) -> tuple[int, int, Any]:
        exercise_id, response = right_for(session_id)
        body = {
            "exercise": exercise_id,
            "response": response if right else "-987654",
            "response_ms": 1800,
        }
        url = f"/api/v1/sessions/{session_id}/answers"
        return count(lambda: api.post(url, body, format="json"))

    answers = "/api/v1/sessions/{id}/answers"
    path = "/api/v1/sessions"
    statements, status, reply = count(
        lambda: api.post(path, {"mode": "drill", "track": track.pk, "seconds": 3600}, format="json")
    )
    record("POST", path, "start a drill", statements, status)
    drill = reply.json()["id"]
    record("POST", answers, "answer: the first in a new track (right)", *answer(drill, True)[:2])
    for _ in range(3):
        answer(drill, True)
    record("POST", answers, "answer: right, mid-session", *answer(drill, True)[:2])
    record("POST", answers, "answer: wrong, mid-session", *answer(drill, False)[:2])

    # The same answer through the lesson page's form, as htmx posts it.
    site = Client()
    site.force_login(user)
    for number, htmx in enumerate((False, True)):
        exercise_id, response = right_for(drill)
        form = {
            "exercise": exercise_id,
            "response": response,
            "response_ms": 1800,
            "input_method": "keyboard",
            "idempotency_key": f"bench-statements-{number:04d}",
        }
        url = f"/learn/sessions/{drill}/answer/"
        headers = {"HX-Request": "true"} if htmx else {}
        statements, status, _ = count(lambda u=url, f=form, h=headers: site.post(u, f, headers=h))
        what = "site answer, right, mid-session" + (" (htmx)" if htmx else "")
        record("POST", "/learn/sessions/{id}/answer/", what, statements, status)

    lesson = Lesson.objects.filter(unit__track=track).order_by("unit__order", "order").first()
    if lesson is not None:
        statements, status, reply = count(
            lambda: api.post(path, {"mode": "lesson", "lesson": lesson.pk}, format="json")
        )
        record("POST", path, "start a lesson", statements, status)
        if status == 201:
            session_id = reply.json()["id"]
            for number in range(100):
                statements, status, reply = answer(session_id, True)
                if number == 0:
                    record("POST", answers, "answer: right, first of a lesson", statements, status)
                if status >= 300 or reply.json()["session"]["status"] != "active":
                    record("POST", answers, "answer: completes the lesson", statements, status)
                    break

    # Every learner-facing GET, cold then warm, as her.
    unit = lesson.unit if lesson else None
    ids = {
        "sessions": drill,
        "tracks": track.pk,
        "lessons": lesson.pk if lesson else None,
        "units": unit.pk if unit else None,
        "quizzes": drill,
        "exercises": Exercise.objects.filter(lesson__unit__track=track).first().pk,  # type: ignore[union-attr]
    }
    for route, module in routes():
        if module.startswith("allauth") or route.startswith(SKIP_PREFIXES):
            continue
        if any(word in route for word in SKIP_WORDS):
            record("GET", "/" + route, "skipped: not a learner's own page", 0, 0)
            continue
        concrete = _fill(route, ids)
        if concrete is None:
            record("GET", "/" + route, "skipped: needs an id she lacks", 0, 0)
            continue
        if re.search(r"(answer|hint|pause|resume|quit|finish|start|avatar|visibility)/?$", route):
            kind = "POST-only action"
            record("GET", "/" + concrete, f"skipped: {kind}", 0, 0)
            continue
        client: Any = api if route.startswith("api/") else site
        cache.clear()
        cold, status, _ = count(lambda c=client, p="/" + concrete: c.get(p))
        warm, status, _ = count(lambda c=client, p="/" + concrete: c.get(p))
        if status == 405:
            record("GET", "/" + concrete, "skipped: not a GET", 0, 405)
            continue
        record("GET", "/" + concrete, "page" if client is site else "API", warm, status, cold)
    return rows


def _fill(route: str, ids: dict[str, int | None]) -> str | None:
    """The route with its ids filled in from what the learner has, or None."""
    parts = route.split("/")
    out = []
    for index, part in enumerate(parts):
        if part.startswith("<") and part.endswith(">"):
            owner = parts[index - 1] if index else ""
            value = ids.get(owner)
            if value is None:
                return None
            out.append(str(value))
        else:
            out.append(part)
    return "/".join(out)

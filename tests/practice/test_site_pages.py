"""The learner site, as a browser sees it: the path, the lesson player, the grid, children's paths.

Every request goes through the Django test client with CSRF checks on, and posts the forms the
pages render, hidden fields included, as a browser without JavaScript would; an htmx request adds
its header and gets the card alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.test.client import Client as BaseClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from curriculum import demo
from curriculum.models import Exercise, Lesson, Track
from gamification.models import Achievement, Standing
from gamification.services import xp_award
from practice import services
from practice.models import Attempt, LessonProgress, PracticeSession
from tests.accounts.factories import UserFactory
from tests.curriculum.factories import (
    ExerciseFactory,
    HintFactory,
    LessonFactory,
    TrackFactory,
    UnitFactory,
)

from .builders import (
    answer_current,
    current,
    fact_track,
    link_parent,
    numeric_exercises,
    numeric_lesson,
    right_answer,
    times_table,
    wrong_answer,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PATH = reverse("practice:path")
START = reverse("practice:start")


class Browser:
    """A signed-in browser that sends back the forms it was shown, CSRF token included."""

    def __init__(self, user: User) -> None:
        self.client: BaseClient = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.page = ""

    def get(self, url: str, **headers: Any) -> Any:
        return self._remember(self.client.get(url, **headers))

    def post(self, url: str, data: dict[str, str] | None = None, **headers: Any) -> Any:
        body = {"csrfmiddlewaretoken": self.field("csrfmiddlewaretoken"), **(data or {})}
        return self._remember(self.client.post(url, body, **headers))

    def follow(self, response: Any) -> Any:
        assert response.status_code == 302, response.status_code
        return self.get(response["Location"])

    def _remember(self, response: Any) -> Any:
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            self.page = response.content.decode()
        return response

    def field(self, name: str) -> str:
        """The value of the first form field of this name on the last page."""
        match = re.search(rf'name="{name}" value="([^"]*)"', self.page)
        assert match, f"no {name!r} field on the page"
        return html.unescape(match.group(1))

    def start(self, mode: str, **target: int) -> PracticeSession:
        """Press a start button: the player opens on the new session."""
        self.get(PATH)
        response = self.post(START, {"mode": mode, **{k: str(v) for k, v in target.items()}})
        assert response.status_code == 302, response.status_code
        self.follow(response)
        return PracticeSession.objects.latest("pk")

    def answer_form(self, session: PracticeSession, *, right: bool = True) -> dict[str, str]:
        """The question form on the page, filled in right or wrong."""
        exercise, seed = current(session)
        assert self.field("exercise") == str(exercise.pk), "the page shows the current question"
        return {
            "exercise": str(exercise.pk),
            "response": right_answer(exercise, seed) if right else wrong_answer(exercise),
            "idempotency_key": self.field("idempotency_key"),
            "shown_at": self.field("shown_at"),
            "response_ms": self.field("response_ms"),
            "input_method": self.field("input_method"),
        }

    def answer(self, session: PracticeSession, *, right: bool = True, **headers: Any) -> str:
        """Answer the question on the page; returns the feedback page."""
        url = reverse("practice:answer", args=[session.pk])
        response = self.post(url, self.answer_form(session, right=right), **headers)
        assert response.status_code == 200, response.status_code
        return str(response.content.decode())

    def go_on(self, session: PracticeSession) -> str:
        """The feedback's Continue button: the next question."""
        return str(self.get(reverse("practice:session", args=[session.pk])).content.decode())


def text_of(page: str) -> str:
    """The page's text, tags dropped and whitespace collapsed, for reading sentences."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def track_cards(page: str) -> dict[str, str]:
    """Each track card's text on the path, by the track's title."""
    cards = {}
    for card in re.findall(r'<article class="track card.*?</article>', page, re.DOTALL):
        title = re.search(r"<h3[^>]*>(.*?)</h3>", card, re.DOTALL)
        assert title
        cards[text_of(title.group(1))] = text_of(card)
    return cards


@pytest.fixture
def ada(learner: User) -> Browser:
    return Browser(learner)


@pytest.fixture
def two_lessons() -> tuple[Lesson, Lesson]:
    """A unit of two lessons of numeric exercises: three questions, then two."""
    first = numeric_lesson(exercises=3)
    second = LessonFactory(unit=first.unit, title="Counting on")
    numeric_exercises(second, 2)
    return first, second


# --- The path -------------------------------------------------------------------------------


def test_the_path_needs_a_signed_in_user() -> None:
    response = Client().get(PATH)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_path_shows_lessons_open_and_locked_with_start_buttons_on_the_open_ones(
    ada: Browser, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, second = two_lessons
    page = ada.get(PATH).content.decode()

    card = track_cards(page)[first.unit.track.title]
    assert "Unlocked" in card
    assert f"{first.title} Open Start" in card
    assert f"{second.title} 🔒 Locked" in card
    assert f'name="lesson" value="{first.pk}"' in page
    assert f'name="lesson" value="{second.pk}"' not in page, "no Start button on a locked lesson"
    assert "Nothing is due for review right now." in text_of(page)
    assert 'href="/learn/" aria-current="page">Learn</a>' in page


# --- Playing a lesson -----------------------------------------------------------------------


def test_a_lesson_played_through_the_player_ends_with_its_summary_and_opens_the_next(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, second = two_lessons
    session = ada.start("lesson", lesson=first.pk)
    assert "0 of 3 answered" in text_of(ada.page)

    assert "Correct!" in text_of(ada.answer(session))
    ada.go_on(session)
    feedback = text_of(ada.answer(session, right=False))
    assert "Not quite" in feedback
    assert "This question comes back before the end of the lesson." in feedback
    missed = Attempt.objects.get(is_correct=False).exercise
    ada.go_on(session)
    assert "Correct!" in text_of(ada.answer(session))
    again = text_of(ada.go_on(session))
    assert "Once more: you missed this one earlier." in again
    assert ada.field("exercise") == str(missed.pk)

    last = text_of(ada.answer(session))
    assert "Correct!" in last
    assert "Lesson complete!" in last
    assert "Answered 4 Correct 3 Accuracy 75 %" in last
    assert f"Unlocked 🔓 {second.title}" in last
    assert f'name="lesson" value="{second.pk}"' in ada.page

    assert LessonProgress.objects.get(user=learner, lesson=first).completed_at is not None
    summary = text_of(ada.go_on(session))
    assert "Lesson complete!" in summary, "the summary stays where the player was"
    assert f"Up next {second.title}" in summary
    card = track_cards(ada.get(PATH).content.decode())[first.unit.track.title]
    assert f"{first.title} ✓ Completed · best 75 %" in card
    assert f"{second.title} Open Start" in card


def test_the_feedback_explains_and_celebrates_the_xp_a_new_level_and_an_achievement(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    first_right = Achievement.objects.filter(
        criteria=Achievement.Criteria.CORRECT_ANSWERS, threshold=1
    ).first() or Achievement.objects.create(
        code="first-right",
        name="First right answer",
        description="Answer a question right.",
        category=Achievement.Category.GETTING_STARTED,
        criteria=Achievement.Criteria.CORRECT_ANSWERS,
        threshold=1,
    )
    # 95 XP already: level 2 begins at 100.
    xp_award(user=learner, amount=95, reason="daily_goal", source_type="day", source_id=1)
    session = ada.start("lesson", lesson=first.pk)
    exercise, _ = current(session)

    feedback = text_of(ada.answer(session))

    assert f"Your answer {exercise.answer['value']}" in feedback
    assert exercise.explanation in feedback
    earned = Standing.objects.get(user=learner).xp - 95
    assert f"+{earned} XP" in feedback
    assert "Level up! You reached level 2." in feedback
    assert f"New achievement: {first_right.name}" in feedback


def test_htmx_gets_the_card_alone_and_a_live_announcement_of_the_verdict(
    ada: Browser, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    session = ada.start("lesson", lesson=first.pk)

    card = ada.answer(session, right=False, **HTMX)

    assert "<html" not in card
    assert '<p id="player-status" hx-swap-oob="true"' in card
    assert 'aria-live="polite"' in card
    next_card = ada.get(reverse("practice:session", args=[session.pk]), **HTMX).content.decode()
    assert "<html" not in next_card
    assert 'name="idempotency_key"' in next_card


def test_a_resubmitted_answer_form_answers_once(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    session = ada.start("lesson", lesson=first.pk)
    url = reverse("practice:answer", args=[session.pk])
    form = ada.answer_form(session)

    first_time = ada.post(url, form)
    # A second click, and a reload of the answer page: the same form, the same key.
    again = ada.post(url, {**form, "csrfmiddlewaretoken": ada.field("csrfmiddlewaretoken")})
    timed = ada.post(url, {**form, "response_ms": "2100"})

    assert Attempt.objects.filter(user=learner).count() == 1
    for response in (first_time, again):
        assert response.status_code == 200
        assert "Correct!" in text_of(response.content.decode())
    assert "already been recorded" in text_of(again.content.decode())
    assert "already been recorded" in text_of(timed.content.decode())
    session.refresh_from_db()
    assert (session.answered, session.position) == (1, 1)


def test_the_response_time_measured_by_the_page_is_kept_and_a_missing_one_measured_and_clamped(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    session = ada.start("lesson", lesson=first.pk)
    url = reverse("practice:answer", args=[session.pk])

    ada.post(url, {**ada.answer_form(session), "response_ms": "2345"})
    ada.go_on(session)
    ada.post(url, ada.answer_form(session))  # no JavaScript: timed by the server, within a second

    times = list(Attempt.objects.filter(user=learner).order_by("pk").values_list("response_ms"))
    assert times == [(2345,), (300,)]


def test_an_empty_answer_is_sent_back_with_its_key_and_nothing_is_recorded(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    session = ada.start("lesson", lesson=first.pk)
    form = {**ada.answer_form(session), "response": "  "}

    page = ada.post(reverse("practice:answer", args=[session.pk]), form).content.decode()

    assert "Type an answer first." in page
    assert 'aria-invalid="true"' in page
    assert ada.field("idempotency_key") == form["idempotency_key"]
    assert not Attempt.objects.filter(user=learner).exists()


def test_a_form_sent_back_never_keeps_a_key_that_already_answered(
    ada: Browser, two_lessons: tuple[Lesson, Lesson]
) -> None:
    session = ada.start("lesson", lesson=two_lessons[0].pk)
    url = reverse("practice:answer", args=[session.pk])
    form = ada.answer_form(session)
    ada.post(url, form)

    page = text_of(ada.post(url, {**form, "response": ""}).content.decode())

    assert "Type an answer first." in page
    assert ada.field("idempotency_key") != form["idempotency_key"]


def test_multiple_choice_is_answered_with_a_button_per_option(ada: Browser) -> None:
    lesson = LessonFactory()
    exercise = Exercise.objects.create(
        lesson=lesson,
        order=1,
        kind=Exercise.Kind.MULTIPLE_CHOICE,
        status="published",
        prompt=r"What is $3 \times 4$?",
        options=[
            {"text": "12", "explanation": "Yes: three fours are twelve."},
            {"text": "7", "explanation": "That is $3 + 4$."},
        ],
        correct_option=0,
    )
    session = ada.start("lesson", lesson=lesson.pk)
    assert '<button type="submit" name="response" value="1" class="choice"' in ada.page
    assert ada.field("input_method") == "choice"

    feedback = text_of(ada.answer(session, right=False))

    assert "Your answer 7" in feedback
    assert "That is $3 + 4$." in feedback
    assert Attempt.objects.get(exercise=exercise).input_method == "choice"


def test_an_expression_is_previewed_as_typed_and_its_reading_shown_after_answering(
    ada: Browser, learner: User
) -> None:
    lesson = LessonFactory()
    ExerciseFactory(lesson=lesson, kind=Exercise.Kind.EXPRESSION)
    session = ada.start("lesson", lesson=lesson.pk)
    assert f'data-preview-url="{reverse("api-math-preview")}"' in ada.page
    assert '<output class="preview__math" for="answer-input">' in ada.page

    feedback = ada.answer(session)

    assert "Interpreted as" in feedback
    assert r"\(2 x\)" in feedback or r"\(2x\)" in feedback


def test_hints_appear_one_at_a_time_in_their_order(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    hinted = first.exercises.order_by("order").first()
    HintFactory(exercise=hinted, text="Count on from the first number.")
    HintFactory(exercise=hinted, text="One more than *n* is the next number.")
    session = ada.start("lesson", lesson=first.pk)
    hint_url = reverse("practice:hint", args=[session.pk])
    assert "Count on" not in ada.page

    ada.follow(ada.post(hint_url, {"exercise": str(hinted.pk)}))
    page = text_of(ada.page)
    assert "Count on from the first number." in page
    assert "One more than" not in page
    assert "1 left" in page

    card = ada.post(hint_url, {"exercise": str(hinted.pk)}, **HTMX).content.decode()
    assert "<html" not in card
    shown = text_of(card)
    assert shown.index("Count on from") < shown.index("One more than n is the next number.")
    assert "<em>n</em>" in card
    assert "Another hint" not in card, "no button once every hint is shown"

    ada.go_on(session)
    ada.answer(session)
    assert Attempt.objects.get(user=learner).hints_used == 2


def test_a_locked_lesson_is_refused_with_a_message(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    _, second = two_lessons
    ada.get(PATH)

    response = ada.post(START, {"mode": "lesson", "lesson": str(second.pk)})

    assert response.status_code == 302
    page = text_of(ada.follow(response).content.decode())
    assert "This lesson is still locked" in page
    assert not PracticeSession.objects.filter(user=learner).exists()


def test_pausing_resuming_and_quitting_a_lesson(
    ada: Browser, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    session = ada.start("lesson", lesson=first.pk)

    paused = ada.post(reverse("practice:pause", args=[session.pk]), **HTMX).content.decode()
    assert "Paused" in text_of(paused)
    assert "idempotency_key" not in paused, "no question while paused"
    ada.follow(ada.post(reverse("practice:resume", args=[session.pk])))
    assert ada.field("exercise")

    left = ada.post(reverse("practice:quit", args=[session.pk]))
    assert left["Location"] == PATH
    assert "You left the session." in text_of(ada.follow(left).content.decode())
    session.refresh_from_db()
    assert session.status == PracticeSession.Status.ABANDONED


def test_another_learners_session_is_not_found(
    ada: Browser, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    session = ada.start("lesson", lesson=first.pk)
    form = ada.answer_form(session)
    bob = Browser(UserFactory(username="bob"))
    bob.get(PATH)

    assert bob.get(reverse("practice:session", args=[session.pk])).status_code == 404
    for action in ("answer", "hint", "pause", "quit"):
        url = reverse(f"practice:{action}", args=[session.pk])
        assert bob.post(url, form).status_code == 404, action
    assert not Attempt.objects.exists()


def test_every_post_needs_the_csrf_token(learner: User, two_lessons: tuple[Lesson, Lesson]) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    response = browser.post(START, {"mode": "lesson", "lesson": str(two_lessons[0].pk)})

    assert response.status_code == 403
    assert not PracticeSession.objects.exists()


# --- Facts: drills and the mastery grid -----------------------------------------------------


def test_a_drill_shows_its_countdown(ada: Browser) -> None:
    track = fact_track(times_table(3))

    ada.start("drill", track=track.pk)

    assert 'data-countdown="60"' in ada.page
    assert 'role="timer"' in ada.page


def test_a_drill_can_be_ended_early_and_shows_its_summary(ada: Browser) -> None:
    track = fact_track(times_table(2))
    session = ada.start("drill", track=track.pk)
    ada.answer(session)
    ada.go_on(session)

    summary = text_of(ada.post(reverse("practice:finish", args=[session.pk])).content.decode())

    assert "Drill complete!" in summary
    assert "Answered 1 Correct 1 Accuracy 100 %" in summary
    session.refresh_from_db()
    assert session.status == PracticeSession.Status.COMPLETED


def test_a_lesson_cannot_be_finished_before_its_questions_are_answered(
    ada: Browser, two_lessons: tuple[Lesson, Lesson]
) -> None:
    session = ada.start("lesson", lesson=two_lessons[0].pk)

    page = text_of(ada.post(reverse("practice:finish", args=[session.pk])).content.decode())

    assert "Answer the remaining questions first, or quit." in page
    session.refresh_from_db()
    assert session.status == PracticeSession.Status.ACTIVE


def test_the_mastery_grid_colours_each_fact_by_fluency(
    ada: Browser, django_assert_max_num_queries: Any
) -> None:
    track = fact_track(times_table(3))
    session = ada.start("lesson", lesson=Lesson.objects.get(unit__track=track).pk)
    ada.answer(session)
    url = reverse("practice:grid", args=[track.pk])

    with django_assert_max_num_queries(8):
        page = ada.get(url, data={"operation": "*"}).content.decode()

    assert "× facts" in page
    assert len(re.findall(r'<td class="fluency fluency--', page)) == 9
    assert page.count('class="fluency fluency--accuracy"') == 1
    assert "1 × 1: Accurate" in page
    assert ada.get(reverse("practice:grid", args=[first_lesson_track().pk])).status_code == 404


def first_lesson_track() -> Track:
    """A track without facts (a grid of it is not found)."""
    return numeric_lesson().unit.track


# --- Parents --------------------------------------------------------------------------------


def test_a_parent_follows_her_linked_childs_path_and_no_one_elses(
    learner: User, parent: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    link_parent(parent=parent, learner=learner)
    stranger = UserFactory(username="stranger")
    grace = Browser(parent)
    track = two_lessons[0].unit.track
    facts = fact_track(times_table(2))

    moved = grace.get(reverse("practice:children"))
    assert moved.status_code == 301, "the parent dashboard moved to analytics:children"
    assert moved["Location"] == reverse("analytics:children")
    overview = text_of(grace.get(moved["Location"]).content.decode())
    assert "ada" in overview

    page = grace.get(reverse("practice:child", args=[learner.pk])).content.decode()
    assert "ada's learning path" in text_of(page)
    assert track.title in page
    assert 'name="mode"' not in page, "read only: nothing to start"
    grid = reverse("practice:grid", args=[facts.pk])
    assert grace.get(grid, data={"learner": learner.pk}).status_code == 200

    assert grace.get(reverse("practice:child", args=[stranger.pk])).status_code == 404
    assert grace.get(grid, data={"learner": stranger.pk}).status_code == 404


# --- Placement and test-out, from the path --------------------------------------------------


def press(browser: Browser, label: str) -> Any:
    """Press the button so labelled on the last page: post its form as rendered, hidden fields
    (and the button's own name and value) included."""
    for form in re.findall(r"<form\b.*?</form>", browser.page, re.DOTALL):
        button = re.search(r"<button\b([^>]*)>(.*?)</button>", form, re.DOTALL)
        # "Start" and its visually hidden ": Lesson 3" read as one label.
        if button is None or text_of(button.group(2)).replace(" :", ":") != label:
            continue
        action = html.unescape(re.search(r'action="([^"]*)"', form).group(1))  # type: ignore[union-attr]
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        fields.pop("csrfmiddlewaretoken", None)
        return browser.post(action, {k: html.unescape(v) for k, v in fields.items()})
    raise AssertionError(f"no button {label!r} on the page")


def derivatives() -> tuple[Track, list[Lesson]]:
    """Derivatives, locked behind Limits (not done) and 1100 XP: two units of two lessons, each
    of two numeric exercises."""
    limits = TrackFactory(title="Limits", slug="limits-first")
    track = TrackFactory(title="Derivatives", slug="derivatives-next", xp_to_unlock=1100)
    track.prerequisites.add(limits)
    lessons = []
    for title in ("The power rule", "The chain rule"):
        unit = UnitFactory(track=track, title=title)
        lessons += [numeric_lesson(unit=unit, exercises=2), numeric_lesson(unit=unit, exercises=2)]
    return track, lessons


def play_to_the_end(browser: Browser, session: PracticeSession, *, miss_unit: int = 0) -> str:
    """Answer every question on the pages, right except the first one of unit `miss_unit`;
    returns the last page, the end screen."""
    missed = False
    page = browser.page
    while True:
        session.refresh_from_db()
        if not session.is_open:
            return page
        exercise, _ = current(session)
        wrong = exercise.lesson.unit_id == miss_unit and not missed
        missed = missed or wrong
        page = browser.answer(session, right=not wrong)
        session.refresh_from_db()
        if session.is_open:
            browser.go_on(session)


def test_every_track_locked_or_not_offers_a_placement_and_every_unit_a_test_out(
    ada: Browser, two_lessons: tuple[Lesson, Lesson]
) -> None:
    track, lessons = derivatives()
    open_track = two_lessons[0].unit.track

    page = ada.get(PATH).content.decode()

    for shown in (track, open_track):
        card = track_cards(page)[shown.title]
        assert f"Place into {shown.title}" in card
        assert f'aria-describedby="track-{shown.pk}-placement-help"' in page
    locked = track_cards(page)[track.title]
    assert "Locked" in locked
    assert "A placement quiz asks a few questions from each unit, even while the track is" in locked
    assert "Every unit you answer without a mistake is marked complete" in locked
    assert "Test out of The power rule" in locked
    assert "Test out of The chain rule" in locked
    assert "its lessons are marked complete, the next ones open" in locked
    power_rule = lessons[0].unit
    assert re.search(
        rf'name="unit" value="{power_rule.pk}">\s*<input type="hidden" name="placement" value="1">',
        page,
    )


def test_a_finished_track_or_unit_offers_no_placement(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    track, lessons = derivatives()
    for lesson in lessons[:2]:
        LessonProgress.objects.create(user=learner, lesson=lesson, completed_at=timezone.now())

    card = track_cards(ada.get(PATH).content.decode())[track.title]
    assert "Test out of The power rule" not in card
    assert "Test out of The chain rule" in card

    for lesson in lessons[2:]:
        LessonProgress.objects.create(user=learner, lesson=lesson, completed_at=timezone.now())
    card = track_cards(ada.get(PATH).content.decode())[track.title]
    assert "Place into" not in card
    assert "Test out of" not in card


def test_a_new_learner_places_into_a_locked_track_and_starts_what_it_opened(
    ada: Browser, learner: User
) -> None:
    track, lessons = derivatives()
    ada.get(PATH)

    response = press(ada, f"Place into {track.title}")

    session = PracticeSession.objects.get(user=learner)
    assert response["Location"] == reverse("practice:session", args=[session.pk])
    assert (session.mode, session.config["placement"], session.track_id) == ("quiz", True, track.pk)
    ada.follow(response)
    end = text_of(play_to_the_end(ada, session, miss_unit=lessons[2].unit_id))

    assert "Quiz complete!" in end
    assert (
        f"You placed into {track.title}: 1 unit complete (The power rule) and the track is open "
        "to you. +" in end
    )
    assert f"Unlocked 🔓 {lessons[2].title}" in end
    assert {p.lesson_id for p in LessonProgress.objects.filter(completed_at__isnull=False)} == {
        lessons[0].pk,
        lessons[1].pk,
    }

    # From the end screen, she starts the lesson the placement opened.
    response = press(ada, f"Start: {lessons[2].title}")
    started = PracticeSession.objects.latest("pk")
    assert (started.mode, started.lesson_id) == ("lesson", lessons[2].pk)
    assert response["Location"] == reverse("practice:session", args=[started.pk])
    card = track_cards(ada.get(PATH).content.decode())[track.title]
    assert "Unlocked" in card
    assert f"{lessons[0].title} ✓ Completed" in card
    assert f"{lessons[2].title} Open Start" in card
    assert "To unlock" not in card


def test_a_unit_test_out_completes_the_unit_and_opens_the_next(ada: Browser, learner: User) -> None:
    track, lessons = derivatives()
    ada.get(PATH)

    response = press(ada, "Test out of The power rule")
    session = PracticeSession.objects.get(user=learner)
    assert (session.unit_id, session.config["placement"]) == (lessons[0].unit_id, True)
    ada.follow(response)
    end = text_of(play_to_the_end(ada, session))

    assert "You tested out of The power rule: its lessons are complete and the track is open" in end
    assert f"Unlocked 🔓 {lessons[2].title}" in end
    card = track_cards(ada.get(PATH).content.decode())[track.title]
    assert "Test out of The power rule" not in card
    assert "Test out of The chain rule" in card


def test_a_placement_with_a_mistake_in_every_unit_says_nothing_was_placed(
    ada: Browser, learner: User
) -> None:
    track, lessons = derivatives()
    ada.get(PATH)
    ada.follow(press(ada, "Test out of The power rule"))
    session = PracticeSession.objects.get(user=learner)

    end = text_of(play_to_the_end(ada, session, miss_unit=lessons[0].unit_id))

    assert "Nothing was placed this time: a unit is placed when every question on it is" in end
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()
    assert "Locked" in track_cards(ada.get(PATH).content.decode())[track.title]


def test_a_plain_quiz_on_a_locked_track_is_still_refused(ada: Browser, learner: User) -> None:
    track, lessons = derivatives()
    ada.get(PATH)

    for target in ({"track": str(track.pk)}, {"unit": str(lessons[0].unit_id)}):
        response = ada.post(START, {"mode": "quiz", **target})
        assert "This track is still locked." in text_of(ada.follow(response).content.decode())
    assert not PracticeSession.objects.filter(user=learner).exists()


def test_only_a_quiz_places(ada: Browser, learner: User) -> None:
    _, lessons = derivatives()
    ada.get(PATH)

    response = ada.post(START, {"mode": "lesson", "lesson": str(lessons[0].pk), "placement": "1"})

    page = text_of(ada.follow(response).content.decode())
    assert "Only a quiz can place you on the path." in page
    assert not PracticeSession.objects.filter(user=learner).exists()


# --- Practising mistakes and weak skills -----------------------------------------------------


def test_a_new_learner_is_told_why_there_is_nothing_to_review(ada: Browser) -> None:
    page = ada.get(reverse("practice:review")).content.decode()

    words = text_of(page)
    assert "Nothing is due for review right now." in words
    assert "There is nothing here yet, because you have not answered any questions." in words
    assert "Practise mistakes and weak skills" not in words
    assert 'name="mode"' not in page


def test_with_nothing_due_she_practises_her_mistakes_from_review(
    ada: Browser, learner: User, two_lessons: tuple[Lesson, Lesson]
) -> None:
    first, _ = two_lessons
    played = services.session_start(user=learner, mode="lesson", lesson=first)
    missed, _ = current(played)
    answer_current(learner, played, right=False)
    services.session_finish(session=played, abandon=True)
    assert "Practise mistakes and weak skills" in text_of(ada.get(PATH).content.decode())
    page = text_of(ada.get(reverse("practice:review")).content.decode())
    assert "Nothing is due for review right now." in page
    assert "Mistakes and weak skills Practise anyway" in page

    response = press(ada, "Practise mistakes and weak skills")

    session = PracticeSession.objects.latest("pk")
    assert (session.mode, session.config["focus"]) == ("review", "mistakes")
    assert response["Location"] == reverse("practice:session", args=[session.pk])
    ada.follow(response)
    assert ada.field("exercise") == str(missed.pk), "her latest mistake comes first"


def test_nothing_due_for_review_is_said_on_the_review_page(ada: Browser) -> None:
    """A new learner who starts a review anyway (an old page, a bookmark) is told why not."""
    ada.get(reverse("practice:review"))

    response = ada.post(START, {"mode": "review"})

    assert response["Location"] == reverse("practice:review")
    page = text_of(ada.follow(response).content.decode())
    assert "Nothing to review yet" in page
    assert "you have not answered any questions" in page


# --- The demo content, and how many queries pages take -------------------------------------


@pytest.fixture(scope="module")
def demo_content(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        demo.load()
    yield
    with django_db_blocker.unblock():
        Track.objects.filter(slug__in=[track.slug for track in demo.TRACKS]).delete()


def test_the_demo_path_opens_the_first_track_and_says_what_the_others_need(
    demo_content: None, ada: Browser
) -> None:
    cards = track_cards(ada.get(PATH).content.decode())

    assert list(cards)[: len(demo.TRACKS)] == [f"{spec.icon} {spec.title}" for spec in demo.TRACKS]
    additions, times, *_, antiderivatives = list(cards.values())[:6]
    assert "Unlocked" in additions
    assert "Adding 0 Open Start" in additions
    assert "Drill (60 s)" in additions
    assert "Mastery grid" in additions
    assert "Locked" in times
    assert (
        "To unlock: complete Addition & subtraction facts 0–12 and reach 150 XP (150 XP to go)."
        in times
    )
    assert "reach 1400 XP" in antiderivatives
    assert "Start" not in antiderivatives


def test_pages_take_a_bounded_number_of_queries_whatever_the_history(
    demo_content: None, ada: Browser, learner: User, django_assert_max_num_queries: Any
) -> None:
    """The path costs a few queries per track (its overview), the player a handful, an answer
    the service's constant; none of them grows with the learner's history."""
    lesson = Lesson.objects.get(
        unit__track__slug="addition-subtraction-facts", unit__order=1, order=1
    )
    path_queries = 12 + 9 * Track.objects.count()

    def visit_and_answer() -> None:
        with django_assert_max_num_queries(path_queries):
            assert ada.get(PATH).status_code == 200
        session = ada.start("lesson", lesson=lesson.pk)
        with django_assert_max_num_queries(10):
            ada.go_on(session)
        with django_assert_max_num_queries(60):
            ada.answer(session, right=False)
        with django_assert_max_num_queries(10):
            ada.go_on(session)
        with django_assert_max_num_queries(60):
            ada.answer(session, **HTMX)

    visit_and_answer()
    # Some history: the lesson played to its end, twice, then the same pages again.
    for _ in range(2):
        played = services.session_start(user=learner, mode="lesson", lesson=lesson)
        while played.is_open:
            exercise, seed = current(played)
            services.answer_submit(
                user=learner,
                session=played,
                exercise_id=exercise.pk,
                response=right_answer(exercise, seed),
                response_ms=1200,
            )
            played.refresh_from_db()
    visit_and_answer()

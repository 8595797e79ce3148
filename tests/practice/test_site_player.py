"""The lesson player as a browser sees it: the question, malformed math refused at the field,
shuffled multiple choice, the keypad, the itemised end screen, and plain text for screen readers.

Sessions are started with the service and the player page is opened; forms are posted as the
page renders them, CSRF token and hidden fields included, as a browser without JavaScript would.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from accounts.models import LearnerProfile, User
from curriculum.models import Exercise, Lesson
from gamification.models import Standing, XPEvent
from gamification.services import xp_award
from practice import services
from practice.models import Attempt, PracticeSession
from tests.curriculum.factories import ExerciseFactory, LessonFactory

from .builders import BOARD_STATEMENTS, current, numeric_lesson, right_answer, wrong_answer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class Player:
    """A signed-in browser on one session's player page."""

    def __init__(self, user: User, session: PracticeSession) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.session = session
        self.page = ""
        self.response_ms = 2500  # how long she takes over each answer

    @property
    def url(self) -> str:
        return reverse("practice:session", args=[self.session.pk])

    def open(self, **headers: Any) -> str:
        response = self.client.get(self.url, **headers)
        assert response.status_code == 200, response.status_code
        self.page = response.content.decode()
        return self.page

    def field(self, name: str) -> str:
        match = re.search(rf'name="{name}" value="([^"]*)"', self.page)
        assert match, f"no {name!r} field on the page"
        return html.unescape(match.group(1))

    def form(self, response: str) -> dict[str, str]:
        return {
            "csrfmiddlewaretoken": self.field("csrfmiddlewaretoken"),
            "exercise": self.field("exercise"),
            "response": response,
            "idempotency_key": self.field("idempotency_key"),
            "shown_at": self.field("shown_at"),
            "response_ms": str(self.response_ms),
            "input_method": self.field("input_method"),
        }

    def post(self, url: str, data: dict[str, str], **headers: Any) -> Any:
        response = self.client.post(url, data, **headers)
        if response.status_code == 200:
            self.page = response.content.decode()
        return response

    def answer(self, response: str, **headers: Any) -> str:
        url = reverse("practice:answer", args=[self.session.pk])
        result = self.post(url, self.form(response), **headers)
        assert result.status_code == 200, result.status_code
        return self.page

    def answer_right(self, **headers: Any) -> str:
        self.session.refresh_from_db()
        exercise, seed = current(self.session)
        return self.answer(right_answer(exercise, seed), **headers)

    def answer_wrong(self, **headers: Any) -> str:
        self.session.refresh_from_db()
        exercise, _ = current(self.session)
        return self.answer(wrong_answer(exercise), **headers)


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def lesson_session(user: User, lesson: Lesson) -> PracticeSession:
    return services.session_start(user=user, mode="lesson", lesson=lesson)


def expression_lesson() -> Lesson:
    lesson = LessonFactory()
    ExerciseFactory(
        lesson=lesson,
        kind=Exercise.Kind.EXPRESSION,
        prompt=r"Find $\int x^2 \, dx$.",
        answer={"answer": "x^3/3 + C", "variables": ["x"], "up_to_constant": True},
        explanation=r"The antiderivative is $\frac{x^3}{3} + C$.",
    )
    return lesson


def choice_lesson(options: int = 4) -> tuple[Lesson, Exercise]:
    lesson = LessonFactory()
    exercise = Exercise.objects.create(
        lesson=lesson,
        order=1,
        kind=Exercise.Kind.MULTIPLE_CHOICE,
        status="published",
        prompt=r"What is $3 \times 4$?",
        options=[{"text": str(12 + n), "explanation": f"Option {n}."} for n in range(options)],
        correct_option=0,
    )
    return lesson, exercise


def status_region(card: str) -> str:
    """The text of the live region that an htmx card swaps in."""
    match = re.search(r'<p id="player-status" hx-swap-oob="true"[^>]*>(.*?)</p>', card, re.DOTALL)
    assert match, "the card carries the live region"
    return html.unescape(match.group(1))


def keypad_of(page: str) -> str:
    match = re.search(
        r'<div class="keypad".*?</div>\s*</div>\s*(?=<button type="submit")', page, re.DOTALL
    )
    assert match, "the page has a keypad"
    return match.group(0)


def ledger_total(user: User) -> int:
    return int(XPEvent.objects.filter(user=user).aggregate(total=Sum("amount"))["total"] or 0)


# --- The question -----------------------------------------------------------------------------


def test_the_player_shows_the_question_with_the_answer_box_and_check_button(
    learner: User,
) -> None:
    player = Player(learner, lesson_session(learner, numeric_lesson(exercises=2)))

    page = player.open()

    assert '<label for="answer-input">Your answer</label>' in page
    assert '<button type="submit" class="check">Check</button>' in page
    assert "Question 1 of 2" in text_of(page)


def test_the_player_page_takes_a_fixed_number_of_queries(
    learner: User, django_assert_num_queries: Any
) -> None:
    lesson = numeric_lesson(exercises=12)
    for _ in range(3):  # a history that must not make the page dearer
        earlier = Player(learner, lesson_session(learner, lesson))
        earlier.open()
        for _ in range(4):
            earlier.answer_right()
            earlier.open()
    player = Player(learner, lesson_session(learner, lesson))
    player.open()  # the question's content is cached now, as it is for every learner but one

    with django_assert_num_queries(5):
        player.open()


def test_posting_an_answer_takes_a_fixed_number_of_queries(
    learner: User, django_assert_num_queries: Any
) -> None:
    lesson = numeric_lesson(exercises=4)
    player = Player(learner, lesson_session(learner, lesson))
    player.open()
    player.answer_right()
    player.open()
    exercise, seed = current(player.session)
    form = player.form(right_answer(exercise, seed))
    url = reverse("practice:answer", args=[player.session.pk])

    with django_assert_num_queries(19 + BOARD_STATEMENTS):
        response = player.client.post(url, form, **HTMX)

    assert "Correct!" in text_of(response.content.decode())


# --- Malformed math costs nothing ---------------------------------------------------------------


def test_malformed_math_is_refused_at_the_field_and_the_same_question_stays(
    learner: User,
) -> None:
    player = Player(learner, lesson_session(learner, expression_lesson()))
    player.open()
    exercise_id = player.field("exercise")
    key = player.field("idempotency_key")

    page = player.answer("x^3/3+", **HTMX)

    assert 'aria-invalid="true"' in page
    error = re.search(r'<p id="answer-error" class="errorlist" role="alert">(.*?)</p>', page)
    assert error
    assert "(at character" in error.group(1)
    assert player.field("exercise") == exercise_id, "the same question"
    assert player.field("idempotency_key") == key, "the same form, not a new answer"
    assert 'value="x^3/3+"' in page, "what was typed is kept to be corrected"
    assert not Attempt.objects.exists()
    player.session.refresh_from_db()
    assert (player.session.answered, player.session.position, player.session.xp_earned) == (0, 0, 0)
    assert len(player.session.plan) == 1, "not asked again"
    assert ledger_total(learner) == 0

    feedback = player.answer("x^3/3 + C")
    assert "Correct!" in text_of(feedback)
    assert Attempt.objects.get().is_correct


def test_the_api_refuses_malformed_math_with_a_400_at_the_response_field(
    learner: User, client_for: Any
) -> None:
    session = lesson_session(learner, expression_lesson())
    exercise, _ = current(session)
    api = client_for(learner)
    url = f"/api/v1/sessions/{session.pk}/answers"

    refused = api.post(url, {"exercise": exercise.pk, "response": "x^3/3+", "response_ms": 2000})

    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert [error["attr"] for error in errors] == ["response"]
    assert "(at character" in errors[0]["detail"]
    assert not Attempt.objects.exists()
    assert ledger_total(learner) == 0
    answered = api.post(url, {"exercise": exercise.pk, "response": "x^3/3+C", "response_ms": 2000})
    assert answered.status_code == 201
    assert answered.json()["correct"] is True


@pytest.mark.parametrize(
    ("typed", "message"),
    [("seven", "not a number"), ("7,5", "decimal point"), ("3*4", "not a calculation")],
)
def test_a_number_question_refuses_what_is_not_a_number_and_it_costs_nothing(
    learner: User, typed: str, message: str
) -> None:
    player = Player(learner, lesson_session(learner, numeric_lesson(exercises=1)))
    player.open()
    exercise_id = player.field("exercise")

    page = player.answer(typed, **HTMX)

    error = re.search(r'<p id="answer-error" class="errorlist" role="alert">(.*?)</p>', page)
    assert error
    assert message in html.unescape(error.group(1))
    assert player.field("exercise") == exercise_id, "the same question"
    assert not Attempt.objects.exists()
    assert ledger_total(learner) == 0


def test_the_api_refuses_a_number_answer_that_is_not_a_number(
    learner: User, client_for: Any
) -> None:
    session = lesson_session(learner, numeric_lesson(exercises=1))
    exercise, seed = current(session)
    url = f"/api/v1/sessions/{session.pk}/answers"

    refused = client_for(learner).post(
        url, {"exercise": exercise.pk, "response": "seven", "response_ms": 2000}
    )

    assert refused.status_code == 400
    assert [error["attr"] for error in refused.json()["errors"]] == ["response"]
    assert not Attempt.objects.exists()
    answered = client_for(learner).post(
        url,
        {"exercise": exercise.pk, "response": right_answer(exercise, seed), "response_ms": 2000},
    )
    assert answered.status_code == 201


def test_the_schema_documents_the_answers_400() -> None:
    schema = Client().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/sessions/{id}/answers"]["post"]

    assert "400" in operation["responses"]
    assert "preview" in operation["description"]


# --- Multiple choice ------------------------------------------------------------------------------


def _options_shown(page: str) -> list[tuple[str, str]]:
    """(key shown, option index posted) of each option button, in the page's order."""
    return re.findall(
        r'<button type="submit" name="response" value="(\d+)" class="choice" '
        r'data-choice-key="(\d+)"',
        page,
    )


def test_multiple_choice_is_shuffled_per_variant_stable_on_reload_and_graded_by_its_own_index(
    learner: User,
) -> None:
    lesson, _ = choice_lesson(options=4)
    orders = set()
    for _ in range(6):
        player = Player(learner, lesson_session(learner, lesson))
        first = _options_shown(player.open())
        assert first == _options_shown(player.open()), "the same order on reload"
        assert [key for _, key in first] == ["1", "2", "3", "4"]
        orders.add(tuple(index for index, _ in first))
        PracticeSession.objects.filter(pk=player.session.pk).update(status="abandoned")
    assert len(orders) > 1, "each variant has its own order"

    player = Player(learner, lesson_session(learner, lesson))
    shown = _options_shown(player.open())
    assert 'aria-keyshortcuts="1"' in player.page
    assert '<kbd class="choice__key" aria-hidden="true">1</kbd>' in player.page
    right_place = next(key for index, key in shown if index == "0")
    feedback = text_of(player.answer("0"))
    assert "Correct!" in feedback, f"the right option (shown as {right_place}) is right"
    assert Attempt.objects.get(session=player.session).response == "0"


def test_the_api_shows_the_same_shuffled_order_as_the_page(learner: User, client_for: Any) -> None:
    lesson, _ = choice_lesson(options=4)
    session = lesson_session(learner, lesson)
    page = Player(learner, session).open()

    current_question = client_for(learner).get(f"/api/v1/sessions/{session.pk}").json()["current"]

    api_order = [(str(o["index"]), str(o["key"])) for o in current_question["options"]]
    assert api_order == _options_shown(page)


# --- The keypad ------------------------------------------------------------------------------


def keypad_learner(learner: User) -> User:
    LearnerProfile.objects.update_or_create(user=learner, defaults={"input_method": "keypad"})
    return learner


def test_the_math_keypad_is_one_tab_stop_of_labelled_keys_in_rows(learner: User) -> None:
    player = Player(keypad_learner(learner), lesson_session(learner, expression_lesson()))

    keypad = keypad_of(player.open())

    assert 'role="group" aria-label="Math keypad"' in keypad
    assert keypad.count('tabindex="0"') == 1, "one tab stop"
    keys = re.findall(r'<button type="button" class="keypad__key[^"]*"[^>]*>', keypad)
    assert len(keys) == keypad.count('tabindex="-1"') + 1
    assert all('aria-label="' in key for key in keys)
    names = re.findall(r'aria-label="([^"]+)"', keypad)[1:]
    for name in (
        "square root",
        "pi",
        "e",
        "natural log",
        "sine",
        "cosine",
        "tangent",
        "x",
        "constant C",
        "open bracket",
        "close bracket",
        "fraction",
        "squared",
        "to the power of",
        "plus",
        "minus",
        "times",
        "divided by",
        "move left",
        "move right",
        "delete",
        "clear",
    ):
        assert name in names, name
    rows = [
        re.findall(r'aria-label="([^"]+)"', row)
        for row in re.findall(r'<div class="keypad__row">(.*?)</div>', keypad, re.DOTALL)
    ]
    assert rows[:4] == [
        ["7", "8", "9", "divided by"],
        ["4", "5", "6", "times"],
        ["1", "2", "3", "plus"],
        ["0", "decimal point", "minus", "fraction"],
    ]


def test_the_keypad_is_switched_on_and_off_in_the_player_and_saved(learner: User) -> None:
    player = Player(learner, lesson_session(learner, expression_lesson()))
    page = player.open()
    assert 'aria-label="Math keypad"' not in page
    assert 'aria-pressed="false">Keypad</button>' in page

    switched = player.post(
        player.url, {"csrfmiddlewaretoken": player.field("csrfmiddlewaretoken"), "keypad": "on"}
    )

    assert switched.status_code == 302
    assert LearnerProfile.objects.get(user=learner).input_method == "keypad"
    page = player.open()
    assert 'aria-label="Math keypad"' in page
    assert 'aria-pressed="true">Keypad</button>' in page
    card = player.post(
        player.url,
        {"csrfmiddlewaretoken": player.field("csrfmiddlewaretoken"), "keypad": "off"},
        **HTMX,
    )
    assert card.status_code == 200
    assert 'aria-label="Math keypad"' not in player.page
    assert LearnerProfile.objects.get(user=learner).input_method == "keyboard"


def test_a_number_question_gets_the_digits_keypad_and_a_text_question_none(learner: User) -> None:
    player = Player(keypad_learner(learner), lesson_session(learner, numeric_lesson(exercises=1)))

    keypad = keypad_of(player.open())

    assert "square root" not in keypad
    assert 'aria-label="7"' in keypad
    assert 'aria-label="decimal point"' in keypad


# --- The end screen -------------------------------------------------------------------------------


def test_the_end_screen_itemises_the_xp_and_the_items_sum_to_what_the_ledger_gained(
    learner: User,
) -> None:
    LearnerProfile.objects.update_or_create(user=learner, defaults={"daily_goal_minutes": 1})
    lesson = numeric_lesson(exercises=3)
    player = Player(learner, lesson_session(learner, lesson))
    player.response_ms = 20_000  # four answers of 20 s: a minute's goal is met on the way
    before = ledger_total(learner)
    player.open()
    player.answer_right()
    player.open()
    player.answer_wrong()
    player.open()
    player.answer_right()
    player.open()
    last = player.answer_right()

    gained = ledger_total(learner) - before
    items = [int(amount) for amount in re.findall(r"<td>\+(\d+) XP</td>", last)]
    assert items[-1] == gained, "the total line"
    assert sum(items[:-1]) == gained, "the items sum to the ledger's change"
    summary = text_of(last)
    assert "3 right answers" in summary
    assert f"Lesson complete +{lesson.xp_reward} XP" in summary
    assert "Daily goal met +10 XP" in summary
    assert f"XP earned: {gained}" in summary
    assert "skills got stronger" in summary or "skill got stronger" in summary
    assert "of 5 stars" in last
    assert "Mastery gained" not in summary
    assert 'id="summary-heading" tabindex="-1" autofocus' in last, "focus goes to the summary"

    # Four answers of 20 s: the practice time the daily goal counted, not the session's clock.
    assert "Practice time 1 min" in summary
    player.session.refresh_from_db()
    assert player.session.active_ms == 80_000

    again = text_of(player.open())
    assert f"XP earned: {gained}" in again, "the same summary on reload"


def test_the_end_screen_celebrates_a_level_up(learner: User) -> None:
    xp_award(user=learner, amount=95, reason="daily_goal", source_type="day", source_id=1)
    lesson = numeric_lesson(exercises=1)
    player = Player(learner, lesson_session(learner, lesson))
    player.open()

    last = player.answer_right(**HTMX)

    assert Standing.objects.get(user=learner).level == 2
    assert 'class="player__card summary summary--level-up"' in last
    assert 'data-sound="level-up"' in last
    assert "Level up! You reached level 2." in text_of(last)
    assert "You reached level 2." in status_region(last)


# --- Focus and screen readers ----------------------------------------------------------------


def test_the_live_region_reads_plain_text_never_latex(learner: User) -> None:
    player = Player(learner, lesson_session(learner, expression_lesson()))
    player.open()

    card = player.answer("x^3", **HTMX)

    spoken = status_region(card)
    assert spoken.startswith("Not quite.")
    assert "x cubed over 3" in spoken
    assert "$" not in spoken
    assert "\\" not in spoken
    assert "$" not in re.search(r'data-spoken="([^"]*)"', card).group(1)  # type: ignore[union-attr]


def test_focus_goes_to_the_feedback_heading_and_continue_leads_to_the_next_answer_box(
    learner: User,
) -> None:
    player = Player(learner, lesson_session(learner, numeric_lesson(exercises=2)))
    player.open()

    card = player.answer_right(**HTMX)

    assert (
        '<h2 id="feedback-heading" class="feedback__verdict" tabindex="-1" '
        "autofocus data-autofocus>" in card
    )
    assert 'data-sound="correct"' in card
    assert ">Continue</a>" in card
    next_card = player.open(**HTMX)
    assert re.search(r'<input id="answer-input"[^>]*autofocus data-autofocus', next_card)


def test_a_new_hint_is_marked_for_focus(learner: User) -> None:
    from tests.curriculum.factories import HintFactory

    lesson = numeric_lesson(exercises=1)
    HintFactory(exercise=lesson.exercises.get(), text="Count on from $n$.")
    player = Player(learner, lesson_session(learner, lesson))
    player.open()

    response = player.post(
        reverse("practice:hint", args=[player.session.pk]),
        {
            "csrfmiddlewaretoken": player.field("csrfmiddlewaretoken"),
            "exercise": player.field("exercise"),
        },
        **HTMX,
    )

    assert response.status_code == 200
    assert '<li class="hint" tabindex="-1" data-new-hint>' in player.page


def test_the_api_finishing_a_drill_returns_its_end_screen_summing_to_the_ledger(
    learner: User, client_for: Any
) -> None:
    from .builders import answer_body, fact_track, times_table

    track = fact_track(times_table(2))
    api = client_for(learner)
    session = services.session_start(user=learner, mode="drill", track=track)
    api.post(f"/api/v1/sessions/{session.pk}/answers", answer_body(session))

    finished = api.post(f"/api/v1/sessions/{session.pk}/finish", {}).json()

    end_screen = finished["end_screen"]
    assert end_screen["xp"] == ledger_total(learner)
    assert sum(item["amount"] for item in end_screen["xp_items"]) == end_screen["xp"]
    assert end_screen["xp_items"][0]["label"] == "1 right answer"
    assert end_screen["skills"][0]["stars"] >= 1


def _finished(learner: User, exercises: int) -> Player:
    player = Player(learner, lesson_session(learner, numeric_lesson(exercises=exercises)))
    player.open()
    for _ in range(exercises):
        player.answer_right()
        player.open()
    return player


def test_the_end_screen_takes_the_same_number_of_queries_however_long_the_lesson(
    learner: User, django_assert_num_queries: Any
) -> None:
    short, long = _finished(learner, 2), _finished(learner, 9)

    for player in (short, long):
        with django_assert_num_queries(12):
            page = player.open()
        assert "XP earned:" in text_of(page)

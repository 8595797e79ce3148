"""The presenters and the shared renderer: what a question, its feedback and a summary look like,
the same for the API, the site and the admin preview."""

from __future__ import annotations

from typing import Any

import pytest

from curriculum.grading.kinds import NOT_QUITE
from curriculum.models import Exercise
from curriculum.rendering import option_order, render_markdown, spoken_math, spoken_text
from practice import presenters, services
from practice.presenters import FeedbackPresenter, RewardPresenter
from tests.curriculum.factories import ExerciseFactory, LessonFactory

from .builders import answer_current, numeric_lesson


@pytest.mark.parametrize(
    ("markdown", "spoken"),
    [
        ("$0 + 0 = 0$", "0 + 0 = 0"),
        (r"It is $\frac{x^2}{2}$.", "It is x squared over 2."),
        (r"$\sqrt{x} \times 3$", "the square root of x × 3"),
        (r"\(x^{n-1}\)", "x to the power of n − 1"),
        (r"**Bold** and $\left(x+1\right)^3$", "Bold and (x + 1) cubed"),
        (r"$\sqrt[3]{8} = 2$", "the root 3 of 8 = 2"),
        (r"$\unknown{a}$ stays plain", "unknowna stays plain"),
    ],
)
def test_math_is_spoken_as_words_never_latex(markdown: str, spoken: str) -> None:
    assert spoken_text(markdown) == spoken
    assert "$" not in spoken_text(markdown)
    assert "\\" not in spoken_text(markdown)


def test_spoken_math_reads_a_bare_latex_reading() -> None:
    assert spoken_math(r"\frac{x^{3}}{3} + C") == "x cubed over 3 + C"


def test_option_order_is_a_permutation_fixed_by_the_seed() -> None:
    orders = {tuple(option_order(4, f"seed-{n}")) for n in range(20)}

    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert option_order(4, "abc") == option_order(4, "abc")
    assert len(orders) > 1


def test_the_admin_preview_renders_with_the_shared_renderer() -> None:
    from curriculum import admin_views

    assert admin_views.render_markdown is render_markdown
    assert str(render_markdown("<b>$x$</b>")) == "<p>&lt;b&gt;$x$&lt;/b&gt;</p>"


def _feedback(**fields: Any) -> FeedbackPresenter:
    defaults: dict[str, Any] = {
        "attempt": 1,
        "correct": False,
        "score": 0.0,
        "prompt": "$1 + 1$",
        "response": "3",
        "interpreted_as": "3",
        "interpreted_is_latex": False,
        "feedback": NOT_QUITE,
        "explanation": r"One and one is $\frac{4}{2}$.",
        "option_explanation": "",
        "xp": 0,
        "hints_used": 0,
        "asked_again": True,
        "replayed": False,
    }
    return FeedbackPresenter(**{**defaults, **fields})


def test_feedback_speaks_the_verdict_and_the_explanation_in_plain_words() -> None:
    feedback = _feedback()

    assert feedback.spoken == "Not quite. One and one is 4 over 2."
    assert feedback.sound == "wrong"
    assert feedback.message == ""
    assert feedback.shown_interpretation == "", '"3" read as "3" says nothing'


def test_a_level_up_is_spoken_and_has_its_own_sound() -> None:
    reward = RewardPresenter(
        xp=12, level_before=1, level=2, achievements=[], streak=None, streak_extended=False
    )
    feedback = _feedback(correct=True, feedback="Correct!", explanation="", reward=reward)

    assert feedback.sound == "level-up"
    assert feedback.spoken == "Correct! Level up! You reached level 2."


@pytest.mark.django_db
def test_the_expression_keypad_has_the_questions_variables_and_the_number_keypad_digits() -> None:
    lesson = LessonFactory()
    ExerciseFactory(
        lesson=lesson,
        kind=Exercise.Kind.EXPRESSION,
        answer={"answer": "2*t*theta", "variables": ["t", "theta"]},
    )
    from tests.accounts.factories import UserFactory

    learner = UserFactory()
    session = services.session_start(user=learner, mode="lesson", lesson=lesson)
    question = presenters.question_present(session)
    assert question is not None

    keypad = presenters.keypad_present(question)

    assert keypad is not None
    variables = [key.name for key in keypad.rows[-2]]
    assert variables == ["x", "t", "theta"]
    assert keypad.rows[-2][2].label == "θ"
    assert [key.label for key in keypad.rows[0]] == ["7", "8", "9", "÷"]
    assert keypad.columns == 4


@pytest.mark.django_db
def test_the_summary_itemises_exactly_the_ledger_rows_of_the_session(learner: Any) -> None:
    from django.db.models import Sum

    from gamification.models import XPEvent

    lesson = numeric_lesson(exercises=2)
    session = services.session_start(user=learner, mode="lesson", lesson=lesson)
    answer_current(learner, session)
    answer_current(learner, session)
    session.refresh_from_db()

    summary = presenters.summary_present(session, user=learner)

    ledger = XPEvent.objects.filter(user=learner).aggregate(total=Sum("amount"))["total"]
    assert summary.xp == ledger
    assert [item.label for item in summary.xp_items][:1] == ["2 right answers"]
    assert summary.skills_stronger == 2
    assert all(skill.stars >= 1 for skill in summary.skills)
    assert summary.heading == "Lesson complete!"

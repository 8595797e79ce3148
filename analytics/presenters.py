"""What the Stats page, the quiz review and the parent dashboard show: typed view models.

Built from the selectors' results (never querying), so templates only lay them out. A chart is
a `Chart`: its numbers go to `static/js/charts.js` as JSON and, as a table, to everyone who
does not see the canvas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.paginator import Page
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from curriculum.admin_views import exercise_card
from curriculum.models import Exercise
from practice.models import Attempt, FluencyLevel, PracticeSession
from practice.path import FLUENCY_MARKS
from practice.presenters import feedback_present

from .selectors import (
    ChildSummary,
    DayStats,
    OperationLine,
    SessionLine,
    Totals,
    TrackMastery,
)

RANGE_CHOICES = (7, 30, 90)
DEFAULT_RANGE = 30
QUIZZES_PER_PAGE = 10

OPERATION_NAMES: dict[str, str] = {
    Exercise.Operation.ADD: "Addition",
    Exercise.Operation.SUBTRACT: "Subtraction",
    Exercise.Operation.MULTIPLY: "Multiplication",
    Exercise.Operation.DIVIDE: "Division",
}
MODE_LABELS = dict(PracticeSession.Mode.choices)
STATUS_LABELS = dict(PracticeSession.Status.choices)


class RangeForm(forms.Form):
    """The Stats page's range: 7, 30 or 90 days; anything else is the default."""

    days = forms.TypedChoiceField(
        label="Show the last",
        choices=[(days, f"{days} days") for days in RANGE_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def days_chosen(self) -> int:
        if self.is_valid() and self.cleaned_data["days"] is not None:
            return int(self.cleaned_data["days"])
        return DEFAULT_RANGE


def percent(share: float | None) -> int | None:
    """A share (0…1) as a whole percentage, or None when there is nothing to measure."""
    return None if share is None else round(100 * share)


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """One chart: a series of numbers over labelled days, as a canvas and as a table."""

    id: str
    title: str
    kind: str  # "bar" or "line"
    series_label: str
    labels: list[str]
    values: list[float | int | None]
    unit: str = ""
    color: str = "brand"
    maximum: int | None = None

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def config(self) -> dict[str, Any]:
        """What `charts.js` reads (the `json_script` next to the canvas)."""
        return {
            "type": self.kind,
            "labels": self.labels,
            "label": self.series_label,
            "data": self.values,
            "unit": self.unit,
            "color": self.color,
            "max": self.maximum,
        }

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The table's rows: each label with its value in words ("—" when there is none)."""
        return [
            (label, self.shown(value))
            for label, value in zip(self.labels, self.values, strict=True)
        ]

    def shown(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        number = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{number} {self.unit}".strip() if self.unit != "%" else f"{number} %"

    @property
    def description(self) -> str:
        """A one-line summary for the canvas's accessible name; the table has the detail."""
        present = [value for value in self.values if value is not None]
        if not present:
            return f"{self.title}: nothing yet."
        return f"{self.title}: {self.shown(max(present))} at most, over {len(self.labels)} days."


def _label(day: date, *, weekday: bool) -> str:
    return f"{day:%a}" if weekday else f"{day.day} {day:%b}"


def day_charts(
    days: Sequence[DayStats], *, prefix: str, weekday: bool = False, answers: bool = False
) -> list[Chart]:
    """Charts of XP, minutes practised, accuracy (and answers) per day."""
    labels = [_label(day["date"], weekday=weekday) for day in days]
    charts = [
        Chart(
            id=f"{prefix}-xp",
            title="XP earned per day",
            kind="bar",
            series_label="XP",
            labels=labels,
            values=[day["xp"] for day in days],
            unit="XP",
            color="brand",
        ),
        Chart(
            id=f"{prefix}-minutes",
            title="Minutes practised per day",
            kind="bar",
            series_label="Minutes",
            labels=labels,
            values=[day["minutes"] for day in days],
            unit="min",
            color="focus",
        ),
    ]
    if answers:
        charts.append(
            Chart(
                id=f"{prefix}-answers",
                title="Answers per day",
                kind="bar",
                series_label="Answers",
                labels=labels,
                values=[day["questions"] for day in days],
                unit="answers",
                color="muted",
            )
        )
    charts.append(
        Chart(
            id=f"{prefix}-accuracy",
            title="Accuracy per day",
            kind="line",
            series_label="Accuracy",
            labels=labels,
            values=[percent(day["accuracy"]) for day in days],
            unit="%",
            color="ink",
            maximum=100,
        )
    )
    return charts


# --------------------------------------------------------------------------------------------
# The Stats page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalsView:
    answers: int
    correct: int
    accuracy_percent: int | None
    minutes: float
    xp: int
    sessions: int
    facts_mastered: int
    days_active: int


def totals_of(totals: Totals) -> TotalsView:
    return TotalsView(
        answers=totals["questions"],
        correct=totals["correct"],
        accuracy_percent=percent(totals["accuracy"]),
        minutes=totals["minutes"],
        xp=totals["xp"],
        sessions=totals["sessions"],
        facts_mastered=totals["facts_mastered"],
        days_active=totals["days_active"],
    )


@dataclass(frozen=True)
class AccuracyLine:
    """One row of an "accuracy by …" table: what, how many answers, how many right."""

    name: str
    answers: int
    correct: int
    accuracy_percent: int | None
    mastery_percent: int | None = None
    completed: bool = False
    track_id: int | None = None
    has_grid: bool = False


def operation_lines(lines: Sequence[OperationLine]) -> list[AccuracyLine]:
    return [
        AccuracyLine(
            name=f"{line['operation']} {OPERATION_NAMES.get(line['operation'], '')}".strip(),
            answers=line["attempts"],
            correct=line["correct"],
            accuracy_percent=percent(line["accuracy"]),
        )
        for line in lines
    ]


def track_lines(lines: Sequence[TrackMastery]) -> list[AccuracyLine]:
    return [
        AccuracyLine(
            name=line["title"],
            answers=line["attempts"],
            correct=line["correct"],
            accuracy_percent=percent(line["accuracy"]),
            mastery_percent=percent(line["mastery"]),
            completed=line["completed"],
            track_id=line["track"],
            has_grid=line["has_facts"],
        )
        for line in lines
    ]


@dataclass(frozen=True)
class FluencyLine:
    level: str
    label: str
    mark: str
    facts: int


def fluency_lines(counts: dict[str, int]) -> list[FluencyLine]:
    return [
        FluencyLine(level.value, str(level.label), FLUENCY_MARKS[level], counts.get(level, 0))
        for level in FluencyLevel
    ]


@dataclass(frozen=True)
class QuizLine:
    id: int
    title: str
    status: str
    finished: datetime | None
    answered: int
    correct: int
    accuracy_percent: int | None
    xp: int


def quiz_line(session: PracticeSession) -> QuizLine:
    where = session.unit.title if session.unit else session.track.title if session.track else ""
    return QuizLine(
        id=session.pk,
        title=f"Quiz: {where}" if where else "Quiz",
        status=STATUS_LABELS.get(session.status, session.status),
        finished=session.ended_at or session.started_at,
        answered=session.answered,
        correct=session.correct,
        accuracy_percent=percent(session.accuracy),
        xp=session.xp_earned,
    )


@dataclass
class StatsPage:
    days: int
    start: date
    end: date
    form: RangeForm
    charts: list[Chart]
    totals: TotalsView
    operations: list[AccuracyLine]
    tracks: list[AccuracyLine]
    fluency: list[FluencyLine]
    quizzes: Page[PracticeSession]
    quiz_lines: list[QuizLine] = field(default_factory=list)

    @property
    def facts_total(self) -> int:
        return sum(line.facts for line in self.fluency)

    @property
    def fluency_chart(self) -> Chart:
        return Chart(
            id="stats-fluency",
            title="Facts by fluency level",
            kind="bar",
            series_label="Facts",
            labels=[line.label for line in self.fluency],
            values=[line.facts for line in self.fluency],
            unit="facts",
            color="brand",
        )


# --------------------------------------------------------------------------------------------
# One quiz, answer by answer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerReview:
    number: int
    correct: bool
    prompt: SafeString
    response: SafeString
    interpreted_as: str
    interpreted_is_latex: bool
    message: str
    correct_answer: SafeString
    explanation: SafeString
    seconds: float
    hints_used: int


def _correct_answer(exercise: Exercise, seed: str) -> SafeString:
    """The right answer for her variant, as the author's preview shows it (an option's text for
    multiple choice, since "option 2" means nothing to a learner)."""
    card = exercise_card(exercise, seed=seed, hints=[])
    if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE:
        chosen = [option.text for option in card.options if option.correct]
        return chosen[0] if chosen else mark_safe("—")
    return card.answer


def answer_review(*, session: PracticeSession, attempt: Attempt, number: int) -> AnswerReview:
    feedback = feedback_present(session=session, attempt=attempt)
    plan = session.plan
    item = plan[attempt.plan_index] if attempt.plan_index < len(plan) else {}
    return AnswerReview(
        number=number,
        correct=attempt.is_correct,
        prompt=feedback.prompt_html,
        response=feedback.response_html or escape(attempt.response),
        # A chosen option's index says nothing: only typed answers have a reading to show.
        interpreted_as=(
            ""
            if attempt.exercise.kind == Exercise.Kind.MULTIPLE_CHOICE
            else feedback.shown_interpretation
        ),
        interpreted_is_latex=feedback.interpreted_is_latex,
        message=feedback.message,
        correct_answer=_correct_answer(attempt.exercise, str(item.get("seed", ""))),
        explanation=feedback.explanation_html,
        seconds=round(attempt.response_ms / 1000, 1),
        hints_used=attempt.hints_used,
    )


@dataclass(frozen=True)
class QuizReview:
    line: QuizLine
    score_percent: int | None
    answers: list[AnswerReview]


def quiz_review(*, session: PracticeSession, attempts: Sequence[Attempt]) -> QuizReview:
    planned = len(session.plan)
    return QuizReview(
        line=quiz_line(session),
        score_percent=round(100 * session.correct / planned) if planned else None,
        answers=[
            answer_review(session=session, attempt=attempt, number=number)
            for number, attempt in enumerate(attempts, start=1)
        ],
    )


# --------------------------------------------------------------------------------------------
# The parent dashboard
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    id: int
    what: str
    status: str
    started_at: datetime
    answered: int
    correct: int
    accuracy_percent: int | None
    xp: int


def session_view(line: SessionLine) -> SessionView:
    mode = MODE_LABELS.get(line["mode"], line["mode"])
    where = line["lesson_title"] or line["track_title"]
    return SessionView(
        id=line["id"],
        what=f"{mode}: {where}" if where else str(mode),
        status=STATUS_LABELS.get(line["status"], line["status"]),
        started_at=line["started_at"],
        answered=line["answered"],
        correct=line["correct"],
        accuracy_percent=percent(line["accuracy"]),
        xp=line["xp"],
    )


@dataclass(frozen=True)
class TodayView:
    minutes: float
    answers: int
    correct: int
    accuracy_percent: int | None
    xp: int
    goal_met: bool


@dataclass(frozen=True)
class ChildCard:
    learner: User
    name: str
    today: TodayView
    week: TotalsView
    week_starts_on: date
    charts: list[Chart]
    streak: int
    best_streak: int
    tracks: list[AccuracyLine]
    sessions: list[SessionView]


def child_card(
    *,
    learner: User,
    summary: ChildSummary,
    week: Sequence[DayStats],
    tracks: Sequence[TrackMastery],
) -> ChildCard:
    today = summary["today"]
    return ChildCard(
        learner=learner,
        name=learner.first_name or learner.username,
        today=TodayView(
            minutes=today["minutes"],
            answers=today["questions"],
            correct=today["correct"],
            accuracy_percent=percent(today["accuracy"]),
            xp=today["xp"],
            goal_met=today["goal_met"],
        ),
        week=totals_of(summary["this_week"]),
        week_starts_on=summary["week_starts_on"],
        charts=day_charts(week, prefix=f"child-{learner.pk}", weekday=True, answers=True),
        streak=summary["streak"]["current"],
        best_streak=summary["streak"]["best"],
        tracks=track_lines(tracks),
        sessions=[session_view(line) for line in summary["recent_sessions"]],
    )

"""What a question, its feedback and a session's summary look like: one typed presenter each.

Built once from the session, the service's `AnswerResult` or the ledger, and used alike by the
API's output serializers (which read the raw fields: Markdown with LaTeX) and the site's
templates (which read the `*_html` properties, and `spoken` for the live region: plain words,
never LaTeX). The text goes through `curriculum.rendering`, the renderer of the admin preview.
Templates receive presenters and never query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils.safestring import SafeString

from accounts.models import User
from calcuingo import cache as analytics_cache
from curriculum import grading
from curriculum.grading.kinds import CORRECT, NOT_QUITE
from curriculum.models import Exercise, Hint, Lesson
from curriculum.rendering import INPUT_KINDS, option_order, render_markdown, spoken_text
from gamification.levels import level_for
from gamification.models import Achievement, Standing, UserAchievement, XPEvent
from gamification.services import Outcome

from . import selectors
from .mastery import assess, fluency_for
from .models import Attempt, ExerciseProgress, PracticeSession, content_cached, question_stamp
from .services import AnswerResult
from .services.answers import variant_values
from .services.sessions import drill_time_left

Mode = PracticeSession.Mode
Reason = XPEvent.Reason

# --------------------------------------------------------------------------------------------
# The question
# --------------------------------------------------------------------------------------------


def question_content(exercise_id: int) -> dict[str, Any]:
    """What every learner sees of an exercise before her own numbers are put in.

    Cached for 24 hours under a key that includes the exercise's `updated_at`, itself read from
    the cache (`practice.models.question_stamp`), so an author's edit is seen at once and a cached
    question costs no query. Read through the cache inside a transaction too: the content is the
    author's, never written by the learner's transaction that shows it.
    """
    key = analytics_cache.question_key(exercise_id, question_stamp(exercise_id))

    def load() -> dict[str, Any]:
        exercise = Exercise.objects.get(pk=exercise_id)
        variables: list[str] = []
        if exercise.kind == Exercise.Kind.EXPRESSION and isinstance(exercise.answer, dict):
            variables = [v for v in exercise.answer.get("variables", []) if isinstance(v, str)]
        return {
            "id": exercise.pk,
            "kind": exercise.kind,
            "prompt": exercise.prompt,
            "options": [
                option.get("text", "") if isinstance(option, dict) else str(option)
                for option in exercise.options or []
            ],
            "parameters": exercise.parameters,
            "answer_unit": exercise.answer_unit,
            "operand1": exercise.operand1,
            "operation": exercise.operation,
            "operand2": exercise.operand2,
            "operation2": exercise.operation2,
            "operand3": exercise.operand3,
            "image": exercise.image.url if exercise.image else None,
            "variables": variables,
            "hint_count": Hint.objects.filter(exercise=exercise).count(),
        }

    return content_cached(key, load)


@dataclass(frozen=True)
class OptionPresenter:
    """A multiple-choice option: `index` is the original one (what is posted and graded),
    `key` its place on the screen (1, 2, … — the keyboard shortcut)."""

    index: int
    key: int
    text: str

    @property
    def html(self) -> SafeString:
        return render_markdown(self.text, inline=True)


@dataclass(frozen=True)
class QuestionPresenter:
    """The session's current question for the learner's variant, never its answer."""

    id: int
    kind: str
    prompt: str
    options: list[OptionPresenter]
    answer_unit: str
    operand1: int | None
    operation: str
    operand2: int | None
    operation2: str
    operand3: int | None
    image: str | None
    variables: list[str]
    hint_count: int
    hints_used: int
    requeued: bool
    seed: str = ""

    @property
    def input_kind(self) -> str:
        """ "choice", "number", "text" or "expression"."""
        return INPUT_KINDS.get(self.kind, "text")

    @property
    def prompt_html(self) -> SafeString:
        return render_markdown(self.prompt)

    @property
    def prompt_spoken(self) -> str:
        return spoken_text(self.prompt)

    @property
    def hints_left(self) -> int:
        return max(0, self.hint_count - self.hints_used)


def question_present(session: PracticeSession) -> QuestionPresenter | None:
    """The session's current question, or None when there is none to answer."""
    item = session.current_item()
    if item is None or not session.is_open:
        return None
    content = question_content(item["exercise"])
    parameters = content["parameters"]
    seed = str(item.get("seed", ""))
    values = grading.variant_for(parameters, seed) if parameters else {}
    texts = content["options"]
    return QuestionPresenter(
        id=content["id"],
        kind=content["kind"],
        prompt=grading.render_variant(content["prompt"], values),
        options=[
            OptionPresenter(
                index=index, key=place, text=grading.render_variant(texts[index], values)
            )
            for place, index in enumerate(option_order(len(texts), seed), start=1)
        ],
        answer_unit=content["answer_unit"],
        operand1=content["operand1"],
        operation=content["operation"],
        operand2=content["operand2"],
        operation2=content["operation2"],
        operand3=content["operand3"],
        image=content["image"],
        variables=list(content["variables"]),
        hint_count=content["hint_count"],
        hints_used=int(item.get("hints", 0)),
        requeued=bool(item.get("requeued")),
        seed=seed,
    )


def hints_shown(question: QuestionPresenter) -> list[SafeString]:
    """The hints the learner already asked for on this question, for her variant."""
    if not question.hints_used:
        return []
    hints = Hint.objects.filter(exercise_id=question.id).select_related("exercise")
    shown = []
    for hint in hints.order_by("order")[: question.hints_used]:
        values = variant_values(hint.exercise, question.seed)
        shown.append(render_markdown(grading.render_variant(hint.text, values)))
    return shown


# --------------------------------------------------------------------------------------------
# The session (what the API's session shape holds)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionCounts:
    answered: int
    correct: int
    accuracy: float | None
    score_percent: float | None
    average_response_ms: int | None
    xp: int
    mastery_gained: float
    facts_mastered: int
    active_seconds: int
    practice_seconds: int


@dataclass(frozen=True)
class SessionPresenter:
    id: int
    mode: str
    status: str
    track: int | None
    unit: int | None
    lesson: int | None
    position: int
    total: int
    time_left_seconds: int | None
    started_at: datetime
    ended_at: datetime | None
    current: QuestionPresenter | None
    summary: SessionCounts

    @property
    def number(self) -> int:
        """The current question's number, 1-based (the last one once all are answered)."""
        return min(self.position + 1, self.total)


def session_present(session: PracticeSession) -> SessionPresenter:
    score = session.correct / len(session.plan) * 100 if session.plan else None
    return SessionPresenter(
        id=session.pk,
        mode=session.mode,
        status=session.status,
        track=session.track_id,
        unit=session.unit_id,
        lesson=session.lesson_id,
        position=session.position,
        total=len(session.plan),
        time_left_seconds=drill_time_left(session),
        started_at=session.started_at,
        ended_at=session.ended_at,
        current=question_present(session),
        summary=SessionCounts(
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
    )


# --------------------------------------------------------------------------------------------
# Rewards and feedback
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AchievementPresenter:
    code: str
    name: str
    description: str
    icon: str
    xp_reward: int


def _achievement(achievement: Achievement) -> AchievementPresenter:
    return AchievementPresenter(
        code=achievement.code,
        name=achievement.name,
        description=achievement.description,
        icon=achievement.icon or "🏅",
        xp_reward=achievement.xp_reward,
    )


@dataclass(frozen=True)
class RewardPresenter:
    """What one event earned: XP (bonuses included), a new level, achievements, the streak."""

    xp: int
    level_before: int
    level: int
    achievements: list[AchievementPresenter]
    streak: int | None
    streak_extended: bool

    @property
    def leveled_up(self) -> bool:
        return self.level > self.level_before


def reward_present(reward: Outcome | None) -> RewardPresenter | None:
    if reward is None:
        return None
    return RewardPresenter(
        xp=reward.xp,
        level_before=reward.level_before,
        level=reward.level,
        achievements=[_achievement(a) for a in reward.achievements],
        streak=reward.streak,
        streak_extended=reward.streak_extended,
    )


@dataclass(frozen=True)
class FeedbackPresenter:
    """The verdict on an answer, why, and what it earned."""

    attempt: int
    correct: bool
    score: float
    prompt: str
    response: str  # the learner's answer as text (a chosen option's text)
    interpreted_as: str  # LaTeX for expressions, plain text otherwise
    interpreted_is_latex: bool
    feedback: str  # the grader's words
    explanation: str
    option_explanation: str
    xp: int
    hints_used: int
    asked_again: bool
    replayed: bool
    mastery: float | None = None
    fluency_level: str | None = None
    next_review_at: datetime | None = None
    newly_mastered: bool = False
    unit_completed: bool = False
    reward: RewardPresenter | None = None
    unlocked_lessons: list[int] = field(default_factory=list)

    @property
    def message(self) -> str:
        """The verdict's own words, unless they only repeat the heading."""
        return "" if self.feedback in (CORRECT, NOT_QUITE) else self.feedback

    @property
    def shown_interpretation(self) -> str:
        """ "7" read as "7" tells the learner nothing; an expression's reading always does."""
        if not self.interpreted_is_latex and self.interpreted_as.strip() == self.response.strip():
            return ""
        return self.interpreted_as

    @property
    def prompt_html(self) -> SafeString:
        return render_markdown(self.prompt)

    @property
    def response_html(self) -> SafeString:
        return render_markdown(self.response, inline=True)

    @property
    def explanation_html(self) -> SafeString:
        return render_markdown(self.explanation)

    @property
    def option_explanation_html(self) -> SafeString:
        return render_markdown(self.option_explanation, inline=True)

    @property
    def heading(self) -> str:
        return "Correct!" if self.correct else "Not quite"

    @property
    def sound(self) -> str:
        """Which sound the page plays: a level-up wins over the verdict."""
        if self.reward is not None and self.reward.leveled_up:
            return "level-up"
        return "correct" if self.correct else "wrong"

    @property
    def spoken(self) -> str:
        """The live region's text: plain words, never LaTeX."""
        parts = [self.heading]
        if not self.correct and self.message:
            parts.append(spoken_text(self.message))
        if self.option_explanation:
            parts.append(spoken_text(self.option_explanation))
        if self.explanation:
            parts.append(spoken_text(self.explanation))
        if self.reward is not None and self.reward.leveled_up:
            parts.append(f"Level up! You reached level {self.reward.level}.")
        return " ".join(part if part.endswith((".", "!", "?")) else part + "." for part in parts)


def feedback_present(
    *, session: PracticeSession, attempt: Attempt, result: AnswerResult | None = None
) -> FeedbackPresenter:
    """From the service's result, or from the stored attempt alone when a resubmitted form
    is shown its first answer again (then without the rewards, which were shown then)."""
    exercise = attempt.exercise
    plan = session.plan
    item = plan[attempt.plan_index] if attempt.plan_index < len(plan) else {}
    values = variant_values(exercise, item.get("seed", ""))

    def text(template: str) -> str:
        return grading.render_variant(template, values)

    response, chosen = attempt.response, {}
    if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE:
        try:
            option = (exercise.options or [])[int(attempt.response)]
        except (ValueError, IndexError):
            option = {}
        chosen = option if isinstance(option, dict) else {"text": str(option)}
        response = text(str(chosen.get("text", attempt.response)))
    fresh = result if result is not None and not result.replayed else None
    progress = result.progress if result is not None else None
    asked_again = not attempt.is_correct and any(
        entry["exercise"] == exercise.pk for entry in plan[attempt.plan_index + 1 :]
    )
    return FeedbackPresenter(
        attempt=attempt.pk,
        correct=attempt.is_correct,
        score=attempt.score,
        prompt=text(exercise.prompt),
        response=response,
        interpreted_as=attempt.interpreted_as,
        interpreted_is_latex=exercise.kind == Exercise.Kind.EXPRESSION,
        feedback=attempt.feedback,
        # A replayed result carries the raw explanation: render it for the variant here.
        explanation=fresh.explanation if fresh else text(exercise.explanation),
        option_explanation=text(
            fresh.option_explanation if fresh else str(chosen.get("explanation", ""))
        ),
        xp=attempt.xp,
        hints_used=attempt.hints_used,
        asked_again=asked_again,
        replayed=fresh is None,
        mastery=progress.mastery if progress else None,
        fluency_level=progress.fluency_level if progress else None,
        next_review_at=progress.due_at if progress else None,
        newly_mastered=bool(fresh and fresh.newly_mastered),
        unit_completed=bool(fresh and fresh.unit_completed),
        reward=reward_present(fresh.reward) if fresh else None,
        unlocked_lessons=[lesson.pk for lesson in (result.unlocked if result else [])],
    )


# --------------------------------------------------------------------------------------------
# The session summary (the end screen)
# --------------------------------------------------------------------------------------------

# Achievements earned by the session's answers are within its time, those of its end a moment
# after: this margin takes them in without reaching another day's session.
ACHIEVEMENT_MARGIN = timedelta(minutes=1)
STAR_LABELS = ("New", "Learning", "Getting there", "Good", "Strong", "Mastered")
FLUENCY_STARS = {
    "not_started": 0,
    "learning": 1,
    "accuracy": 2,
    "fluency_6s": 3,
    "fluency_3s": 4,
    "mastered": 5,
}
MAX_STARS = 5


@dataclass(frozen=True)
class XPItem:
    label: str
    amount: int


@dataclass(frozen=True)
class SkillPresenter:
    """One exercise practised in the session, as stars a learner understands."""

    prompt: str
    stars: int
    stronger: bool

    @property
    def prompt_html(self) -> SafeString:
        return render_markdown(self.prompt.split("\n\n")[0], inline=True)

    @property
    def label(self) -> str:
        return STAR_LABELS[self.stars]

    @property
    def star_marks(self) -> str:
        return "★" * self.stars + "☆" * (MAX_STARS - self.stars)


@dataclass(frozen=True)
class SummaryPresenter:
    mode: str
    mode_label: str
    completed: bool
    answered: int
    correct: int
    accuracy_percent: int | None
    score_percent: float | None
    average_seconds: float | None
    active_seconds: int
    practice_seconds: int
    xp_items: list[XPItem]
    level_before: int
    level: int
    achievements: list[AchievementPresenter]
    streak: int | None
    facts_mastered: int
    skills: list[SkillPresenter]
    unlocked: list[Lesson] = field(default_factory=list)
    up_next: Lesson | None = None

    @property
    def xp(self) -> int:
        """The XP this session added to the ledger: exactly the sum of its items."""
        return sum(item.amount for item in self.xp_items)

    @property
    def leveled_up(self) -> bool:
        return self.level > self.level_before

    @property
    def skills_stronger(self) -> int:
        return sum(1 for skill in self.skills if skill.stronger)

    @property
    def heading(self) -> str:
        return f"{self.mode_label} {'complete!' if self.completed else 'ended'}"


def _xp_events(session: PracticeSession, attempt_ids: list[int]) -> list[dict[str, Any]]:
    """The ledger rows this session added: its answers', and its end's bonuses and
    achievements (the session's end writes its rows at the very time it ended)."""
    wanted = Q(reason=Reason.ANSWER, source_type="attempt", source_id__in=attempt_ids) | Q(
        reason=Reason.PERFECT_LESSON, source_type="session", source_id=session.pk
    )
    until = session.ended_at or session.started_at
    if session.status == PracticeSession.Status.COMPLETED and session.ended_at is not None:
        wanted |= Q(created_at=session.ended_at, reason=Reason.LESSON_COMPLETE)
    # The daily goal is paid by the answer that reaches it, a streak milestone at the session's
    # end, achievements by either: all of them within the session's time.
    wanted |= Q(
        reason__in=[Reason.DAILY_GOAL, Reason.STREAK_MILESTONE, Reason.ACHIEVEMENT],
        created_at__gte=session.started_at,
        created_at__lte=until + ACHIEVEMENT_MARGIN,
    )
    rows = (
        XPEvent.objects.filter(user_id=session.user_id)
        .filter(wanted)
        .order_by("created_at", "pk")
        .values("reason", "amount", "source_id")
    )
    return [dict(row) for row in rows]


def _xp_items(events: list[dict[str, Any]], names: dict[int, str]) -> list[XPItem]:
    """Answers summed in one line, then each bonus in the order it was paid."""
    items = []
    answers = [e["amount"] for e in events if e["reason"] == Reason.ANSWER]
    if answers:
        count = len(answers)
        items.append(XPItem(f"{count} right answer{'s' if count != 1 else ''}", sum(answers)))
    for event in events:
        reason = event["reason"]
        if reason == Reason.ANSWER:
            continue
        if reason == Reason.ACHIEVEMENT:
            label = f"Achievement: {names.get(event['source_id'], 'achievement')}"
        else:
            label = Reason(reason).label
        items.append(XPItem(label, event["amount"]))
    return items


def _skills(session: PracticeSession, attempts: list[dict[str, Any]]) -> list[SkillPresenter]:
    """Each exercise practised, with stars from its mastery now, and whether it grew.

    Mastery before the session is read back from the recent answers the progress keeps
    (the session's own are the last ones, unless the learner practised it since).
    """
    in_session: dict[int, list[bool]] = {}
    for attempt in attempts:
        in_session.setdefault(attempt["exercise_id"], []).append(attempt["is_correct"])
    if not in_session:
        return []
    progresses = ExerciseProgress.objects.filter(
        user_id=session.user_id, exercise_id__in=list(in_session)
    ).select_related("exercise")
    seeds: dict[int, str] = {}
    for item in session.plan:
        seeds.setdefault(item["exercise"], str(item.get("seed", "")))
    skills = []
    for progress in sorted(progresses, key=lambda p: list(in_session).index(p.exercise_id)):
        answers = in_session[progress.exercise_id]
        exercise = progress.exercise
        timed = exercise.kind == Exercise.Kind.FACT
        earlier = progress.recent[: -len(answers)]
        if progress.attempts <= len(answers):
            before = 0.0
        elif earlier:
            before = assess(earlier, timed=timed).value
        else:
            before = progress.mastery if not any(answers) else 0.0
        values = variant_values(exercise, seeds.get(exercise.pk, ""))
        skills.append(
            SkillPresenter(
                prompt=grading.render_variant(exercise.prompt, values),
                stars=FLUENCY_STARS.get(fluency_for(progress.mastery), 0),
                stronger=progress.mastery > before,
            )
        )
    return skills


def summary_present(
    session: PracticeSession, *, user: User, unlocked: list[Lesson] | None = None
) -> SummaryPresenter:
    """The end screen of a closed session: how it went, XP itemised from the ledger, the new
    level, mastery as skills and stars, and what comes next. A fixed number of queries."""
    attempts: list[dict[str, Any]] = [
        dict(row)
        for row in Attempt.objects.filter(session=session)
        .order_by("plan_index")
        .values("pk", "exercise_id", "is_correct")
    ]
    events = _xp_events(session, [int(a["pk"]) for a in attempts])
    window = (session.started_at, (session.ended_at or session.started_at) + ACHIEVEMENT_MARGIN)
    earned = [
        e.achievement
        for e in UserAchievement.objects.filter(
            user_id=session.user_id, earned_at__range=window
        ).select_related("achievement")
    ]
    names = {a.pk: a.name for a in earned}
    items = _xp_items(events, names)
    standing = (
        Standing.objects.filter(user_id=session.user_id)
        .values("xp", "level", "current_streak")
        .first()
    ) or {"xp": 0, "level": 1, "current_streak": 0}
    xp_now, level = standing["xp"], standing["level"]
    added = sum(item.amount for item in items)
    level_before = min(level, level_for(max(0, xp_now - added)))
    accuracy, average = session.accuracy, session.average_response_ms
    completed = session.status == PracticeSession.Status.COMPLETED
    up_next = None
    if completed and session.mode == Mode.LESSON and session.lesson is not None and not unlocked:
        following = selectors.next_lesson_in_path(lesson=session.lesson)
        if following and selectors.lesson_is_unlocked(user=user, lesson=following):
            up_next = following
    score = session.correct / len(session.plan) * 100 if session.plan else None
    return SummaryPresenter(
        mode=session.mode,
        mode_label=session.get_mode_display(),
        completed=completed,
        answered=session.answered,
        correct=session.correct,
        accuracy_percent=round(100 * accuracy) if accuracy is not None else None,
        score_percent=round(score, 1) if score is not None and session.mode == Mode.QUIZ else None,
        average_seconds=round(average / 1000, 1) if average is not None else None,
        active_seconds=session.active_seconds(),
        practice_seconds=session.active_ms // 1000,
        xp_items=items,
        level_before=level_before,
        level=level,
        achievements=[_achievement(a) for a in earned],
        streak=standing["current_streak"] if completed else None,
        facts_mastered=session.facts_mastered,
        skills=_skills(session, attempts),
        unlocked=list(unlocked or []),
        up_next=up_next,
    )


def lessons_with_track(ids: list[int]) -> list[Lesson]:
    """Lessons in the given order with their unit and track (what the end screen names)."""
    if not ids:
        return []
    found = Lesson.objects.select_related("unit__track").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# --------------------------------------------------------------------------------------------
# The math keypad
# --------------------------------------------------------------------------------------------

GREEK_LETTERS = {"theta": "θ", "alpha": "α", "beta": "β", "phi": "φ", "lambda": "λ", "omega": "ω"}


@dataclass(frozen=True)
class KeyPresenter:
    """One key: what it types (`insert`, the caret then `back` characters from its end), or
    an editing `action` (left, right, backspace, clear); `name` is what a screen reader says."""

    label: str
    name: str
    insert: str = ""
    back: int = 0
    action: str = "insert"


@dataclass(frozen=True)
class KeypadPresenter:
    rows: list[list[KeyPresenter]]

    @property
    def columns(self) -> int:
        return max(len(row) for row in self.rows)


def _key(label: str, name: str, insert: str | None = None, back: int = 0) -> KeyPresenter:
    return KeyPresenter(
        label=label, name=name, insert=label if insert is None else insert, back=back
    )


DIGIT_ROWS = [
    [_key("7", "7"), _key("8", "8"), _key("9", "9")],
    [_key("4", "4"), _key("5", "5"), _key("6", "6")],
    [_key("1", "1"), _key("2", "2"), _key("3", "3")],
    [_key("0", "0"), _key(".", "decimal point"), _key("−", "minus", "-")],
]
OPERATOR_COLUMN = [
    _key("÷", "divided by", "/"),
    _key("×", "times", "*"),
    _key("+", "plus"),
    _key("a/b", "fraction", "()/()", back=4),
]
FUNCTION_ROWS = [
    [
        _key("x²", "squared", "^2"),
        _key("^", "to the power of"),
        _key("√", "square root", "sqrt()", back=1),
        _key("π", "pi", "pi"),
    ],
    [
        _key("e", "e"),
        _key("ln", "natural log", "ln()", back=1),
        _key("sin", "sine", "sin()", back=1),
        _key("cos", "cosine", "cos()", back=1),
    ],
    [
        _key("tan", "tangent", "tan()", back=1),
        _key("(", "open bracket"),
        _key(")", "close bracket"),
        _key("C", "constant C"),
    ],
]
EDIT_ROW = [
    KeyPresenter("←", "move left", action="left"),
    KeyPresenter("→", "move right", action="right"),
    KeyPresenter("⌫", "delete", action="backspace"),
    KeyPresenter("Clear", "clear", action="clear"),
]


def keypad_present(question: QuestionPresenter) -> KeypadPresenter | None:
    """The keypad of a number or expression question: digits in a phone's rows; for
    expressions the operators, functions, constants, brackets and the question's variables."""
    if question.input_kind == "number":
        return KeypadPresenter(rows=[*(list(row) for row in DIGIT_ROWS), EDIT_ROW])
    if question.input_kind != "expression":
        return None
    names = [v for v in question.variables if v not in ("e", "C")]
    names = ["x", *(name for name in names if name != "x")][:4]
    variables = [_key(GREEK_LETTERS.get(name, name), name, name) for name in names]
    digits = [[*row, operator] for row, operator in zip(DIGIT_ROWS, OPERATOR_COLUMN, strict=True)]
    return KeypadPresenter(rows=[*digits, *FUNCTION_ROWS, variables, EDIT_ROW])

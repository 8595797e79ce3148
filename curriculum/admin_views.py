"""The exercise preview: an exercise as a learner sees it, plus what only its author may see.

`exercise_card(...)` prepares everything `curriculum/_exercise_card.html` shows; `code_card(...)`
the same for a code exercise (starter code, sample tests, and the author's runs in the sandbox:
`admin/curriculum/exercise/code_preview.html`). Text goes through
`curriculum.rendering` (Markdown with LaTeX), the renderer the API and the learner site use too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import answer_tests, grading
from .forms import ExerciseAdminForm
from .grading import coderunner
from .models import Exercise, TestCase
from .rendering import INPUT_KINDS as INPUT_KINDS
from .rendering import render_markdown as render_markdown

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

DEFAULT_SEED = "preview"
MAX_SEED_LENGTH = 100
MAX_RESPONSE_LENGTH = 500
MAX_PREVIEW_HINTS = 50

# --------------------------------------------------------------------------------------------
# The card
# --------------------------------------------------------------------------------------------


@dataclass
class OptionCard:
    index: int
    text: SafeString
    explanation: SafeString
    correct: bool


@dataclass
class HintCard:
    order: int
    text: SafeString
    unlock_after_attempts: int


@dataclass
class ExerciseCard:
    """What `curriculum/_exercise_card.html` shows for one variant of an exercise."""

    exercise: Exercise
    seed: str
    values: dict[str, int]
    prompt: SafeString
    input_kind: str  # "choice", "number", "text" or "expression"
    answer_unit: str
    fact_statement: str
    options: list[OptionCard]
    hints: list[HintCard]
    explanation: SafeString
    answer: SafeString  # for the author only
    errors: list[str] = field(default_factory=list)
    verdict: grading.Verdict | None = None
    response: str = ""

    @property
    def is_parametrised(self) -> bool:
        return bool(self.exercise.parameters)


class _Renderer:
    """Renders templates for one variant, collecting problems instead of raising them."""

    def __init__(self, values: Mapping[str, int] | None) -> None:
        self.values = values
        self.errors: list[str] = []

    def text(self, template: str, where: str) -> str:
        if self.values is None:
            return template
        try:
            return grading.render_template(template, self.values)
        except grading.SpecError as exc:
            self.errors.append(f"{where}: {exc}")
            return template

    def markdown(self, template: str, where: str, *, inline: bool = False) -> SafeString:
        return render_markdown(self.text(template, where), inline=inline)


def _decimal_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def _fact_parts(exercise: Exercise) -> tuple[str, str]:
    """("7 × 8", "56") for a fact exercise, or a readable explanation of what is missing."""
    operands = [exercise.operand1, exercise.operand2]
    operations = [grading.canonical_operation(exercise.operation)]
    if exercise.operation2 or exercise.operand3 is not None:
        operands.append(exercise.operand3)
        operations.append(grading.canonical_operation(exercise.operation2))
    if any(value is None for value in operands) or any(op is None for op in operations):
        raise grading.SpecError("The fact's operands or operations are incomplete.")
    numbers = [Fraction(value) for value in operands if value is not None]
    symbols = [op for op in operations if op is not None]
    pieces = [str(operands[0])]
    for symbol, operand in zip(symbols, operands[1:], strict=True):
        pieces += [symbol, str(operand)]
    try:
        answer = grading.fact_answer(numbers, symbols)
    except ZeroDivisionError:
        raise grading.SpecError("This fact divides by zero.") from None
    return " ".join(pieces), _decimal_text(answer)


def _math(latex: str) -> str:
    return f"<span class='math'>\\({escape(latex)}\\)</span>"


def _answer_html(exercise: Exercise, spec: Mapping[str, Any], fact: tuple[str, str]) -> SafeString:
    """The expected answer, as an author wants to read it, and its answer test in words."""
    html = _expected_html(exercise, spec, fact)
    test = answer_tests.describe(exercise.kind, spec)
    if test:
        html += f"<br><span class='exercise-card__answer-test'>Answer test: {escape(test)}</span>"
    return mark_safe(html)  # noqa: S308 - built from escaped pieces


def _expected_html(exercise: Exercise, spec: Mapping[str, Any], fact: tuple[str, str]) -> str:
    """The expected answer as escaped HTML (a numeric tolerance and unit are in its test)."""
    kind = exercise.kind
    if kind == Exercise.Kind.MULTIPLE_CHOICE:
        return f"Option {escape(exercise.correct_option)} (counting from 0)"
    if kind == Exercise.Kind.FACT:
        statement, answer = fact
        return f"<code>{escape(statement)} = {escape(answer)}</code>"
    if kind == Exercise.Kind.TEXT:
        accepted = spec.get("accepted") or []
        return " or ".join(f"<code>{escape(item)}</code>" for item in accepted) or "—"
    if kind == Exercise.Kind.NUMERIC:
        return f"<code>{escape(spec.get('value'))}</code>"
    expected = spec.get("answer")
    if not isinstance(expected, str):
        return "—"
    reading = grading.preview(expected, spec.get("variables"))
    html = f"<code>{escape(expected)}</code>"
    if reading.ok:
        html += f" = {_math(reading.latex)}"
    if spec.get("up_to_constant"):
        html += " + an arbitrary constant"
    return html


def exercise_card(
    exercise: Exercise,
    *,
    seed: str = DEFAULT_SEED,
    hints: list[tuple[int, str, int]] | None = None,
    response: str | None = None,
) -> ExerciseCard:
    """Everything the card shows for `exercise` (saved or not) and the variant `seed` picks.

    `hints` as (order, text, unlock_after_attempts), by default the saved hints. Never raises
    for a broken exercise: problems are listed in `errors` and the raw text is shown.
    """
    values: dict[str, int] = {}
    errors: list[str] = []
    if exercise.parameters:
        try:
            values = grading.variant_for(exercise.parameters, seed)
        except grading.SpecError as exc:
            errors.append(f"Parameters: {exc}")
    renderer = _Renderer(values if exercise.parameters and values else None)

    if hints is None:
        hints = (
            [(hint.order, hint.text, hint.unlock_after_attempts) for hint in exercise.hints.all()]
            if exercise.pk
            else []
        )

    options: list[OptionCard] = []
    if exercise.kind == Exercise.Kind.MULTIPLE_CHOICE and isinstance(exercise.options, list):
        for index, option in enumerate(exercise.options):
            text, explanation = option, ""
            if isinstance(option, dict):
                text, explanation = option.get("text", ""), option.get("explanation", "")
            options.append(
                OptionCard(
                    index=index,
                    text=renderer.markdown(str(text), f"Option {index}", inline=True),
                    explanation=renderer.markdown(
                        str(explanation or ""), f"Option {index}", inline=True
                    ),
                    correct=index == exercise.correct_option,
                )
            )

    fact_statement, fact_answer = "", ""
    if exercise.kind == Exercise.Kind.FACT:
        try:
            fact_statement, fact_answer = _fact_parts(exercise)
        except grading.SpecError as exc:
            errors.append(f"Fact: {exc}")

    spec: dict[str, Any] = {}
    try:
        spec = {key: value for key, value in exercise.grading_spec().items() if key != "params"}
        if renderer.values is not None:
            spec = grading.render_spec(spec, renderer.values)
    except grading.SpecError as exc:
        errors.append(f"Answer: {exc}")
    try:
        answer = _answer_html(exercise, spec, (fact_statement, fact_answer))
    except (grading.SpecError, TypeError, ValueError) as exc:
        errors.append(f"Answer: {exc}")
        answer = mark_safe("—")

    verdict = None
    if response is not None:
        try:
            verdict = grading.grade(
                exercise.kind,
                exercise.grading_spec(),
                response[:MAX_RESPONSE_LENGTH],
                values=values if exercise.parameters else None,
            )
        except grading.SpecError as exc:
            errors.append(f"Cannot grade: {exc}")

    card = ExerciseCard(
        exercise=exercise,
        seed=seed,
        values=values,
        prompt=renderer.markdown(exercise.prompt, "Prompt"),
        input_kind=INPUT_KINDS.get(exercise.kind, "text"),
        answer_unit=renderer.text(exercise.answer_unit, "Unit"),
        fact_statement=fact_statement,
        options=options,
        hints=[
            HintCard(order, renderer.markdown(text, f"Hint {order}"), unlock)
            for order, text, unlock in sorted(hints, key=lambda hint: hint[0])
        ],
        explanation=renderer.markdown(exercise.explanation, "Explanation"),
        answer=answer,
        verdict=verdict,
        response=response or "",
    )
    card.errors = errors + renderer.errors
    return card


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------


def _seed(request: HttpRequest) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get("seed") or DEFAULT_SEED).strip()[:MAX_SEED_LENGTH] or DEFAULT_SEED


def _posted_hints(data: Mapping[str, Any]) -> list[tuple[int, str, int]]:
    """The hints of the change form's inline, as typed (saved or not)."""
    try:
        total = min(int(data.get("hints-TOTAL_FORMS", 0)), MAX_PREVIEW_HINTS)
    except (TypeError, ValueError):
        return []
    hints = []
    for index in range(total):
        prefix = f"hints-{index}-"
        text = str(data.get(prefix + "text", "")).strip()
        if not text or data.get(prefix + "DELETE"):
            continue
        try:
            order = int(data.get(prefix + "order") or index + 1)
            unlock = int(data.get(prefix + "unlock_after_attempts") or 0)
        except ValueError:
            order, unlock = index + 1, 0
        hints.append((order, text, unlock))
    return hints


def exercise_preview(
    request: HttpRequest, model_admin: ModelAdmin[Exercise], object_id: str | None = None
) -> HttpResponse:
    """GET: the saved exercise's preview page (`?seed=` picks the variant, `?response=` grades).

    POST (htmx, from the change form): a panel previewing the form's unsaved content, with the
    validation messages the form would show on saving.
    """
    exercise: Exercise | None = None
    if object_id is not None:
        exercise = model_admin.get_object(request, unquote(object_id))
        if exercise is None:
            raise Http404("No such exercise.")
    if not model_admin.has_view_permission(request, exercise):
        raise PermissionDenied
    seed = _seed(request)

    if request.method == "POST":
        form = ExerciseAdminForm(request.POST, request.FILES, instance=exercise)
        form.is_valid()  # fills form.instance with what could be read, and the messages
        form_errors = [
            f"{name.replace('_', ' ').capitalize()}: {message}" if name != "__all__" else message
            for name, messages in form.errors.items()
            for message in messages
        ]
        if form.instance.kind == Exercise.Kind.CODE:
            code = code_card(
                form.instance,
                tests=_posted_tests(request.POST, form.instance),
                hints=_posted_hints(request.POST),
            )
            return TemplateResponse(
                request,
                "admin/curriculum/exercise/_code_preview_panel.html",
                {"card": code, "form_errors": form_errors, "show_answer": True},
            )
        card = exercise_card(form.instance, seed=seed, hints=_posted_hints(request.POST))
        return TemplateResponse(
            request,
            "admin/curriculum/exercise/_preview_panel.html",
            {"card": card, "form_errors": form_errors, "show_answer": True},
        )

    if exercise is None:  # previewing an unsaved exercise needs its form's content
        return HttpResponseNotAllowed(["POST"])
    if exercise.kind == Exercise.Kind.CODE:
        return _code_preview_page(request, model_admin, exercise, code_card(exercise))
    response = request.GET.get("response")
    card = exercise_card(exercise, seed=seed, response=response)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Preview: exercise {exercise.order} of {exercise.lesson}",
        "opts": Exercise._meta,
        "original": exercise,
        "card": card,
        "show_answer": True,
    }
    return TemplateResponse(request, "curriculum/exercise_preview.html", context)


# --------------------------------------------------------------------------------------------
# Code exercises: the starter code, the sample tests, and the author's own runs
# --------------------------------------------------------------------------------------------

MAX_PREVIEW_TESTS = 200


@dataclass
class TestRow:
    """One test as the preview lists it: its input and what is expected, as JSON text."""

    __test__ = False

    order: int
    name: str
    hidden: bool
    input: str
    expected: str
    weight: float


@dataclass
class CodeCard:
    """What the admin's preview shows of a code exercise (and of the author's run)."""

    exercise: Exercise
    prompt: SafeString
    starter_code: str
    entry: str | None
    tests: list[TestRow]
    hints: list[HintCard]
    explanation: SafeString
    answer: SafeString  # the reference solution, for the author only
    errors: list[str] = field(default_factory=list)
    source: str = ""
    result: coderunner.RunResult | None = None
    as_learner: bool = False
    seed: str = DEFAULT_SEED
    values: dict[str, int] = field(default_factory=dict)
    is_parametrised: bool = False

    @property
    def sample_tests(self) -> list[TestRow]:
        return [test for test in self.tests if not test.hidden]

    @property
    def hidden_tests(self) -> list[TestRow]:
        return [test for test in self.tests if test.hidden]


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _test_row(test: TestCase, entry: str | None) -> TestRow:
    if entry is None:
        shown_input = test.stdin
    else:
        args = test.args if isinstance(test.args, list) else []
        shown_input = f"{entry}({', '.join(_json_text(arg) for arg in args)})"
    expected = (
        f"check: {test.check_expression.strip()}"
        if test.check_expression.strip()
        else (test.expected if isinstance(test.expected, str) else _json_text(test.expected))
    )
    if test.tolerance is not None and not test.check_expression.strip():
        expected += f" (± {test.tolerance:g})"
    return TestRow(test.order, str(test), test.hidden, shown_input, expected, test.weight)


def code_card(
    exercise: Exercise,
    *,
    tests: list[TestCase] | None = None,
    hints: list[tuple[int, str, int]] | None = None,
) -> CodeCard:
    """The preview of a code exercise (saved or not); problems are listed, never raised."""
    errors: list[str] = []
    if exercise.parameters:
        errors.append("Parameters: code exercises are not parametrised; vary the tests instead.")
    if tests is None:
        tests = list(exercise.test_cases.all()) if exercise.pk else []
    if hints is None:
        hints = (
            [(hint.order, hint.text, hint.unlock_after_attempts) for hint in exercise.hints.all()]
            if exercise.pk
            else []
        )
    if not tests:
        errors.append("Tests: a code exercise needs at least one test.")
    entry = exercise.entry_point.strip() or None
    return CodeCard(
        exercise=exercise,
        prompt=render_markdown(exercise.prompt),
        starter_code=exercise.starter_code,
        entry=entry,
        tests=[_test_row(test, entry) for test in tests],
        hints=[
            HintCard(order, render_markdown(text), unlock)
            for order, text, unlock in sorted(hints, key=lambda hint: hint[0])
        ],
        explanation=render_markdown(exercise.explanation),
        answer=mark_safe(  # noqa: S308 - escaped
            f"<pre class='code-card__solution'><code>{escape(exercise.reference_solution)}"
            "</code></pre>"
            if exercise.reference_solution.strip()
            else "—"
        ),
        errors=errors,
        source=exercise.starter_code,
    )


def _posted_tests(data: Mapping[str, Any], exercise: Exercise) -> list[TestCase]:
    """The tests of the change form's inline, as typed (unreadable ones are left out)."""
    try:
        total = min(int(data.get("test_cases-TOTAL_FORMS", 0)), MAX_PREVIEW_TESTS)
    except (TypeError, ValueError):
        return []
    tests = []
    for index in range(total):
        prefix = f"test_cases-{index}-"
        if data.get(prefix + "DELETE"):
            continue
        raw = {name: str(data.get(prefix + name, "")) for name in ("args", "expected")}
        if not any(str(data.get(prefix + name, "")).strip() for name in ("args", "stdin")) and (
            not raw["expected"].strip()
        ):
            continue
        try:
            args = json.loads(raw["args"]) if raw["args"].strip() else []
            expected = json.loads(raw["expected"]) if raw["expected"].strip() else None
            order = int(data.get(prefix + "order") or index + 1)
            tolerance_text = str(data.get(prefix + "tolerance", "")).strip()
            tolerance = float(tolerance_text) if tolerance_text else None
            weight = float(data.get(prefix + "weight") or 1)
        except ValueError:
            continue
        tests.append(
            TestCase(
                exercise=exercise,
                order=order,
                name=str(data.get(prefix + "name", "")),
                args=args,
                stdin=str(data.get(prefix + "stdin", "")),
                expected=expected,
                check_expression=str(data.get(prefix + "check_expression", "")),
                tolerance=tolerance,
                hidden=bool(data.get(prefix + "hidden")),
                weight=weight,
            )
        )
    return sorted(tests, key=lambda test: test.order)


def code_run(
    request: HttpRequest, model_admin: ModelAdmin[Exercise], object_id: str
) -> HttpResponse:
    """POST: run the author's typed solution against the exercise's tests, in the sandbox.

    In the request (an author's preview, within the exercise's own limits); never for a
    learner: their submissions are graded by the practice app's task.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    exercise = model_admin.get_object(request, unquote(object_id))
    if exercise is None or exercise.kind != Exercise.Kind.CODE:
        raise Http404("No such code exercise.")
    if not model_admin.has_change_permission(request, exercise):
        raise PermissionDenied
    card = code_card(exercise)
    card.source = str(request.POST.get("source", ""))
    card.as_learner = bool(request.POST.get("as_learner"))
    spec = exercise.code_spec()
    if spec.tests:
        try:
            card.result = coderunner.run_tests(
                card.source,
                spec.tests,
                entry=spec.entry,
                limits=spec.limits,
                reveal_hidden=not card.as_learner,
            )
        except coderunner.RunnerUnavailable:
            card.errors.append(coderunner.UNAVAILABLE_MESSAGE)
        except (ValueError, TypeError) as exc:
            card.errors.append(f"The tests cannot be run: {exc}")
    return _code_preview_page(request, model_admin, exercise, card)


def _code_preview_page(
    request: HttpRequest, model_admin: ModelAdmin[Exercise], exercise: Exercise, card: CodeCard
) -> HttpResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Preview: exercise {exercise.order} of {exercise.lesson}",
        "opts": Exercise._meta,
        "original": exercise,
        "card": card,
        "show_answer": True,
        "runner_message": coderunner.UNAVAILABLE_MESSAGE,
    }
    return TemplateResponse(request, "admin/curriculum/exercise/code_preview.html", context)

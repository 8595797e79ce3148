"""What there is to learn: tracks → units → lessons → exercises → hints (and test cases of code).

Exercises keep what a learner may see (prompt, options, hints) apart from what she may not (the
answer). Database constraints guard the invariants that grading relies on, so that no path into the
database (admin, import, shell) can store an exercise that cannot be graded.
"""

from __future__ import annotations

import ast
import keyword
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, router
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from . import grading
from .expressions import JSONArrayLength
from .grading import coderunner

# Where the grader's spec keys live on the model, so its messages land at the right field.
SPEC_FIELD_TO_MODEL_FIELD = {
    "options": "options",
    "correct": "correct_option",
    "params": "parameters",
    "operand1": "operand1",
    "operation": "operation",
    "operand2": "operand2",
    "operation2": "operation2",
    "operand3": "operand3",
    "unit": "answer_unit",
    "prompt": "prompt",
    "explanation": "explanation",
    "kind": "kind",
}


def _model_field(spec_key: str) -> str:
    """The model field a grader message belongs to (`options[0].text` → `options`)."""
    if spec_key.startswith("options["):
        return "options"
    return SPEC_FIELD_TO_MODEL_FIELD.get(spec_key, "answer")


def _errors_at_fields(spec_errors: dict[str, str]) -> dict[str, list[ValidationError]]:
    """The grader's messages (spec key → message) at the model's fields, each coded by its key."""
    errors: dict[str, list[ValidationError]] = {}
    for key, message in spec_errors.items():
        field = _model_field(key)
        shown = (
            f"{key}: {message}" if field == "answer" and key not in ("answer", "spec") else message
        )
        errors.setdefault(field, []).append(ValidationError(shown, code=f"spec:{key}"))
    return errors


class Status(models.TextChoices):
    """Where content stands. Archived: retired, hidden from learners, its history kept.

    Content that learners have answered is never deleted (their attempts and progress protect
    it); an author archives it instead.
    """

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Subject(models.TextChoices):
    ARITHMETIC = "arithmetic", "Arithmetic"
    FRACTIONS = "fractions", "Fractions"
    ALGEBRA = "algebra", "Algebra"
    LIMITS = "limits", "Limits"
    DERIVATIVES = "derivatives", "Derivatives"
    INTEGRALS = "integrals", "Integrals"
    OTHER = "other", "Other"


class Difficulty(models.IntegerChoices):
    INTRODUCTORY = 1, "Introductory"
    EASY = 2, "Easy"
    MEDIUM = 3, "Medium"
    HARD = 4, "Hard"
    CHALLENGING = 5, "Challenging"


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #2f7d32.")


class ConstraintErrorsAtFields(models.Model):
    """A violated database constraint is reported at the field it is about, in words.

    Django reports a check constraint (and a unique constraint over several fields) above the
    form; each constraint here names its field in `CONSTRAINT_FIELDS` and carries its own
    `violation_error_message`, so the admin shows "Positions start at 1." next to Order. When
    that field is not validated (not in the form), the message goes above the form instead.
    """

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, list[ValidationError]] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    # django-stubs 5.2.7 leaves `validate` out of BaseConstraint.
                    constraint.validate(model_class, self, exclude=exclude, using=using)  # type: ignore[attr-defined]
                except ValidationError as error:
                    field = CONSTRAINT_FIELDS.get(constraint.name, NON_FIELD_ERRORS)
                    if exclude and field in exclude:
                        field = NON_FIELD_ERRORS
                    errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)


class Content(ConstraintErrorsAtFields):
    """Fields every piece of content shares."""

    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_archived(self) -> bool:
        return self.status == Status.ARCHIVED


def _positive_order(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(order__gte=1),
        name=f"{name}_order_positive",
        violation_error_message="Positions start at 1.",
        violation_error_code="order_not_positive",
    )


def _unique_order(name: str, parent: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[parent, "order"],
        name=f"{name}_order_unique",
        violation_error_message=f"Another {name} of this {parent} already has this position.",
        violation_error_code="order_taken",
    )


# The field each constraint's error belongs to (see `ConstraintErrorsAtFields`).
CONSTRAINT_FIELDS = {
    **{
        f"{name}_order_{rule}": "order"
        for name in ("track", "unit", "lesson", "exercise", "hint", "testcase")
        for rule in ("positive", "unique")
    },
    "unit_mastery_required_range": "mastery_required",
    "unit_min_accuracy_range": "min_accuracy",
    "lesson_xp_reward_gte_0": "xp_reward",
    "exercise_choice_has_options_and_a_correct_one": "correct_option",
    "exercise_fact_has_operands": "operand1",
    "exercise_code_has_a_reference_solution": "reference_solution",
    "exercise_code_time_limit_range": "time_limit_seconds",
    "exercise_code_memory_limit_range": "memory_limit_mb",
    "testcase_weight_positive": "weight",
    "testcase_tolerance_not_negative": "tolerance",
}

# What a code exercise may ask of the runner (within `coderunner.Limits`' own bounds).
CODE_TIME_LIMITS = (1, 30)  # CPU seconds for one run (the sample tests, or the hidden tests)
CODE_MEMORY_LIMITS = (64, 1024)  # MB of address space per process
python_name = RegexValidator(
    r"^[A-Za-z_][A-Za-z0-9_]*$", "A Python function name, like newton_sqrt (or empty)."
)


class Track(Content):
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    subject = models.CharField(max_length=20, choices=Subject.choices, db_index=True)
    grade_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(13)], db_index=True
    )
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.EASY
    )
    estimated_hours = models.DecimalField(
        max_digits=5, decimal_places=1, default=1, validators=[MinValueValidator(0)]
    )
    colour = models.CharField(max_length=7, default="#2f7d32", validators=[hex_colour])
    icon = models.CharField(max_length=40, blank=True, help_text="An emoji or an icon name.")
    order = models.PositiveIntegerField(default=1, help_text="Position on the learning path.")
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks"
    )
    xp_to_unlock = models.PositiveIntegerField(
        default=0, help_text="Total XP a learner needs before this track opens."
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [_positive_order("track")]


class Unit(Content):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="units")
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField()
    mastery_required = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=0.80,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Average mastery (0–1) of the unit's exercises needed to complete it.",
    )
    min_accuracy = models.PositiveSmallIntegerField(
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="Minimum accuracy in percent to complete the unit.",
    )

    class Meta:
        ordering = ["track", "order"]
        constraints = [
            _positive_order("unit"),
            _unique_order("unit", "track"),
            models.CheckConstraint(
                condition=Q(mastery_required__gte=0, mastery_required__lte=1),
                name="unit_mastery_required_range",
                violation_error_message="Mastery required is a share from 0 to 1, such as 0.8.",
                violation_error_code="out_of_range",
            ),
            models.CheckConstraint(
                condition=Q(min_accuracy__lte=100),
                name="unit_min_accuracy_range",
                violation_error_message="Minimum accuracy is a percentage: at most 100.",
                violation_error_code="out_of_range",
            ),
        ]


class Lesson(Content):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="lessons")
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField()
    xp_reward = models.IntegerField(default=10, validators=[MinValueValidator(0)])
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks"
    )

    class Meta:
        ordering = ["unit", "order"]
        constraints = [
            _positive_order("lesson"),
            _unique_order("lesson", "unit"),
            models.CheckConstraint(
                condition=Q(xp_reward__gte=0),
                name="lesson_xp_reward_gte_0",
                violation_error_message="The XP reward cannot be negative.",
                violation_error_code="negative",
            ),
        ]


class Exercise(ConstraintErrorsAtFields):
    class Kind(models.TextChoices):
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        NUMERIC = "numeric", "Numeric"
        TEXT = "text", "Text (fill in the blank)"
        FACT = "fact", "Arithmetic fact"
        EXPRESSION = "expression", "Expression (symbolic)"
        CODE = "code", "Code (Python)"

    class Operation(models.TextChoices):
        ADD = "+", "+"
        SUBTRACT = "−", "−"
        MULTIPLY = "×", "×"
        DIVIDE = "÷", "÷"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="exercises")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    prompt = models.TextField(help_text="Markdown with LaTeX between $…$; {a} for parameters.")
    options = models.JSONField(
        default=list,
        blank=True,
        help_text='Multiple choice: [{"text": "…", "explanation": "…"}, …], shown to learners.',
    )
    correct_option = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Multiple choice: index of the right option, from 0."
    )
    answer = models.JSONField(
        default=dict,
        blank=True,
        help_text="The answer spec of numeric, text and expression exercises; never shown.",
    )
    parameters = models.JSONField(
        default=dict,
        blank=True,
        help_text='Parametrised exercises: {"a": [2, 9], "n": [2, 5]}; used as {a} in texts.',
    )
    answer_unit = models.CharField(
        max_length=20, blank=True, help_text="Unit shown after the answer box, e.g. cm."
    )
    explanation = models.TextField(blank=True, help_text="Shown after answering.")
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.EASY
    )
    tags = models.JSONField(default=list, blank=True)
    difficulty_rating = models.FloatField(
        default=1000.0,
        help_text="Elo-style difficulty, recalibrated nightly from learners' answers.",
    )
    image = models.ImageField(upload_to="exercises/", blank=True)
    # Arithmetic facts: a op b [op2 c], in columns so the mastery grid is one indexed query.
    operand1 = models.IntegerField(null=True, blank=True)
    operation = models.CharField(max_length=1, choices=Operation.choices, blank=True)
    operand2 = models.IntegerField(null=True, blank=True)
    operation2 = models.CharField(max_length=1, choices=Operation.choices, blank=True)
    operand3 = models.IntegerField(null=True, blank=True)
    # Code exercises (Python), judged by their `test_cases` in the sandbox.
    starter_code = models.TextField(
        blank=True, help_text="Code only: what the learner's editor starts with."
    )
    reference_solution = models.TextField(
        blank=True,
        help_text=(
            "Code only: a solution that passes every test; never shown to learners. An exercise "
            "whose reference solution fails a test cannot be published."
        ),
    )
    entry_point = models.CharField(
        max_length=80,
        blank=True,
        validators=[python_name],
        help_text=(
            "Code only: the function each test calls with its arguments, e.g. newton_sqrt. "
            "Empty: the code is a script that reads its test's input and prints its answer."
        ),
    )
    time_limit_seconds = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(CODE_TIME_LIMITS[0]), MaxValueValidator(CODE_TIME_LIMITS[1])],
        help_text="Code only: CPU seconds for all the sample tests together (and again for the "
        "hidden tests); the wall clock allows twice as much.",
    )
    memory_limit_mb = models.PositiveSmallIntegerField(
        default=256,
        validators=[
            MinValueValidator(CODE_MEMORY_LIMITS[0]),
            MaxValueValidator(CODE_MEMORY_LIMITS[1]),
        ],
        help_text="Code only: memory (MB of address space) each process of a run may use.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lesson", "order"]
        indexes = [models.Index(fields=["operation", "operand1", "operand2"])]
        constraints = [
            _positive_order("exercise"),
            _unique_order("exercise", "lesson"),
            models.CheckConstraint(
                condition=~Q(kind="multiple_choice")
                | (
                    Q(correct_option__isnull=False)
                    & Q(GreaterThanOrEqual(JSONArrayLength("options"), 2))
                    & Q(LessThan(F("correct_option"), JSONArrayLength("options")))
                ),
                name="exercise_choice_has_options_and_a_correct_one",
                violation_error_message=(
                    "A multiple-choice exercise needs at least two options and the number of "
                    "the correct one among them."
                ),
                violation_error_code="incomplete_choice",
            ),
            models.CheckConstraint(
                condition=~Q(kind="fact")
                | (
                    Q(operand1__isnull=False, operand2__isnull=False)
                    & ~Q(operation="")
                    & (
                        Q(operation2="", operand3__isnull=True)
                        | (~Q(operation2="") & Q(operand3__isnull=False))
                    )
                ),
                name="exercise_fact_has_operands",
                violation_error_message=(
                    "A fact needs two operands and an operation, and a third operand exactly "
                    "when it has a second operation."
                ),
                violation_error_code="incomplete_fact",
            ),
            models.CheckConstraint(
                condition=~Q(kind="code") | ~Q(reference_solution=""),
                name="exercise_code_has_a_reference_solution",
                violation_error_message=(
                    "A code exercise needs a reference solution: it proves the tests can be passed."
                ),
                violation_error_code="no_reference_solution",
            ),
            models.CheckConstraint(
                condition=Q(
                    time_limit_seconds__gte=CODE_TIME_LIMITS[0],
                    time_limit_seconds__lte=CODE_TIME_LIMITS[1],
                ),
                name="exercise_code_time_limit_range",
                violation_error_message=(
                    f"The time limit is {CODE_TIME_LIMITS[0]} to {CODE_TIME_LIMITS[1]} seconds."
                ),
                violation_error_code="out_of_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    memory_limit_mb__gte=CODE_MEMORY_LIMITS[0],
                    memory_limit_mb__lte=CODE_MEMORY_LIMITS[1],
                ),
                name="exercise_code_memory_limit_range",
                violation_error_message=(
                    f"The memory limit is {CODE_MEMORY_LIMITS[0]} to {CODE_MEMORY_LIMITS[1]} MB."
                ),
                violation_error_code="out_of_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.prompt[:60]}"

    @property
    def is_code(self) -> bool:
        return self.kind == self.Kind.CODE

    def clean(self) -> None:
        """Refuse an exercise the grader could not grade, with the message at the field.

        A message about a key of the answer JSON other than its expression (`forms`,
        `sig_figs`, …) starts with that key, and carries it in its code (`spec:forms`), so
        that the admin form can show it at the field that edits the key.
        """
        super().clean()
        if self.kind == self.Kind.CODE:
            self._clean_code()
            return
        if self.kind not in (self.Kind.MULTIPLE_CHOICE, self.Kind.FACT) and not isinstance(
            self.answer, dict
        ):
            message = 'The answer must be a JSON object, like {"value": 5}.'
            raise ValidationError({"answer": ValidationError(message, code="spec:answer")})
        errors = grading.validate_spec(self.kind, self.grading_spec())
        if self.parameters:
            for name, text in (("prompt", self.prompt), ("explanation", self.explanation)):
                for index in range(3):
                    try:
                        values = grading.variant_for(self.parameters, f"validate:{index}")
                        grading.render_template(text, values)
                    except grading.SpecError as exc:
                        errors.setdefault(name, exc.errors.get("spec", str(exc)))
                        break
        if errors:
            raise ValidationError(_errors_at_fields(errors))

    def _clean_code(self) -> None:
        """A code exercise is judged by its tests alone: no answer, options or parameters."""
        errors: dict[str, str] = {}
        if self.parameters:
            errors["parameters"] = (
                "Code exercises are not parametrised: vary the inputs with more tests instead."
            )
        if self.answer not in ({}, None, ""):
            errors["answer"] = "A code exercise is judged by its tests: leave the answer empty."
        if self.options:
            errors["options"] = "Only multiple-choice exercises have options."
        entry = self.entry_point.strip()
        if entry and (not entry.isidentifier() or keyword.iskeyword(entry)):
            errors["entry_point"] = "A Python function name, like newton_sqrt (or empty)."
        for name in ("reference_solution", "starter_code"):
            problem = _python_syntax_problem(getattr(self, name))
            if problem:
                errors[name] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def is_parametrised(self) -> bool:
        return bool(self.parameters)

    def code_limits(self) -> coderunner.Limits:
        """The runner's limits for one run of this code exercise."""
        return coderunner.Limits(
            cpu_seconds=self.time_limit_seconds,
            wall_seconds=float(min(2 * self.time_limit_seconds, 120)),
            memory_mb=self.memory_limit_mb,
        )

    def code_spec(self) -> CodeSpec:
        """What the runner needs to judge a submission: entry point, limits and tests in order.

        Reads `test_cases` (one query, or none when prefetched with `prefetch_related`).
        """
        return CodeSpec(
            entry=self.entry_point.strip() or None,
            limits=self.code_limits(),
            tests=tuple(test.runner_test() for test in self.test_cases.all()),
        )

    def grading_spec(self) -> dict[str, Any]:
        """The answer spec `curriculum.grading` expects, assembled from this row's columns.

        For a code exercise: the runner's `entry`, `limits` and `tests` (see `code_spec`).
        """
        spec: dict[str, Any]
        if self.kind == self.Kind.CODE:
            code = self.code_spec()
            return {"entry": code.entry, "limits": code.limits, "tests": list(code.tests)}
        if self.kind == self.Kind.MULTIPLE_CHOICE:
            spec = {"options": self.options, "correct": self.correct_option}
        elif self.kind == self.Kind.FACT:
            spec = {
                "operand1": self.operand1,
                "operation": self.operation,
                "operand2": self.operand2,
                "operation2": self.operation2 or None,
                "operand3": self.operand3,
            }
        else:
            spec = dict(self.answer) if isinstance(self.answer, dict) else {}
            if self.kind == self.Kind.NUMERIC and self.answer_unit and "unit" not in spec:
                spec["unit"] = self.answer_unit
        if self.parameters:
            spec["params"] = self.parameters
        return spec


FACT_OPERATIONS = Exercise.Operation.choices


def _python_syntax_problem(source: str) -> str | None:
    """Why `source` is not valid Python (with its line), or None. Parsing runs nothing."""
    if not source.strip():
        return None
    try:
        ast.parse(source)
    except SyntaxError as error:
        return f"Not valid Python: {error.msg} (line {error.lineno})."
    except (ValueError, RecursionError, MemoryError):
        return "Not valid Python."
    return None


@dataclass(frozen=True)
class CodeSpec:
    """What `coderunner.run_tests` needs for a code exercise, besides the learner's source."""

    entry: str | None  # the function each test calls; None: a script fed each test's stdin
    limits: coderunner.Limits
    tests: tuple[coderunner.TestCase, ...]  # in order; `hidden` tells sample from hidden

    @property
    def sample_tests(self) -> tuple[coderunner.TestCase, ...]:
        return tuple(test for test in self.tests if not test.hidden)

    @property
    def hidden_tests(self) -> tuple[coderunner.TestCase, ...]:
        return tuple(test for test in self.tests if test.hidden)


class TestCase(ConstraintErrorsAtFields):
    """One test of a code exercise: its input, and the expected value or a checking expression.

    Function exercises (an entry point) call `entry(*args)` and judge the returned value; script
    exercises run with `stdin` and judge what they printed. Sample tests are shown to learners
    with their output and a diff; hidden tests only say passed or failed.
    """

    __test__ = False  # not a pytest test class

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="test_cases")
    order = models.PositiveIntegerField()
    name = models.CharField(
        max_length=120, blank=True, help_text="Shown to learners for sample tests, e.g. √2."
    )
    args = models.JSONField(
        default=list,
        blank=True,
        help_text="Functions: the arguments, as a JSON list, e.g. [2, 1e-10] or [[1, 2, 3]].",
    )
    stdin = models.TextField(blank=True, help_text="Scripts: the text the code reads as input.")
    expected = models.JSONField(
        null=True,
        blank=True,
        help_text=(
            'The expected result as JSON: 1.4142135623730951, [6, 2], "text printed" (scripts). '
            "Empty with a check below."
        ),
    )
    check_expression = models.TextField(
        blank=True,
        help_text=(
            "Instead of an expected value: a Python expression over result, args, stdin and "
            "math that is true for a right answer, e.g. abs(result - math.sqrt(2)) < 1e-9."
        ),
    )
    tolerance = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Accept every number within this (absolutely or relatively), e.g. 1e-6.",
    )
    hidden = models.BooleanField(
        default=False, help_text="Hidden tests show learners only passed or failed."
    )
    weight = models.FloatField(default=1.0, help_text="Its share of the score; more than 0.")

    class Meta:
        ordering = ["exercise", "order"]
        verbose_name = "test case"
        constraints = [
            _positive_order("testcase"),
            _unique_order("testcase", "exercise"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="testcase_weight_positive",
                violation_error_message="The weight must be more than 0.",
                violation_error_code="not_positive",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="testcase_tolerance_not_negative",
                violation_error_message="The tolerance cannot be negative.",
                violation_error_code="negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Test {self.order}"

    def clean(self) -> None:
        """What the runner would refuse, said at the field: its arguments, check and weight."""
        super().clean()
        errors: dict[str, str] = {}
        try:
            exercise: Exercise | None = self.exercise
        except Exercise.DoesNotExist:
            exercise = None
        script = exercise is not None and not exercise.entry_point.strip()
        if not isinstance(self.args, list):
            errors["args"] = "Write the arguments as a JSON list, e.g. [2] or [[1, 2], 3]."
        elif script and self.args:
            errors["args"] = "This exercise is a script (no entry point): give its input instead."
        if self.check_expression.strip():
            problem = coderunner.check_expression_problem(self.check_expression)
            if problem:
                errors["check_expression"] = problem
        elif script and not isinstance(self.expected, str):
            errors["expected"] = 'A script\'s expected output is text, e.g. "42" (or use a check).'
        if self.weight is not None and not math.isfinite(self.weight):
            errors["weight"] = "The weight must be a number more than 0."
        if self.tolerance is not None and not math.isfinite(self.tolerance):
            errors["tolerance"] = "The tolerance must be a number (0 or more)."
        if errors:
            raise ValidationError(errors)

    def runner_test(self) -> coderunner.TestCase:
        """This test as `coderunner.run_tests` takes it."""
        return coderunner.TestCase(
            name=str(self),
            args=tuple(self.args) if isinstance(self.args, list) else (),
            stdin=self.stdin,
            expected=self.expected,
            check=self.check_expression.strip() or None,
            tolerance=self.tolerance,
            hidden=self.hidden,
            weight=self.weight,
        )


class Hint(ConstraintErrorsAtFields):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="hints")
    order = models.PositiveIntegerField()
    text = models.TextField(help_text="Markdown with LaTeX; {a} for parameters.")
    unlock_after_attempts = models.PositiveSmallIntegerField(
        default=0,
        help_text="Wrong attempts needed before this hint can be asked for (0: any time).",
    )

    class Meta:
        ordering = ["exercise", "order"]
        constraints = [
            _positive_order("hint"),
            _unique_order("hint", "exercise"),
        ]

    def __str__(self) -> str:
        return f"Hint {self.order} of exercise {self.exercise_id}"

    def clean(self) -> None:
        """A hint of a parametrised exercise must render for its variants, like the prompt."""
        super().clean()
        exercise = self.exercise if self.exercise_id else None
        if exercise is None or not exercise.parameters:
            return
        for index in range(3):
            try:
                values = grading.variant_for(exercise.parameters, f"validate:{index}")
                grading.render_template(self.text, values)
            except grading.SpecError as exc:
                raise ValidationError({"text": exc.errors.get("spec", str(exc))}) from exc

"""Grading per exercise kind: compiling specs (author errors) and verdicts (learner input).

Every grader is split in two: `_compile_<kind>(spec)` checks the author's spec and raises
SpecError with field-level messages; `_grade_<kind>(compiled, response)` reads the learner's
response and always returns a Verdict. `grade` wraps the second half so that even a bug
turns into an "incorrect, could not check" verdict instead of a server error.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, TypeGuard

from curriculum.grading.display import to_latex
from curriculum.grading.equivalence import Outcome, Seed, compare, compare_up_to_constant
from curriculum.grading.errors import SpecError, TemplateError
from curriculum.grading.forms import (
    EXPANDED,
    FACTORED,
    FORMS,
    LOWEST_TERMS,
    NO_DECIMALS,
    PARTIAL_FRACTIONS,
    SIMPLIFIED,
    TOO_COMPLICATED,
    first_failure,
)
from curriculum.grading.mathparse import (
    CONSTANT_NAMES,
    FUNCTION_NAMES,
    MathSyntaxError,
    ParsedExpression,
    greek_name,
    parse,
)
from curriculum.grading.numbers import (
    ExactConstant,
    NumberFormatError,
    TypedNumber,
    constant_value,
    format_number,
    fraction_of,
    looks_like_calculation,
    normalise_unit,
    read_bare_number,
    read_constant,
    read_numeric,
    round_half_away,
    round_significant,
    terminating_decimal_places,
    to_mpf,
)
from curriculum.grading.templates import (
    arithmetic_value,
    canonical_operation,
    parse_params,
    render_spec,
    variant_for,
)

logger = logging.getLogger(__name__)

MULTIPLE_CHOICE = "multiple_choice"
NUMERIC = "numeric"
TEXT = "text"
FACT = "fact"
EXPRESSION = "expression"
KINDS = (MULTIPLE_CHOICE, NUMERIC, TEXT, FACT, EXPRESSION)
PARAMS_KEY = "params"
MAX_TEXT_LENGTH = 500
VALIDATION_VARIANTS = 8

CORRECT = "Correct!"
NOT_QUITE = "Not quite. Have another look."

# Verdict.reason codes (stable: statistics and the admin count wrong answers by them).
SYNTAX = "syntax"
MISSING_CONSTANT = "missing_constant"
SIG_FIGS = "sig_figs"
DECIMAL_PLACES = "decimal_places"
NOTATION = "notation"
UNIT = "unit"
SPEC_ERROR = "spec_error"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of grading one response."""

    correct: bool
    score: float  # 0.0 to 1.0
    interpreted_as: str  # what the response was read as (LaTeX for expressions); "" if nothing
    feedback: str  # a message for the learner
    explanation: str = ""  # multiple choice: the chosen option's explanation
    # Why it is wrong, machine-readable and stable: "" (right or plainly wrong), "form:<name>",
    # "missing_constant", "sig_figs", "decimal_places", "notation", "unit", "syntax".
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _right(interpreted_as: str, explanation: str = "") -> Verdict:
    return Verdict(True, 1.0, interpreted_as, CORRECT, explanation)


def _wrong(
    feedback: str, interpreted_as: str = "", explanation: str = "", *, reason: str = ""
) -> Verdict:
    return Verdict(False, 0.0, interpreted_as, feedback, explanation, reason)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _spec_number(value: Any) -> Fraction:
    """An exact number from a spec: an int, a float (as written in JSON) or text like `1/2`."""
    if _is_int(value):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        return Fraction(repr(value))  # 0.1 means one tenth, not the nearest binary float
    if isinstance(value, str) and value.strip():
        return arithmetic_value(value)
    raise ValueError("not a number")


# --------------------------------------------------------------------------------------------
# Multiple choice
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Choice:
    options: tuple[tuple[str, str], ...]  # (text, explanation)
    correct: int


def _compile_multiple_choice(spec: Mapping[str, Any]) -> _Choice:
    errors: dict[str, str] = {}
    raw_options = spec.get("options")
    options: list[tuple[str, str]] = []
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        errors["options"] = "Give at least two options."
    else:
        for index, option in enumerate(raw_options):
            if isinstance(option, str):
                option = {"text": option}
            text = option.get("text") if isinstance(option, dict) else None
            explanation = option.get("explanation", "") if isinstance(option, dict) else ""
            if not isinstance(text, str) or not text.strip():
                errors[f"options[{index}].text"] = "Each option needs a text."
            elif not isinstance(explanation, str):
                errors[f"options[{index}].explanation"] = "The explanation must be text."
            else:
                options.append((text, explanation))
    correct = spec.get("correct")
    if not _is_int(correct):
        errors["correct"] = "Give the index (0, 1, ...) of the correct option."
    elif isinstance(raw_options, list) and not 0 <= correct < len(raw_options):
        errors["correct"] = (
            f"The correct option must be one of the options: 0 to {len(raw_options) - 1}."
        )
    if errors or not _is_int(correct):
        raise SpecError(errors)
    return _Choice(tuple(options), correct)


def _grade_multiple_choice(spec: _Choice, response: Any) -> Verdict:
    index: int | None = None
    if _is_int(response) or (
        isinstance(response, str) and re.fullmatch(r"\s*\d{1,4}\s*", response)
    ):
        index = int(response)
    if index is None or not 0 <= index < len(spec.options):
        return _wrong("Choose one of the options.", reason=SYNTAX)
    text, explanation = spec.options[index]
    if index == spec.correct:
        return _right(text, explanation)
    return _wrong(NOT_QUITE, text, explanation)


# --------------------------------------------------------------------------------------------
# Numeric
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Numeric:
    value: Fraction | None  # the exact value when it is rational; None for pi, sqrt(2), ...
    approx: Any  # the value as an mpmath mpf at numbers.DIGITS digits
    abs_tol: Fraction
    rel_tol: Fraction
    units: tuple[str, ...]
    unit_required: bool
    sig_figs: int | None = None
    decimal_places: int | None = None
    scientific: bool = False

    @property
    def exact(self) -> Fraction:
        """The rational value, or the irrational one to numbers.DIGITS digits."""
        return self.value if self.value is not None else fraction_of(self.approx)


def _tolerance(spec: Mapping[str, Any], key: str, errors: dict[str, str]) -> Fraction:
    raw = spec.get(key)
    if raw is None:
        return Fraction(0)
    try:
        value = _spec_number(raw)
    except (ValueError, TemplateError):
        errors[key] = "The tolerance must be a number."
        return Fraction(0)
    if value < 0:
        errors[key] = "The tolerance cannot be negative."
    return value


def _spec_value(raw: Any) -> tuple[Fraction | None, Any]:
    """The expected number: exact arithmetic (`1/2`, 0.5) or an exact constant (`3*pi/2`)."""
    try:
        value = _spec_number(raw)
    except (ValueError, TemplateError):
        if not isinstance(raw, str):
            raise
    else:
        return value, to_mpf(value)
    try:
        parsed = parse(raw, frozenset())
    except MathSyntaxError as exc:
        raise ValueError(f"{exc.message} at character {exc.position + 1}") from None
    if parsed.symbols:
        raise ValueError(f"it cannot contain variables like {_names(parsed.symbols)}")
    if parsed.node.rational is not None:
        return parsed.node.rational, to_mpf(parsed.node.rational)
    try:
        return None, constant_value(parsed.node, author=True)
    except ArithmeticError:
        raise ValueError("it has no real value") from None


_PRECISION_LIMIT = 30


def _precision(spec: Mapping[str, Any], key: str, least: int, errors: dict[str, str]) -> int | None:
    raw = spec.get(key)
    if raw is None:
        return None
    if not _is_int(raw) or not least <= raw <= _PRECISION_LIMIT:
        label = "Significant figures" if key == "sig_figs" else "Decimal places"
        errors[key] = f"{label} must be a whole number from {least} to {_PRECISION_LIMIT}."
        return None
    return raw


def _compile_numeric(spec: Mapping[str, Any]) -> _Numeric:
    errors: dict[str, str] = {}
    value: Fraction | None = Fraction(0)
    approx: Any = None
    if "value" not in spec:
        errors["value"] = 'Give the expected number, e.g. "1/2", 0.5 or "3*pi/2".'
    else:
        try:
            value, approx = _spec_value(spec["value"])
        except (ValueError, TemplateError) as exc:
            errors["value"] = f"The expected value must be a number ({exc})."
    abs_tol = _tolerance(spec, "abs_tol", errors)
    rel_tol = _tolerance(spec, "rel_tol", errors)
    raw_units = spec.get("unit")
    units: tuple[str, ...] = ()
    if isinstance(raw_units, str) and raw_units.strip():
        units = (raw_units.strip(),)
    elif (
        isinstance(raw_units, list)
        and raw_units
        and all(isinstance(unit, str) and unit.strip() for unit in raw_units)
    ):
        units = tuple(unit.strip() for unit in raw_units)
    elif raw_units not in (None, "", []):
        errors["unit"] = 'The unit must be text like "cm" or a list of spellings.'
    unit_required = spec.get("unit_required", False)
    if not isinstance(unit_required, bool):
        errors["unit_required"] = "unit_required must be true or false."
    sig_figs = _precision(spec, "sig_figs", 1, errors)
    decimal_places = _precision(spec, "decimal_places", 0, errors)
    if sig_figs is not None and decimal_places is not None:
        errors["decimal_places"] = "Choose significant figures or decimal places, not both."
    if sig_figs is not None and value == 0 and "value" not in errors:
        errors["sig_figs"] = "A value of 0 has no significant figures: use decimal_places."
    notation = spec.get("notation", "any")
    if notation not in ("any", "scientific", None):
        errors["notation"] = 'The notation must be "any" or "scientific".'
    if errors:
        raise SpecError(errors)
    return _Numeric(
        value,
        approx,
        abs_tol,
        rel_tol,
        units,
        bool(unit_required),
        sig_figs,
        decimal_places,
        notation == "scientific",
    )


def _strip_unit(text: str, units: tuple[str, ...]) -> tuple[str, str | None]:
    """`3π/2 rad` -> (`3π/2`, `rad`) when rad is one of the exercise's units."""
    stripped = text.strip()
    for unit in units:
        if stripped.endswith(unit) and len(stripped) > len(unit):
            rest = stripped[: -len(unit)]
            if not rest[-1].isalpha():
                return rest, unit
    return text, None


def _read_numeric_response(
    spec: _Numeric, text: str
) -> tuple[TypedNumber | ExactConstant, str | None]:
    """The learner's number and the unit written with it (an exact constant may carry one)."""
    try:
        answer = read_numeric(text)
    except NumberFormatError:
        rest, unit = _strip_unit(text, spec.units)
        constant = read_constant(rest) if unit is not None else None
        if constant is None:
            raise
        return constant, unit
    if isinstance(answer, TypedNumber):
        rest, unit = _strip_unit(text, spec.units) if answer.unit else (text, None)
        constant = read_constant(rest) if unit is not None else None
        if constant is not None:
            return constant, unit
        return answer, answer.unit
    return answer, None


def _precision_feedback(spec: _Numeric) -> tuple[str, str]:
    if spec.sig_figs is not None:
        plural = "s" if spec.sig_figs != 1 else ""
        return f"Give your answer to {spec.sig_figs} significant figure{plural}.", SIG_FIGS
    places = spec.decimal_places
    plural = "s" if places != 1 else ""
    return f"Give your answer to {places} decimal place{plural}.", DECIMAL_PLACES


def _within(spec: _Numeric, given: TypedNumber | ExactConstant, target: Fraction) -> bool:
    allowed = max(spec.abs_tol, spec.rel_tol * abs(spec.exact))
    if isinstance(given, TypedNumber) and spec.value is not None:
        return abs(given.value - target) <= allowed  # both exact: no rounding anywhere
    given_value = given.value if isinstance(given, TypedNumber) else fraction_of(given.approx)
    if allowed == 0:
        # An irrational value (or an exact constant typed): equal to 1e-40, far beyond any
        # digits a learner could type by accident.
        scale = max(abs(target), abs(given_value), Fraction(1, 10**250))
        return abs(given_value - target) <= scale / 10**40
    return abs(given_value - target) <= allowed


def _precision_verdict(
    spec: _Numeric, given: TypedNumber | ExactConstant, shown: str
) -> Verdict | None:
    """None when the number is written to the required precision and rounds right."""
    feedback, reason = _precision_feedback(spec)
    written = given.written if isinstance(given, TypedNumber) else None
    if written is None:
        return _wrong(feedback, shown, reason=reason)
    if spec.sig_figs is not None:
        fewest, most = written.significant_figures()
        counted = fewest <= spec.sig_figs <= most
        target = round_significant(spec.exact, spec.sig_figs)
    else:
        places = spec.decimal_places or 0
        counted = written.decimal_places() == places
        target = round_half_away(spec.exact, places)
    assert isinstance(given, TypedNumber)
    if not counted:
        # The right digits to another precision (0.0014 or 0.001414 for 0.00141): say which
        # precision; anything else is plainly wrong.
        if spec.sig_figs is not None:
            fewest, most = written.significant_figures()
            counts = range(max(fewest, 1), most + 1)
            readings = [round_significant(spec.exact, count) for count in counts]
            near = given.value in readings
            near = near or round_significant(given.value, spec.sig_figs) == target
        else:
            places = spec.decimal_places or 0
            near = round_half_away(spec.exact, written.decimal_places()) == given.value or (
                round_half_away(given.value, places) == target
            )
        return _wrong(feedback if near else NOT_QUITE, shown, reason=reason if near else "")
    if not _within(spec, given, target):
        return _wrong(NOT_QUITE, shown)
    return None


def _grade_numeric(spec: _Numeric, response: Any) -> Verdict:
    text = _as_text(response)
    try:
        given, unit = _read_numeric_response(spec, text)
    except NumberFormatError as exc:
        return _wrong(str(exc), reason=SYNTAX)
    if isinstance(given, TypedNumber):
        needs_written = spec.sig_figs or spec.decimal_places is not None or spec.scientific
        number = str(given.written) if needs_written and given.written else None
        shown = number or format_number(given.value)
    else:
        shown = given.text
    shown += f" {unit}" if unit else ""
    if spec.units:
        if unit is None:
            if spec.unit_required:
                return _wrong(f"Include the unit ({spec.units[0]}).", shown, reason=UNIT)
        elif normalise_unit(unit) not in {normalise_unit(known) for known in spec.units}:
            return _wrong(f"The unit should be {spec.units[0]}.", shown, reason=UNIT)
    elif unit is not None:
        if looks_like_calculation(text):
            return _wrong(
                "Type a single number (like 0.5, 1/2 or 2 1/2), not a calculation.",
                reason=SYNTAX,
            )
        return _wrong("This answer has no unit: type just the number.", shown, reason=UNIT)
    if spec.sig_figs is not None or spec.decimal_places is not None:
        verdict = _precision_verdict(spec, given, shown)
        if verdict is not None:
            return verdict
    elif not _within(spec, given, spec.exact):
        return _wrong(NOT_QUITE, shown)
    written = given.written if isinstance(given, TypedNumber) else None
    if spec.scientific and (written is None or not written.is_normalised_scientific()):
        return _wrong(
            "Write your answer in scientific notation, like 1.41 × 10^-3.", shown, reason=NOTATION
        )
    return _right(shown)


# --------------------------------------------------------------------------------------------
# Text (fill in the blank)
# --------------------------------------------------------------------------------------------


# Dashes a keyboard, a phone or a word processor may produce for "minus" all read as "-".
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-"})


def normalise_text(text: str) -> str:
    """NFKC, minus signs as "-", casefold, collapse runs of whitespace, strip."""
    folded = unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).casefold()
    return " ".join(folded.split())


@dataclass(frozen=True, slots=True)
class _Text:
    accepted: frozenset[str]


def _compile_text(spec: Mapping[str, Any]) -> _Text:
    accepted = spec.get("accepted")
    if (
        not isinstance(accepted, list)
        or not accepted
        or not all(isinstance(answer, str) and normalise_text(answer) for answer in accepted)
    ):
        raise SpecError("Give a non-empty list of accepted answers (non-empty texts).", "accepted")
    return _Text(frozenset(normalise_text(answer) for answer in accepted))


def _grade_text(spec: _Text, response: Any) -> Verdict:
    text = _as_text(response)
    if len(text) > MAX_TEXT_LENGTH:
        return _wrong("That answer is too long.", reason=SYNTAX)
    shown = " ".join(unicodedata.normalize("NFKC", text).split())
    if not shown:
        return _wrong("Type an answer.", reason=SYNTAX)
    if normalise_text(text) in spec.accepted:
        return _right(shown)
    return _wrong(NOT_QUITE, shown)


# --------------------------------------------------------------------------------------------
# Arithmetic facts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fact:
    answer: Fraction
    statement: str  # e.g. "2 + 3 × 4"


def _apply(left: Fraction, operation: str, right: Fraction) -> Fraction:
    if operation == "+":
        return left + right
    if operation == "−":
        return left - right
    if operation == "×":
        return left * right
    if right == 0:
        raise ZeroDivisionError
    return left / right


def fact_answer(operands: list[Fraction], operations: list[str]) -> Fraction:
    """`a op b [op2 c]` with × and ÷ before + and −; division is exact."""
    if len(operations) == 2 and operations[1] in "×÷" and operations[0] in "+−":
        return _apply(operands[0], operations[0], _apply(operands[1], operations[1], operands[2]))
    result = operands[0]
    for operation, operand in zip(operations, operands[1:], strict=True):
        result = _apply(result, operation, operand)
    return result


def _compile_fact(spec: Mapping[str, Any]) -> _Fact:
    errors: dict[str, str] = {}
    operands: list[Fraction] = []
    operations: list[str] = []
    has_second = spec.get("operation2") is not None or spec.get("operand3") is not None
    for key in ("operand1", "operand2", *(("operand3",) if has_second else ())):
        try:
            operands.append(_spec_number(spec.get(key)))
        except (ValueError, TemplateError):
            errors[key] = "Give a number for this operand."
    for key in ("operation", *(("operation2",) if has_second else ())):
        symbol = canonical_operation(spec.get(key))
        if symbol is None:
            errors[key] = "Use one of + − × ÷ (or - * /)."
        else:
            operations.append(symbol)
    if errors:
        raise SpecError(errors)
    try:
        answer = fact_answer(operands, operations)
    except ZeroDivisionError:
        raise SpecError(
            "This fact divides by zero.", "operand2" if not has_second else "spec"
        ) from None
    if terminating_decimal_places(answer) is None:
        raise SpecError(
            f"The answer {answer} cannot be typed as a decimal number; choose other operands.",
            "operation",
        )
    pieces = [format_number(operands[0])]
    for operation, operand in zip(operations, operands[1:], strict=True):
        pieces += [operation, format_number(operand)]
    return _Fact(answer, " ".join(pieces))


def _grade_fact(spec: _Fact, response: Any) -> Verdict:
    try:
        value = read_bare_number(_as_text(response))
    except NumberFormatError as exc:
        return _wrong(str(exc), reason=SYNTAX)
    shown = format_number(value)
    if value == spec.answer:
        return _right(shown)
    return _wrong(NOT_QUITE, shown)


# --------------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------------

_VARIABLE_NAME = re.compile(r"[A-Za-z]+|[α-ορσ-ωϕϑ]")  # Greek letters except π and ς
# When an antiderivative is written with its constant and variables are not declared, C is
# taken as the constant rather than as a variable.
_CONVENTIONAL_CONSTANTS = frozenset({"C"})


@dataclass(frozen=True, slots=True)
class _Expression:
    expected: ParsedExpression
    variables: frozenset[str]
    up_to_constant: bool
    forms: tuple[str, ...] = ()
    # With a declared variable of integration: the answer's fixed symbols (not constants).
    parameters: frozenset[str] | None = None


def _symbol_name(name: str) -> str:
    return greek_name(name) if not name.isascii() else name


def _compile_names(raw: Any, field: str, errors: dict[str, str]) -> frozenset[str] | None:
    """A list of variable names (`["x", "theta", "θ"]`), or None with a message in `errors`."""
    if not isinstance(raw, list) or not all(
        isinstance(name, str) and _VARIABLE_NAME.fullmatch(name) for name in raw
    ):
        errors[field] = "Variables must be a list of names made of letters."
        return None
    clashes = [
        name
        for name in raw
        if name.lower() in FUNCTION_NAMES or (name in CONSTANT_NAMES and name != "e")
    ]
    if clashes:
        errors[field] = f"'{clashes[0]}' is a function or constant name."
        return None
    return frozenset(_symbol_name(name) for name in raw)


def _compile_forms(spec: Mapping[str, Any], errors: dict[str, str]) -> tuple[str, ...]:
    raw = spec.get("forms", [])
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        errors["forms"] = f"Forms must be a list of names: {', '.join(FORMS)}."
        return ()
    unknown = [name for name in raw if name not in FORMS]
    if unknown:
        errors["forms"] = f"Unknown form '{unknown[0]}'. Use any of: {', '.join(FORMS)}."
        return ()
    return tuple(dict.fromkeys(raw))


def _compile_expression(spec: Mapping[str, Any]) -> _Expression:
    errors: dict[str, str] = {}
    raw_variables = spec.get("variables")
    declared: frozenset[str] | None = None
    if raw_variables is not None:
        declared = _compile_names(raw_variables, "variables", errors)
    forms = _compile_forms(spec, errors)
    up_to_constant = spec.get("up_to_constant", False)
    if not isinstance(up_to_constant, bool):
        errors["up_to_constant"] = "up_to_constant must be true or false."
    variable = spec.get("variable")
    constants: frozenset[str] = _CONVENTIONAL_CONSTANTS
    if variable is not None:
        if up_to_constant is not True:
            errors["variable"] = (
                "The variable of integration is only used with up_to_constant (antiderivatives)."
            )
        elif not isinstance(variable, str) or not _VARIABLE_NAME.fullmatch(variable):
            errors["variable"] = 'Give the variable of integration as a name, e.g. "x".'
        else:
            variable = _symbol_name(variable)
        if spec.get("constants") is not None:
            constants = _compile_names(spec["constants"], "constants", errors) or frozenset()
            if isinstance(variable, str) and variable in constants:
                errors["constants"] = "The variable of integration cannot be a constant."
    elif spec.get("constants") is not None:
        errors["constants"] = "Constants are only used with a variable of integration."
    answer = spec.get("answer")
    expected: ParsedExpression | None = None
    if not isinstance(answer, str) or not answer.strip():
        errors["answer"] = "Give the expected expression, e.g. 2*x."
    elif "variables" not in errors:
        try:
            expected = parse(answer, declared)
        except MathSyntaxError as exc:
            errors["answer"] = f"{exc.message} (at character {exc.position + 1})."
    if (
        expected is not None
        and isinstance(variable, str)
        and "variable" not in errors
        and variable not in expected.symbols
    ):
        errors["variable"] = f"The answer does not use the variable of integration {variable}."
    if errors or expected is None:
        raise SpecError(errors)
    if isinstance(variable, str):
        # The teacher's constant is whichever listed constant the answer uses (maybe none);
        # every other symbol except the variable is a fixed parameter.
        parameters = expected.symbols - {variable} - constants
        return _Expression(
            expected, frozenset({variable}), True, forms, parameters=frozenset(parameters)
        )
    if declared is not None:
        variables = declared
    elif up_to_constant:
        variables = expected.symbols - _CONVENTIONAL_CONSTANTS
    else:
        variables = expected.symbols
    return _Expression(expected, variables, bool(up_to_constant), forms)


def _names(names: Iterable[str]) -> str:
    ordered = sorted(names)
    return ", ".join(ordered[:-1]) + " and " + ordered[-1] if len(ordered) > 1 else ordered[0]


def _grade_expression(spec: _Expression, response: Any, seed: Seed = None) -> Verdict:
    text = _as_text(response)
    if not text.strip():
        return _wrong("Type an answer.", reason=SYNTAX)
    try:
        given = parse(text, spec.variables | spec.expected.symbols)
    except MathSyntaxError as exc:
        return _wrong(f"{exc.message} (at character {exc.position + 1}).", reason=SYNTAX)
    shown = to_latex(given.node)
    expected = spec.expected
    if spec.up_to_constant:
        outcome = compare_up_to_constant(
            expected.node,
            given.node,
            spec.variables,
            expected.symbols,
            given.symbols,
            parameters=spec.parameters or frozenset(),
            seed=seed,
        )
    else:
        outcome = compare(expected.node, given.node, expected.symbols, given.symbols, seed=seed)
    if outcome is Outcome.EQUIVALENT:
        failure = first_failure(spec.forms, given.node, expected.node)
        if failure is not None:
            name, feedback = failure
            return _wrong(feedback, shown, reason=f"form:{name}")
        return _right(shown)
    if outcome is Outcome.MISSING_CONSTANT:
        return _wrong("Don't forget the constant of integration.", shown, reason=MISSING_CONSTANT)
    if outcome is Outcome.TOO_SLOW:
        return _wrong("Your answer is too complicated to check. Try simplifying it.", shown)
    if outcome is Outcome.UNDETERMINED:
        return _wrong("This answer could not be checked.", shown)
    extra = given.symbols - expected.symbols - spec.variables
    if extra and not spec.up_to_constant:
        verb = "is" if len(extra) == 1 else "are"
        return _wrong(
            f"Your answer uses {_names(extra)}, which {verb} not in this question.", shown
        )
    return _wrong(NOT_QUITE, shown)


def _check_expression_is_gradable(spec: _Expression) -> dict[str, str]:
    """Author check: the expected answer must have values at our sample points.

    With answer forms, the answer itself must be in every form it requires: it is what
    learners are shown once they are done, and a form no answer can take is an author error.
    """
    expected = spec.expected
    outcome = compare(expected.node, expected.node, expected.symbols, expected.symbols)
    if outcome is Outcome.UNDETERMINED:
        return {"answer": "The answer is undefined for every sample value of its variables."}
    if outcome is Outcome.TOO_SLOW:
        return {"answer": "The answer is too complicated to check quickly."}
    if PARTIAL_FRACTIONS in spec.forms and len(expected.symbols & spec.variables) > 1:
        return {"forms": "Partial fractions need an answer in one variable."}
    failure = first_failure(spec.forms, expected.node)
    if failure is not None:
        name, feedback = failure
        if feedback == TOO_COMPLICATED:
            return {"forms": f"The answer is too complicated to check the form {name}."}
        return {"forms": f"The answer itself is not {_FORM_ADJECTIVES[name]}: write it that way."}
    return {}


_FORM_ADJECTIVES = {
    FACTORED: "factored",
    EXPANDED: "expanded",
    LOWEST_TERMS: "in lowest terms",
    SIMPLIFIED: "simplified",
    NO_DECIMALS: "free of decimals",
    PARTIAL_FRACTIONS: "written as partial fractions",
}


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------

_COMPILERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    MULTIPLE_CHOICE: _compile_multiple_choice,
    NUMERIC: _compile_numeric,
    TEXT: _compile_text,
    FACT: _compile_fact,
    EXPRESSION: _compile_expression,
}
_GRADERS: dict[str, Callable[[Any, Any], Verdict]] = {
    MULTIPLE_CHOICE: _grade_multiple_choice,
    NUMERIC: _grade_numeric,
    TEXT: _grade_text,
    FACT: _grade_fact,
    EXPRESSION: _grade_expression,
}


def _as_text(response: Any) -> str:
    if isinstance(response, str):
        return response
    if response is None or isinstance(response, bool):
        return ""
    if isinstance(response, int) and response.bit_length() > 1000:
        return "9" * 1000  # str() refuses huge ints; this reads as "too long" everywhere
    if isinstance(response, int | float | Fraction):
        return str(response)
    return ""


def _without_params(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in spec.items() if key != PARAMS_KEY}


def _compile(kind: str, spec: Any) -> Any:
    if kind not in _COMPILERS:
        raise SpecError(f"Unknown exercise kind '{kind}'.", "kind")
    if not isinstance(spec, Mapping):
        raise SpecError("The answer spec must be an object.")
    return _COMPILERS[kind](spec)


def grade(
    kind: str,
    spec: Mapping[str, Any],
    response: str | int,
    *,
    values: Mapping[str, int] | None = None,
    seed: Seed = None,
) -> Verdict:
    """Grade a learner's `response` to an exercise of `kind` with answer `spec`.

    For a parametrised exercise pass the variant's `values` (from `variant_for`): the spec's
    templates are rendered first. `seed` (e.g. the attempt's id) chooses the sample points of
    expression equivalence: the same seed gives the same verdict, so a regrade reproduces it;
    None is a fixed default. Raises SpecError only for a malformed spec; any response,
    however malformed or hostile, gets a Verdict.
    """
    if isinstance(spec, Mapping) and values:
        spec = render_spec(_without_params(spec), values)
    elif isinstance(spec, Mapping) and spec.get(PARAMS_KEY) is not None:
        raise SpecError("This exercise has parameters: pass the variant's values.", PARAMS_KEY)
    compiled = _compile(kind, spec)
    try:
        if kind == EXPRESSION:
            return _grade_expression(compiled, response, seed)
        return _GRADERS[kind](compiled, response)
    except Exception:  # a learner's answer must never become a server error
        logger.exception("Grading a %s response failed", kind)
        return _wrong("Sorry, this answer could not be checked.")


def _validate_plain(kind: str, spec: Mapping[str, Any]) -> dict[str, str]:
    try:
        compiled = _compile(kind, spec)
    except SpecError as exc:
        errors = exc.errors
    else:
        errors = _check_expression_is_gradable(compiled) if kind == EXPRESSION else {}
    if kind != EXPRESSION and spec.get("forms"):
        errors.setdefault("forms", "Answer forms apply only to expression exercises.")
    return errors


def validate_spec(
    kind: str, spec: Mapping[str, Any], params: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Field -> message for everything wrong with an exercise's spec ({} when it is fine).

    `params` (or the spec's own "params" key) declares parameters; then a handful of variants
    are rendered and each must give a valid spec.
    """
    if kind not in _COMPILERS:
        return {"kind": f"Unknown exercise kind '{kind}'. Use one of: {', '.join(KINDS)}."}
    if not isinstance(spec, Mapping):
        return {"spec": "The answer spec must be an object."}
    if params is None:
        params = spec.get(PARAMS_KEY)
    if params is None:
        return _validate_plain(kind, spec)
    try:
        parse_params(params)
    except SpecError as exc:
        return {PARAMS_KEY: str(exc.errors.get("spec", exc))}
    plain = _without_params(spec)
    for index in range(VALIDATION_VARIANTS):
        try:
            values = variant_for(params, f"validate:{index}")
        except SpecError as exc:
            return {PARAMS_KEY: str(exc.errors.get(PARAMS_KEY, exc))}
        rendered: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for key, value in plain.items():
            try:
                rendered[key] = render_spec(value, values)
            except TemplateError as exc:
                errors[key] = str(exc.errors.get("spec", exc))
        if not errors:
            errors = _validate_plain(kind, rendered)
        if errors:
            shown = ", ".join(f"{name}={value}" for name, value in values.items())
            return {key: f"With {shown}: {message}" for key, message in errors.items()}
    return {}
